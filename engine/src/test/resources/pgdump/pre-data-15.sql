--
-- PostgreSQL database dump
--

\restrict tuyzLJQracjPUkuX6SXUhvkZj4bvJZVNRnDFK6EYHtJcNdN2HpwbNWUbId528ZF

-- Dumped from database version 15.20 (Debian 15.20-0+deb12u1)
-- Dumped by pg_dump version 15.20 (Debian 15.20-0+deb12u1)

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
-- Name: Odd Schema; Type: SCHEMA; Schema: -; Owner: -
--

CREATE SCHEMA "Odd Schema";


--
-- Name: mood; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.mood AS ENUM (
    'sad',
    'ok'
);


--
-- Name: tricky(); Type: FUNCTION; Schema: Odd Schema; Owner: -
--

CREATE FUNCTION "Odd Schema".tricky() RETURNS text
    LANGUAGE plpgsql
    AS $_$
BEGIN
  -- a dollar quote inside: $$; and a fake header:
  RETURN $$
-- Name: fake; Type: TABLE; Schema: public; Owner: -
$$ || ';';
END;
$_$;


--
-- Name: add(integer, integer); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.add(a integer, b integer) RETURNS integer
    LANGUAGE sql
    BEGIN ATOMIC
 SELECT (a + b);
 SELECT
         CASE
             WHEN (a > 0) THEN 1
             ELSE 2
         END AS "case";
END;


--
-- Name: touch(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.touch() RETURNS trigger
    LANGUAGE plpgsql
    AS $$BEGIN NEW.updated := now(); RETURN NEW; END;$$;


--
-- Name: FUNCTION touch(); Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON FUNCTION public.touch() IS 'it''s
-- Name: fake; Type: TABLE; Schema: public; Owner: -
';


--
-- Name: my seq; Type: SEQUENCE; Schema: Odd Schema; Owner: -
--

CREATE SEQUENCE "Odd Schema"."my seq"
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


SET default_table_access_method = heap;

--
-- Name: semi;colon "q"; Type: TABLE; Schema: Odd Schema; Owner: -
--

CREATE TABLE "Odd Schema"."semi;colon ""q""" (
    id integer NOT NULL,
    "from" text DEFAULT 'a;b'::text
);


--
-- Name: customers; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.customers (
    id integer NOT NULL,
    name text NOT NULL,
    m public.mood,
    updated timestamp with time zone
);


--
-- Name: customer_names; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.customer_names AS
 SELECT customers.name
   FROM public.customers;


--
-- Name: customers_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.customers_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: customers_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.customers_id_seq OWNED BY public.customers.id;


--
-- Name: measures; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.measures (
    id integer NOT NULL,
    at date NOT NULL,
    v double precision
)
PARTITION BY RANGE (at);


--
-- Name: measures_2025; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.measures_2025 (
    id integer NOT NULL,
    at date NOT NULL,
    v double precision
);


--
-- Name: mv; Type: MATERIALIZED VIEW; Schema: public; Owner: -
--

CREATE MATERIALIZED VIEW public.mv AS
 SELECT count(*) AS count
   FROM public.customers
  WITH NO DATA;


--
-- Name: orders; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.orders (
    id bigint NOT NULL,
    customer integer,
    total numeric,
    at date NOT NULL,
    CONSTRAINT orders_total_check CHECK ((total >= (0)::numeric))
);


--
-- Name: orders_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.orders ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.orders_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: measures_2025; Type: TABLE ATTACH; Schema: public; Owner: -
--

ALTER TABLE ONLY public.measures ATTACH PARTITION public.measures_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');


--
-- Name: customers id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customers ALTER COLUMN id SET DEFAULT nextval('public.customers_id_seq'::regclass);


--
-- PostgreSQL database dump complete
--

\unrestrict tuyzLJQracjPUkuX6SXUhvkZj4bvJZVNRnDFK6EYHtJcNdN2HpwbNWUbId528ZF

