#!/usr/bin/env bash
# The README's demo: installs what is missing, builds and installs pg_tviews, starts a throwaway
# server in demo/ (inside the work tree, gitignored), and shows TVIEWs following their base
# tables through INSERT, UPDATE, DELETE, a row leaving the WHERE filter and a rolled-back
# transaction. The server is left running; the last lines say how to connect and stop it.
#
# Environment: DEMO_PORT (default 55432), SKIP_SETUP=1 to skip scripts/setup.sh.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"

DEMO_DIR="$ROOT/demo"
DEMO_PORT="${DEMO_PORT:-55432}"

# A server already running in demo/ is restarted, so that it loads the extension just built
# (shared_preload_libraries maps the library once, at server start); anything else in demo/ is
# wiped and initialised afresh.
start_demo_server() {
    if pg_instance_running "$DEMO_DIR"; then
        log "restarting the demo server in $DEMO_DIR"
        pg_instance_restart "$DEMO_DIR"
    else
        log "initialising a demo server in $DEMO_DIR"
        pg_instance_init "$DEMO_DIR" "$DEMO_PORT"
        pg_instance_start "$DEMO_DIR" "$DEMO_PORT"
    fi
    # The port of a reused server is the one it was created with.
    DEMO_PORT="$(sed -nE "s/^port = ([0-9]+)$/\1/p" "$DEMO_DIR/data/postgresql.conf" | tail -n 1)"
}

demo_psql() { psql_at "$DEMO_DIR" "$DEMO_PORT" "$@" </dev/null; }

create_database() {
    PGOPTIONS='-c client_min_messages=warning' demo_psql postgres -q \
        -c 'DROP DATABASE IF EXISTS demo' -c 'CREATE DATABASE demo'
}

