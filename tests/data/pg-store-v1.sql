--
-- PostgreSQL database dump
--

-- Dumped from database version 16.2
-- Dumped by pg_dump version 16.2

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: hitl_append(text, text, text, integer, text, text, text, text, text, text, text, double precision, text, text, text, double precision, text, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.hitl_append(p_id text, p_run text, p_parent text, p_seq integer, p_flow text, p_step text, p_input_type text, p_input text, p_output_type text, p_output text, p_state text, p_created double precision, p_author text, p_status text, p_owner text, p_lease double precision, p_title text, p_folded text) RETURNS integer
    LANGUAGE plpgsql
    AS $$
DECLARE s text; t integer;
BEGIN
    SELECT session INTO s FROM hitl_runs WHERE run_id = p_run;
    IF NOT FOUND THEN RETURN -2; END IF;
    PERFORM 1 FROM hitl_sessions WHERE session = s FOR UPDATE;
    UPDATE hitl_runs SET tip = p_id, tip_seq = p_seq, status = p_status, error = NULL,
        owner = p_owner, lease_until = p_lease, updated_at = greatest(updated_at, p_created),
        title = coalesce(p_title, title),
        folded = CASE WHEN p_title IS NULL THEN folded ELSE p_folded END
    WHERE run_id = p_run AND tip_seq = p_seq - 1;
    IF NOT FOUND THEN
        SELECT tip_seq INTO t FROM hitl_runs WHERE run_id = p_run;
        RETURN coalesce(t, -2);
    END IF;
    INSERT INTO hitl_checkpoints (id, run_id, parent_id, seq, flow, step, input_type, input,
                                  output_type, output, state, created_at, author)
    VALUES (p_id, p_run, p_parent, p_seq, p_flow, p_step, p_input_type, p_input,
            p_output_type, p_output, p_state, p_created, p_author);
    PERFORM hitl_touch(s, p_run, true, NULL);
    RETURN NULL;
END $$;


--
-- Name: hitl_create_run(text, text, text, text, text, text, text, text, double precision, double precision, double precision, text, text, text, text, text, text, text, text, text, text, text, double precision, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.hitl_create_run(p_run text, p_flow text, p_session text, p_branched_from text, p_start text, p_status text, p_error text, p_owner text, p_lease double precision, p_created double precision, p_updated double precision, p_author text, p_title text, p_folded text, p_ck_id text, p_ck_parent text, p_ck_step text, p_ck_input_type text, p_ck_input text, p_ck_output_type text, p_ck_output text, p_ck_state text, p_ck_created double precision, p_ck_author text) RETURNS integer
    LANGUAGE plpgsql
    AS $$
DECLARE b integer;
BEGIN
    IF p_branched_from IS NOT NULL THEN
        SELECT branches INTO b FROM hitl_sessions WHERE session = p_session FOR UPDATE;
        IF NOT FOUND THEN RETURN 2; END IF;
        PERFORM 1 FROM hitl_checkpoints c JOIN hitl_runs r ON r.run_id = c.run_id
            WHERE c.id = p_branched_from AND r.session = p_session;
        IF NOT FOUND THEN RETURN 2; END IF;
    END IF;
    INSERT INTO hitl_runs (run_id, flow, session, branched_from, start, status, error, owner,
                           lease_until, created_at, updated_at, author, title, folded)
    VALUES (p_run, p_flow, p_session, p_branched_from, p_start, p_status, p_error, p_owner,
            p_lease, p_created, p_updated, p_author, p_title, p_folded)
    ON CONFLICT (run_id) DO NOTHING;
    IF NOT FOUND THEN RETURN 1; END IF;
    IF p_ck_id IS NOT NULL THEN
        INSERT INTO hitl_checkpoints (id, run_id, parent_id, seq, flow, step, input_type,
                                      input, output_type, output, state, created_at, author)
        VALUES (p_ck_id, p_run, p_ck_parent, 0, p_flow, p_ck_step, p_ck_input_type,
                p_ck_input, p_ck_output_type, p_ck_output, p_ck_state, p_ck_created,
                p_ck_author);
        UPDATE hitl_runs SET tip = p_ck_id, tip_seq = 0,
                             updated_at = greatest(updated_at, p_ck_created)
            WHERE run_id = p_run;
    END IF;
    PERFORM hitl_touch(p_session, p_run, true, CASE WHEN b IS NULL THEN 1 ELSE b + 1 END);
    RETURN 0;
END $$;


--
-- Name: hitl_delete_run(text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.hitl_delete_run(p_run text) RETURNS text[]
    LANGUAGE plpgsql
    AS $$
DECLARE s text; doomed text[]; x record;
BEGIN
    SELECT session INTO s FROM hitl_runs WHERE run_id = p_run;
    IF NOT FOUND THEN RETURN '{}'; END IF;
    PERFORM 1 FROM hitl_sessions WHERE session = s FOR UPDATE;
    PERFORM 1 FROM hitl_runs WHERE run_id = p_run;
    IF NOT FOUND THEN RETURN '{}'; END IF;  -- deleted while we waited
    doomed := ARRAY[p_run];
    FOR x IN SELECT r.run_id, c.run_id AS origin FROM hitl_runs r
             LEFT JOIN hitl_checkpoints c ON c.id = r.branched_from
             WHERE r.session = s ORDER BY r.n
    LOOP  -- in the order created: a branch's origin comes before it
        IF x.run_id <> p_run AND x.origin = ANY(doomed) THEN
            doomed := doomed || x.run_id;
        END IF;
    END LOOP;
    DELETE FROM hitl_checkpoints WHERE run_id = ANY(doomed);
    DELETE FROM hitl_runs WHERE run_id = ANY(doomed);
    PERFORM hitl_settle(ARRAY[s]);
    RETURN doomed;
END $$;


--
-- Name: hitl_delete_runs(text[]); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.hitl_delete_runs(p_runs text[]) RETURNS integer
    LANGUAGE plpgsql
    AS $$
DECLARE ss text[]; gone integer;
BEGIN
    SELECT array_agg(DISTINCT session) INTO ss FROM hitl_runs WHERE run_id = ANY(p_runs);
    IF ss IS NULL THEN RETURN 0; END IF;
    PERFORM 1 FROM hitl_sessions WHERE session = ANY(ss) ORDER BY session FOR UPDATE;
    DELETE FROM hitl_checkpoints WHERE run_id = ANY(p_runs);
    DELETE FROM hitl_runs WHERE run_id = ANY(p_runs);
    GET DIAGNOSTICS gone = ROW_COUNT;
    PERFORM hitl_settle(ss);
    RETURN gone;
END $$;


--
-- Name: hitl_delete_session(text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.hitl_delete_session(p_session text) RETURNS text[]
    LANGUAGE plpgsql
    AS $$
DECLARE doomed text[];
BEGIN
    PERFORM 1 FROM hitl_sessions WHERE session = p_session FOR UPDATE;
    SELECT array_agg(run_id ORDER BY n) INTO doomed FROM hitl_runs WHERE session = p_session;
    IF doomed IS NULL THEN RETURN '{}'; END IF;
    DELETE FROM hitl_checkpoints WHERE run_id = ANY(doomed);
    DELETE FROM hitl_runs WHERE run_id = ANY(doomed);
    PERFORM hitl_settle(ARRAY[p_session]);
    RETURN doomed;
END $$;


SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: hitl_sessions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.hitl_sessions (
    session text NOT NULL COLLATE pg_catalog."C",
    flow text NOT NULL,
    run_id text NOT NULL COLLATE pg_catalog."C",
    status text NOT NULL,
    error text,
    owner text,
    lease_until double precision,
    title text,
    folded text,
    branches integer NOT NULL,
    created_at double precision NOT NULL,
    updated_at double precision NOT NULL,
    change bigint NOT NULL
);


--
-- Name: hitl_prune(double precision, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.hitl_prune(p_before double precision, p_flow text) RETURNS SETOF public.hitl_sessions
    LANGUAGE plpgsql
    AS $$
DECLARE doomed hitl_sessions[]; ss text[];
BEGIN
    SELECT array_agg(x ORDER BY x.change) INTO doomed FROM (
        SELECT * FROM hitl_sessions
        WHERE status = 'completed' AND updated_at < p_before
          AND (p_flow IS NULL OR flow = p_flow)
        ORDER BY session FOR UPDATE
    ) x;
    IF doomed IS NULL THEN RETURN; END IF;
    SELECT array_agg(d.session ORDER BY d.change) INTO ss FROM unnest(doomed) d;
    DELETE FROM hitl_checkpoints WHERE run_id IN
        (SELECT run_id FROM hitl_runs WHERE session = ANY(ss));
    DELETE FROM hitl_runs WHERE session = ANY(ss);
    PERFORM hitl_settle(ss);
    RETURN QUERY SELECT * FROM unnest(doomed) ORDER BY change;
END $$;


--
-- Name: hitl_renew_lease(text, text, double precision); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.hitl_renew_lease(p_run text, p_owner text, p_lease double precision) RETURNS boolean
    LANGUAGE plpgsql
    AS $$
DECLARE s text;
BEGIN
    SELECT session INTO s FROM hitl_runs WHERE run_id = p_run;
    IF NOT FOUND THEN RETURN false; END IF;
    PERFORM 1 FROM hitl_sessions WHERE session = s FOR UPDATE;
    UPDATE hitl_runs SET lease_until = p_lease
        WHERE run_id = p_run AND status = 'running' AND owner = p_owner;
    IF NOT FOUND THEN RETURN false; END IF;
    UPDATE hitl_sessions SET lease_until = p_lease WHERE session = s AND run_id = p_run;
    RETURN true;
END $$;


--
-- Name: hitl_set_status(text, text, text, text, double precision, double precision, integer); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.hitl_set_status(p_run text, p_status text, p_error text, p_owner text, p_at double precision, p_lease double precision, p_tip_seq integer) RETURNS boolean
    LANGUAGE plpgsql
    AS $$
DECLARE s text;
BEGIN
    SELECT session INTO s FROM hitl_runs WHERE run_id = p_run;
    IF NOT FOUND THEN RETURN false; END IF;
    PERFORM 1 FROM hitl_sessions WHERE session = s FOR UPDATE;
    UPDATE hitl_runs SET status = p_status, error = p_error, owner = p_owner,
        lease_until = p_lease, updated_at = greatest(updated_at, p_at)
    WHERE run_id = p_run AND (p_tip_seq IS NULL OR tip_seq = p_tip_seq);
    IF NOT FOUND THEN RETURN false; END IF;
    PERFORM hitl_touch(s, p_run, true, NULL);
    RETURN true;
END $$;


--
-- Name: hitl_set_titles(text[], text[], text[]); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.hitl_set_titles(p_runs text[], p_titles text[], p_folded text[]) RETURNS void
    LANGUAGE plpgsql
    AS $$
DECLARE x record;
BEGIN
    PERFORM 1 FROM hitl_sessions WHERE session IN
        (SELECT session FROM hitl_runs WHERE run_id = ANY(p_runs))
        ORDER BY session FOR UPDATE;
    FOR x IN
        WITH titled AS (
            UPDATE hitl_runs r SET title = t.title, folded = t.folded
            FROM unnest(p_runs, p_titles, p_folded) AS t(run_id, title, folded)
            WHERE r.run_id = t.run_id AND r.title IS NULL
            RETURNING r.run_id, r.session
        )
        SELECT t.run_id, t.session FROM titled t
            JOIN hitl_sessions s ON s.session = t.session AND s.run_id = t.run_id
            ORDER BY t.session
    LOOP
        PERFORM hitl_touch(x.session, x.run_id, false, NULL);
    END LOOP;
END $$;


--
-- Name: hitl_settle(text[]); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.hitl_settle(p_sessions text[]) RETURNS void
    LANGUAGE plpgsql
    AS $$
DECLARE s text; latest text; left_ integer; c bigint; gone boolean := false;
BEGIN
    FOR s IN SELECT unnest(p_sessions) ORDER BY 1 LOOP
        SELECT run_id INTO latest FROM hitl_runs WHERE session = s
            ORDER BY updated_at DESC, created_at DESC, n DESC LIMIT 1;
        IF FOUND THEN
            SELECT count(*) INTO left_ FROM hitl_runs WHERE session = s;
            PERFORM hitl_touch(s, latest, true, left_);
        ELSE
            DELETE FROM hitl_sessions WHERE session = s;
            IF FOUND THEN
                UPDATE hitl_store SET change = change + 1 RETURNING change INTO c;
                INSERT INTO hitl_deleted (change, session) VALUES (c, s);
                PERFORM pg_notify('hitl', c::text);
                gone := true;
            END IF;
        END IF;
    END LOOP;
    IF gone THEN
        SELECT change INTO c FROM hitl_deleted ORDER BY change DESC
            OFFSET 10000 LIMIT 1;
        IF FOUND THEN
            DELETE FROM hitl_deleted WHERE change <= c;
            UPDATE hitl_store SET forgotten = c;
        END IF;
    END IF;
END $$;


--
-- Name: hitl_touch(text, text, boolean, integer); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.hitl_touch(p_session text, p_run text, p_latest boolean, p_branches integer) RETURNS void
    LANGUAGE plpgsql
    AS $$
DECLARE c bigint;
BEGIN
    UPDATE hitl_store SET change = change + 1 RETURNING change INTO c;
    INSERT INTO hitl_sessions AS x (session, flow, run_id, status, error, owner, lease_until,
                                    title, folded, branches, created_at, updated_at, change)
    SELECT p_session, r.flow, r.run_id, r.status, r.error, r.owner, r.lease_until, r.title,
           r.folded, coalesce(p_branches, 1), r.created_at, r.updated_at, c
    FROM hitl_runs r WHERE r.run_id = p_run
    ON CONFLICT (session) DO UPDATE SET
        run_id = excluded.run_id, status = excluded.status, error = excluded.error,
        owner = excluded.owner, lease_until = excluded.lease_until, title = excluded.title,
        folded = excluded.folded, branches = coalesce(p_branches, x.branches),
        updated_at = CASE WHEN p_latest THEN excluded.updated_at ELSE x.updated_at END,
        change = c;
    PERFORM pg_notify('hitl', c::text);
END $$;


--
-- Name: hitl_checkpoints; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.hitl_checkpoints (
    n bigint NOT NULL,
    id text NOT NULL COLLATE pg_catalog."C",
    run_id text NOT NULL COLLATE pg_catalog."C",
    parent_id text COLLATE pg_catalog."C",
    seq integer NOT NULL,
    flow text NOT NULL,
    step text NOT NULL,
    input_type text NOT NULL,
    input text NOT NULL,
    output_type text NOT NULL,
    output text NOT NULL,
    state text NOT NULL,
    created_at double precision NOT NULL,
    author text
);


--
-- Name: hitl_checkpoints_n_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.hitl_checkpoints ALTER COLUMN n ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.hitl_checkpoints_n_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: hitl_deleted; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.hitl_deleted (
    change bigint NOT NULL,
    session text NOT NULL COLLATE pg_catalog."C"
);


--
-- Name: hitl_runs; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.hitl_runs (
    n bigint NOT NULL,
    run_id text NOT NULL COLLATE pg_catalog."C",
    flow text NOT NULL,
    session text NOT NULL COLLATE pg_catalog."C",
    branched_from text COLLATE pg_catalog."C",
    start text,
    status text NOT NULL,
    error text,
    owner text,
    lease_until double precision,
    tip text COLLATE pg_catalog."C",
    tip_seq integer DEFAULT '-1'::integer NOT NULL,
    created_at double precision NOT NULL,
    updated_at double precision NOT NULL,
    author text,
    title text,
    folded text
);


--
-- Name: hitl_runs_n_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.hitl_runs ALTER COLUMN n ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.hitl_runs_n_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: hitl_store; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.hitl_store (
    one boolean DEFAULT true NOT NULL,
    version integer NOT NULL,
    change bigint DEFAULT 0 NOT NULL,
    forgotten bigint DEFAULT 0 NOT NULL,
    CONSTRAINT hitl_store_one_check CHECK (one)
);


--
-- Data for Name: hitl_checkpoints; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.hitl_checkpoints OVERRIDING SYSTEM VALUE VALUES (1, '72f7f75d-f13d-4a62-82a3-2d8accdea360', '7e1ac3c9-6b7b-4b66-951d-0e1633919be1', NULL, 0, 'gather', 'start_process', 'StartEvent', '{"type":"StartEvent","v":1,"data":{}}', 'ObjectiveEvent', '{"type":"ObjectiveEvent","v":1,"data":{"message":"What is your main objective?","objective":""}}', '{"state":{"objective":"","resources":"","approach":"","notes":""}}', 1796609975.612684, NULL);
INSERT INTO public.hitl_checkpoints OVERRIDING SYSTEM VALUE VALUES (2, '264062af-5142-4e7f-b475-9b8dd493bb53', '7e1ac3c9-6b7b-4b66-951d-0e1633919be1', '72f7f75d-f13d-4a62-82a3-2d8accdea360', 1, 'gather', 'human', 'ObjectiveEvent', '{"type":"ObjectiveEvent","v":1,"data":{"message":"What is your main objective?","objective":""}}', 'ObjectiveEvent', '{"type":"ObjectiveEvent","v":1,"data":{"message":"What is your main objective?","objective":"Ship v3"}}', '{"state":{"objective":"","resources":"","approach":"","notes":""}}', 1796609975.6139886, NULL);
INSERT INTO public.hitl_checkpoints OVERRIDING SYSTEM VALUE VALUES (3, '1cc77033-b869-4ddc-a7b2-933994deff55', '7e1ac3c9-6b7b-4b66-951d-0e1633919be1', '264062af-5142-4e7f-b475-9b8dd493bb53', 2, 'gather', 'gather_objective', 'ObjectiveEvent', '{"type":"ObjectiveEvent","v":1,"data":{"message":"What is your main objective?","objective":"Ship v3"}}', 'ResourcesEvent', '{"type":"ResourcesEvent","v":1,"data":{"message":"What resources do you have available?","resources":""}}', '{"state":{"objective":"Ship v3","resources":"","approach":"","notes":""}}', 1796609975.6145618, NULL);
INSERT INTO public.hitl_checkpoints OVERRIDING SYSTEM VALUE VALUES (4, '0ccd87b8-0221-49b2-8833-c9ebe880ea4c', '7e1ac3c9-6b7b-4b66-951d-0e1633919be1', '1cc77033-b869-4ddc-a7b2-933994deff55', 3, 'gather', 'human', 'ResourcesEvent', '{"type":"ResourcesEvent","v":1,"data":{"message":"What resources do you have available?","resources":""}}', 'ResourcesEvent', '{"type":"ResourcesEvent","v":1,"data":{"message":"What resources do you have available?","resources":"two people"}}', '{"state":{"objective":"Ship v3","resources":"","approach":"","notes":""}}', 1796609975.614982, NULL);
INSERT INTO public.hitl_checkpoints OVERRIDING SYSTEM VALUE VALUES (5, 'b565ff44-4f2d-4fe0-b66b-d552409ba671', '7e1ac3c9-6b7b-4b66-951d-0e1633919be1', '0ccd87b8-0221-49b2-8833-c9ebe880ea4c', 4, 'gather', 'gather_resources', 'ResourcesEvent', '{"type":"ResourcesEvent","v":1,"data":{"message":"What resources do you have available?","resources":"two people"}}', 'ApproachEvent', '{"type":"ApproachEvent","v":1,"data":{"message":"What approach will you take?","approach":""}}', '{"state":{"objective":"Ship v3","resources":"two people","approach":"","notes":""}}', 1796609975.6154625, NULL);
INSERT INTO public.hitl_checkpoints OVERRIDING SYSTEM VALUE VALUES (6, 'a69c1496-2be1-4c9f-b480-1398b1d1ac1b', '1cb50c0c-8519-43e4-9b3b-aaba4694105e', '0ccd87b8-0221-49b2-8833-c9ebe880ea4c', 0, 'gather', 'human', 'ResourcesEvent', '{"type":"ResourcesEvent","v":1,"data":{"message":"What resources do you have available?","resources":"two people"}}', 'ResourcesEvent', '{"type":"ResourcesEvent","v":1,"data":{"message":"What resources do you have available?","resources":"three people"}}', '{"state":{"objective":"Ship v3","resources":"","approach":"","notes":""}}', 1796609975.616592, NULL);
INSERT INTO public.hitl_checkpoints OVERRIDING SYSTEM VALUE VALUES (7, 'f97101e0-41b0-4238-b383-a302e5ba293f', '1cb50c0c-8519-43e4-9b3b-aaba4694105e', 'a69c1496-2be1-4c9f-b480-1398b1d1ac1b', 1, 'gather', 'gather_resources', 'ResourcesEvent', '{"type":"ResourcesEvent","v":1,"data":{"message":"What resources do you have available?","resources":"three people"}}', 'ApproachEvent', '{"type":"ApproachEvent","v":1,"data":{"message":"What approach will you take?","approach":""}}', '{"state":{"objective":"Ship v3","resources":"three people","approach":"","notes":""}}', 1796609975.6176033, NULL);
INSERT INTO public.hitl_checkpoints OVERRIDING SYSTEM VALUE VALUES (8, '4d0d5d15-c96c-44a8-819e-ff780e393066', 'c31e0f96-4e96-4e3b-8257-703774a68751', NULL, 0, 'gather', 'start_process', 'StartEvent', '{"type":"StartEvent","v":1,"data":{}}', 'ObjectiveEvent', '{"type":"ObjectiveEvent","v":1,"data":{"message":"What is your main objective?","objective":""}}', '{"state":{"objective":"","resources":"","approach":"","notes":""}}', 1796609975.618195, NULL);
INSERT INTO public.hitl_checkpoints OVERRIDING SYSTEM VALUE VALUES (9, '068654ae-1b5d-4b2c-b469-aeb56f8acfe7', 'c31e0f96-4e96-4e3b-8257-703774a68751', '4d0d5d15-c96c-44a8-819e-ff780e393066', 1, 'gather', 'human', 'ObjectiveEvent', '{"type":"ObjectiveEvent","v":1,"data":{"message":"What is your main objective?","objective":""}}', 'ObjectiveEvent', '{"type":"ObjectiveEvent","v":1,"data":{"message":"What is your main objective?","objective":"Write the post-mortem"}}', '{"state":{"objective":"","resources":"","approach":"","notes":""}}', 1796609975.618432, NULL);
INSERT INTO public.hitl_checkpoints OVERRIDING SYSTEM VALUE VALUES (10, '60d9487a-961a-4122-8541-44477e2c3764', 'c31e0f96-4e96-4e3b-8257-703774a68751', '068654ae-1b5d-4b2c-b469-aeb56f8acfe7', 2, 'gather', 'gather_objective', 'ObjectiveEvent', '{"type":"ObjectiveEvent","v":1,"data":{"message":"What is your main objective?","objective":"Write the post-mortem"}}', 'ResourcesEvent', '{"type":"ResourcesEvent","v":1,"data":{"message":"What resources do you have available?","resources":""}}', '{"state":{"objective":"Write the post-mortem","resources":"","approach":"","notes":""}}', 1796609975.618654, NULL);
INSERT INTO public.hitl_checkpoints OVERRIDING SYSTEM VALUE VALUES (12, '8d5666e9-cd95-43ce-bf7c-d135dc5cf99f', '9f46c687-e63f-42bc-8592-7f80fd548553', NULL, 0, 'gather', 'start_process', 'StartEvent', '{"type":"StartEvent","v":1,"data":{}}', 'ObjectiveEvent', '{"type":"ObjectiveEvent","v":1,"data":{"message":"What is your main objective?","objective":""}}', '{"state":{"objective":"","resources":"","approach":"","notes":""}}', 1796609975.620952, NULL);
INSERT INTO public.hitl_checkpoints OVERRIDING SYSTEM VALUE VALUES (13, '1def78fb-afb2-4018-b5c2-f0752fd580a3', '9f46c687-e63f-42bc-8592-7f80fd548553', '8d5666e9-cd95-43ce-bf7c-d135dc5cf99f', 1, 'gather', 'human', 'ObjectiveEvent', '{"type":"ObjectiveEvent","v":1,"data":{"message":"What is your main objective?","objective":""}}', 'ObjectiveEvent', '{"type":"ObjectiveEvent","v":1,"data":{"message":"What is your main objective?","objective":"Tidy"}}', '{"state":{"objective":"","resources":"","approach":"","notes":""}}', 1796609975.6214538, NULL);
INSERT INTO public.hitl_checkpoints OVERRIDING SYSTEM VALUE VALUES (14, 'b7337482-43c2-40c3-a9de-f480159944c1', '9f46c687-e63f-42bc-8592-7f80fd548553', '1def78fb-afb2-4018-b5c2-f0752fd580a3', 2, 'gather', 'gather_objective', 'ObjectiveEvent', '{"type":"ObjectiveEvent","v":1,"data":{"message":"What is your main objective?","objective":"Tidy"}}', 'ResourcesEvent', '{"type":"ResourcesEvent","v":1,"data":{"message":"What resources do you have available?","resources":""}}', '{"state":{"objective":"Tidy","resources":"","approach":"","notes":""}}', 1796609975.6217113, NULL);
INSERT INTO public.hitl_checkpoints OVERRIDING SYSTEM VALUE VALUES (15, 'a08bbb8c-4e09-45ec-abf6-2c76aab27167', '9f46c687-e63f-42bc-8592-7f80fd548553', 'b7337482-43c2-40c3-a9de-f480159944c1', 3, 'gather', 'human', 'ResourcesEvent', '{"type":"ResourcesEvent","v":1,"data":{"message":"What resources do you have available?","resources":""}}', 'ResourcesEvent', '{"type":"ResourcesEvent","v":1,"data":{"message":"What resources do you have available?","resources":"me"}}', '{"state":{"objective":"Tidy","resources":"","approach":"","notes":""}}', 1796609975.621924, NULL);
INSERT INTO public.hitl_checkpoints OVERRIDING SYSTEM VALUE VALUES (16, '5d78dd45-cb9f-4b49-af51-c9d2fd6091e8', '9f46c687-e63f-42bc-8592-7f80fd548553', 'a08bbb8c-4e09-45ec-abf6-2c76aab27167', 4, 'gather', 'gather_resources', 'ResourcesEvent', '{"type":"ResourcesEvent","v":1,"data":{"message":"What resources do you have available?","resources":"me"}}', 'ApproachEvent', '{"type":"ApproachEvent","v":1,"data":{"message":"What approach will you take?","approach":""}}', '{"state":{"objective":"Tidy","resources":"me","approach":"","notes":""}}', 1796609975.6221154, NULL);
INSERT INTO public.hitl_checkpoints OVERRIDING SYSTEM VALUE VALUES (17, 'd16ad36c-33a6-4f61-b57d-eeb6a7e1ec64', '9f46c687-e63f-42bc-8592-7f80fd548553', '5d78dd45-cb9f-4b49-af51-c9d2fd6091e8', 5, 'gather', 'human', 'ApproachEvent', '{"type":"ApproachEvent","v":1,"data":{"message":"What approach will you take?","approach":""}}', 'ApproachEvent', '{"type":"ApproachEvent","v":1,"data":{"message":"What approach will you take?","approach":"slowly"}}', '{"state":{"objective":"Tidy","resources":"me","approach":"","notes":""}}', 1796609975.6223044, NULL);
INSERT INTO public.hitl_checkpoints OVERRIDING SYSTEM VALUE VALUES (18, '53e78941-08dd-4da0-b8ba-3a71e35ccad8', '9f46c687-e63f-42bc-8592-7f80fd548553', 'd16ad36c-33a6-4f61-b57d-eeb6a7e1ec64', 6, 'gather', 'gather_approach', 'ApproachEvent', '{"type":"ApproachEvent","v":1,"data":{"message":"What approach will you take?","approach":"slowly"}}', 'NotesEvent', '{"type":"NotesEvent","v":1,"data":{"message":"Any additional notes?","notes":""}}', '{"state":{"objective":"Tidy","resources":"me","approach":"slowly","notes":""}}', 1796609975.6225615, NULL);
INSERT INTO public.hitl_checkpoints OVERRIDING SYSTEM VALUE VALUES (19, '3f850a9b-e230-4597-9a8b-2cfd7b7a3e3d', '9f46c687-e63f-42bc-8592-7f80fd548553', '53e78941-08dd-4da0-b8ba-3a71e35ccad8', 7, 'gather', 'human', 'NotesEvent', '{"type":"NotesEvent","v":1,"data":{"message":"Any additional notes?","notes":""}}', 'NotesEvent', '{"type":"NotesEvent","v":1,"data":{"message":"Any additional notes?","notes":"-"}}', '{"state":{"objective":"Tidy","resources":"me","approach":"slowly","notes":""}}', 1796609975.6232336, NULL);
INSERT INTO public.hitl_checkpoints OVERRIDING SYSTEM VALUE VALUES (20, '4610d802-ccff-4d75-97c8-41033f3650ab', '9f46c687-e63f-42bc-8592-7f80fd548553', '3f850a9b-e230-4597-9a8b-2cfd7b7a3e3d', 8, 'gather', 'gather_notes', 'NotesEvent', '{"type":"NotesEvent","v":1,"data":{"message":"Any additional notes?","notes":"-"}}', 'StopEvent', '{"type":"StopEvent","v":1,"data":{"result":{"objective":"Tidy","resources":"me","approach":"slowly","notes":"-"}}}', '{"state":{"objective":"Tidy","resources":"me","approach":"slowly","notes":"-"}}', 1796609975.6235583, NULL);


--
-- Data for Name: hitl_deleted; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.hitl_deleted VALUES (15, '95749078-7156-48d5-bfeb-7e1c597f8ecd');


--
-- Data for Name: hitl_runs; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.hitl_runs OVERRIDING SYSTEM VALUE VALUES (1, '7e1ac3c9-6b7b-4b66-951d-0e1633919be1', 'gather', '7e1ac3c9-6b7b-4b66-951d-0e1633919be1', NULL, '{"type":"StartEvent","v":1,"data":{}}', 'waiting', NULL, 'vm:21933', NULL, 'b565ff44-4f2d-4fe0-b66b-d552409ba671', 4, 1796609975.609453, 1796609975.6154625, NULL, 'Ship v3', 'ship v3');
INSERT INTO public.hitl_runs OVERRIDING SYSTEM VALUE VALUES (2, '1cb50c0c-8519-43e4-9b3b-aaba4694105e', 'gather', '7e1ac3c9-6b7b-4b66-951d-0e1633919be1', '0ccd87b8-0221-49b2-8833-c9ebe880ea4c', NULL, 'waiting', NULL, 'vm:21933', NULL, 'f97101e0-41b0-4238-b383-a302e5ba293f', 1, 1796609975.616592, 1796609975.6176033, NULL, 'Ship v3', 'ship v3');
INSERT INTO public.hitl_runs OVERRIDING SYSTEM VALUE VALUES (3, 'c31e0f96-4e96-4e3b-8257-703774a68751', 'gather', 'c31e0f96-4e96-4e3b-8257-703774a68751', NULL, '{"type":"StartEvent","v":1,"data":{}}', 'waiting', NULL, 'vm:21933', NULL, '60d9487a-961a-4122-8541-44477e2c3764', 2, 1796609975.6179373, 1796609975.618654, NULL, 'Write the post-mortem', 'write the post-mortem');
INSERT INTO public.hitl_runs OVERRIDING SYSTEM VALUE VALUES (5, '9f46c687-e63f-42bc-8592-7f80fd548553', 'gather', '9f46c687-e63f-42bc-8592-7f80fd548553', NULL, '{"type":"StartEvent","v":1,"data":{}}', 'completed', NULL, 'vm:21933', NULL, '4610d802-ccff-4d75-97c8-41033f3650ab', 8, 1796609975.620649, 1796609975.6235583, NULL, 'Tidy', 'tidy');


--
-- Data for Name: hitl_sessions; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.hitl_sessions VALUES ('7e1ac3c9-6b7b-4b66-951d-0e1633919be1', 'gather', '1cb50c0c-8519-43e4-9b3b-aaba4694105e', 'waiting', NULL, 'vm:21933', NULL, 'Ship v3', 'ship v3', 2, 1796609975.609453, 1796609975.6176033, 8);
INSERT INTO public.hitl_sessions VALUES ('c31e0f96-4e96-4e3b-8257-703774a68751', 'gather', 'c31e0f96-4e96-4e3b-8257-703774a68751', 'waiting', NULL, 'vm:21933', NULL, 'Write the post-mortem', 'write the post-mortem', 1, 1796609975.6179373, 1796609975.618654, 12);
INSERT INTO public.hitl_sessions VALUES ('9f46c687-e63f-42bc-8592-7f80fd548553', 'gather', '9f46c687-e63f-42bc-8592-7f80fd548553', 'completed', NULL, 'vm:21933', NULL, 'Tidy', 'tidy', 1, 1796609975.620649, 1796609975.6235583, 25);


--
-- Data for Name: hitl_store; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.hitl_store VALUES (true, 1, 25, 0);


--
-- Name: hitl_checkpoints_n_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.hitl_checkpoints_n_seq', 20, true);


--
-- Name: hitl_runs_n_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.hitl_runs_n_seq', 5, true);


--
-- Name: hitl_checkpoints hitl_checkpoints_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.hitl_checkpoints
    ADD CONSTRAINT hitl_checkpoints_pkey PRIMARY KEY (id);


--
-- Name: hitl_checkpoints hitl_checkpoints_run_id_seq_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.hitl_checkpoints
    ADD CONSTRAINT hitl_checkpoints_run_id_seq_key UNIQUE (run_id, seq);


--
-- Name: hitl_deleted hitl_deleted_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.hitl_deleted
    ADD CONSTRAINT hitl_deleted_pkey PRIMARY KEY (change);


--
-- Name: hitl_runs hitl_runs_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.hitl_runs
    ADD CONSTRAINT hitl_runs_pkey PRIMARY KEY (run_id);


--
-- Name: hitl_sessions hitl_sessions_change_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.hitl_sessions
    ADD CONSTRAINT hitl_sessions_change_key UNIQUE (change);


--
-- Name: hitl_sessions hitl_sessions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.hitl_sessions
    ADD CONSTRAINT hitl_sessions_pkey PRIMARY KEY (session);


--
-- Name: hitl_store hitl_store_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.hitl_store
    ADD CONSTRAINT hitl_store_pkey PRIMARY KEY (one);


--
-- Name: hitl_checkpoints_by_shape; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX hitl_checkpoints_by_shape ON public.hitl_checkpoints USING btree (flow, step, input_type, output_type, n);


--
-- Name: hitl_runs_by_session; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX hitl_runs_by_session ON public.hitl_runs USING btree (session, n);


--
-- Name: hitl_sessions_by_flow; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX hitl_sessions_by_flow ON public.hitl_sessions USING btree (flow, change);


--
-- Name: hitl_sessions_by_flow_status; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX hitl_sessions_by_flow_status ON public.hitl_sessions USING btree (flow, status, change) INCLUDE (lease_until);


--
-- Name: hitl_sessions_by_status; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX hitl_sessions_by_status ON public.hitl_sessions USING btree (status, change) INCLUDE (lease_until);


--
-- PostgreSQL database dump complete
--

