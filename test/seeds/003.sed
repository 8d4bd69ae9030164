# Placeholders of seed 003 (Phase 5.1: Operations Runbooks) -> names in the fixture
# (test/runbooks/fixture.sql). Applied by test/seeds/suite.sh to the statements of
# 003_phase5_runbooks.sql at run time. The column entity_name and backing_table_name of
# pg_tviews_metadata are not placeholders: only quoted or FROM-position uses are replaced.
s/'entity_name'/'tv_post'/g
s/'%entity_name%'/'%tv_post%'/g
s/FROM entity_name;/FROM tv_post;/g
s/FROM backing_table_name WHERE \.\.\. LIMIT/FROM tb_post WHERE pk_post = 1 LIMIT/g
s/FROM backing_table_name\b/FROM tb_post/g
s/'backing_table'/'tb_post'/g
s/FROM backing_table;/FROM tb_post;/g
# xargs -I {} puts each entity_name in place of {}.
s/"{}"/"tv_post"/g
# Waits for in-flight work, shortened to keep the suite fast (there is none in the fixture).
s/pg_sleep(30)/pg_sleep(0)/g
s/pg_sleep(60)/pg_sleep(0)/g
