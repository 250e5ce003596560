"""Drop the free-text district (0006 mapped it), and let the database refuse a
project whose governorate is not its district's: the pair (district,
governorate) references the district's own (id, governorate)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("programmes", "0008_project_district_from_text")]

    operations = [
        migrations.RemoveField("project", "district_text"),
        migrations.RemoveField("historicalproject", "district_text"),
        migrations.RunSQL(
            "ALTER TABLE programmes_project ADD CONSTRAINT project_district_in_governorate "
            "FOREIGN KEY (district_id, governorate_id) "
            "REFERENCES programmes_district (id, governorate_id)",
            "ALTER TABLE programmes_project DROP CONSTRAINT project_district_in_governorate",
        ),
    ]