# The walkthrough. psql -e echoes each statement before its result; \echo lines are headings.
run_walkthrough() {
    psql_at "$DEMO_DIR" "$DEMO_PORT" demo -e -P pager=off <<'SQL'
\set QUIET on
\echo
\echo '### 1. The extension and three base tables (trinity pattern: pk_<entity>, id, fields)'
CREATE EXTENSION pg_tviews;
CREATE TABLE tb_author (
    pk_author integer PRIMARY KEY,
    id        uuid NOT NULL DEFAULT gen_random_uuid(),
    name      text NOT NULL
);
CREATE TABLE tb_post (
    pk_post   integer PRIMARY KEY,
    id        uuid NOT NULL DEFAULT gen_random_uuid(),
    fk_author integer NOT NULL REFERENCES tb_author,
    title     text NOT NULL,
    published boolean NOT NULL DEFAULT false
);
CREATE TABLE tb_comment (
    pk_comment integer PRIMARY KEY,
    fk_post    integer NOT NULL REFERENCES tb_post ON DELETE CASCADE,
    body       text NOT NULL
);
CREATE INDEX ON tb_post (fk_author);
CREATE INDEX ON tb_comment (fk_post);
INSERT INTO tb_author (pk_author, name) VALUES (1, 'Ada'), (2, 'Grace');
INSERT INTO tb_post (pk_post, fk_author, title, published) VALUES
    (1, 1, 'Notes on the Analytical Engine', true),
    (2, 1, 'Draft: Bernoulli numbers', false),
    (3, 2, 'Compilers for everyone', true);
INSERT INTO tb_comment VALUES (1, 1, 'Beautiful'), (2, 3, 'Finally!');

\echo
\echo '### 2. A TVIEW by CREATE TABLE tv_<entity> AS SELECT: one JSONB document per published post,'
\echo '###    with its author nested and its comments as an array'
CREATE TABLE tv_post AS
SELECT p.pk_post, p.id,
       jsonb_build_object(
         'title', p.title,
         'author', jsonb_build_object('name', a.name),
         'comments', (SELECT coalesce(jsonb_agg(c.body ORDER BY c.pk_comment), '[]')
                        FROM tb_comment c WHERE c.fk_post = p.pk_post)) AS data
  FROM tb_post p JOIN tb_author a ON a.pk_author = p.fk_author
 WHERE p.published;

\echo
\echo '### 3. A TVIEW by pg_tviews_create(): posts per author, grouped by the key column'
SELECT pg_tviews_create('author_stats',
    $$SELECT p.fk_author AS pk_author_stats, count(*) AS posts FROM tb_post p GROUP BY p.fk_author$$);

\echo
\echo '### How each table reaches the documents (lineage derived from the query tree)'
SELECT s->>'relation' AS reads, s->>'mapping' AS mapping, s->'hops' AS through
  FROM jsonb_array_elements(pg_tviews_plan('tv_post')->'sources') AS s ORDER BY 1;

\echo
\echo '### The TVIEWs as created'
SELECT pk_post, data FROM tv_post ORDER BY pk_post;
SELECT * FROM tv_author_stats ORDER BY pk_author_stats;

\echo
\echo '### 4. INSERT a comment: only that post''s document changes'
INSERT INTO tb_comment VALUES (3, 1, 'Still ahead of its time');
SELECT pk_post, data FROM tv_post ORDER BY pk_post;

\echo
\echo '### 5. UPDATE a parent: renaming an author refreshes exactly that author''s documents'
UPDATE tb_author SET name = 'Ada Lovelace' WHERE pk_author = 1;
SELECT pk_post, data->'author'->>'name' AS author FROM tv_post ORDER BY pk_post;

\echo
\echo '### 6. INSERT and DELETE posts: documents and per-author counts follow'
INSERT INTO tb_post (pk_post, fk_author, title, published) VALUES (4, 2, 'Nanoseconds', true);
DELETE FROM tb_post WHERE pk_post = 3;
SELECT pk_post, data->>'title' AS title FROM tv_post ORDER BY pk_post;
SELECT * FROM tv_author_stats ORDER BY pk_author_stats;

\echo
\echo '### 7. UPDATE that moves a row out of the WHERE filter: unpublished, so gone from tv_post'
UPDATE tb_post SET published = false WHERE pk_post = 1;
SELECT pk_post, data->>'title' AS title FROM tv_post ORDER BY pk_post;
\echo '... and publishing the draft brings it in'
UPDATE tb_post SET published = true WHERE pk_post = 2;
SELECT pk_post, data->>'title' AS title FROM tv_post ORDER BY pk_post;

\echo
\echo '### 8. Inside a transaction the writer reads its own writes; ROLLBACK leaves no trace'
BEGIN;
INSERT INTO tb_post (pk_post, fk_author, title, published) VALUES (5, 1, 'Never published', true);
SELECT pk_post, data->>'title' AS title FROM tv_post ORDER BY pk_post;
ROLLBACK;
SELECT pk_post, data->>'title' AS title FROM tv_post ORDER BY pk_post;
SELECT * FROM tv_author_stats ORDER BY pk_author_stats;

\echo
\echo '### 9. The oracle: each TVIEW equals its definition row for row (EXCEPT ALL both ways)'
SELECT pg_tviews_verify('tv_post') AS tv_post_ok, pg_tviews_verify('author_stats') AS author_stats_ok;

\echo
\echo '### 10. The catalog'
SELECT tview, entity, key_column, reads FROM pg_tviews ORDER BY tview;
SQL
}

print_connection_help() {
    cat <<EOF

The demo server is still running (port $DEMO_PORT, socket and data in $DEMO_DIR).
Connect:
    psql -h $DEMO_DIR -p $DEMO_PORT -U postgres -d demo
  or, as the postgres user:
    runuser -u postgres -- psql -h $DEMO_DIR -p $DEMO_PORT -d demo
Stop it:
    runuser -u postgres -- $PGBIN/pg_ctl -D $DEMO_DIR/data stop
EOF
}

main() {
    require_root
    [[ "${SKIP_SETUP:-}" == "1" ]] || bash "$ROOT/scripts/setup.sh" </dev/null
    start_demo_server
    create_database
    run_walkthrough
    print_connection_help
}

main "$@"
