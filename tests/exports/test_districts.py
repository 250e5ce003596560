"""Exports cut by district (``?district=IQG15Q05``) and naming each row's
district by P-code and name."""

from __future__ import annotations

import pytest

from programmes.models import Project
from tests.exports.conftest import column, download
from tests.factories import district

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_mosul(portfolio):
    project = portfolio["ninewa_project"]
    Project.objects.filter(pk=project.pk).update(district=district("IQG15Q05"))
    return project


def test_records_filtered_by_district_name_it(client, users, portfolio, in_mosul):
    rows = download(client, users["admin"], "assistance-records", district="IQG15Q05")
    assert set(column(rows, "project_code")) == {in_mosul.code}
    assert set(column(rows, "adm2_code")) == {"IQG15Q05"}
    assert set(column(rows, "adm2_name")) == {"Al-Mosul"}
    assert set(column(rows, "adm2_name_ar")) == {"الموصل"}
    everything = download(client, users["admin"], "assistance-records")
    assert "" in column(everything, "adm2_code")  # the Kirkuk project names no district


def test_visits_filtered_by_district(client, users, portfolio, in_mosul):
    rows = download(client, users["admin"], "monitoring-visits", district="IQG15Q05")
    assert set(column(rows, "project_code")) == {in_mosul.code}
    assert set(column(rows, "adm2_name")) == {"Al-Mosul"}
    assert download(client, users["admin"], "monitoring-visits", district="IQG13Q01")[2:] == []


def test_records_name_their_subdistrict(client, users, portfolio, in_mosul):
    from beneficiaries.models import AssistanceRecord
    from programmes.models import SubDistrict

    AssistanceRecord.objects.filter(project=in_mosul).update(
        subdistrict=SubDistrict.objects.get(pcode="IQG15Q05N01")
    )
    rows = download(client, users["admin"], "assistance-records", district="IQG15Q05")
    assert set(column(rows, "adm3_code")) == {"IQG15Q05N01"}
    assert set(column(rows, "adm3_name")) == {"Al-Qayarra"}
