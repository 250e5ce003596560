"""The visit lists (the API's, kept under the stamp) also read where a visit
was taken (``beneficiaries_visitlocation``) and who made and reviewed it
(``auth_user``'s names): their changes bump the data stamp like those of the
other tables (0010). A user's other columns (a login's ``last_login``, a
password) do not: the trigger is on the names only."""

from django.db import migrations

LOCATIONS = "beneficiaries_visitlocation"
USERS = "auth_user"


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0013_data_stamp_shared_reach"),
        ("beneficiaries", "0016_two_way_crossings"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE TRIGGER indicators_data_stamp AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            f"ON {LOCATIONS} FOR EACH STATEMENT EXECUTE FUNCTION indicators_data_stamp_trigger()",
            f"DROP TRIGGER IF EXISTS indicators_data_stamp ON {LOCATIONS}",
        ),
        migrations.RunSQL(
            "CREATE TRIGGER indicators_data_stamp AFTER INSERT OR DELETE OR TRUNCATE "
            f"OR UPDATE OF username, first_name, last_name ON {USERS} FOR EACH STATEMENT "
            "EXECUTE FUNCTION indicators_data_stamp_trigger()",
            f"DROP TRIGGER IF EXISTS indicators_data_stamp ON {USERS}",
        ),
    ]
