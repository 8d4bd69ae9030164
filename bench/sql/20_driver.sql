-- The measurement driver.
--
-- For every variant and operation, a generated PL/pgSQL function runs the write as static SQL
-- (so its plan is cached, as a prepared statement in an application would be) and returns the
-- elapsed clock_timestamp() time of the statement. pg_tviews and the hand-written triggers do
-- their work inside the statement (pg_tviews at its end, in ExecutorFinish), so the time
-- includes read-model maintenance; for (d) the function also runs REFRESH MATERIALIZED VIEW
-- CONCURRENTLY. The procedure bench.measure() times COMMIT separately, reads WAL positions and
-- the transaction's tuple counters, and commits after every operation, so every operation is
-- its own transaction.
--
-- Reps are interleaved: rep i runs a, b, c, c2 in turn on the same target rows, so drift
-- (checkpoints, autovacuum, cache state) hits every variant alike; d follows on the same
-- targets (see bench.measure). Rep 0 is a warm-up.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;

-- The operations. %1$I is the variant's schema; p_target and p_i are the function's arguments.
CREATE TABLE bench.operation (
    op        text PRIMARY KEY,
    ord       integer NOT NULL,
    label     text NOT NULL,
    statement text NOT NULL,
    prelude   text,                      -- run and committed, untimed, before each rep
    variants  text[] NOT NULL DEFAULT '{a,b,c,c2,d}'
);
INSERT INTO bench.operation VALUES
    ('price', 1, 'single product price update',
     $s$UPDATE %1$I.tb_product SET price = price + 0.01 WHERE pk_product = p_target$s$),
    ('rename', 2, 'category rename (fan-out)',
     $s$UPDATE %1$I.tb_category SET name = 'Category ' || pk_category || ' v' || p_i WHERE pk_category = p_target$s$),
    ('review', 3, 'review insert',
     $s$INSERT INTO %1$I.tb_review (pk_review, id, fk_product, rating, body, created_at)
        VALUES (10000000 + p_i, md5('bench review ' || p_i)::uuid, p_target, 1 + mod(p_i, 5),
                'benchmark review ' || p_i, timestamptz '2030-01-01 00:00+00' + p_i * interval '1 second')$s$),
    ('bulk', 4, '1,000-row bulk price update',
     $s$UPDATE %1$I.tb_product SET price = price + 0.01 WHERE pk_product BETWEEN p_target AND p_target + 999$s$);
-- A side measurement, not one of the four operations: the single price update again, each rep
-- preceded (untimed, in its own transaction) by CREATE/DROP of an unrelated temporary table.
INSERT INTO bench.operation VALUES
    ('price_ddl', 5, 'price update after an unrelated DROP TABLE',
     $s$UPDATE %1$I.tb_product SET price = price + 0.01 WHERE pk_product = p_target$s$,
     'CREATE TEMP TABLE bench_unrelated (x integer); DROP TABLE bench_unrelated', '{a,b,c,c2}');

CREATE TABLE bench.variant (
    variant text PRIMARY KEY,
    ord     integer NOT NULL,
    label   text NOT NULL
);
INSERT INTO bench.variant VALUES
    ('a',  1, 'bare write'),
    ('b',  2, 'pg_tviews'),
    ('c',  3, 'trigger, recompute'),
    ('c2', 4, 'trigger, patch'),
    ('d',  5, 'matview + REFRESH CONCURRENTLY');

-- The target of rep i: spread over the key space so that consecutive reps touch different rows
-- and pages (7919 and 7 are prime to the product and category counts used here).
CREATE FUNCTION bench.target(p_op text, p_i integer, p_products integer, p_categories integer)
RETURNS integer LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE p_op
        WHEN 'rename' THEN 1 + (p_i * 7) % p_categories
        WHEN 'bulk'   THEN 1 + (p_i * 7919) % greatest(p_products - 999, 1)
        ELSE               1 + (p_i * 7919 + 13) % p_products
    END
$$;

-- One function per variant and operation.
DO $$
DECLARE
    v record;
    o record;
