-- A hitl store of schema 3, written by that release through its public API
-- (tests/hitl/test_store_migration.py says what is in it).
PRAGMA application_id=1751741548;
PRAGMA user_version=3;
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
INSERT INTO "checkpoints" VALUES(1,'1802ad0c-ceea-427f-9d4b-69ffae32ee90','8a5d0b72-9eac-4400-80d1-6011b87df6f7',NULL,0,'gather','start_process','StartEvent','{"type":"StartEvent","v":1,"data":{}}','ObjectiveEvent','{"type":"ObjectiveEvent","v":1,"data":{"message":"What is your main objective?","objective":""}}','{"state":{"objective":"","resources":"","approach":"","notes":""}}',1.79663720365783143037e+09,NULL);
INSERT INTO "checkpoints" VALUES(2,'d59f4e3b-3bfc-46bb-b2cd-55f6b0556005','8a5d0b72-9eac-4400-80d1-6011b87df6f7','1802ad0c-ceea-427f-9d4b-69ffae32ee90',1,'gather','human','ObjectiveEvent','{"type":"ObjectiveEvent","v":1,"data":{"message":"What is your main objective?","objective":""}}','ObjectiveEvent','{"type":"ObjectiveEvent","v":1,"data":{"message":"What is your main objective?","objective":"A1"}}','{"state":{"objective":"","resources":"","approach":"","notes":""}}',1.79663720365936827655e+09,'ann');
INSERT INTO "checkpoints" VALUES(3,'579a993f-a7ee-4fb5-aa13-eb862ef3fe0e','8a5d0b72-9eac-4400-80d1-6011b87df6f7','d59f4e3b-3bfc-46bb-b2cd-55f6b0556005',2,'gather','gather_objective','ObjectiveEvent','{"type":"ObjectiveEvent","v":1,"data":{"message":"What is your main objective?","objective":"A1"}}','ResourcesEvent','{"type":"ResourcesEvent","v":1,"data":{"message":"What resources do you have available?","resources":""}}','{"state":{"objective":"A1","resources":"","approach":"","notes":""}}',1.79663720366008472441e+09,NULL);
INSERT INTO "checkpoints" VALUES(4,'c383905c-9691-4e2e-97e1-53d95821bf1a','8a5d0b72-9eac-4400-80d1-6011b87df6f7','579a993f-a7ee-4fb5-aa13-eb862ef3fe0e',3,'gather','human','ResourcesEvent','{"type":"ResourcesEvent","v":1,"data":{"message":"What resources do you have available?","resources":""}}','ResourcesEvent','{"type":"ResourcesEvent","v":1,"data":{"message":"What resources do you have available?","resources":"A2"}}','{"state":{"objective":"A1","resources":"","approach":"","notes":""}}',1.79663720366107892987e+09,'ann');
INSERT INTO "checkpoints" VALUES(5,'bb06f59c-82c0-4349-b314-ac7deab60e82','8a5d0b72-9eac-4400-80d1-6011b87df6f7','c383905c-9691-4e2e-97e1-53d95821bf1a',4,'gather','gather_resources','ResourcesEvent','{"type":"ResourcesEvent","v":1,"data":{"message":"What resources do you have available?","resources":"A2"}}','ApproachEvent','{"type":"ApproachEvent","v":1,"data":{"message":"What approach will you take?","approach":""}}','{"state":{"objective":"A1","resources":"A2","approach":"","notes":""}}',1.79663720366166520117e+09,NULL);
INSERT INTO "checkpoints" VALUES(6,'6678bc36-a20e-4258-b204-df6ae9211137','8a5d0b72-9eac-4400-80d1-6011b87df6f7','bb06f59c-82c0-4349-b314-ac7deab60e82',5,'gather','human','ApproachEvent','{"type":"ApproachEvent","v":1,"data":{"message":"What approach will you take?","approach":""}}','ApproachEvent','{"type":"ApproachEvent","v":1,"data":{"message":"What approach will you take?","approach":"A3"}}','{"state":{"objective":"A1","resources":"A2","approach":"","notes":""}}',1.79663720366256165509e+09,'ann');
INSERT INTO "checkpoints" VALUES(7,'6d77182d-c06b-42b5-a1ae-858c8e6113a9','8a5d0b72-9eac-4400-80d1-6011b87df6f7','6678bc36-a20e-4258-b204-df6ae9211137',6,'gather','gather_approach','ApproachEvent','{"type":"ApproachEvent","v":1,"data":{"message":"What approach will you take?","approach":"A3"}}','NotesEvent','{"type":"NotesEvent","v":1,"data":{"message":"Any additional notes?","notes":""}}','{"state":{"objective":"A1","resources":"A2","approach":"A3","notes":""}}',1.79663720366319632536e+09,NULL);
INSERT INTO "checkpoints" VALUES(8,'c644e38e-c58d-4022-abdd-87120fc5d172','b5875708-8ad5-4e10-9fbf-16606e724b71','6678bc36-a20e-4258-b204-df6ae9211137',0,'gather','human','ApproachEvent','{"type":"ApproachEvent","v":1,"data":{"message":"What approach will you take?","approach":"A3"}}','ApproachEvent','{"type":"ApproachEvent","v":1,"data":{"message":"What approach will you take?","approach":"B3"}}','{"state":{"objective":"A1","resources":"A2","approach":"","notes":""}}',1.79663720366428804396e+09,'ann');
INSERT INTO "checkpoints" VALUES(9,'8be1afbc-7244-40a5-a6af-7870d7d3548a','b5875708-8ad5-4e10-9fbf-16606e724b71','c644e38e-c58d-4022-abdd-87120fc5d172',1,'gather','gather_approach','ApproachEvent','{"type":"ApproachEvent","v":1,"data":{"message":"What approach will you take?","approach":"B3"}}','NotesEvent','{"type":"NotesEvent","v":1,"data":{"message":"Any additional notes?","notes":""}}','{"state":{"objective":"A1","resources":"A2","approach":"B3","notes":""}}',1.79663720366518211363e+09,NULL);
INSERT INTO "checkpoints" VALUES(10,'88147cfb-e505-479d-adc1-78dbc04b1eea','b5875708-8ad5-4e10-9fbf-16606e724b71','8be1afbc-7244-40a5-a6af-7870d7d3548a',2,'gather','human','NotesEvent','{"type":"NotesEvent","v":1,"data":{"message":"Any additional notes?","notes":""}}','NotesEvent','{"type":"NotesEvent","v":1,"data":{"message":"Any additional notes?","notes":"B4"}}','{"state":{"objective":"A1","resources":"A2","approach":"B3","notes":""}}',1.79663720366626739497e+09,'ann');
INSERT INTO "checkpoints" VALUES(11,'33ba4358-8987-4c6d-8143-e81d34fa563b','b5875708-8ad5-4e10-9fbf-16606e724b71','88147cfb-e505-479d-adc1-78dbc04b1eea',3,'gather','gather_notes','NotesEvent','{"type":"NotesEvent","v":1,"data":{"message":"Any additional notes?","notes":"B4"}}','StopEvent','{"type":"StopEvent","v":1,"data":{"result":{"objective":"A1","resources":"A2","approach":"B3","notes":"B4"}}}','{"state":{"objective":"A1","resources":"A2","approach":"B3","notes":"B4"}}',1.79663720366694974902e+09,NULL);
INSERT INTO "checkpoints" VALUES(12,'4d712dac-294a-44d8-82e2-987615f1a0e8','0af51377-e70c-452b-ac87-9808aa690fec','d59f4e3b-3bfc-46bb-b2cd-55f6b0556005',0,'gather','human','ObjectiveEvent','{"type":"ObjectiveEvent","v":1,"data":{"message":"What is your main objective?","objective":"A1"}}','ObjectiveEvent','{"type":"ObjectiveEvent","v":1,"data":{"message":"What is your main objective?","objective":"C1"}}','{"state":{"objective":"","resources":"","approach":"","notes":""}}',1.79663720366801428797e+09,'ann');
INSERT INTO "checkpoints" VALUES(13,'e94b53b8-6426-4c6a-8b52-bad9a48b1671','0af51377-e70c-452b-ac87-9808aa690fec','4d712dac-294a-44d8-82e2-987615f1a0e8',1,'gather','gather_objective','ObjectiveEvent','{"type":"ObjectiveEvent","v":1,"data":{"message":"What is your main objective?","objective":"C1"}}','ResourcesEvent','{"type":"ResourcesEvent","v":1,"data":{"message":"What resources do you have available?","resources":""}}','{"state":{"objective":"C1","resources":"","approach":"","notes":""}}',1.79663720366873455049e+09,NULL);
CREATE TABLE gone (change INTEGER PRIMARY KEY, session TEXT NOT NULL);
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
INSERT INTO "runs" VALUES('8a5d0b72-9eac-4400-80d1-6011b87df6f7','gather','8a5d0b72-9eac-4400-80d1-6011b87df6f7',NULL,'{"type":"StartEvent","v":1,"data":{}}','waiting',NULL,'vm:25961',NULL,'6d77182d-c06b-42b5-a1ae-858c8e6113a9',6,1.79663720365576529505e+09,1.79663720366319632536e+09,'ann','A1');
INSERT INTO "runs" VALUES('b5875708-8ad5-4e10-9fbf-16606e724b71','gather','8a5d0b72-9eac-4400-80d1-6011b87df6f7','6678bc36-a20e-4258-b204-df6ae9211137',NULL,'completed',NULL,'vm:25961',NULL,'33ba4358-8987-4c6d-8143-e81d34fa563b',3,1.79663720366428804396e+09,1.79663720366694974902e+09,'ann','A1');
INSERT INTO "runs" VALUES('0af51377-e70c-452b-ac87-9808aa690fec','gather','8a5d0b72-9eac-4400-80d1-6011b87df6f7','d59f4e3b-3bfc-46bb-b2cd-55f6b0556005',NULL,'waiting',NULL,'vm:25961',NULL,'e94b53b8-6426-4c6a-8b52-bad9a48b1671',1,1.79663720366801428797e+09,1.79663720366873455049e+09,'ann','C1');
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
INSERT INTO "sessions" VALUES('8a5d0b72-9eac-4400-80d1-6011b87df6f7','gather','0af51377-e70c-452b-ac87-9808aa690fec','waiting',NULL,'vm:25961',NULL,'C1',3,1.79663720365576529505e+09,1.79663720366873455049e+09,14);
CREATE INDEX runs_by_session ON runs (session);
CREATE INDEX sessions_by_status ON sessions (status, change);
CREATE INDEX sessions_by_flow ON sessions (flow, change, status);
CREATE INDEX checkpoints_by_shape ON checkpoints (flow, step, input_type, output_type);
COMMIT;
