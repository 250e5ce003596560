"""Who may open the exports page and take each download."""

from __future__ import annotations

import pytest
from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse

from tests.exports.conftest import content, url

pytestmark = pytest.mark.django_db

INDEX = reverse("exports:index")
SLUGS = ("indicator-values", "assistance-records", "monitoring-visits")


class TestPage:
    def test_anonymous_users_are_sent_to_the_login_page(self, client, portfolio):
        for path in (INDEX, *(url(slug, fmt) for slug in SLUGS for fmt in ("csv", "xlsx"))):
            response = client.get(path)
            assert response.status_code == 302, path
            assert response["Location"].startswith(reverse("login")), path

    @pytest.mark.parametrize("role", ["admin", "manager", "monitor"])
    def test_staff_see_all_three_downloads(self, client, users, role):
        client.force_login(users[role])
        html = client.get(INDEX).content.decode()
        for slug in SLUGS:
            assert url(slug, "csv") in html and url(slug, "xlsx") in html

    def test_a_donor_sees_only_the_figures(self, client, users):
        client.force_login(users["donor"])
        response = client.get(INDEX)
        html = response.content.decode()
        assert response.status_code == 200
        assert url("indicator-values", "csv") in html
        assert url("assistance-records", "csv") not in html
        assert url("monitoring-visits", "csv") not in html
        assert "&lt;5" in html  # told that small counts are hidden
        # Only what their organisation funds among the choices, no other donor.
        assert "CRP – Community Revitalization Programme" in html
        assert "Rapid Recovery" not in html and "Canada" not in html

    def test_a_user_without_a_role_is_told_to_ask_an_administrator(self, client, users):
        client.force_login(users["norole"])
        response = client.get(INDEX)
        assert response.status_code == 403
        assert "Ask an administrator" in response.content.decode()
        assert url("indicator-values", "csv") not in response.content.decode()

    def test_in_arabic_the_page_is_right_to_left_with_djangos_own_strings_translated(
        self, client, users
    ):
        # The project has no catalogue of its own yet: what an Arabic reader gets
        # today is the page's direction and the strings Django's catalogue holds.
        client.force_login(users["admin"])
        response = client.get(INDEX, headers={"accept-language": "ar"})
        assert response.status_code == 200
        html = response.content.decode()
        assert '<html lang="ar" dir="rtl">' in html
        assert ">الرئيسية</a>" in html  # "Home"
        assert "تسجيل الخروج" in html  # "Log out"
        assert ">Log out<" not in html
        english = client.get(INDEX, headers={"accept-language": "en"}).content.decode()
        assert '<html lang="en" dir="ltr">' in english and ">Log out<" in english


class TestDownloads:
    @pytest.mark.parametrize("slug", ["assistance-records", "monitoring-visits"])
    @pytest.mark.parametrize("fmt", ["csv", "xlsx"])
    def test_donors_get_no_record_level_data(self, client, users, slug, fmt):
        client.force_login(users["donor"])
        response = client.get(url(slug, fmt))
        assert response.status_code == 403
        assert not response.streaming
        assert "never record-level data" in response.content.decode()

    @pytest.mark.parametrize("slug", SLUGS)
    def test_a_user_without_a_role_downloads_nothing(self, client, users, slug):
        client.force_login(users["norole"])
        assert client.get(url(slug, "csv")).status_code == 403

    def test_unknown_exports_and_formats_are_not_found(self, client, users):
        client.force_login(users["admin"])
        assert client.get("/exports/beneficiaries.csv").status_code == 404
        assert client.get("/exports/assistance-records.json").status_code == 404

    @pytest.mark.parametrize("slug", SLUGS)
    def test_csv_streams_and_xlsx_is_a_file_both_as_attachments(self, client, users, slug):
        client.force_login(users["admin"])
        response = client.get(url(slug, "csv"))
        assert isinstance(response, StreamingHttpResponse)
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"].startswith(f'attachment; filename="iomdash-{slug}-')
        assert response["Content-Disposition"].endswith('.csv"')
        assert "no-store" in response["Cache-Control"]
        content(response)
        response = client.get(url(slug, "xlsx"))
        assert isinstance(response, FileResponse)
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert response["Content-Disposition"].startswith(f'attachment; filename="iomdash-{slug}-')
        assert response["Content-Disposition"].endswith('.xlsx"')
        content(response)

    def test_the_file_name_carries_todays_date(self, client, users):
        from django.utils import timezone

        client.force_login(users["admin"])
        response = client.get(url("indicator-values", "csv"))
        today = timezone.localdate().isoformat()
        assert f'filename="iomdash-indicator-values-{today}.csv"' in response["Content-Disposition"]
        content(response)

    def test_an_unreadable_filter_is_a_400_saying_which(self, client, users):
        client.force_login(users["admin"])
        response = client.get(
            url("indicator-values", "csv"),
            {"period_end_after": "31/03/2018", "period_type": "year"},
        )
        assert response.status_code == 400
        html = response.content.decode()
        assert "31/03/2018" in html and "period_end_after" in html
        assert "year" in html and "cumulative" in html

    def test_a_too_large_xlsx_points_to_the_csv(self, client, users, monkeypatch):
        from exports import views

        client.force_login(users["admin"])
        columns = 110  # more than the records export has (104): at most one row fits
        monkeypatch.setattr(views, "XLSX_MAX_CELLS", columns)
        response = client.get(url("assistance-records", "xlsx"), {"programme": ["CRP", "RRP"]})
        assert response.status_code == 400
        html = response.content.decode()
        assert "has 4 rows" in html
        assert url("assistance-records", "csv") + "?programme=CRP&amp;programme=RRP" in html, (
            "the CSV link keeps the filters"
        )
        monkeypatch.setattr(views, "XLSX_MAX_CELLS", 4 * columns)
        response = client.get(url("assistance-records", "xlsx"))
        assert response.status_code == 200
        content(response)


class TestCost:
    def test_a_download_costs_the_same_queries_whatever_its_size(self, client, users, portfolio):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from tests.factories import AssistanceRecordFactory

        client.force_login(users["admin"])

        def queries() -> dict:
            counts = {}
            for slug in SLUGS:
                for fmt in ("csv", "xlsx"):
                    with CaptureQueriesContext(connection) as captured:
                        content(client.get(url(slug, fmt)))
                    counts[slug, fmt] = len(captured)
            return counts

        before = queries()
        AssistanceRecordFactory.create_batch(
            30, project=portfolio["kirkuk_project"], visit=portfolio["visits"]["kirkuk"]
        )
        assert queries() == before
        # Session, the user with their profile (``programmes.backends``), then
        # the rows (in a savepoint here: the test's transaction is open); an
        # XLSX counts them first.
        assert before == {
            **{(slug, "csv"): 5 for slug in SLUGS},
            **{(slug, "xlsx"): 6 for slug in SLUGS},
        }

    def test_the_page_costs_a_few_queries(self, client, users, django_assert_max_num_queries):
        client.force_login(users["manager"])
        with django_assert_max_num_queries(12):
            assert client.get(INDEX).status_code == 200
