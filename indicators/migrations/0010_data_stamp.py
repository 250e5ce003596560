"""The dashboards' data stamp: a row per writing transaction, written by
statement triggers on every table the dashboards read, and by the engine."""

from django.db import migrations, models

# The tables the dashboards read besides the value table (which only the
# engine writes, and the engine stamps its own runs). A table added later that
# the dashboards read needs the same trigger, in a migration of its own.
WATCHED = [
    "programmes_governorate",
    "programmes_district",
    "programmes_subdistrict",
    "programmes_donor",
    "programmes_programme",
    "programmes_exchangerate",
    "programmes_contribution",
    "programmes_sector",
    "programmes_project",
    "beneficiaries_activitytype",
    "beneficiaries_activitytype_sectors",
    "beneficiaries_monitoringvisit",
    "beneficiaries_referral",
    "beneficiaries_photo",
    "beneficiaries_survey",
    "beneficiaries_question",
    "beneficiaries_feedbackresponse",
    "beneficiaries_answer",
    "beneficiaries_surveyresult",
    "beneficiaries_surveyresultcount",
    "indicators_householdmultiplier",
    "indicators_indicatordefinition",
    "indicators_indicatordefinition_activity_types",
    "indicators_indicatordefinition_sectors",
    "indicators_indicatordefinition_programmes",
    "indicators_target",
    "programmes_portfolio",
    "programmes_portfolio_programmes",
]

FUNCTIONS = """
CREATE OR REPLACE FUNCTION indicators_data_stamp_bump() RETURNS void AS $$
BEGIN
    INSERT INTO indicators_datastamp (txid, weight) VALUES (txid_current(), 1)
    ON CONFLICT (txid) DO UPDATE SET weight = indicators_datastamp.weight + 1;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION indicators_data_stamp_trigger() RETURNS trigger AS $$
BEGIN
    PERFORM indicators_data_stamp_bump();
    RETURN NULL;
END $$ LANGUAGE plpgsql;
"""

TRIGGERS = """
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY %(tables)s LOOP
        IF to_regclass(t) IS NOT NULL THEN
            EXECUTE format(
                'CREATE TRIGGER indicators_data_stamp AFTER INSERT OR UPDATE OR DELETE '
                'OR TRUNCATE ON %%I FOR EACH STATEMENT '
                'EXECUTE FUNCTION indicators_data_stamp_trigger()', t);
        END IF;
    END LOOP;
END $$;
"""

DROP_TRIGGERS = """
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY %(tables)s LOOP
        IF to_regclass(t) IS NOT NULL THEN
            EXECUTE format('DROP TRIGGER IF EXISTS indicators_data_stamp ON %%I', t);
        END IF;
    END LOOP;
END $$;
"""

DROP_FUNCTIONS = """
DROP FUNCTION IF EXISTS indicators_data_stamp_trigger();
DROP FUNCTION IF EXISTS indicators_data_stamp_bump();
"""

_ARRAY = "ARRAY[" + ", ".join(f"'{t}'" for t in WATCHED) + "]"


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0009_target"),
        ("programmes", "0014_portfolio_and_unearmarked_contributions"),
        ("beneficiaries", "0010_photo_client_id"),
    ]

    operations = [
        migrations.CreateModel(
            name="DataStamp",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("txid", models.BigIntegerField(unique=True)),
                ("weight", models.BigIntegerField(default=1)),
            ],
            options={"verbose_name": "data stamp"},
        ),
        migrations.RunSQL(FUNCTIONS, DROP_FUNCTIONS),
        migrations.RunSQL(TRIGGERS % {"tables": _ARRAY}, DROP_TRIGGERS % {"tables": _ARRAY}),
    ]
