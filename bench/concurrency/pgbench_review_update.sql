-- mixed (weight 5): a new rating on a random review of the initial data (changes its
-- product's average).
\set r random(1, :reviews)
\set s random(1, 5)
UPDATE tb_review SET rating = :s WHERE pk_review = :r;
