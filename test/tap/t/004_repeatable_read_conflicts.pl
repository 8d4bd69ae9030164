# REPEATABLE READ transactions must fail with 40001 rather than write a row a transaction that
# committed after their snapshot made stale, also when that transaction was prepared before a
# server restart, and under a long-running snapshot while other sessions commit many keys.
#
# The TVIEW keeps max(v) per group: a writer whose change leaves a group's maximum unchanged does
# not rewrite its row, so PostgreSQL's own row-level conflict check cannot see the conflict; only
# pg_tviews' conflict table can. Every check compares the TVIEW with its definition evaluated now.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $definition = 'SELECT t.g AS pk_grp, max(t.v) AS top FROM tb_val t GROUP BY t.g';

sub divergence
{
    my ($node) = @_;
    return $node->safe_psql('app',
        "SELECT count(*) FROM ((TABLE tv_grp EXCEPT ALL ($definition))"
          . " UNION ALL (($definition) EXCEPT ALL TABLE tv_grp)) d");
}

my $node = PostgreSQL::Test::Cluster->new('rr');
$ENV{PGDATABASE} = 'app';    # for $node->pgbench
$node->init;
$node->append_conf('postgresql.conf',
    "shared_preload_libraries = 'pg_tviews'\nmax_prepared_transactions = 5\n");
$node->start;
$node->safe_psql('postgres', 'CREATE DATABASE app');
$node->safe_psql('app', qq{
    CREATE EXTENSION pg_tviews;
    CREATE TABLE tb_val (pk serial PRIMARY KEY, g int NOT NULL, v int NOT NULL);
    CREATE INDEX ON tb_val (g);
    INSERT INTO tb_val (g, v) SELECT g, 100 FROM generate_series(1, 2000) g;
    CREATE TABLE tv_grp AS $definition;
});
is(divergence($node), '0', 'TVIEW equals its definition after creation');

# 1. A prepared transaction committed after a restart. It deletes group 1 entirely (the TVIEW
# row goes); a REPEATABLE READ transaction whose snapshot predates COMMIT PREPARED then adds a
# row to group 1: recomputed from its snapshot, it would bring the deleted rows back.
$node->safe_psql('app', "BEGIN; DELETE FROM tb_val WHERE g = 1; PREPARE TRANSACTION 'gone';");
$node->restart;
my $reader = $node->background_psql('app', on_error_stop => 0);
$reader->query_safe('BEGIN ISOLATION LEVEL REPEATABLE READ');
$reader->query_safe('SELECT count(*) FROM tv_grp');
$node->safe_psql('app', "COMMIT PREPARED 'gone'");
my $result = $reader->query('INSERT INTO tb_val (g, v) VALUES (1, 5)');
like($reader->{stderr}, qr/could not serialize access/, 'prepared before a restart: 40001');
$reader->query('ROLLBACK');
is(divergence($node), '0', 'TVIEW equals its definition after the failed transaction');

# The same without a restart, and with the reader checking before COMMIT PREPARED is replayed.
$node->safe_psql('app', "BEGIN; INSERT INTO tb_val (g, v) VALUES (2, 1); PREPARE TRANSACTION 'same';");
$reader->{stderr} = '';
$reader->query_safe('BEGIN ISOLATION LEVEL REPEATABLE READ');
$reader->query_safe('SELECT count(*) FROM tv_grp');
$node->safe_psql('app', "COMMIT PREPARED 'same'");
$reader->query('DELETE FROM tb_val WHERE g = 2 AND v = 100');
like($reader->{stderr}, qr/could not serialize access/, 'prepared and committed meanwhile: 40001');
$reader->query('ROLLBACK');
is(divergence($node), '0', 'TVIEW equals its definition');

# 2. A long-running snapshot while two clients commit 200-key transactions. Each writer's change
# leaves maxima unchanged (v below 100): no TVIEW row is rewritten. The reader then removes the
# maximum of a group the writers touched: without the conflict entry it would delete the
# group's row although rows remain.
my $attempts = 0;
my $failed = 0;
for my $round (1 .. 3)
{
    $reader->{stderr} = '';
    $reader->query_safe('BEGIN ISOLATION LEVEL REPEATABLE READ');
    $reader->query_safe('SELECT count(*) FROM tv_grp');
    $node->pgbench(
        '--no-vacuum --client=2 --transactions=150',
        0, [qr{processed: 300/300}], [qr{^$}],
        "round $round: writers commit 300 transactions of 200 keys",
        {
            "003_writers_$round" => q{
                INSERT INTO tb_val (g, v)
                SELECT 1 + (random() * 1999)::int, (random() * 50)::int FROM generate_series(1, 200);
            }
        });
    # A group some writer touched after the reader's snapshot: it has rows below 100 now.
    my $group = $node->safe_psql('app',
        'SELECT g FROM tb_val WHERE v < 100 AND g > 2 ORDER BY pk DESC LIMIT 1');
    $reader->query("DELETE FROM tb_val WHERE g = $group AND v = 100");
    $attempts++;
    $failed++ if $reader->{stderr} =~ /could not serialize access/;
    $reader->query('ROLLBACK');
    is(divergence($node), '0', "round $round: TVIEW equals its definition");
}
is($failed, $attempts, 'every long-running reader that would have gone stale failed with 40001');

# The conflict table is sized for this: no reader failed for a key nobody wrote (a group the
# writers never touched).
$node->safe_psql('app', 'INSERT INTO tb_val (g, v) VALUES (99999, 100)');
$reader->{stderr} = '';
$reader->query_safe('BEGIN ISOLATION LEVEL REPEATABLE READ');
$reader->query_safe('SELECT count(*) FROM tv_grp');
$node->pgbench(
    '--no-vacuum --client=2 --transactions=150',
    0, [qr{processed: 300/300}], [qr{^$}],
    'writers commit 300 more transactions',
    {
        '003_writers_quiet' => q{
            INSERT INTO tb_val (g, v)
            SELECT 1 + (random() * 1999)::int, (random() * 50)::int FROM generate_series(1, 200);
        }
    });
$reader->query('DELETE FROM tb_val WHERE g = 99999');
is($reader->{stderr}, '', 'a key no concurrent transaction wrote does not fail');
$reader->query_safe('COMMIT');
is(divergence($node), '0', 'TVIEW equals its definition at the end');

$reader->quit;
$node->stop;
ok(!-s $node->logfile || slurp_file($node->logfile) !~ /terminated by signal|PANIC/,
    'no backend crashed');
done_testing();
