-- A hitl store of schema 3 (pg_dump --inserts), written by that release through its
-- public API (tests/stores/test_postgres_migration.py says what is in it).
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
DECLARE s text; t integer; c bigint; r_title text; r_folded text; r_at double precision;
BEGIN
    SELECT session INTO s FROM hitl_runs WHERE run_id = p_run;
    IF NOT FOUND THEN RETURN -2; END IF;
    PERFORM 1 FROM hitl_sessions WHERE session = s FOR UPDATE;
    UPDATE hitl_runs SET tip = p_id, tip_seq = p_seq, status = p_status, error = NULL,
        owner = p_owner, lease_until = p_lease, updated_at = greatest(updated_at, p_created),
        title = coalesce(p_title, title),
        folded = CASE WHEN p_title IS NULL THEN folded ELSE p_folded END
    WHERE run_id = p_run AND tip_seq = p_seq - 1
    RETURNING title, folded, updated_at INTO r_title, r_folded, r_at;
    IF NOT FOUND THEN
        SELECT tip_seq INTO t FROM hitl_runs WHERE run_id = p_run;
        RETURN coalesce(t, -2);
    END IF;
    INSERT INTO hitl_checkpoints (id, run_id, parent_id, seq, flow, step, input_type, input,
                                  output_type, output, state, created_at, author)
    VALUES (p_id, p_run, p_parent, p_seq, p_flow, p_step, p_input_type, p_input,
            p_output_type, p_output, p_state, p_created, p_author);
    WITH n AS (UPDATE hitl_store SET change = change + 1 RETURNING change)
    UPDATE hitl_sessions SET run_id = p_run, status = p_status, error = NULL, owner = p_owner,
        lease_until = p_lease, title = r_title, folded = r_folded, updated_at = r_at,
        change = n.change
    FROM n WHERE session = s
    RETURNING n.change INTO c;
    PERFORM pg_notify('hitl', c::text);
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


--
-- Name: hitl_delete_unchanged_session(text, integer, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.hitl_delete_unchanged_session(p_run text, p_tip_seq integer, p_status text) RETURNS boolean
    LANGUAGE plpgsql
    AS $$
DECLARE s text;
BEGIN
    SELECT session INTO s FROM hitl_runs WHERE run_id = p_run;
    IF NOT FOUND THEN RETURN false; END IF;
    PERFORM 1 FROM hitl_sessions WHERE session = s FOR UPDATE;
    PERFORM 1 FROM hitl_runs WHERE run_id = p_run AND tip_seq = p_tip_seq AND status = p_status;
    IF NOT FOUND THEN RETURN false; END IF;
    PERFORM 1 FROM hitl_runs WHERE session = s AND run_id <> p_run;
    IF FOUND THEN RETURN false; END IF;
    DELETE FROM hitl_checkpoints WHERE run_id = p_run;
    DELETE FROM hitl_runs WHERE run_id = p_run;
    PERFORM hitl_settle(ARRAY[s]);
    RETURN true;
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
)
WITH (fillfactor='10');


