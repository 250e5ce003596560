"""Projects name their district by P-code: the free-text ``district`` becomes
``district_text`` until 0006 maps it, beside the new ``district`` foreign key
and a ``location_note`` keeping what no district says."""

import django.db.models.deletion
from django.db import migrations, models

NOTE = models.CharField(
    blank=True,
    max_length=200,
    help_text="Where, in the report's words, when no district says it (a town, a camp).",
    verbose_name="location note",
)


class Migration(migrations.Migration):
    dependencies = [("programmes", "0006_load_districts_subdistricts")]

    operations = [
        migrations.RenameField("project", "district", "district_text"),
        migrations.RenameField("historicalproject", "district", "district_text"),
        migrations.AddField(
            "project",
            "district",
            models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="projects",
                to="programmes.district",
                verbose_name="district",
            ),
        ),
        migrations.AddField(
            "historicalproject",
            "district",
            models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="programmes.district",
                verbose_name="district",
            ),
        ),
        migrations.AddField("project", "location_note", NOTE),
        migrations.AddField("historicalproject", "location_note", NOTE),
        migrations.AlterField(
            "project",
            "governorate",
            models.ForeignKey(
                blank=True,
                help_text="Taken from the district when a district is given.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="projects",
                to="programmes.governorate",
                verbose_name="governorate",
            ),
        ),
        migrations.AlterField(
            "historicalproject",
            "governorate",
            models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="Taken from the district when a district is given.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="programmes.governorate",
                verbose_name="governorate",
            ),
        ),
        migrations.AddConstraint(
            "district",
            models.UniqueConstraint(fields=["id", "governorate"], name="district_in_governorate"),
        ),
    ]
