# TVIEWs and logical replication. The supported pattern: TVIEWs are maintained on the
# publisher and their tables replicated like any other, so the subscriber reads documents equal
# to the definition over the replicated base rows. The unsupported one is reported: the apply
# worker fires row triggers only, so a TVIEW created on a subscriber over subscribed tables does
# not follow replicated changes, and the health check says so with an ERROR.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $definition = q{SELECT p.pk_post, upper(p.title) AS title FROM tb_post p};

# Rows by which table `tv` on `node` and the definition over `node`'s tb_post differ, both ways.
sub divergence
{
    my ($node, $tv) = @_;
    return $node->safe_psql('postgres',
        "SELECT count(*) FROM ((TABLE $tv EXCEPT ALL ($definition))"
          . " UNION ALL (($definition) EXCEPT ALL TABLE $tv)) d");
}

sub wait_for_sync
{
    my ($node) = @_;
    $node->poll_query_until('postgres',
        "SELECT count(*) = 0 FROM pg_subscription_rel WHERE srsubstate NOT IN ('r', 's')")
      or die 'initial table synchronization did not finish';
}

my $publisher = PostgreSQL::Test::Cluster->new('publisher');
$publisher->init(allows_streaming => 'logical');
$publisher->append_conf('postgresql.conf', "shared_preload_libraries = 'pg_tviews'\n");
$publisher->start;
my $subscriber = PostgreSQL::Test::Cluster->new('subscriber');
$subscriber->init;
$subscriber->append_conf('postgresql.conf', "shared_preload_libraries = 'pg_tviews'\n");
$subscriber->start;

$publisher->safe_psql('postgres', qq{
    CREATE EXTENSION pg_tviews;
    CREATE TABLE tb_post (pk_post int PRIMARY KEY, title text NOT NULL);
    INSERT INTO tb_post VALUES (1, 'one'), (2, 'two');
    CREATE TABLE tv_post AS $definition;
    CREATE PUBLICATION pub FOR TABLE tb_post, tv_post;
});
# The subscriber: plain copies of both tables, and a TVIEW of its own over the replicated base.
$subscriber->safe_psql('postgres', qq{
    CREATE TABLE tb_post (pk_post int PRIMARY KEY, title text NOT NULL);
    CREATE TABLE tv_post (pk_post int PRIMARY KEY, title text);
    CREATE EXTENSION pg_tviews;
    CREATE TABLE tv_local AS SELECT p.pk_post AS pk_local, upper(p.title) AS title FROM tb_post p;
});
my $connstr = $publisher->connstr . ' dbname=postgres';
$subscriber->safe_psql('postgres',
    "CREATE SUBSCRIPTION sub CONNECTION '$connstr' PUBLICATION pub");
wait_for_sync($subscriber);

$publisher->safe_psql('postgres', q{
    INSERT INTO tb_post VALUES (3, 'three');
    UPDATE tb_post SET title = 'uno' WHERE pk_post = 1;
    DELETE FROM tb_post WHERE pk_post = 2;
});
$publisher->wait_for_catchup('sub');

is(divergence($publisher, 'tv_post'), '0', 'publisher: TVIEW maintained');
is(divergence($subscriber, 'tv_post'), '0',
    'subscriber: the replicated TVIEW table equals the definition over the replicated base rows');

# A TVIEW created on the subscriber does not follow replicated changes, and the health check
# reports it.
isnt($subscriber->safe_psql('postgres',
        "SELECT count(*) FROM ((TABLE tv_local EXCEPT ALL SELECT p.pk_post, upper(p.title) FROM tb_post p)"
          . " UNION ALL (SELECT p.pk_post, upper(p.title) FROM tb_post p EXCEPT ALL TABLE tv_local)) d"),
    '0', 'subscriber: a local TVIEW over a subscribed table misses replicated changes');
is($subscriber->safe_psql('postgres',
        "SELECT status || ' ' || tview FROM pg_tviews_health_check() WHERE check_name = 'replicated_base_tables'"),
    'ERROR tv_local', 'the health check reports it');
is($subscriber->safe_psql('postgres', "SELECT pg_tviews_refresh('tv_local') >= 0; SELECT pg_tviews_verify('tv_local')"),
    "t\nt", 'a manual refresh repairs it');
is($publisher->safe_psql('postgres',
        "SELECT status FROM pg_tviews_health_check() WHERE check_name = 'replicated_base_tables'"),
    'OK', 'the publisher has no such problem');

$subscriber->stop;
$publisher->stop;
for my $node ($publisher, $subscriber)
{
    ok(!-s $node->logfile || slurp_file($node->logfile) !~ /terminated by signal|PANIC/,
        $node->name . ': no backend crashed');
}
done_testing();
