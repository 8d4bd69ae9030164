-- bench/concurrency.sh: the tview arm's read model, created in a copy of the bare arm's data.
--
-- The product document of bench/sql/00_bench_schema.sql (nested category, supplier and
-- inventory, review count and average rating) without the five most recent reviews, plus the
-- product's tags as an array read through the link table: a tag rename changes the documents
-- of every product carrying the tag.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;

CREATE TABLE tv_product AS
SELECT p.pk_product,
       p.id,
       p.fk_category,
       p.fk_supplier,
       jsonb_build_object(
           'id', p.id,
           'name', p.name,
           'price', p.price,
           'category', jsonb_build_object('id', c.id, 'name', c.name),
           'supplier', jsonb_build_object('id', s.id, 'name', s.name, 'country', s.country),
           'inventory', CASE WHEN i.pk_inventory IS NULL THEN NULL
                             ELSE jsonb_build_object('quantity', i.quantity, 'warehouse', i.warehouse) END,
           'review_count', (SELECT count(*) FROM tb_review r WHERE r.fk_product = p.pk_product),
           'average_rating', (SELECT round(avg(r.rating), 2) FROM tb_review r WHERE r.fk_product = p.pk_product),
           'tags', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', t.id, 'name', t.name) ORDER BY t.pk_tag), '[]')
                      FROM tb_product_tag pt
                      JOIN tb_tag t ON t.pk_tag = pt.fk_tag
                     WHERE pt.fk_product = p.pk_product)
       ) AS data
  FROM tb_product p
  JOIN tb_category c ON c.pk_category = p.fk_category
  JOIN tb_supplier s ON s.pk_supplier = p.fk_supplier
  LEFT JOIN tb_inventory i ON i.fk_product = p.pk_product;
VACUUM ANALYZE tv_product;
