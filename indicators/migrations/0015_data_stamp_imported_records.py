"""The visit list shows the monitors' imports waiting for review, read from
the imported assistance records (``import_batch`` set): their changes bump
the data stamp like those of the tables of 0010, so that the list can be
kept under the stamp. Other records still change it only through the engine
(the dashboards show only what it computed): a monitor's draft lines do not
empty the dashboards' cache. One stamp row per writing transaction, as for
every watched table."""

from django.db import migrations

TABLE = "beneficiaries_assistancerecord"
BUMP = "EXECUTE FUNCTION indicators_data_stamp_trigger()"

FORWARD = f"""
CREATE TRIGGER indicators_data_stamp_imported_insert AFTER INSERT ON {TABLE}
    FOR EACH ROW WHEN (NEW.import_batch IS NOT NULL) {BUMP};
CREATE TRIGGER indicators_data_stamp_imported_update AFTER UPDATE ON {TABLE}
    FOR EACH ROW WHEN (NEW.import_batch IS NOT NULL OR OLD.import_batch IS NOT NULL) {BUMP};
CREATE TRIGGER indicators_data_stamp_imported_delete AFTER DELETE ON {TABLE}
    FOR EACH ROW WHEN (OLD.import_batch IS NOT NULL) {BUMP};
CREATE TRIGGER indicators_data_stamp_truncate AFTER TRUNCATE ON {TABLE}
    FOR EACH STATEMENT {BUMP};
"""

BACKWARD = "".join(
    f"DROP TRIGGER IF EXISTS indicators_data_stamp_{name} ON {TABLE};"
    for name in ("imported_insert", "imported_update", "imported_delete", "truncate")
)


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0014_data_stamp_visit_lists"),
        ("beneficiaries", "0016_two_way_crossings"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
