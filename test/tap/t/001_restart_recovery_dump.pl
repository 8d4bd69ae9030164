# TVIEWs across a server's life: crash recovery, two-phase commit across a restart, and a
# pg_dump / pg_restore round trip after which the TVIEWs are still maintained. Every check
# compares the TVIEW with its definition evaluated now (EXCEPT ALL both ways), independently of
# the extension.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $definition = q{
    SELECT p.pk_post, jsonb_build_object('title', p.title, 'author', u.name,
             'comments', (SELECT count(*) FROM tb_comment c WHERE c.fk_post = p.pk_post)) AS data
      FROM tb_post p JOIN tb_user u ON u.pk_user = p.fk_user};

# Rows by which tv_post and its definition differ, both ways.
sub divergence
{
    my ($node, $db) = @_;
    return $node->safe_psql($db,
        "SELECT count(*) FROM ((TABLE tv_post EXCEPT ALL ($definition))"
          . " UNION ALL (($definition) EXCEPT ALL TABLE tv_post)) d");
}

my $node = PostgreSQL::Test::Cluster->new('main');
$node->init;
$node->append_conf('postgresql.conf',
    "shared_preload_libraries = 'pg_tviews'\nmax_prepared_transactions = 5\n");
$node->start;

$node->safe_psql('postgres', 'CREATE DATABASE app');
$node->safe_psql('app', qq{
    CREATE EXTENSION pg_tviews;
    CREATE TABLE tb_user (pk_user int PRIMARY KEY, name text NOT NULL);
    CREATE TABLE tb_post (pk_post int PRIMARY KEY, fk_user int NOT NULL REFERENCES tb_user, title text);
    CREATE TABLE tb_comment (pk_comment int PRIMARY KEY, fk_post int NOT NULL REFERENCES tb_post);
    INSERT INTO tb_user VALUES (1, 'ann'), (2, 'bob');
    INSERT INTO tb_post VALUES (1, 1, 'one'), (2, 2, 'two');
    INSERT INTO tb_comment VALUES (1, 1);
    CREATE TABLE tv_post AS $definition;
    CREATE TABLE tv_post_title AS SELECT t.pk_post AS pk_post_title, t.data->>'title' AS title FROM tv_post t;
});
is(divergence($node, 'app'), '0', 'TVIEW equals its definition after creation');

# Crash recovery: committed writes survive an immediate shutdown; an open transaction vanishes
# with its TVIEW changes. (It writes rows no committed write below depends on: a write to a
# document reading a parent row waits for that row's uncommitted writer, by design.)
my $open = $node->background_psql('app');
$open->query_safe("BEGIN; INSERT INTO tb_user VALUES (3, 'cy'); INSERT INTO tb_post VALUES (9, 3, 'uncommitted');");
$node->safe_psql('app', "UPDATE tb_user SET name = 'ANN' WHERE pk_user = 1; INSERT INTO tb_comment VALUES (2, 2);");
$node->stop('immediate');
$open->{run}->kill_kill;
$node->start;
is(divergence($node, 'app'), '0', 'TVIEW equals its definition after crash recovery');
is($node->safe_psql('app', "SELECT pk_post || ':' || (data->>'author') FROM tv_post ORDER BY pk_post"),
    "1:ANN\n2:bob", 'committed change kept, uncommitted one gone');
$node->safe_psql('app', "UPDATE tb_post SET title = 'uno' WHERE pk_post = 1");
is(divergence($node, 'app'), '0', 'still maintained after recovery');

# Two-phase commit across a restart: the TVIEW change is prepared with the base change.
$node->safe_psql('app', "BEGIN; UPDATE tb_user SET name = 'Bob' WHERE pk_user = 2; PREPARE TRANSACTION 'p1';");
$node->restart;
is($node->safe_psql('app', "SELECT data->>'author' FROM tv_post WHERE pk_post = 2"),
    'bob', 'prepared change invisible before COMMIT PREPARED');
$node->safe_psql('app', "COMMIT PREPARED 'p1'");
is($node->safe_psql('app', "SELECT data->>'author' FROM tv_post WHERE pk_post = 2"),
    'Bob', 'prepared change visible after COMMIT PREPARED');
$node->safe_psql('app', "BEGIN; INSERT INTO tb_comment VALUES (3, 2); PREPARE TRANSACTION 'p2';");
$node->restart;
$node->safe_psql('app', "ROLLBACK PREPARED 'p2'");
is(divergence($node, 'app'), '0', 'TVIEW equals its definition after ROLLBACK PREPARED');

# Dump and restore into a new database: the TVIEWs come back and stay maintained, and their
# dependencies are re-established (dropping a base table cascades to the TVIEWs).
# A suspension and its backlog are part of the catalog: they survive the round trip too.
$node->safe_psql('app', "SELECT pg_tviews_suspend('tv_post_title'); UPDATE tb_post SET title = 'eins' WHERE pk_post = 1");
my $dump = $node->basedir . '/app.dump';
$node->command_ok([ 'pg_dump', '-Fc', '-f', $dump, '-d', $node->connstr('app') ], 'pg_dump');
$node->safe_psql('postgres', 'CREATE DATABASE restored');
$node->command_ok([ 'pg_restore', '-d', $node->connstr('restored'), $dump ], 'pg_restore');
is($node->safe_psql('restored', 'SELECT string_agg(tview, \',\' ORDER BY tview) FROM pg_tviews'),
    'tv_post,tv_post_title', 'catalog restored');
is($node->safe_psql('restored', "SELECT entity_name || ':' || status FROM pg_tviews_metadata ORDER BY 1"),
    "tv_post:ok\ntv_post_title:suspended", 'suspension restored');
is($node->safe_psql('restored', "SELECT string_agg(entity_name || ':' || key, ',') FROM pg_tviews_get_queue()"),
    'tv_post_title:1', 'backlog restored');
is($node->safe_psql('restored', "SELECT string_agg(entity, ',' ORDER BY entity) FROM pg_tview_meta"),
    'post,post_title', 'pg_tview_meta mirror rebuilt from the restored catalog');
$node->safe_psql('restored', "UPDATE tb_user SET name = 'ann again' WHERE pk_user = 1; INSERT INTO tb_post VALUES (3, 1, 'three')");
is($node->safe_psql('restored', "SELECT pg_tviews_resume()"), '2', 'resume catches up the restored backlog');
is(divergence($node, 'restored'), '0', 'restored TVIEW still maintained');
is($node->safe_psql('restored', "SELECT title FROM tv_post_title ORDER BY 1"),
    "eins\nthree\ntwo", 'restored cascade still maintained');
$node->safe_psql('restored', 'DROP TABLE tb_user CASCADE');
is($node->safe_psql('restored',
        "SELECT count(*) FROM pg_class WHERE relname IN ('tv_post', 'tv_post_title')"),
    '0', 'dropping a base table with CASCADE drops the restored TVIEWs');
is($node->safe_psql('restored', 'SELECT count(*) FROM pg_tviews'), '0', 'and their catalog rows');

$node->stop;
ok(!-s $node->logfile || slurp_file($node->logfile) !~ /terminated by signal|PANIC/,
    'no backend crashed');
done_testing();
