# pg_tviews_rebuild() seen from other sessions: progress that advances chunk by chunk, readers
# never blocked, writers waiting at most for the chunk that holds their keys and maintained as
# usual, a second rebuild of the same TVIEW refused, and runs that fail (cancelled) or are
# interrupted (session terminated) and are then resumed. Every end state is checked against
# the definition evaluated now (EXCEPT ALL both ways), independently of the extension.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time usleep);

my $definition = q{
    SELECT p.pk_post, jsonb_build_object('title', p.title, 'author', u.name) AS data
      FROM tb_post p JOIN tb_user u ON u.pk_user = p.fk_user};

my $node = PostgreSQL::Test::Cluster->new('main');
$node->init;
$node->append_conf('postgresql.conf',
    "shared_preload_libraries = 'pg_tviews'\nmax_prepared_transactions = 5\n");
$node->start;
$node->safe_psql('postgres', 'CREATE DATABASE app');
$node->safe_psql('app', 'CREATE EXTENSION pg_tviews');
$node->safe_psql('app', qq{
    CREATE TABLE tb_user (pk_user int PRIMARY KEY, name text NOT NULL);
    CREATE TABLE tb_post (pk_post int PRIMARY KEY, fk_user int NOT NULL REFERENCES tb_user, title text);
    CREATE INDEX ON tb_post (fk_user);
    INSERT INTO tb_user SELECT g, 'user ' || g FROM generate_series(1, 20) g;
    INSERT INTO tb_post SELECT g, 1 + g % 20, 'post ' || g FROM generate_series(1, 2000) g;
    CREATE TABLE tv_post AS $definition;
    ANALYZE tv_post;
});

# Rows by which tv_post and its definition differ, both ways.
sub divergence
{
    return $node->safe_psql('app',
        "SELECT count(*) FROM ((TABLE tv_post EXCEPT ALL ($definition))"
          . " UNION ALL (($definition) EXCEPT ALL TABLE tv_post)) d");
}

# Direct writes into the TVIEW table: wrong, missing and stray rows all over the key range.
sub damage
{
    $node->safe_psql('app', q{
        UPDATE tv_post SET data = '{}' WHERE pk_post % 97 = 0;
        DELETE FROM tv_post WHERE pk_post % 101 = 0;
        INSERT INTO tv_post VALUES (5000, '{}'), (5001, '{}');
    });
    isnt(divergence(), '0', 'TVIEW damaged');
}

# The newest run of tv_post as a hash of pg_tviews_progress columns.
sub latest_run
{
    my @cols = qw(run_id state pid chunks_done keys_done keys_estimate percent_done
      estimated_completion last_key error_sqlstate resumed_from);
    my $row = $node->safe_psql('app',
        'SELECT ' . join(', ', map { "coalesce(${_}::text, '')" } @cols)
          . " FROM pg_tviews_progress WHERE entity_name = 'tv_post' ORDER BY run_id DESC LIMIT 1");
    my %run;
    @run{@cols} = split /\|/, $row, -1;
    return \%run;
}

# Polls until the newest run of tv_post satisfies $cond (or 60 s pass); returns that run.
sub wait_run
{
    my ($cond, $what) = @_;
    my $deadline = time + 60;
    while (time < $deadline)
    {
        my $run = latest_run();
        return $run if $run->{run_id} ne '' && $cond->($run);
        usleep(20_000);
    }
    die "timed out waiting for $what";
}

my $total_keys = $node->safe_psql('app',
    "SELECT count(*) FROM (SELECT pk_post FROM ($definition) d UNION SELECT pk_post FROM tv_post) k");

# --- progress, readers and writers during a rebuild --------------------------------------

damage();
$total_keys = $node->safe_psql('app',
    "SELECT count(*) FROM (SELECT pk_post FROM ($definition) d UNION SELECT pk_post FROM tv_post) k");
is($total_keys, '2002', '2000 keys from the definition, 2 only in the table');

my $rebuilder = $node->background_psql('app', on_error_stop => 0);
my $writer = $node->background_psql('app');
my $reader = $node->background_psql('app');
$reader->query_safe("SET statement_timeout = '2s'");

