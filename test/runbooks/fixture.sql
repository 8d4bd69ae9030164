-- Fixture database of the runbooks and seeds suites (scripts/test.sh): trinity-pattern base
-- tables tb_* and TVIEWs tv_*, including a TVIEW that reads another TVIEW (tv_post embeds
-- tv_user's document), and every index lineage needs, so that a clean health check is all OK.
-- The runbooks' psql variables (docs/operations/runbooks/README.md) name these objects.
CREATE EXTENSION pg_tviews;

CREATE TABLE tb_user (
    pk_user  integer PRIMARY KEY,
    id       uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    name     text NOT NULL,
    email    text NOT NULL,
    revision integer NOT NULL DEFAULT 0
);

CREATE TABLE tb_post (
    pk_post      integer PRIMARY KEY,
    id           uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    fk_user      integer NOT NULL REFERENCES tb_user ON DELETE CASCADE,
    title        text NOT NULL,
    last_updated timestamptz NOT NULL DEFAULT '2025-01-01 00:00:00+00'
);
CREATE INDEX tb_post_fk_user_idx ON tb_post (fk_user);

CREATE TABLE tb_comment (
    pk_comment integer PRIMARY KEY,
    id         uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    fk_post    integer NOT NULL REFERENCES tb_post ON DELETE CASCADE,
    fk_user    integer NOT NULL REFERENCES tb_user ON DELETE CASCADE,
    body       text NOT NULL
);
CREATE INDEX tb_comment_fk_post_idx ON tb_comment (fk_post);
CREATE INDEX tb_comment_fk_user_idx ON tb_comment (fk_user);

CREATE TABLE tb_order (
    pk_order integer PRIMARY KEY,
    id       uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    fk_user  integer NOT NULL REFERENCES tb_user ON DELETE CASCADE,
    amount   numeric(12, 2) NOT NULL,
    status   text NOT NULL DEFAULT 'open'
);
CREATE INDEX tb_order_fk_user_idx ON tb_order (fk_user);

INSERT INTO tb_user (pk_user, name, email)
SELECT i, 'user ' || i, 'user' || i || '@example.com' FROM generate_series(1, 20) i;
INSERT INTO tb_post (pk_post, fk_user, title)
SELECT i, 1 + i % 20, 'post ' || i FROM generate_series(1, 200) i;
INSERT INTO tb_comment (pk_comment, fk_post, fk_user, body)
SELECT i, 1 + i % 200, 1 + i % 7, 'comment ' || i FROM generate_series(1, 600) i;
INSERT INTO tb_order (pk_order, fk_user, amount, status)
SELECT i, 1 + i % 20, (i * 7 % 1000) / 10.0, CASE WHEN i % 3 = 0 THEN 'paid' ELSE 'open' END
  FROM generate_series(1, 400) i;

-- Level 0: the user document, with a count of the user's posts.
CREATE TABLE tv_user AS
SELECT u.pk_user, u.id,
       jsonb_build_object('id', u.id, 'name', u.name, 'email', u.email, 'revision', u.revision,
                          'postCount', (SELECT count(*) FROM tb_post p WHERE p.fk_user = u.pk_user)) AS data
  FROM tb_user u;

-- Level 1: the post document embeds its author's tv_user document and its comments.
CREATE TABLE tv_post AS
SELECT p.pk_post, p.id, p.fk_user,
       jsonb_build_object(
           'id', p.id, 'title', p.title, 'lastUpdated', p.last_updated,
           'author', a.data,
           'comments', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', c.id, 'body', c.body)
                                                  ORDER BY c.pk_comment), '[]')
                          FROM tb_comment c WHERE c.fk_post = p.pk_post)) AS data
  FROM tb_post p JOIN tv_user a ON a.pk_user = p.fk_user;

-- An independent TVIEW with a plain numeric column.
CREATE TABLE tv_order AS
SELECT o.pk_order, o.id, o.fk_user, o.amount,
       jsonb_build_object('id', o.id, 'amount', o.amount, 'status', o.status,
                          'customer', jsonb_build_object('name', u.name)) AS data
  FROM tb_order o JOIN tb_user u ON u.pk_user = o.fk_user;

CREATE INDEX tv_post_fk_user_idx ON tv_post (fk_user);
CREATE INDEX tv_order_fk_user_idx ON tv_order (fk_user);
ANALYZE;
