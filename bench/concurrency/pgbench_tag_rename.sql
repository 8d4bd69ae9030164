-- tag_rename: rename a random tag; the documents of the ~60 products carrying it (through
-- tb_product_tag) change.
\set t random(1, :tags)
\set v random(1, 1000000000)
UPDATE tb_tag SET name = 'tag ' || :t || ' r' || :v WHERE pk_tag = :t;
