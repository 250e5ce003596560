"""The engine and the figures read shared reaches (``beneficiaries_sharedreach``):
their changes bump the data stamp like those of the other tables (0010)."""

from django.db import migrations

TABLE = "beneficiaries_sharedreach"


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0012_translated_names"),
        ("beneficiaries", "0015_shared_reach"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE TRIGGER indicators_data_stamp AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            f"ON {TABLE} FOR EACH STATEMENT EXECUTE FUNCTION indicators_data_stamp_trigger()",
            f"DROP TRIGGER IF EXISTS indicators_data_stamp ON {TABLE}",
        ),
    ]
