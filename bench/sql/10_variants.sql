-- Builds one data set of :n_products products and the five variants over identical copies of it.
--   a   bare base tables, no read model
--   b   pg_tviews: CREATE TABLE b.tv_product AS <definition>
--   c   hand-written statement-level triggers (transition tables) that recompute the affected
--       documents from the same definition (a view) and upsert the ones that changed
--   c2  hand-written statement-level triggers that patch the document in place where a change
--       allows it (jsonb_set of the nested category/supplier/inventory object, || of the
--       product's own fields or of the review summary), and recompute otherwise
--   d   a materialized view of the definition with a unique index, refreshed CONCURRENTLY
--       after each write
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS gen, a, b, c, c2, d CASCADE;
SELECT clock_timestamp() AS setup_start \gset

SELECT bench.generate(:n_products);
SELECT bench.copy_base(s) FROM unnest(ARRAY['a', 'b', 'c', 'c2', 'd']) s;
DROP SCHEMA gen CASCADE;

-- (b) pg_tviews. The definition's unqualified names resolve to schema b.
SET search_path = b, public;
DO $$ BEGIN EXECUTE 'CREATE TABLE b.tv_product AS ' || bench.definition(); END $$;

-- (d) materialized view, unique index for REFRESH ... CONCURRENTLY.
SET search_path = d, public;
DO $$ BEGIN EXECUTE 'CREATE MATERIALIZED VIEW d.mv_product AS ' || bench.definition(); END $$;
CREATE UNIQUE INDEX ON d.mv_product (pk_product);

-- (c) and (c2): the definition as a view, and a plain table with the same columns as b's TVIEW.
SET search_path = c, public;
DO $$ BEGIN EXECUTE 'CREATE VIEW c.v_product AS ' || bench.definition(); END $$;
SET search_path = c2, public;
DO $$ BEGIN EXECUTE 'CREATE VIEW c2.v_product AS ' || bench.definition(); END $$;
RESET search_path;

CREATE TABLE c.tv_product (
    pk_product  integer PRIMARY KEY,
    id          uuid,
    fk_category integer,
    fk_supplier integer,
    data        jsonb);
INSERT INTO c.tv_product SELECT * FROM c.v_product;
CREATE TABLE c2.tv_product (LIKE c.tv_product INCLUDING ALL);
INSERT INTO c2.tv_product SELECT * FROM c2.v_product;
-- The patching triggers find documents by parent key: they need these indexes.
CREATE INDEX ON c2.tv_product (fk_category);
CREATE INDEX ON c2.tv_product (fk_supplier);

------------------------------------------------------------------------------------------------
-- (c) Recompute-and-upsert triggers.
--
-- Statement-level AFTER triggers with transition tables: one trigger call per statement however
-- many rows it touches, so a 1,000-row UPDATE recomputes 1,000 documents in one set-based
-- statement rather than 1,000 times one. The affected keys are gathered from OLD and NEW rows,
-- recomputed from the definition (the view), and upserted; a document whose content did not
-- change is not rewritten. Relying on the foreign keys, a document can only disappear when its
-- product row does (categories and suppliers cannot be deleted while referenced; inventory is
-- LEFT JOINed; reviews are subqueries), so only the product trigger deletes.
-- Not handled (not exercised here): TRUNCATE, INSERT/DELETE of unreferenced parents.
------------------------------------------------------------------------------------------------
CREATE FUNCTION c.refresh_products(keys integer[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO c.tv_product AS t (pk_product, id, fk_category, fk_supplier, data)
    SELECT v.pk_product, v.id, v.fk_category, v.fk_supplier, v.data
      FROM c.v_product v
     WHERE v.pk_product = ANY (keys)
        ON CONFLICT (pk_product) DO UPDATE
       SET id = EXCLUDED.id, fk_category = EXCLUDED.fk_category,
           fk_supplier = EXCLUDED.fk_supplier, data = EXCLUDED.data
     WHERE (t.id, t.fk_category, t.fk_supplier, t.data)
           IS DISTINCT FROM (EXCLUDED.id, EXCLUDED.fk_category, EXCLUDED.fk_supplier, EXCLUDED.data);
END $$;

CREATE FUNCTION c.trg_product() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM c.tv_product t USING old_rows o WHERE t.pk_product = o.pk_product;
    ELSIF TG_OP = 'UPDATE' THEN
        -- Keys that moved away (UPDATE of pk_product).
        DELETE FROM c.tv_product t USING old_rows o
         WHERE t.pk_product = o.pk_product
           AND NOT EXISTS (SELECT 1 FROM new_rows n WHERE n.pk_product = o.pk_product);
        PERFORM c.refresh_products(ARRAY(SELECT n.pk_product FROM new_rows n));
    ELSE
        PERFORM c.refresh_products(ARRAY(SELECT n.pk_product FROM new_rows n));
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION c.trg_category() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM c.refresh_products(ARRAY(
        SELECT p.pk_product FROM c.tb_product p
         WHERE p.fk_category IN (SELECT pk_category FROM old_rows UNION SELECT pk_category FROM new_rows)));
    RETURN NULL;
END $$;

CREATE FUNCTION c.trg_supplier() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM c.refresh_products(ARRAY(
        SELECT p.pk_product FROM c.tb_product p
         WHERE p.fk_supplier IN (SELECT pk_supplier FROM old_rows UNION SELECT pk_supplier FROM new_rows)));
    RETURN NULL;
END $$;

-- Reviews and inventory: the document key is the row's fk_product.
CREATE FUNCTION c.trg_by_fk_product() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM c.refresh_products(ARRAY(SELECT DISTINCT fk_product FROM new_rows));
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM c.refresh_products(ARRAY(SELECT fk_product FROM old_rows UNION SELECT fk_product FROM new_rows));
    ELSE
        PERFORM c.refresh_products(ARRAY(SELECT DISTINCT fk_product FROM old_rows));
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER tv_ins AFTER INSERT ON c.tb_product REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION c.trg_product();
CREATE TRIGGER tv_upd AFTER UPDATE ON c.tb_product REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION c.trg_product();
CREATE TRIGGER tv_del AFTER DELETE ON c.tb_product REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION c.trg_product();
CREATE TRIGGER tv_upd AFTER UPDATE ON c.tb_category REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION c.trg_category();
CREATE TRIGGER tv_upd AFTER UPDATE ON c.tb_supplier REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION c.trg_supplier();
CREATE TRIGGER tv_ins AFTER INSERT ON c.tb_review REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION c.trg_by_fk_product();
CREATE TRIGGER tv_upd AFTER UPDATE ON c.tb_review REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION c.trg_by_fk_product();
CREATE TRIGGER tv_del AFTER DELETE ON c.tb_review REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION c.trg_by_fk_product();
CREATE TRIGGER tv_ins AFTER INSERT ON c.tb_inventory REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION c.trg_by_fk_product();
CREATE TRIGGER tv_upd AFTER UPDATE ON c.tb_inventory REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION c.trg_by_fk_product();
CREATE TRIGGER tv_del AFTER DELETE ON c.tb_inventory REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION c.trg_by_fk_product();

------------------------------------------------------------------------------------------------
-- (c2) Patching triggers: the hand-tuned version. Same trigger layout as (c), but a change to a
-- parent rewrites only its nested object (jsonb_set), a change to a product's own fields only
-- those keys (||), a review change only the review summary keys (||). A product whose pk or
-- foreign keys changed, or a new product, is recomputed from the definition.
------------------------------------------------------------------------------------------------
CREATE FUNCTION c2.refresh_products(keys integer[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO c2.tv_product AS t (pk_product, id, fk_category, fk_supplier, data)
    SELECT v.pk_product, v.id, v.fk_category, v.fk_supplier, v.data
      FROM c2.v_product v
     WHERE v.pk_product = ANY (keys)
        ON CONFLICT (pk_product) DO UPDATE
       SET id = EXCLUDED.id, fk_category = EXCLUDED.fk_category,
           fk_supplier = EXCLUDED.fk_supplier, data = EXCLUDED.data
     WHERE (t.id, t.fk_category, t.fk_supplier, t.data)
           IS DISTINCT FROM (EXCLUDED.id, EXCLUDED.fk_category, EXCLUDED.fk_supplier, EXCLUDED.data);
END $$;

CREATE FUNCTION c2.trg_product() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM c2.tv_product t USING old_rows o WHERE t.pk_product = o.pk_product;
    ELSIF TG_OP = 'UPDATE' THEN
        DELETE FROM c2.tv_product t USING old_rows o
         WHERE t.pk_product = o.pk_product
           AND NOT EXISTS (SELECT 1 FROM new_rows n WHERE n.pk_product = o.pk_product);
        -- Same key and parents: patch the product's own fields.
        UPDATE c2.tv_product t
           SET id = n.id,
               data = t.data || jsonb_build_object('id', n.id, 'name', n.name, 'price', n.price)
          FROM new_rows n JOIN old_rows o ON o.pk_product = n.pk_product
         WHERE t.pk_product = n.pk_product
           AND n.fk_category = o.fk_category AND n.fk_supplier = o.fk_supplier
           AND (n.id, n.name, n.price) IS DISTINCT FROM (o.id, o.name, o.price);
        -- New keys or re-pointed parents: recompute.
        PERFORM c2.refresh_products(ARRAY(
            SELECT n.pk_product FROM new_rows n
             WHERE NOT EXISTS (SELECT 1 FROM old_rows o
                                WHERE o.pk_product = n.pk_product
                                  AND o.fk_category = n.fk_category AND o.fk_supplier = n.fk_supplier)));
    ELSE
        PERFORM c2.refresh_products(ARRAY(SELECT n.pk_product FROM new_rows n));
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION c2.trg_category() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE c2.tv_product t
       SET data = jsonb_set(t.data, '{category}', jsonb_build_object('id', n.id, 'name', n.name))
      FROM new_rows n
     WHERE t.fk_category = n.pk_category
       AND t.data->'category' IS DISTINCT FROM jsonb_build_object('id', n.id, 'name', n.name);
    RETURN NULL;
END $$;

CREATE FUNCTION c2.trg_supplier() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE c2.tv_product t
       SET data = jsonb_set(t.data, '{supplier}',
                            jsonb_build_object('id', n.id, 'name', n.name, 'country', n.country))
      FROM new_rows n
     WHERE t.fk_supplier = n.pk_supplier
       AND t.data->'supplier' IS DISTINCT FROM
           jsonb_build_object('id', n.id, 'name', n.name, 'country', n.country);
    RETURN NULL;
END $$;

CREATE FUNCTION c2.patch_inventory(keys integer[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    UPDATE c2.tv_product t
       SET data = jsonb_set(t.data, '{inventory}', x.inventory)
      FROM (SELECT k.k AS pk_product,
                   coalesce((SELECT jsonb_build_object('quantity', i.quantity, 'warehouse', i.warehouse)
                               FROM c2.tb_inventory i WHERE i.fk_product = k.k), 'null') AS inventory
              FROM unnest(keys) AS k(k)) x
     WHERE t.pk_product = x.pk_product
       AND t.data->'inventory' IS DISTINCT FROM x.inventory;
END $$;

CREATE FUNCTION c2.trg_inventory() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM c2.patch_inventory(ARRAY(SELECT DISTINCT fk_product FROM new_rows));
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM c2.patch_inventory(ARRAY(SELECT fk_product FROM old_rows UNION SELECT fk_product FROM new_rows));
    ELSE
        PERFORM c2.patch_inventory(ARRAY(SELECT DISTINCT fk_product FROM old_rows));
    END IF;
    RETURN NULL;
END $$;

-- The review summary: the same three expressions as the definition.
CREATE FUNCTION c2.patch_reviews(keys integer[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    UPDATE c2.tv_product t
       SET data = t.data || jsonb_build_object(
           'review_count', (SELECT count(*) FROM c2.tb_review r WHERE r.fk_product = t.pk_product),
           'average_rating', (SELECT round(avg(r.rating), 2) FROM c2.tb_review r WHERE r.fk_product = t.pk_product),
           'recent_reviews', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', r.id, 'rating', r.rating,
                                                                           'body', r.body, 'created_at', r.created_at)
                                                        ORDER BY r.created_at DESC, r.pk_review DESC), '[]')
                                FROM (SELECT * FROM c2.tb_review r5
                                       WHERE r5.fk_product = t.pk_product
                                       ORDER BY r5.created_at DESC, r5.pk_review DESC
                                       LIMIT 5) r))
     WHERE t.pk_product = ANY (keys);
END $$;

CREATE FUNCTION c2.trg_review() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM c2.patch_reviews(ARRAY(SELECT DISTINCT fk_product FROM new_rows));
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM c2.patch_reviews(ARRAY(SELECT fk_product FROM old_rows UNION SELECT fk_product FROM new_rows));
    ELSE
        PERFORM c2.patch_reviews(ARRAY(SELECT DISTINCT fk_product FROM old_rows));
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER tv_ins AFTER INSERT ON c2.tb_product REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION c2.trg_product();
CREATE TRIGGER tv_upd AFTER UPDATE ON c2.tb_product REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION c2.trg_product();
CREATE TRIGGER tv_del AFTER DELETE ON c2.tb_product REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION c2.trg_product();
CREATE TRIGGER tv_upd AFTER UPDATE ON c2.tb_category REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION c2.trg_category();
CREATE TRIGGER tv_upd AFTER UPDATE ON c2.tb_supplier REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION c2.trg_supplier();
CREATE TRIGGER tv_ins AFTER INSERT ON c2.tb_review REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION c2.trg_review();
CREATE TRIGGER tv_upd AFTER UPDATE ON c2.tb_review REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION c2.trg_review();
CREATE TRIGGER tv_del AFTER DELETE ON c2.tb_review REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION c2.trg_review();
CREATE TRIGGER tv_ins AFTER INSERT ON c2.tb_inventory REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION c2.trg_inventory();
CREATE TRIGGER tv_upd AFTER UPDATE ON c2.tb_inventory REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION c2.trg_inventory();
CREATE TRIGGER tv_del AFTER DELETE ON c2.tb_inventory REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION c2.trg_inventory();

-- Settle the data: visibility map, hint bits and statistics for every variant alike.
\set QUIET on
VACUUM (ANALYZE) a.tb_category, a.tb_supplier, a.tb_product, a.tb_inventory, a.tb_review;
VACUUM (ANALYZE) b.tb_category, b.tb_supplier, b.tb_product, b.tb_inventory, b.tb_review, b.tv_product;
VACUUM (ANALYZE) c.tb_category, c.tb_supplier, c.tb_product, c.tb_inventory, c.tb_review, c.tv_product;
VACUUM (ANALYZE) c2.tb_category, c2.tb_supplier, c2.tb_product, c2.tb_inventory, c2.tb_review, c2.tv_product;
VACUUM (ANALYZE) d.tb_category, d.tb_supplier, d.tb_product, d.tb_inventory, d.tb_review, d.mv_product;
CHECKPOINT;
\set QUIET off

INSERT INTO bench.size_info (size, categories, suppliers, products, reviews, avg_doc_bytes, setup_s)
SELECT :n_products,
       (SELECT count(*) FROM a.tb_category),
       (SELECT count(*) FROM a.tb_supplier),
       (SELECT count(*) FROM a.tb_product),
       (SELECT count(*) FROM a.tb_review),
       (SELECT avg(pg_column_size(data))::int FROM b.tv_product),
       extract(epoch FROM clock_timestamp() - :'setup_start'::timestamptz)
ON CONFLICT (size) DO UPDATE SET categories = EXCLUDED.categories, suppliers = EXCLUDED.suppliers,
    products = EXCLUDED.products, reviews = EXCLUDED.reviews, avg_doc_bytes = EXCLUDED.avg_doc_bytes,
    setup_s = EXCLUDED.setup_s;