# 21 chunks of 100 keys, 0.4 s apart: about 8 s in all.
my $rebuild_start = time;
$rebuilder->query_until(qr/started/,
    "\\echo started\nCALL pg_tviews_rebuild('tv_post', chunk_size => 100, pause => '0.4 s');\n");

my $first = wait_run(sub { $_[0]{chunks_done} >= 1 }, 'the first chunk');
is($first->{state}, 'running', 'run is running');
ok($first->{keys_estimate} >= 1900 && $first->{keys_estimate} <= 2100,
    "keys estimate from statistics ($first->{keys_estimate})");

# A second rebuild of the same TVIEW is refused while this one runs.
my ($rc, $out, $err) = $node->psql('app',
    "\\set VERBOSITY verbose\nCALL pg_tviews_rebuild('tv_post')");
like($err, qr/55P03: TVIEW "tv_post" is already being rebuilt/, 'concurrent rebuild refused with 55P03');

# Polls one second apart, reading the TVIEW between them with a reader that must never wait.
my @polls;
my $max_read = 0;
my $reads = 0;
my ($writer_seconds, $writer_done_at, $run_at_write);
while (1)
{
    my $poll_start = time;
    my $run = latest_run();
    last if $run->{state} ne 'running';
    push @polls, $run;
    # Once chunks 1..5 (keys up to 500) are committed: one base row in a rebuilt chunk and one
    # in a chunk still to come, in one transaction.
    if (!defined $writer_seconds && $run->{chunks_done} >= 5)
    {
        my $t0 = time;
        $writer->query_safe(q{
            BEGIN;
            UPDATE tb_post SET title = 'written during rebuild' WHERE pk_post IN (50, 1900);
            COMMIT;
        });
        $writer_seconds = time - $t0;
        $writer_done_at = time;
        $run_at_write = latest_run();
    }
    while (time - $poll_start < 1.0)
    {
        my $t0 = time;
        $reader->query_safe('SELECT count(*), sum(length(data::text)) FROM tv_post');
        my $elapsed = time - $t0;
        $max_read = $elapsed if $elapsed > $max_read;
        $reads++;
        usleep(50_000);
    }
}
my $rebuild_seconds = time - $rebuild_start;
$rebuilder->query_safe('SELECT 1');  # the CALL has returned

my @chunks = map { $_->{chunks_done} } @polls;
note "chunks_done seen by the polls: @chunks";
ok(@polls >= 4, 'several polls saw the run running');
my $increasing = 1;
$increasing &&= $chunks[$_] > $chunks[$_ - 1] for 1 .. $#chunks;
ok($increasing, 'chunks_done strictly increases from poll to poll');
ok(!grep({ $_->{state} ne 'running' } @polls), 'state running while it runs');
ok(!grep({ $_->{percent_done} eq '' || $_->{percent_done} > 99.9 } @polls),
    'percent_done known and below 100 while running');
ok(!grep({ $_->{estimated_completion} eq '' } @polls), 'estimated completion known while running');

ok(defined $writer_seconds, 'writer ran during the rebuild');
ok($writer_seconds < 1.5, sprintf('writer committed in %.3f s', $writer_seconds));
is($run_at_write->{state}, 'running', 'rebuild still running after the writer committed');
ok($run_at_write->{chunks_done} < 15,
    "writer done at chunk $run_at_write->{chunks_done} of 21");
ok($rebuild_seconds - ($writer_done_at - $rebuild_start) > 2,
    sprintf('rebuild ended %.1f s after the writer committed', $rebuild_seconds - ($writer_done_at - $rebuild_start)));
ok($reads > 20, "reader read the TVIEW $reads times during the rebuild");
ok($max_read < 0.5, sprintf('reader never waited: longest read %.3f s', $max_read));

my $done = latest_run();
is($done->{state}, 'done', 'run done');
is("$done->{chunks_done}/$done->{keys_done}/$done->{percent_done}", '21/2002/100.0',
    'chunks, keys and percent of the finished run');
