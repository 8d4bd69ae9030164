-- Added to the fixture (test/runbooks/fixture.sql) for the seeds suite: objects that seed
-- statements name and that a real deployment would have.
-- seed 000 "Permission denied": GRANT ... TO your_user (000.sed: your_user -> app_user).
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'app_user') THEN
        CREATE ROLE app_user;
    END IF;
END $$;
-- seed 000 "Partial Rollback": a backup copy of the TVIEW (000.sed: your_tview_backup ->
-- order_backup; a name starting with tv_ would be taken for a TVIEW definition).
CREATE TABLE order_backup AS SELECT * FROM tv_order;
