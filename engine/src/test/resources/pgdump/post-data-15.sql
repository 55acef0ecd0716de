--
-- PostgreSQL database dump
--

\restrict cz0OghJWclqZL9R0PHvLbpIJpslIaGeIZVhWtLTFZszLD9enKzZTXYwxRWGkvGA

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
-- Name: semi;colon "q" semi;colon "q"_pkey; Type: CONSTRAINT; Schema: Odd Schema; Owner: -
--

ALTER TABLE ONLY "Odd Schema"."semi;colon ""q"""
    ADD CONSTRAINT "semi;colon ""q""_pkey" PRIMARY KEY (id);


--
-- Name: customers customers_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customers
    ADD CONSTRAINT customers_pkey PRIMARY KEY (id);


--
-- Name: measures measures_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.measures
    ADD CONSTRAINT measures_pkey PRIMARY KEY (id, at);


--
-- Name: measures_2025 measures_2025_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.measures_2025
    ADD CONSTRAINT measures_2025_pkey PRIMARY KEY (id, at);


--
-- Name: orders orders_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.orders
    ADD CONSTRAINT orders_pkey PRIMARY KEY (id);


--
-- Name: measures_v; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX measures_v ON ONLY public.measures USING btree (v);


--
-- Name: measures_2025_v_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX measures_2025_v_idx ON public.measures_2025 USING btree (v);


--
-- Name: orders_customer; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX orders_customer ON public.orders USING btree (customer);


--
-- Name: measures_2025_pkey; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.measures_pkey ATTACH PARTITION public.measures_2025_pkey;


--
-- Name: measures_2025_v_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.measures_v ATTACH PARTITION public.measures_2025_v_idx;


--
-- Name: st; Type: STATISTICS; Schema: public; Owner: -
--

CREATE STATISTICS public.st ON name, m FROM public.customers;


--
-- Name: customer_names r2; Type: RULE; Schema: public; Owner: -
--

CREATE RULE r2 AS
    ON INSERT TO public.customer_names DO INSTEAD ( INSERT INTO public.customers (name)
  VALUES (new.name);
 INSERT INTO public.customers (name)
  VALUES ((new.name || '2'::text));
);


--
-- Name: customers touch_customers; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER touch_customers BEFORE UPDATE ON public.customers FOR EACH ROW EXECUTE FUNCTION public.touch();


--
-- Name: orders orders_customer_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.orders
    ADD CONSTRAINT orders_customer_fkey FOREIGN KEY (customer) REFERENCES public.customers(id);


--
-- Name: customers; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.customers ENABLE ROW LEVEL SECURITY;

--
-- Name: customers own; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY own ON public.customers USING ((name = CURRENT_USER));


--
-- Name: mv; Type: MATERIALIZED VIEW DATA; Schema: public; Owner: -
--

REFRESH MATERIALIZED VIEW public.mv;


--
-- PostgreSQL database dump complete
--

\unrestrict cz0OghJWclqZL9R0PHvLbpIJpslIaGeIZVhWtLTFZszLD9enKzZTXYwxRWGkvGA

