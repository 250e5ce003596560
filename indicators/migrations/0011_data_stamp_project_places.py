"""The dashboards read a project's coverage (``programmes_projectplace``):
its changes bump the data stamp like those of the other tables (0010)."""

from django.db import migrations

TABLE = "programmes_projectplace"


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0010_data_stamp"),
        ("programmes", "0015_project_coverage"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE TRIGGER indicators_data_stamp AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            f"ON {TABLE} FOR EACH STATEMENT EXECUTE FUNCTION indicators_data_stamp_trigger()",
            f"DROP TRIGGER IF EXISTS indicators_data_stamp ON {TABLE}",
        ),
    ]