is($node->safe_psql('app', "SELECT pg_tviews_verify('tv_post')"), 't', 'pg_tviews_verify after the rebuild');
is(divergence(), '0', 'TVIEW equals its definition after the rebuild');
is($node->safe_psql('app',
        "SELECT string_agg(data->>'title', ',' ORDER BY pk_post) FROM tv_post WHERE pk_post IN (50, 1900)"),
    'written during rebuild,written during rebuild', 'both concurrent writes are in the TVIEW');
is($node->safe_psql('app',
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = 29814"),
    '0', 'rebuild lock released');

# --- a cancelled run, resumed ------------------------------------------------------------

damage();
my $rebuilder_pid = $rebuilder->query_safe('SELECT pg_backend_pid()');
$rebuilder->query_until(qr/started/,
    "\\echo started\nCALL pg_tviews_rebuild('tv_post', chunk_size => 100, pause => '0.3 s');\n");
wait_run(sub { $_[0]{state} eq 'running' && $_[0]{chunks_done} >= 3 }, 'three chunks');
$node->safe_psql('app', "SELECT pg_cancel_backend($rebuilder_pid)");
my (undef, $cancel_rc) = $rebuilder->query('SELECT 1');
like($rebuilder->{stderr}, qr/canceling statement due to user request/, 'the caller sees the cancellation');
$rebuilder->{stderr} = '';
my $failed = latest_run();
is("$failed->{state}/$failed->{error_sqlstate}", 'failed/57014', 'cancelled run recorded as failed, 57014');
is($failed->{last_key}, $failed->{chunks_done} * 100, 'last_key is the end of the last committed chunk');
is($node->safe_psql('app',
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = 29814"),
    '0', 'rebuild lock released after the failure');
$rebuilder->query_safe("CALL pg_tviews_rebuild('tv_post', chunk_size => 100, resume => true)");
my $resumed = latest_run();
is("$resumed->{state}/$resumed->{resumed_from}", "done/$failed->{run_id}", 'resumed run done');
is($failed->{keys_done} + $resumed->{keys_done}, 2002, 'failed and resumed runs visited every key once');
is(divergence(), '0', 'TVIEW equals its definition after the resumed run');

# --- an interrupted run (its session terminated), resumed ----------------------------------

damage();
$rebuilder_pid = $rebuilder->query_safe('SELECT pg_backend_pid()');
$rebuilder->query_until(qr/started/,
    "\\echo started\nCALL pg_tviews_rebuild('tv_post', chunk_size => 100, pause => '0.3 s');\n");
my $running = wait_run(sub { $_[0]{state} eq 'running' && $_[0]{chunks_done} >= 2 }, 'two chunks');
$node->safe_psql('app', "SELECT pg_terminate_backend($rebuilder_pid)");
my $interrupted = wait_run(sub { $_[0]{state} ne 'running' }, 'the session to end');
is($interrupted->{state}, 'interrupted', 'a run whose session ended shows as interrupted');
$rebuilder->{run}->kill_kill;  # its psql lost its connection
$node->safe_psql('app', "CALL pg_tviews_rebuild('tv_post', chunk_size => 100, resume => true)");
$resumed = latest_run();
is("$resumed->{state}/$resumed->{resumed_from}", "done/$interrupted->{run_id}", 'interrupted run resumed');
is($node->safe_psql('app',
        "SELECT state FROM tviews_internal.rebuild_run WHERE run_id = $interrupted->{run_id}"),
    'interrupted', 'and recorded as interrupted in the history');
is(divergence(), '0', 'TVIEW equals its definition after resuming the interrupted run');

# --- a writer racing a chunk of a TVIEW without key locks ----------------------------------
# One base row per key takes no key locks: the rebuild locks the chunk's rows before it
# recomputes them, or a writer that commits while the chunk computes would be overwritten with
# the value from before its write. slow() makes each chunk take about a second.
$node->safe_psql('app', q{
    CREATE FUNCTION slow(int) RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT $1 FROM pg_sleep(0.02) $$;
    CREATE TABLE tb_item (pk_item int PRIMARY KEY, v int NOT NULL);
    INSERT INTO tb_item SELECT g, 0 FROM generate_series(1, 100) g;
    CREATE TABLE tv_item AS SELECT i.pk_item, slow(i.v) AS v FROM tb_item i;
});
is($node->safe_psql('app', "SELECT pg_tviews_plan('tv_item')->>'needs_key_locks'"), 'false',
    'tv_item takes no key locks');
$rebuilder = $node->background_psql('app');
$rebuilder->query_until(qr/started/,
    "\\echo started\nCALL pg_tviews_rebuild('tv_item', chunk_size => 40);\n");
my $deadline = time + 60;
while ($node->safe_psql('app',
        "SELECT coalesce(max(chunks_done), 0) FROM pg_tviews_progress WHERE entity_name = 'tv_item' AND state = 'running'") < 1)
{
    die 'timed out waiting for the first tv_item chunk' if time > $deadline;
    usleep(10_000);
}
# Chunk 2 (keys 41..80) has just started; key 78 is near its end.
my $t0 = time;
$writer->query_safe('UPDATE tb_item SET v = 7 WHERE pk_item = 78');
my $waited = time - $t0;
$rebuilder->query_safe('SELECT 1');
note sprintf('writer of a key in the chunk being rebuilt waited %.3f s', $waited);
ok($waited < 5, 'writer waited at most for one chunk');
is($node->safe_psql('app', "SELECT v FROM tv_item WHERE pk_item = 78"), '7',
    'the concurrent write survives the chunk that recomputed its key');
# slow() is the identity: compare with the base table directly, without paying for it again.
is($node->safe_psql('app', q{
        SELECT count(*) FROM tb_item i FULL JOIN tv_item t USING (pk_item)
         WHERE t.v IS DISTINCT FROM i.v}),
    '0', 'tv_item equals its definition');

# --- a deadlock with a writer: the chunk is retried ----------------------------------------
# The writer holds row 90 and then wants row 10; the chunk locked rows 1..89 and waits for 90.
# The writer's deadlock_timeout is long, so the chunk's deadlock check finds the cycle: the chunk
# rolls back (releasing rows 1..89 to the writer) and reruns once the writer has committed.
$node->safe_psql('app', q{
    CREATE TABLE tb_note (pk_note int PRIMARY KEY, v int NOT NULL);
    INSERT INTO tb_note SELECT g, 0 FROM generate_series(1, 300) g;
    CREATE TABLE tv_note AS SELECT n.pk_note, n.v FROM tb_note n;
});
$writer->query_safe("SET deadlock_timeout = '60s'; BEGIN; UPDATE tb_note SET v = 1 WHERE pk_note = 90;");
my $rebuilder_pid2 = $rebuilder->query_safe('SELECT pg_backend_pid()');
$rebuilder->query_until(qr/started/,
    "\\echo started\nCALL pg_tviews_rebuild('tv_note', chunk_size => 100);\n");
$deadline = time + 60;
until ($node->safe_psql('app',
        "SELECT wait_event_type FROM pg_stat_activity WHERE pid = $rebuilder_pid2") eq 'Lock')
{
    die 'timed out waiting for the chunk to wait for the writer' if time > $deadline;
    usleep(10_000);
}
$writer->query_until(qr/sent/, "\\echo sent\nUPDATE tb_note SET v = 1 WHERE pk_note = 10;\n");
$writer->query_safe('COMMIT');
$rebuilder->query_safe('SELECT 1');
is($node->safe_psql('app', q{
        SELECT state || '/' || chunks_done || '/' || keys_done || '/' || chunk_retries
          FROM pg_tviews_progress WHERE entity_name = 'tv_note' ORDER BY run_id DESC LIMIT 1}),
    'done/3/300/1', 'the deadlocked chunk was retried once and the run finished');
is($node->safe_psql('app', "SELECT pg_tviews_verify('tv_note')"), 't', 'tv_note equals its definition');
is($node->safe_psql('app', "SELECT string_agg(v::text, ',' ORDER BY pk_note) FROM tv_note WHERE pk_note IN (10, 90)"),
    '1,1', 'the writer committed both rows');

$writer->quit;
$reader->quit;
$rebuilder->quit;
$node->stop;
ok(!-s $node->logfile || slurp_file($node->logfile) !~ /terminated by signal|PANIC/,
    'no backend crashed');
done_testing();
