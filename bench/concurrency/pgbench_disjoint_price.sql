-- disjoint: a single-row price update of a product from this client's own slice of the
-- products (client i of :nclients owns keys i*slice+1 .. (i+1)*slice), so no two clients ever
-- write the same key. Variables from bench/concurrency.sh: products, nclients.
\set slice :products / :nclients
\set k 1 + :client_id * :slice + random(0, :slice - 1)
\set p random(100, 99999)
UPDATE tb_product SET price = :p / 100.0 WHERE pk_product = :k;
