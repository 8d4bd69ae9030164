# Placeholders of seed 001 (Operational Runbooks) -> names in the fixture
# (test/runbooks/fixture.sql). Applied by test/seeds/suite.sh to the statements of
# 001_operational_runbooks.sql at run time. Order matters: specific rules come first.
# "some_field", "field" and "value": a text column of tb_post / a numeric one of tb_order.
s/\bsome_field\b/title/g
s/\btb_your_table\.field\b/tb_your_table.title/g
s/(field)/(title)/g
s/SET field = value WHERE condition/SET title = title WHERE pk_your_table = 1/g
s/SET field = value/SET amount = amount/g
s/\btb_large_table\b/tb_order/g
s/\bpk_large_table\b/pk_order/g
s/\btb_your_table\b/tb_post/g
s/\bpk_your_table\b/pk_post/g
s/\btv_your_table\b/tv_post/g
s/\btv_your_entity\b/tv_post/g
s/\bpk_your_entity\b/pk_post/g
s/'your_entity'/'post'/g
s/\bfk_parent\b/fk_user/g
s/\bpk_value\b/1/g
# "tv_event": a time-series TVIEW; the fixture's is tv_order (tv_event_y2025_m01 is kept).
s/\btv_event\b/tv_order/g
# The extension's version before the failed upgrade: the only version there is.
s/'old_version'/'0.1.0'/g
