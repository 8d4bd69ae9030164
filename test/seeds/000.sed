# Placeholders of seed 000 (Manual Refresh Runbook) -> names in the fixture
# (test/runbooks/fixture.sql + test/seeds/prelude.sql). Applied by test/seeds/suite.sh to the
# statements of 000_manual_refresh.sql at run time. Each rule replaces one placeholder only.
s/\byour_tview_name\b/tv_order/g
s/\byour_large_tview\b/tv_order/g
s/\byour_tview_backup\b/order_backup/g
s/\byour_tview\b/tv_order/g
s/%your_table_name%/%order%/g
s/\byour_source_table\b/tb_order/g
s/\byour_user\b/app_user/g
# Pauses between refresh steps, shortened to keep the suite fast.
s/pg_sleep(5)/pg_sleep(0)/g
s/pg_sleep(10)/pg_sleep(0)/g
