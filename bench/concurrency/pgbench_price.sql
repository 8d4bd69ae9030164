-- mixed (weight 80): a single-row price update of a random product.
\set k random(1, :products)
\set p random(100, 99999)
UPDATE tb_product SET price = :p / 100.0 WHERE pk_product = :k;