BEGIN
    FOR v IN SELECT variant FROM bench.variant ORDER BY ord LOOP
        FOR o IN SELECT op, statement FROM bench.operation WHERE v.variant = ANY (variants) LOOP
            EXECUTE format($f$
                CREATE FUNCTION bench.%1$I(p_target integer, p_i integer) RETURNS float8
                LANGUAGE plpgsql AS $body$
                DECLARE t0 timestamptz;
                BEGIN
                    t0 := clock_timestamp();
                    %2$s;
                    %3$s
                    RETURN 1000 * extract(epoch FROM clock_timestamp() - t0);
                END $body$
            $f$, 'op_' || v.variant || '_' || o.op,
                 format(o.statement, v.variant),
                 CASE WHEN v.variant = 'd' THEN 'REFRESH MATERIALIZED VIEW CONCURRENTLY d.mv_product;' ELSE '' END);
        END LOOP;
    END LOOP;
END $$;

-- Tuples written by this session, not yet flushed to the cumulative statistics: in base tables,
-- in the read model, and HOT updates in the read model.
CREATE FUNCTION bench.tuple_counters(s text, OUT base bigint, OUT rm bigint, OUT rm_hot bigint)
LANGUAGE sql AS $$
    SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del) FILTER (WHERE relname LIKE 'tb\_%'), 0)::bigint,
           coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del) FILTER (WHERE relname IN ('tv_product', 'mv_product')), 0)::bigint,
           coalesce(sum(n_tup_hot_upd) FILTER (WHERE relname IN ('tv_product', 'mv_product')), 0)::bigint
      FROM pg_stat_xact_user_tables WHERE schemaname = s
$$;

-- Runs p_reps timed reps (plus warm-up rep 0) of one operation: first a, b, c, c2 interleaved
-- rep by rep, then d alone for p_d_reps reps. d is kept out of the interleaving because REFRESH
-- MATERIALIZED VIEW CONCURRENTLY creates and drops a temporary table, and every DROP currently
-- invalidates pg_tviews' catalog cache (see the 'price_ddl' operation), which would charge b
-- for d's refresh.
CREATE PROCEDURE bench.measure(p_size integer, p_op text, p_reps integer, p_d_reps integer)
LANGUAGE plpgsql AS $$
DECLARE
    n_products integer;
    n_categories integer;
    prelude_sql text;
    variants text[];
    i integer;
    v text;
    target integer;
    exec_ms float8;
    t1 timestamptz;
    t2 timestamptz;
    l0 pg_lsn;
    l1 pg_lsn;
    c0 record;
    c1 record;
    w record;
BEGIN
    SELECT products, categories INTO n_products, n_categories FROM bench.size_info WHERE size = p_size;
    SELECT o.prelude, o.variants INTO prelude_sql, variants FROM bench.operation o WHERE o.op = p_op;
    COMMIT;
    CHECKPOINT;  -- every operation starts from the same checkpoint phase
    FOR pass IN 1 .. 2 LOOP
        FOR i IN 0 .. CASE pass WHEN 1 THEN p_reps ELSE p_d_reps END LOOP
            FOREACH v IN ARRAY CASE pass WHEN 1 THEN array_remove(variants, 'd')
                                         ELSE ARRAY(SELECT unnest(variants) INTERSECT SELECT 'd') END LOOP
                target := bench.target(p_op, i, n_products, n_categories);
                IF prelude_sql IS NOT NULL THEN
                    EXECUTE prelude_sql;
                    COMMIT;
                END IF;
                -- pg_stat_xact_* counters include earlier transactions of this procedure whose
                -- counts are not yet flushed to the cumulative statistics: take differences.
                SELECT * INTO c0 FROM bench.tuple_counters(v);
                l0 := pg_current_wal_insert_lsn();
                EXECUTE format('SELECT bench.%I($1, $2)', 'op_' || v || '_' || p_op) INTO exec_ms USING target, i;
                SELECT * INTO c1 FROM bench.tuple_counters(v);
                t1 := clock_timestamp();
                COMMIT;
                t2 := clock_timestamp();
                -- pg_walinspect reads only flushed WAL; the commit flushed ours.
                l1 := least(pg_current_wal_insert_lsn(), pg_current_wal_flush_lsn());
                SELECT coalesce(sum(count), 0) AS records, coalesce(sum(fpi_size), 0) AS fpi
                  INTO w FROM pg_get_wal_stats(l0, l1);
                INSERT INTO bench.sample VALUES (p_size, p_op, v, i, target, exec_ms,
                    1000 * extract(epoch FROM t2 - t1), l1 - l0, w.fpi, w.records,
                    c1.base - c0.base, c1.rm - c0.rm, c1.rm_hot - c0.rm_hot);
                COMMIT;
            END LOOP;
        END LOOP;
    END LOOP;
END $$;
