-- mixed (weight 10): rename a random category; its 50 products' documents change.
\set c random(1, :categories)
\set v random(1, 1000000000)
UPDATE tb_category SET name = 'Category ' || :c || ' r' || :v WHERE pk_category = :c;
