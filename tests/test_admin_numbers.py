"""The admin's number fields read Arabic-Indic digits as the pages' forms and
the API do: text boxes with the digits keyboard (a browser's number box
refuses "١٢٥٠"), read by ``programmes.l10n``."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.contrib import admin
from django.urls import reverse

from beneficiaries.models import RECIPIENT_FIELDS, AssistanceRecord
from programmes.l10n import LocalDecimalField, LocalIntegerField
from programmes.models import ExchangeRate
from tests.test_admin import activity_type, project  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

APPS = {"programmes", "beneficiaries", "indicators"}
ADMINS = sorted(
    (model._meta.label, model_admin)
    for model, model_admin in admin.site._registry.items()
    if model._meta.app_label in APPS
)


def number_fields(form_class) -> dict[str, forms.Field]:
    return {
        name: field
        for name, field in form_class.base_fields.items()
        if isinstance(field, forms.IntegerField) and not isinstance(field, forms.FloatField)
    }


@pytest.mark.parametrize(("label", "model_admin"), ADMINS, ids=[label for label, _a in ADMINS])
def test_every_number_field_of_the_admin_reads_any_digits(rf, admin_user, label, model_admin):
    request = rf.get("/")
    request.user = admin_user
    forms_of = {label: model_admin.get_form(request)}
    for inline in model_admin.get_inline_instances(request):
        forms_of[f"{label} > {inline.model._meta.label}"] = inline.get_formset(request).form
    for name, form_class in forms_of.items():
        for field_name, field in number_fields(form_class).items():
            local = (
                LocalDecimalField if isinstance(field, forms.DecimalField) else LocalIntegerField
            )
            assert isinstance(field, local), f"{name}.{field_name} is a {type(field).__name__}"
            assert field.widget.input_type == "text", f"{name}.{field_name}: a number box"


def admin_url(model, view: str) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}")


def test_an_exchange_rate_typed_in_arabic_digits_is_saved(admin_client):
    response = admin_client.post(
        admin_url(ExchangeRate, "add"),
        {"currency": "EUR", "valid_from": "2024-01-01", "usd_per_unit": "١٬٢٥٠٫٥"},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert ExchangeRate.objects.get(currency="EUR").usd_per_unit == Decimal("1250.5")


def test_a_record_counted_in_arabic_digits_is_saved(admin_client, project, activity_type):  # noqa: F811
    data = {
        "project": project.pk,
        "activity_type": activity_type.pk,
        "delivered_on": "2024-06-02",
        "status": "draft",
        "units": "٢",
        "households": "٢",
        "people": "١٬٢٥٠",
        **{field: "٠" for field in RECIPIENT_FIELDS},
        "f_18_59_returnee": "٣",
        "sex_f": "٣",
        "sex_m": "۴",  # Persian digits (Kurdish keyboards)
    }
    response = admin_client.post(admin_url(AssistanceRecord, "add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    record = AssistanceRecord.objects.get()
    assert (record.units, record.people, record.f_18_59_returnee, record.sex_m) == (2, 1250, 3, 4)
    assert record.delivered_on == datetime.date(2024, 6, 2)
