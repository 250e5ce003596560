"""The suite's database backend (tests/pg_backend) empties the test database
and puts back what the migrations loaded as Django's own would: the same rows
in every table, nothing else, and triggers and foreign keys working after."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from tests.reference_data import restore_reference_data


def every_row() -> dict[str, str]:
    """Each model's rows, as Django serializes them, for the tables that hold any."""
    rows = {}
    for model in apps.get_models():
        if model._meta.managed and not model._meta.proxy:
            text = serializers.serialize("json", model._default_manager.order_by("pk"))
            if text != "[]":
                rows[model._meta.label] = text
    return rows


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_emptied_and_put_back_the_database_holds_what_the_migrations_loaded():
    from programmes.models import Governorate, SubDistrict

    migrated = every_row()
    assert {"programmes.Governorate", "programmes.SubDistrict", "auth.Permission"} <= set(migrated)
    Governorate.objects.filter(pcode="IQG13").update(name_en="changed")

    # As a transactional test's end does (TransactionTestCase._fixture_teardown).
    call_command(
        "flush", verbosity=0, interactive=False, inhibit_post_migrate=True, reset_sequences=False
    )
    assert every_row() == {}
    restore_reference_data()
    assert every_row() == migrated

    # Put back over rows already there (Django's serialized rollback does at
    # a test's start): the same rows, none doubled.
    connection.creation.deserialize_db_from_string(connection._test_serialized_contents)
    assert every_row() == migrated

    # Foreign keys are checked again afterwards.
    with pytest.raises(IntegrityError), transaction.atomic():
        SubDistrict.objects.filter(pk=SubDistrict.objects.first().pk).update(district_id=-1)