--
-- Data for Name: hitl_checkpoints; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.hitl_checkpoints OVERRIDING SYSTEM VALUE VALUES (1, 'b9d47e89-5a42-4be2-8192-51d9b52b8386', '3630f30e-8909-42e6-bbad-d62c15165edc', NULL, 0, 'gather', 'start_process', 'StartEvent', '{"type":"StartEvent","v":1,"data":{}}', 'ObjectiveEvent', '{"type":"ObjectiveEvent","v":1,"data":{"message":"What is your main objective?","objective":""}}', '{"state":{"objective":"","resources":"","approach":"","notes":""}}', 1796637226.530162, NULL);
INSERT INTO public.hitl_checkpoints OVERRIDING SYSTEM VALUE VALUES (2, '7d03d643-a5c6-4132-9d26-ec08508423b2', '3630f30e-8909-42e6-bbad-d62c15165edc', 'b9d47e89-5a42-4be2-8192-51d9b52b8386', 1, 'gather', 'human', 'ObjectiveEvent', '{"type":"ObjectiveEvent","v":1,"data":{"message":"What is your main objective?","objective":""}}', 'ObjectiveEvent', '{"type":"ObjectiveEvent","v":1,"data":{"message":"What is your main objective?","objective":"A1"}}', '{"state":{"objective":"","resources":"","approach":"","notes":""}}', 1796637226.5337367, 'ann');
INSERT INTO public.hitl_checkpoints OVERRIDING SYSTEM VALUE VALUES (3, '478e322a-201b-4c24-b7a5-d24a94007ecb', '3630f30e-8909-42e6-bbad-d62c15165edc', '7d03d643-a5c6-4132-9d26-ec08508423b2', 2, 'gather', 'gather_objective', 'ObjectiveEvent', '{"type":"ObjectiveEvent","v":1,"data":{"message":"What is your main objective?","objective":"A1"}}', 'ResourcesEvent', '{"type":"ResourcesEvent","v":1,"data":{"message":"What resources do you have available?","resources":""}}', '{"state":{"objective":"A1","resources":"","approach":"","notes":""}}', 1796637226.5364304, NULL);
INSERT INTO public.hitl_checkpoints OVERRIDING SYSTEM VALUE VALUES (4, 'da865d8b-a605-4711-8c30-44c13deed1e0', '3630f30e-8909-42e6-bbad-d62c15165edc', '478e322a-201b-4c24-b7a5-d24a94007ecb', 3, 'gather', 'human', 'ResourcesEvent', '{"type":"ResourcesEvent","v":1,"data":{"message":"What resources do you have available?","resources":""}}', 'ResourcesEvent', '{"type":"ResourcesEvent","v":1,"data":{"message":"What resources do you have available?","resources":"A2"}}', '{"state":{"objective":"A1","resources":"","approach":"","notes":""}}', 1796637226.5386608, 'ann');
INSERT INTO public.hitl_checkpoints OVERRIDING SYSTEM VALUE VALUES (5, 'bdb21c2f-df72-4e09-b858-fc2d681190b2', '3630f30e-8909-42e6-bbad-d62c15165edc', 'da865d8b-a605-4711-8c30-44c13deed1e0', 4, 'gather', 'gather_resources', 'ResourcesEvent', '{"type":"ResourcesEvent","v":1,"data":{"message":"What resources do you have available?","resources":"A2"}}', 'ApproachEvent', '{"type":"ApproachEvent","v":1,"data":{"message":"What approach will you take?","approach":""}}', '{"state":{"objective":"A1","resources":"A2","approach":"","notes":""}}', 1796637226.539684, NULL);
INSERT INTO public.hitl_checkpoints OVERRIDING SYSTEM VALUE VALUES (6, 'fd534bf7-9a65-4c43-b8ef-65b8a1b76ef5', '3630f30e-8909-42e6-bbad-d62c15165edc', 'bdb21c2f-df72-4e09-b858-fc2d681190b2', 5, 'gather', 'human', 'ApproachEvent', '{"type":"ApproachEvent","v":1,"data":{"message":"What approach will you take?","approach":""}}', 'ApproachEvent', '{"type":"ApproachEvent","v":1,"data":{"message":"What approach will you take?","approach":"A3"}}', '{"state":{"objective":"A1","resources":"A2","approach":"","notes":""}}', 1796637226.541603, 'ann');
INSERT INTO public.hitl_checkpoints OVERRIDING SYSTEM VALUE VALUES (7, 'c64cee60-2a60-4e84-8b06-6798f61575a6', '3630f30e-8909-42e6-bbad-d62c15165edc', 'fd534bf7-9a65-4c43-b8ef-65b8a1b76ef5', 6, 'gather', 'gather_approach', 'ApproachEvent', '{"type":"ApproachEvent","v":1,"data":{"message":"What approach will you take?","approach":"A3"}}', 'NotesEvent', '{"type":"NotesEvent","v":1,"data":{"message":"Any additional notes?","notes":""}}', '{"state":{"objective":"A1","resources":"A2","approach":"A3","notes":""}}', 1796637226.5426564, NULL);
INSERT INTO public.hitl_checkpoints OVERRIDING SYSTEM VALUE VALUES (8, '7f0da695-97b4-487d-8b13-5b980d21ba22', '1ca38fec-31f0-4f3e-86b8-702a066e0537', 'fd534bf7-9a65-4c43-b8ef-65b8a1b76ef5', 0, 'gather', 'human', 'ApproachEvent', '{"type":"ApproachEvent","v":1,"data":{"message":"What approach will you take?","approach":"A3"}}', 'ApproachEvent', '{"type":"ApproachEvent","v":1,"data":{"message":"What approach will you take?","approach":"B3"}}', '{"state":{"objective":"A1","resources":"A2","approach":"","notes":""}}', 1796637226.5448391, 'ann');
INSERT INTO public.hitl_checkpoints OVERRIDING SYSTEM VALUE VALUES (9, '988cc723-77e6-4b41-b561-a3e9036f690a', '1ca38fec-31f0-4f3e-86b8-702a066e0537', '7f0da695-97b4-487d-8b13-5b980d21ba22', 1, 'gather', 'gather_approach', 'ApproachEvent', '{"type":"ApproachEvent","v":1,"data":{"message":"What approach will you take?","approach":"B3"}}', 'NotesEvent', '{"type":"NotesEvent","v":1,"data":{"message":"Any additional notes?","notes":""}}', '{"state":{"objective":"A1","resources":"A2","approach":"B3","notes":""}}', 1796637226.5465565, NULL);
INSERT INTO public.hitl_checkpoints OVERRIDING SYSTEM VALUE VALUES (10, '7086ee3f-f577-42ef-8ed0-9b6ac0e249ab', '1ca38fec-31f0-4f3e-86b8-702a066e0537', '988cc723-77e6-4b41-b561-a3e9036f690a', 2, 'gather', 'human', 'NotesEvent', '{"type":"NotesEvent","v":1,"data":{"message":"Any additional notes?","notes":""}}', 'NotesEvent', '{"type":"NotesEvent","v":1,"data":{"message":"Any additional notes?","notes":"B4"}}', '{"state":{"objective":"A1","resources":"A2","approach":"B3","notes":""}}', 1796637226.550852, 'ann');
INSERT INTO public.hitl_checkpoints OVERRIDING SYSTEM VALUE VALUES (11, 'badedaf2-c907-4644-9ce5-10f172077cca', '1ca38fec-31f0-4f3e-86b8-702a066e0537', '7086ee3f-f577-42ef-8ed0-9b6ac0e249ab', 3, 'gather', 'gather_notes', 'NotesEvent', '{"type":"NotesEvent","v":1,"data":{"message":"Any additional notes?","notes":"B4"}}', 'StopEvent', '{"type":"StopEvent","v":1,"data":{"result":{"objective":"A1","resources":"A2","approach":"B3","notes":"B4"}}}', '{"state":{"objective":"A1","resources":"A2","approach":"B3","notes":"B4"}}', 1796637226.5518274, NULL);
INSERT INTO public.hitl_checkpoints OVERRIDING SYSTEM VALUE VALUES (12, '75a60af2-5bc2-4d61-b0da-0d2fb6fd8835', 'da5488be-81c9-4944-896c-a8f7dd381a52', '7d03d643-a5c6-4132-9d26-ec08508423b2', 0, 'gather', 'human', 'ObjectiveEvent', '{"type":"ObjectiveEvent","v":1,"data":{"message":"What is your main objective?","objective":"A1"}}', 'ObjectiveEvent', '{"type":"ObjectiveEvent","v":1,"data":{"message":"What is your main objective?","objective":"C1"}}', '{"state":{"objective":"","resources":"","approach":"","notes":""}}', 1796637226.5574358, 'ann');
INSERT INTO public.hitl_checkpoints OVERRIDING SYSTEM VALUE VALUES (13, '981d3c18-8716-4ebd-acdb-5ca954dc0084', 'da5488be-81c9-4944-896c-a8f7dd381a52', '75a60af2-5bc2-4d61-b0da-0d2fb6fd8835', 1, 'gather', 'gather_objective', 'ObjectiveEvent', '{"type":"ObjectiveEvent","v":1,"data":{"message":"What is your main objective?","objective":"C1"}}', 'ResourcesEvent', '{"type":"ResourcesEvent","v":1,"data":{"message":"What resources do you have available?","resources":""}}', '{"state":{"objective":"C1","resources":"","approach":"","notes":""}}', 1796637226.559594, NULL);


