"""Every page of the site, as a user who may see it meets it on demo-like
data: ``PAGES`` (what tests/browser/test_every_page.py opens at 360 and
1366 px, in English, Arabic and Kurdish) and ``NOT_PAGES`` (the URLs that
give no HTML page, and why). A URL added to ``iomdash/urls.py`` or an app's
``urls.py`` must go into one of them: test_every_page.py fails until it does.

``build()`` makes the data the pages show, once for the module: the demo
(smaller than ``make run``'s), its snapshots and targets, a visit waiting
for review and one returned, a checked import and a written one, and the
demo users signed in with ``tests.factories.PASSWORD``."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

# Users: the demo's (``demo.spec.DEMO_USERS``), and a newcomer without a role.
ADMIN, MANAGER, FIELD, DONOR, NEWCOMER = "admin", "manager", "field", "donor", "newcomer"
TODAY = dt.date(2026, 12, 1)  # the demo's snapshots are written as of this day


@dataclass(frozen=True)
class Page:
    """A page as ``user`` (None: not signed in) opens it: ``path`` with the
    ``{keys}`` of ``build()``'s data filled in, answered with ``status``;
    ``mirrored``: right to left in Arabic and Kurdish (not Swagger UI, a
    tool in English with a page of its own)."""

    key: str
    url_name: str | None
    user: str | None
    path: str
    status: int = 200
    mirrored: bool = True


PROGRAMME = "/dashboards/programme/CRP"
PAGES = [
    Page("home-admin", "home", ADMIN, "/"),
    Page("login", "login", None, "/accounts/login/"),
    # Without email configured (as in the tests), each step of the reset says so.
    Page("password-reset", "password_reset", None, "/accounts/password_reset/", status=404),
    Page("password-change", "password_change", FIELD, "/accounts/password_change/"),
    Page("password-change-done", "password_change_done", FIELD, "/accounts/password_change/done/"),
    Page("visit-list-manager", "beneficiaries:visit_list", MANAGER, "/visits/"),
    Page("visit-map", "beneficiaries:visit_map", MANAGER, "/visits/map/"),
    Page("visit-new", "beneficiaries:visit_new", FIELD, "/visits/new/"),
    Page("visit-review", "beneficiaries:visit_detail", MANAGER, "/visits/{submitted}/"),
    Page("visit-edit", "beneficiaries:visit_edit", FIELD, "/visits/{returned}/edit/"),
    Page("import-upload", "beneficiaries:import_upload", FIELD, "/visits/import/"),
    Page("import-checked", "beneficiaries:import_detail", FIELD, "/visits/import/{checked}/"),
    Page(
        "import-review", "beneficiaries:import_review", MANAGER, "/visits/import/{written}/review/"
    ),
    Page("survey-results", "beneficiaries:survey_result_new", MANAGER, "/visits/survey-results/"),
    Page("dashboard-mission", "dashboards:mission", ADMIN, "/dashboards/"),
    Page(
        "dashboard-governorate",
        "dashboards:governorate",
        ADMIN,
        "/dashboards/governorate/IQG13/",
    ),
    Page("dashboard-programme", "dashboards:programme", MANAGER, f"{PROGRAMME}/"),
    Page("projects", "dashboards:project_list", MANAGER, f"{PROGRAMME}/projects/"),
    Page("project-new", "dashboards:project_new", MANAGER, f"{PROGRAMME}/projects/new/"),
    Page("project-edit", "dashboards:project_edit", MANAGER, f"{PROGRAMME}/projects/{{project}}/"),
    Page("contributions", "dashboards:contribution_list", MANAGER, f"{PROGRAMME}/contributions/"),
    Page(
        "contribution-new",
        "dashboards:contribution_new",
        MANAGER,
        f"{PROGRAMME}/contributions/new/",
    ),
    Page(
        "contribution-edit",
        "dashboards:contribution_edit",
        MANAGER,
        f"{PROGRAMME}/contributions/{{contribution}}/",
    ),
    Page("targets", "dashboards:targets", MANAGER, f"{PROGRAMME}/targets/"),
    Page("notifications", "notifications:list", FIELD, "/notifications/"),
    Page(
        "notification-preferences",
        "notifications:preferences",
        FIELD,
        "/notifications/preferences/",
    ),
    Page("snapshots", "snapshots:list", MANAGER, "/snapshots/"),
    Page("snapshot-new", "snapshots:create", MANAGER, "/snapshots/new/"),
    Page("snapshot-verify", "snapshots:verify", None, "/snapshots/verify/"),
    Page("snapshot-published", "snapshots:detail", DONOR, "/snapshots/{published}/"),
    Page("snapshot-draft", "snapshots:detail", MANAGER, "/snapshots/{draft}/"),
    Page("snapshot-pdf", "snapshots:pdf_status", MANAGER, "/snapshots/{published}/pdf/status/"),
    Page("exports", "exports:index", MANAGER, "/exports/"),
    Page("api-docs", "api-docs", ADMIN, "/api/docs/", mirrored=False),
    # Errors: a visit that does not exist, a form the user may not open, no role yet.
    Page("error-404", None, FIELD, "/visits/999999999/", status=404),
    Page("error-403", None, FIELD, f"{PROGRAMME}/projects/new/", status=403),
    Page("no-role", None, NEWCOMER, "/dashboards/", status=403),
]

# Every other named URL, and what it gives instead of a page.
POSTED = "takes a POST and redirects"
NOT_PAGES = {
    "healthz": "the health check's JSON",
    "logout": POSTED,
    "password_reset_done": "the reset's page: the same as password_reset without email",
    "password_reset_confirm": "the reset's page: the same as password_reset without email",
    "password_reset_complete": "the reset's page: the same as password_reset without email",
    "set_language": POSTED,
    "language_choose": POSTED,
    "media": "a visit's photo",
    "beneficiaries:visit_submit": POSTED,
    "beneficiaries:visit_approve": POSTED,
    "beneficiaries:visit_return": POSTED,
    "beneficiaries:referral_close": POSTED,
    "beneficiaries:photo_add": POSTED,
    "beneficiaries:photo_delete": POSTED,
    "beneficiaries:service_worker": "the offline form's service worker (JavaScript)",
    "beneficiaries:manifest": "the web app's manifest (JSON)",
    "beneficiaries:offline_reference": "the offline form's reference lists (JSON)",
    "beneficiaries:import_template_csv": "a CSV file",
    "beneficiaries:import_template_xlsx": "an XLSX file",
    "beneficiaries:import_confirm": POSTED,
    "beneficiaries:import_approve": POSTED,
    "beneficiaries:import_return": POSTED,
    "dashboards:targets_import": POSTED,
    "dashboards:target_delete": POSTED,
    "dashboards:governorates_geojson": "GeoJSON",
    "dashboards:districts_geojson": "GeoJSON",
    "notifications:read_all": POSTED,
    "notifications:open": POSTED,
    "snapshots:edit": POSTED,
    "snapshots:publish": POSTED,
    "snapshots:section_add": POSTED,
    "snapshots:section_edit": POSTED,
    "snapshots:section_hide": POSTED,
    "snapshots:section_move": POSTED,
    "snapshots:section_delete": POSTED,
    "snapshots:block_add": POSTED,
    "snapshots:sentence_add": POSTED,
    "snapshots:block_edit": POSTED,
    "snapshots:block_move": POSTED,
    "snapshots:block_delete": POSTED,
    "snapshots:pdf_request": POSTED,
    "snapshots:download": "a PDF file",
    "exports:download": "a CSV or XLSX file",
}
# Whole trees that are no page of ours: Django's admin (its own responsive,
# mirrored layout) and the REST API (JSON; its docs, a page, are in PAGES).
OTHER_PREFIXES = {"admin/": "Django's admin", "api/": "the REST API's JSON"}


def _import_file(rows: list[list[str]]):
    from django.core.files.uploadedfile import SimpleUploadedFile

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["project", "governorate", "district", "activity_type", "delivered_on", "units", "people"]
    )
    writer.writerows(rows)
    return SimpleUploadedFile("distribution list.csv", out.getvalue().encode(), "text/csv")


def build() -> dict:
    """The demo with its snapshots, targets, a returned visit and two imports;
    the ids the pages' paths name. Tasks run in process; the snapshots'
    PDFs are not drawn (a stand-in file)."""
    from unittest import mock

    from django.contrib.auth import get_user_model

    from beneficiaries import imports
    from beneficiaries.models import AssistanceRecord, MonitoringVisit
    from beneficiaries.services import (
        assistance_line_save,
        visit_create,
        visit_return,
        visit_submit,
    )
    from demo import generate as demo
    from demo.indicators import demo_definitions_ensure
    from demo.snapshots import demo_quarterly_ensure
    from demo.targets import demo_targets_ensure
    from indicators.engine import recompute_full
    from iomdash.celery import app
    from programmes.models import Contribution, Project
    from snapshots import services as snapshot_services
    from snapshots.access import snapshots_for_user
    from snapshots.models import Snapshot
    from tests.factories import PASSWORD, UserFactory

    app.conf.task_always_eager = True
    try:
        with mock.patch.object(snapshot_services, "_render", return_value=b"%PDF-1.7"):
            demo.demo_load(seed=demo.DEFAULT_SEED, log=lambda _m: None, n_records=400, n_visits=80)
            demo_definitions_ensure()
            recompute_full(progress=lambda *_: None)
            demo_targets_ensure(as_of=demo.AS_OF)
            demo_quarterly_ensure(
                last_quarter_end=demo.AS_OF,
                user=get_user_model().objects.get(username=MANAGER),
                today=TODAY,
            )
        users = {u.username: u for u in get_user_model().objects.all()}
        for name in (ADMIN, MANAGER, FIELD, DONOR):
            users[name].set_password(PASSWORD)
            users[name].save(update_fields=["password"])
        UserFactory(username=NEWCOMER)
        field, manager = users[FIELD], users[MANAGER]

        record = (
            AssistanceRecord.objects.filter(
                project__programme__code="CRP",
                project__governorate__pcode="IQG13",
                visit__isnull=True,
            )
            .select_related("project", "governorate", "district", "activity_type")
            .order_by("pk")
            .first()
        )
        submitted = (
            MonitoringVisit.objects.filter(monitor=field, status="submitted").order_by("pk").first()
        )
        returned = visit_create(
            user=field,
            project=record.project,
            visit_date=record.delivered_on,
            findings="The shop is open; the owner bought an oven and two fridges with the grant.",
        )
        assistance_line_save(
            visit=returned,
            user=field,
            activity_type=record.activity_type,
            units=12,
            households=12,
            people=58,
            household_size=None,
            recipients={},
        )
        visit_submit(visit=returned, user=field)
        visit_return(
            visit=returned,
            user=manager,
            reason="The households and the people do not match the distribution list.",
        )

        good = [
            record.project.code,
            record.governorate.name_en,
            record.district.name_en if record.district else "",
            record.activity_type.name,
            record.delivered_on.isoformat(),
            "4",
            "6",
        ]
        bad = [*good[:4], "31/02/2026", "four", "6"]
        checked = imports.import_create(user=field, upload=_import_file([good, bad, good]))
        written = imports.import_create(user=field, upload=_import_file([good, good]))
        imports.import_confirm(batch_id=written["id"], user=field)
        state = imports.status_read(written["id"])
        assert state["state"] == imports.State.DONE, state
    finally:
        app.conf.task_always_eager = False

    crp = Project.objects.filter(programme__code="CRP").order_by("pk")
    published = snapshots_for_user(users[DONOR]).filter(status=Snapshot.Status.PUBLISHED)
    return {
        "submitted": submitted.pk,
        "returned": returned.pk,
        "checked": checked["id"],
        "written": written["id"],
        "project": crp.first().pk,
        "contribution": Contribution.objects.filter(programme__code="CRP").order_by("pk")[0].pk,
        "published": published.order_by("-period_end")[0].pk,
        "draft": Snapshot.objects.filter(status=Snapshot.Status.DRAFT).order_by("pk")[0].pk,
    }
