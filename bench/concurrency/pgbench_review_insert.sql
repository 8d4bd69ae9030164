-- mixed (weight 5): a new review of a random product (changes its count and average).
\set k random(1, :products)
\set s random(1, 5)
INSERT INTO tb_review (fk_product, rating, body, created_at)
VALUES (:k, :s, 'concurrency bench review', now());