--
-- Data for Name: hitl_deleted; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: hitl_runs; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.hitl_runs OVERRIDING SYSTEM VALUE VALUES (1, '3630f30e-8909-42e6-bbad-d62c15165edc', 'gather', '3630f30e-8909-42e6-bbad-d62c15165edc', NULL, '{"type":"StartEvent","v":1,"data":{}}', 'waiting', NULL, 'vm:26207', NULL, 'c64cee60-2a60-4e84-8b06-6798f61575a6', 6, 1796637226.522223, 1796637226.5426564, 'ann', 'A1', 'a1');
INSERT INTO public.hitl_runs OVERRIDING SYSTEM VALUE VALUES (2, '1ca38fec-31f0-4f3e-86b8-702a066e0537', 'gather', '3630f30e-8909-42e6-bbad-d62c15165edc', 'fd534bf7-9a65-4c43-b8ef-65b8a1b76ef5', NULL, 'completed', NULL, 'vm:26207', NULL, 'badedaf2-c907-4644-9ce5-10f172077cca', 3, 1796637226.5448391, 1796637226.5518274, 'ann', 'A1', 'a1');
INSERT INTO public.hitl_runs OVERRIDING SYSTEM VALUE VALUES (3, 'da5488be-81c9-4944-896c-a8f7dd381a52', 'gather', '3630f30e-8909-42e6-bbad-d62c15165edc', '7d03d643-a5c6-4132-9d26-ec08508423b2', NULL, 'waiting', NULL, 'vm:26207', NULL, '981d3c18-8716-4ebd-acdb-5ca954dc0084', 1, 1796637226.5574358, 1796637226.559594, 'ann', 'C1', 'c1');


--
-- Data for Name: hitl_sessions; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.hitl_sessions VALUES ('3630f30e-8909-42e6-bbad-d62c15165edc', 'gather', 'da5488be-81c9-4944-896c-a8f7dd381a52', 'waiting', NULL, 'vm:26207', NULL, 'C1', 'c1', 3, 1796637226.522223, 1796637226.559594, 14);


--
-- Data for Name: hitl_store; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.hitl_store VALUES (true, 3, 14, 0);


--
-- Name: hitl_checkpoints_n_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.hitl_checkpoints_n_seq', 13, true);


--
-- Name: hitl_runs_n_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.hitl_runs_n_seq', 3, true);


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
-- PostgreSQL database dump complete
--

