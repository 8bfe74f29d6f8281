-- A hitl store of schema 2, written by that release through its public API
-- (tests/hitl/test_store_migration.py says what is in it).
PRAGMA application_id=1751741548;
PRAGMA user_version=2;
BEGIN TRANSACTION;
CREATE TABLE checkpoints (
    n           INTEGER PRIMARY KEY,
    id          TEXT NOT NULL UNIQUE,
    run_id      TEXT NOT NULL,
    parent_id   TEXT,
    seq         INTEGER NOT NULL,
    flow        TEXT NOT NULL,
    step        TEXT NOT NULL,
    input_type  TEXT NOT NULL,
    input       TEXT NOT NULL,
    output_type TEXT NOT NULL,
    output      TEXT NOT NULL,
    state       TEXT NOT NULL,
    created_at  REAL NOT NULL,
    author      TEXT,
    UNIQUE (run_id, seq)
);
INSERT INTO "checkpoints" VALUES(1,'57d8149c-0cc8-4942-95e2-2edf66d710b5','bdcd3e37-ebe9-4642-9e9c-cc967682a934',NULL,0,'gather','start_process','StartEvent','{"type":"StartEvent","v":1,"data":{}}','ObjectiveEvent','{"type":"ObjectiveEvent","v":1,"data":{"message":"What is your main objective?","objective":""}}','{"state":{"objective":"","resources":"","approach":"","notes":""}}',1.79661270644461464884e+09,NULL);
INSERT INTO "checkpoints" VALUES(2,'bc8152b5-6db8-4265-97a2-ce1c9b2b5507','bdcd3e37-ebe9-4642-9e9c-cc967682a934','57d8149c-0cc8-4942-95e2-2edf66d710b5',1,'gather','human','ObjectiveEvent','{"type":"ObjectiveEvent","v":1,"data":{"message":"What is your main objective?","objective":""}}','ObjectiveEvent','{"type":"ObjectiveEvent","v":1,"data":{"message":"What is your main objective?","objective":"Ship v3"}}','{"state":{"objective":"","resources":"","approach":"","notes":""}}',1.79661270644623470311e+09,NULL);
INSERT INTO "checkpoints" VALUES(3,'d8bb8119-5b4e-4ddb-a014-b6f590a1a998','bdcd3e37-ebe9-4642-9e9c-cc967682a934','bc8152b5-6db8-4265-97a2-ce1c9b2b5507',2,'gather','gather_objective','ObjectiveEvent','{"type":"ObjectiveEvent","v":1,"data":{"message":"What is your main objective?","objective":"Ship v3"}}','ResourcesEvent','{"type":"ResourcesEvent","v":1,"data":{"message":"What resources do you have available?","resources":""}}','{"state":{"objective":"Ship v3","resources":"","approach":"","notes":""}}',1.79661270644640398024e+09,NULL);
INSERT INTO "checkpoints" VALUES(4,'81659f6a-1954-403d-b577-1c6657e88bf2','bdcd3e37-ebe9-4642-9e9c-cc967682a934','d8bb8119-5b4e-4ddb-a014-b6f590a1a998',3,'gather','human','ResourcesEvent','{"type":"ResourcesEvent","v":1,"data":{"message":"What resources do you have available?","resources":""}}','ResourcesEvent','{"type":"ResourcesEvent","v":1,"data":{"message":"What resources do you have available?","resources":"Two people"}}','{"state":{"objective":"Ship v3","resources":"","approach":"","notes":""}}',1796612706.44679,NULL);
INSERT INTO "checkpoints" VALUES(5,'d8494bac-29ee-4841-9590-ea890a1b2cd7','bdcd3e37-ebe9-4642-9e9c-cc967682a934','81659f6a-1954-403d-b577-1c6657e88bf2',4,'gather','gather_resources','ResourcesEvent','{"type":"ResourcesEvent","v":1,"data":{"message":"What resources do you have available?","resources":"Two people"}}','ApproachEvent','{"type":"ApproachEvent","v":1,"data":{"message":"What approach will you take?","approach":""}}','{"state":{"objective":"Ship v3","resources":"Two people","approach":"","notes":""}}',1.79661270644691395759e+09,NULL);
INSERT INTO "checkpoints" VALUES(6,'98f0ec9c-a8d3-4373-b200-f326779c3e82','4ea6eae0-b364-4cf5-b1e4-72e3eb596013','81659f6a-1954-403d-b577-1c6657e88bf2',0,'gather','human','ResourcesEvent','{"type":"ResourcesEvent","v":1,"data":{"message":"What resources do you have available?","resources":"Two people"}}','ResourcesEvent','{"type":"ResourcesEvent","v":1,"data":{"message":"What resources do you have available?","resources":"Three people"}}','{"state":{"objective":"Ship v3","resources":"","approach":"","notes":""}}',1.79661270644745421415e+09,NULL);
INSERT INTO "checkpoints" VALUES(7,'5bcee4d8-fe30-4201-8ffb-d14704b60ed4','4ea6eae0-b364-4cf5-b1e4-72e3eb596013','98f0ec9c-a8d3-4373-b200-f326779c3e82',1,'gather','gather_resources','ResourcesEvent','{"type":"ResourcesEvent","v":1,"data":{"message":"What resources do you have available?","resources":"Three people"}}','ApproachEvent','{"type":"ApproachEvent","v":1,"data":{"message":"What approach will you take?","approach":""}}','{"state":{"objective":"Ship v3","resources":"Three people","approach":"","notes":""}}',1.79661270644776964186e+09,NULL);
INSERT INTO "checkpoints" VALUES(8,'f6c8a1fb-5e2c-479f-b5ab-3df11764a5e5','655c5c6d-5d2a-468e-b542-f3d4d2fd3de6',NULL,0,'gather','start_process','StartEvent','{"type":"StartEvent","v":1,"data":{}}','ObjectiveEvent','{"type":"ObjectiveEvent","v":1,"data":{"message":"What is your main objective?","objective":""}}','{"state":{"objective":"","resources":"","approach":"","notes":""}}',1.79661270644833040237e+09,NULL);
INSERT INTO "checkpoints" VALUES(9,'82ba68e4-e5ed-4ea3-b9fd-ddb9468b94c4','655c5c6d-5d2a-468e-b542-f3d4d2fd3de6','f6c8a1fb-5e2c-479f-b5ab-3df11764a5e5',1,'gather','human','ObjectiveEvent','{"type":"ObjectiveEvent","v":1,"data":{"message":"What is your main objective?","objective":""}}','ObjectiveEvent','{"type":"ObjectiveEvent","v":1,"data":{"message":"What is your main objective?","objective":"Write the post-mortem"}}','{"state":{"objective":"","resources":"","approach":"","notes":""}}',1.79661270644872426982e+09,NULL);
INSERT INTO "checkpoints" VALUES(10,'9d3eec80-08a2-4b06-9860-3f38e076edfc','655c5c6d-5d2a-468e-b542-f3d4d2fd3de6','82ba68e4-e5ed-4ea3-b9fd-ddb9468b94c4',2,'gather','gather_objective','ObjectiveEvent','{"type":"ObjectiveEvent","v":1,"data":{"message":"What is your main objective?","objective":"Write the post-mortem"}}','ResourcesEvent','{"type":"ResourcesEvent","v":1,"data":{"message":"What resources do you have available?","resources":""}}','{"state":{"objective":"Write the post-mortem","resources":"","approach":"","notes":""}}',1.7966127064488408566e+09,NULL);
INSERT INTO "checkpoints" VALUES(14,'f63eb37f-d66d-4e31-a078-a9d94429e748','f389c73e-b353-4b7e-a066-dafb7e140836',NULL,0,'gather','start_process','StartEvent','{"type":"StartEvent","v":1,"data":{}}','ObjectiveEvent','{"type":"ObjectiveEvent","v":1,"data":{"message":"What is your main objective?","objective":""}}','{"state":{"objective":"","resources":"","approach":"","notes":""}}',1.79661270645954728123e+09,NULL);
INSERT INTO "checkpoints" VALUES(15,'3aa7fec0-0ae6-457f-970b-07359d7254a5','f389c73e-b353-4b7e-a066-dafb7e140836','f63eb37f-d66d-4e31-a078-a9d94429e748',1,'gather','human','ObjectiveEvent','{"type":"ObjectiveEvent","v":1,"data":{"message":"What is your main objective?","objective":""}}','ObjectiveEvent','{"type":"ObjectiveEvent","v":1,"data":{"message":"What is your main objective?","objective":"Tidy"}}','{"state":{"objective":"","resources":"","approach":"","notes":""}}',1.79661270646138930325e+09,NULL);
INSERT INTO "checkpoints" VALUES(16,'56b9bd39-5ec9-4c13-a07f-4e684a46a848','f389c73e-b353-4b7e-a066-dafb7e140836','3aa7fec0-0ae6-457f-970b-07359d7254a5',2,'gather','gather_objective','ObjectiveEvent','{"type":"ObjectiveEvent","v":1,"data":{"message":"What is your main objective?","objective":"Tidy"}}','ResourcesEvent','{"type":"ResourcesEvent","v":1,"data":{"message":"What resources do you have available?","resources":""}}','{"state":{"objective":"Tidy","resources":"","approach":"","notes":""}}',1.79661270646155881878e+09,NULL);
INSERT INTO "checkpoints" VALUES(17,'9d0a11b7-da62-480d-a09b-f01e233f28d6','f389c73e-b353-4b7e-a066-dafb7e140836','56b9bd39-5ec9-4c13-a07f-4e684a46a848',3,'gather','human','ResourcesEvent','{"type":"ResourcesEvent","v":1,"data":{"message":"What resources do you have available?","resources":""}}','ResourcesEvent','{"type":"ResourcesEvent","v":1,"data":{"message":"What resources do you have available?","resources":"Me"}}','{"state":{"objective":"Tidy","resources":"","approach":"","notes":""}}',1.79661270646252894402e+09,NULL);
INSERT INTO "checkpoints" VALUES(18,'6935cd82-8096-43a0-955a-eac01a4da302','f389c73e-b353-4b7e-a066-dafb7e140836','9d0a11b7-da62-480d-a09b-f01e233f28d6',4,'gather','gather_resources','ResourcesEvent','{"type":"ResourcesEvent","v":1,"data":{"message":"What resources do you have available?","resources":"Me"}}','ApproachEvent','{"type":"ApproachEvent","v":1,"data":{"message":"What approach will you take?","approach":""}}','{"state":{"objective":"Tidy","resources":"Me","approach":"","notes":""}}',1.79661270646267461773e+09,NULL);
INSERT INTO "checkpoints" VALUES(19,'c7223b39-b961-449c-854d-53998e8ca023','f389c73e-b353-4b7e-a066-dafb7e140836','6935cd82-8096-43a0-955a-eac01a4da302',5,'gather','human','ApproachEvent','{"type":"ApproachEvent","v":1,"data":{"message":"What approach will you take?","approach":""}}','ApproachEvent','{"type":"ApproachEvent","v":1,"data":{"message":"What approach will you take?","approach":"One step at a time"}}','{"state":{"objective":"Tidy","resources":"Me","approach":"","notes":""}}',1.79661270646349596974e+09,NULL);
INSERT INTO "checkpoints" VALUES(20,'08bfc47b-467e-4364-ab38-b7528b86f22b','f389c73e-b353-4b7e-a066-dafb7e140836','c7223b39-b961-449c-854d-53998e8ca023',6,'gather','gather_approach','ApproachEvent','{"type":"ApproachEvent","v":1,"data":{"message":"What approach will you take?","approach":"One step at a time"}}','NotesEvent','{"type":"NotesEvent","v":1,"data":{"message":"Any additional notes?","notes":""}}','{"state":{"objective":"Tidy","resources":"Me","approach":"One step at a time","notes":""}}',1.79661270646366214749e+09,NULL);
INSERT INTO "checkpoints" VALUES(21,'398f485f-6841-4c9d-aecd-c00e264fe34f','f389c73e-b353-4b7e-a066-dafb7e140836','08bfc47b-467e-4364-ab38-b7528b86f22b',7,'gather','human','NotesEvent','{"type":"NotesEvent","v":1,"data":{"message":"Any additional notes?","notes":""}}','NotesEvent','{"type":"NotesEvent","v":1,"data":{"message":"Any additional notes?","notes":"None"}}','{"state":{"objective":"Tidy","resources":"Me","approach":"One step at a time","notes":""}}',1.79661270646436119083e+09,NULL);
INSERT INTO "checkpoints" VALUES(22,'c783f728-6811-411f-9680-82753f1b6b96','f389c73e-b353-4b7e-a066-dafb7e140836','398f485f-6841-4c9d-aecd-c00e264fe34f',8,'gather','gather_notes','NotesEvent','{"type":"NotesEvent","v":1,"data":{"message":"Any additional notes?","notes":"None"}}','StopEvent','{"type":"StopEvent","v":1,"data":{"result":{"objective":"Tidy","resources":"Me","approach":"One step at a time","notes":"None"}}}','{"state":{"objective":"Tidy","resources":"Me","approach":"One step at a time","notes":"None"}}',1.79661270646451473242e+09,NULL);
CREATE TABLE gone (change INTEGER PRIMARY KEY, session TEXT NOT NULL);
INSERT INTO "gone" VALUES(27,'7a28b767-a713-4116-badd-0a330c67ec9c');
CREATE TABLE meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;
INSERT INTO "meta" VALUES('forgotten',0);
CREATE TABLE runs (
    run_id        TEXT PRIMARY KEY,
    flow          TEXT NOT NULL,
    session       TEXT NOT NULL,
    branched_from TEXT,
    start         TEXT,
    status        TEXT NOT NULL,
    error         TEXT,
    owner         TEXT,
    lease_until   REAL,
    tip           TEXT,
    tip_seq       INTEGER NOT NULL,
    created_at    REAL NOT NULL,
    updated_at    REAL NOT NULL,
    author        TEXT,
    title         TEXT
);
INSERT INTO "runs" VALUES('bdcd3e37-ebe9-4642-9e9c-cc967682a934','gather','bdcd3e37-ebe9-4642-9e9c-cc967682a934',NULL,'{"type":"StartEvent","v":1,"data":{}}','waiting',NULL,'vm:30385',NULL,'d8494bac-29ee-4841-9590-ea890a1b2cd7',4,1.79661270644376635553e+09,1.79661270644691395759e+09,NULL,'Ship v3');
INSERT INTO "runs" VALUES('4ea6eae0-b364-4cf5-b1e4-72e3eb596013','gather','bdcd3e37-ebe9-4642-9e9c-cc967682a934','81659f6a-1954-403d-b577-1c6657e88bf2',NULL,'waiting',NULL,'vm:30385',NULL,'5bcee4d8-fe30-4201-8ffb-d14704b60ed4',1,1.79661270644745421415e+09,1.79661270644776964186e+09,NULL,'Ship v3');
INSERT INTO "runs" VALUES('655c5c6d-5d2a-468e-b542-f3d4d2fd3de6','gather','655c5c6d-5d2a-468e-b542-f3d4d2fd3de6',NULL,'{"type":"StartEvent","v":1,"data":{}}','waiting',NULL,'vm:30385',NULL,'9d3eec80-08a2-4b06-9860-3f38e076edfc',2,1.79661270644821906088e+09,1.7966127064488408566e+09,NULL,'Write the post-mortem');
INSERT INTO "runs" VALUES('f389c73e-b353-4b7e-a066-dafb7e140836','gather','f389c73e-b353-4b7e-a066-dafb7e140836',NULL,'{"type":"StartEvent","v":1,"data":{}}','completed',NULL,'vm:30385',NULL,'c783f728-6811-411f-9680-82753f1b6b96',8,1.79661270645937561985e+09,1.79661270646451473242e+09,NULL,'Tidy');
CREATE TABLE sessions (
    session     TEXT PRIMARY KEY,
    flow        TEXT NOT NULL,
    run_id      TEXT NOT NULL,
    status      TEXT NOT NULL,
    error       TEXT,
    owner       TEXT,
    lease_until REAL,
    title       TEXT,
    branches    INTEGER NOT NULL,
    created_at  REAL NOT NULL,
    updated_at  REAL NOT NULL,
    change      INTEGER NOT NULL UNIQUE
);
INSERT INTO "sessions" VALUES('bdcd3e37-ebe9-4642-9e9c-cc967682a934','gather','4ea6eae0-b364-4cf5-b1e4-72e3eb596013','waiting',NULL,'vm:30385',NULL,'Ship v3',2,1.79661270644376635553e+09,1.79661270644776964186e+09,8);
INSERT INTO "sessions" VALUES('655c5c6d-5d2a-468e-b542-f3d4d2fd3de6','gather','655c5c6d-5d2a-468e-b542-f3d4d2fd3de6','waiting',NULL,'vm:30385',NULL,'Write the post-mortem',1,1.79661270644821906088e+09,1.7966127064488408566e+09,12);
INSERT INTO "sessions" VALUES('f389c73e-b353-4b7e-a066-dafb7e140836','gather','f389c73e-b353-4b7e-a066-dafb7e140836','completed',NULL,'vm:30385',NULL,'Tidy',1,1.79661270645937561985e+09,1.79661270646451473242e+09,26);
CREATE INDEX runs_by_session ON runs (session);
CREATE INDEX sessions_by_status ON sessions (status, change);
CREATE INDEX sessions_by_flow ON sessions (flow, change);
CREATE INDEX sessions_by_flow_status ON sessions (flow, status, change);
CREATE INDEX checkpoints_by_shape ON checkpoints (flow, step, input_type, output_type);
COMMIT;
