"""The data stamp's row is written once per transaction, not updated by every
statement: each update of the same row inside one transaction left a version
the next statement's upsert had to walk past, so a transaction of N writing
statements cost N² (8,000 statements: 3.9 s; an import's row triggers of
0015 fire once per record). The stamp still moves with every statement inside
the writing transaction: the statements are counted in a transaction-local
setting, ``iomdash.stamp_seq``, which ``indicators.selectors.data_stamp``
reads beside the rows (other transactions never see it)."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION indicators_data_stamp_bump() RETURNS void AS $$
DECLARE
    seq bigint := coalesce(nullif(current_setting('iomdash.stamp_seq', true), ''), '0')::bigint;
BEGIN
    IF seq = 0 THEN
        INSERT INTO indicators_datastamp (txid, weight) VALUES (txid_current(), 1)
        ON CONFLICT (txid) DO UPDATE SET weight = indicators_datastamp.weight + 1;
    END IF;
    PERFORM set_config('iomdash.stamp_seq', (seq + 1)::text, true);
END $$ LANGUAGE plpgsql;
"""

BACKWARD = """
CREATE OR REPLACE FUNCTION indicators_data_stamp_bump() RETURNS void AS $$
BEGIN
    INSERT INTO indicators_datastamp (txid, weight) VALUES (txid_current(), 1)
    ON CONFLICT (txid) DO UPDATE SET weight = indicators_datastamp.weight + 1;
END $$ LANGUAGE plpgsql;
"""


class Migration(migrations.Migration):
    dependencies = [("indicators", "0015_data_stamp_imported_records")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
