-- CREATE TABLE tv_x AS SELECT ... creates a TVIEW: filled from its definition and kept fresh.
CREATE TABLE tb_ctas (pk_ctas int PRIMARY KEY, title text NOT NULL, score int);
INSERT INTO tb_ctas VALUES (1, 'alpha', 10), (2, 'beta', 20), (3, 'gamma', NULL);

CREATE TABLE tv_ctas AS
SELECT pk_ctas, jsonb_build_object('title', title, 'score', score) AS data, score * 2 AS double_score
  FROM tb_ctas;
SELECT oracle_register('tv_ctas',
    $$SELECT pk_ctas, jsonb_build_object('title', title, 'score', score) AS data, score * 2 AS double_score FROM tb_ctas$$);
SELECT oracle_check();

SELECT * FROM tv_ctas ORDER BY pk_ctas;
SELECT tview, entity, key_column FROM pg_tviews WHERE tview = 'tv_ctas';

-- It is maintained.
INSERT INTO tb_ctas VALUES (4, 'delta', 40);
SELECT oracle_check();
UPDATE tb_ctas SET score = 11 WHERE pk_ctas = 1;
SELECT oracle_check();
DELETE FROM tb_ctas WHERE pk_ctas = 2;
SELECT oracle_check();
SELECT * FROM tv_ctas ORDER BY pk_ctas;

-- A CTAS of a name without the tv_ prefix is an ordinary table, not a TVIEW.
CREATE TABLE ctas_plain AS SELECT pk_ctas, title FROM tb_ctas;
SELECT count(*) AS plain_is_tview FROM pg_tviews WHERE tview = 'ctas_plain';
INSERT INTO tb_ctas VALUES (5, 'epsilon', 50);
SELECT oracle_check();
SELECT count(*) AS plain_rows FROM ctas_plain;

DROP TABLE ctas_plain;
DROP TABLE tv_ctas;
DROP TABLE tb_ctas;
SELECT oracle_check();
