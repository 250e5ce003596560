"""Projects by sector and status, the governorate page's field panels
(visits, referrals, feedback), and the cumulative line that must not leak
a hidden quarter."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from beneficiaries.models import (
    Beneficiary,
    Photo,
    Referral,
)
from indicators.engine import recompute_full
from programmes.models import Project, Sector, UserProfile
from tests.factories import (
    ProjectFactory,
    UserFactory,
    governorate,
    user_with_role,
)
from tests.indicators.conftest import record
from tests.indicators.dashboards.helpers import (
    MAX_QUERIES_GOVERNORATE,
    MISSION,
    feedback,
    field_visit,
    governorate_url,
    headline,
    login,
    page_json,
    programme_url,
)

pytestmark = pytest.mark.django_db


class TestProjectsBySector:
    @pytest.fixture
    def sectors(self, portfolio):
        """Besides the three livelihoods projects: two health projects in
        Kirkuk (ongoing, preparation), one water project in Anbar, and one
        education project started after the quarter."""
        health = Sector.objects.create(code="health", name="Health")
        water = Sector.objects.create(code="water", name="Water and sanitation")
        education = Sector.objects.create(code="education", name="Education")
        crp, usa = portfolio["crp"], portfolio["usa"]
        for sector, pcode, status, start in (
            (health, "IQG13", "ongoing", dt.date(2017, 1, 1)),
            (health, "IQG13", "preparation", dt.date(2018, 6, 1)),
            (water, "IQG01", "completed", dt.date(2017, 1, 1)),
            (education, "IQG13", "preparation", dt.date(2018, 8, 1)),
        ):
            ProjectFactory(
                programme=crp,
                governorate=governorate(pcode),
                donor=usa,
                sector=sector,
                status=status,
                start_date=start,
            )
        recompute_full()

    @staticmethod
    def counts(response) -> dict:
        data = response.context["data"]["projects_by_sector"]
        return {
            row["sector"]: tuple(row[s]["value"] for s in ("completed", "ongoing", "preparation"))
            for row in data["sectors"]
        }

    def test_mission_page_counts_by_sector_and_status(self, client, portfolio, sectors):
        response = login(client, user_with_role("admin")).get(MISSION, {"as_of": "2018-06-30"})
        assert self.counts(response) == {
            "Health": (0, 1, 1),
            "Livelihoods": (2, 1, 0),
            "Water and sanitation": (1, 0, 0),
        }
        assert page_json(response)["projects_by_sector"]["statuses"] == [
            {"code": "completed", "label": "Completed"},
            {"code": "ongoing", "label": "Ongoing"},
            {"code": "preparation", "label": "In preparation"},
        ]
        later = client.get(MISSION, {"as_of": "2018-09-30"})
        assert self.counts(later)["Education"] == (0, 0, 1)

    def test_governorate_and_programme_pages_narrow_the_counts(self, client, portfolio, sectors):
        login(client, user_with_role("admin"))
        kirkuk = client.get(governorate_url("IQG13"), {"as_of": "2018-06-30"})
        assert self.counts(kirkuk) == {"Health": (0, 1, 1), "Livelihoods": (0, 1, 0)}
        rrp = client.get(programme_url("RRP"), {"as_of": "2018-06-30"})
        assert self.counts(rrp) == {"Livelihoods": (1, 0, 0)}
        crp_anbar = client.get(
            programme_url("CRP"), {"as_of": "2018-06-30", "governorate": "IQG01"}
        )
        assert self.counts(crp_anbar) == {
            "Livelihoods": (1, 0, 0),
            "Water and sanitation": (1, 0, 0),
        }
        assert 'id="chart-sectors"' in crp_anbar.content.decode()

    def test_a_donor_sees_counts_below_five_hidden(self, client, portfolio, sectors):
        donor = user_with_role("donor", donor=portfolio["canada"])
        # Canada: six livelihoods projects in Ninewa, three completed, three ongoing.
        for status in ("completed",) * 2 + ("ongoing",) * 3:
            ProjectFactory(
                programme=portfolio["rrp"],
                governorate=portfolio["ninewa"],
                donor=portfolio["canada"],
                status=status,
            )
        response = login(client, donor).get(MISSION, {"as_of": "2018-06-30"})
        rows = response.context["data"]["projects_by_sector"]["sectors"]
        assert [r["sector"] for r in rows] == ["Livelihoods"]  # not USA's sectors
        livelihoods = rows[0]
        assert livelihoods["completed"]["display"] == "<5"
        assert livelihoods["ongoing"]["display"] == "<5"
        assert livelihoods["preparation"]["display"] == "0"
        html = response.content.decode()
        assert 'data-status="completed">&lt;5<' in html and "Health" not in html

    def test_one_hidden_sector_in_a_status_hides_another(self, client, portfolio, sectors):
        # USA, completed: Livelihoods 1 (Anbar) and Water 1, plus 5 completed
        # education projects: 7 completed in all, shown in "projects by status".
        education = Sector.objects.get(code="education")
        for _ in range(5):
            ProjectFactory(
                programme=portfolio["crp"],
                donor=portfolio["usa"],
                sector=education,
                status="completed",
                governorate=portfolio["kirkuk"],
            )
        donor = user_with_role("donor", donor=portfolio["usa"])
        response = login(client, donor).get(MISSION, {"as_of": "2018-06-30"})
        rows = {r["sector"]: r for r in response.context["data"]["projects_by_sector"]["sectors"]}
        assert rows["Livelihoods"]["completed"]["display"] == "<5"
        assert rows["Water and sanitation"]["completed"]["display"] == "<5"
        # Two hidden cells already: the five stay visible.
        assert rows["Education"]["completed"]["display"] == "5"


class TestGovernorateField:
    """Visits, photos, open referrals and feedback on the governorate page."""

    @pytest.fixture
    def field(self, portfolio):
        project = Project.objects.get(code="CRP-KRK-1")
        monitor = UserFactory(username="amal", first_name="Amal", last_name="Kareem")
        approved = field_visit(project, on=dt.date(2018, 5, 2), monitor=monitor)
        submitted = field_visit(project, on=dt.date(2018, 6, 1), status="submitted")
        draft = field_visit(project, on=dt.date(2018, 6, 3), status="draft")
        later = field_visit(project, on=dt.date(2018, 8, 1))
        elsewhere = field_visit(Project.objects.get(code="RRP-NIN-1"), on=dt.date(2018, 5, 5))
        Photo.objects.create(
            visit=approved,
            image="photos/school.jpg",
            caption="The rebuilt school",
            credit="Amal Kareem",
        )
        Referral.objects.create(
            visit=approved,
            issue="Leaking roof in classroom 3",
            referred_to="Directorate of Education",
        )
        Referral.objects.create(
            visit=approved,
            issue="Closed issue",
            referred_to="Municipality",
            closed_on=dt.date(2018, 5, 20),
        )
        Referral.objects.create(visit=draft, issue="Draft issue", referred_to="Nobody")
        # Feedback: 13 very satisfied (4 of them in Q3), 8 satisfied, 2
        # dissatisfied, one draft response and one in Ninewa.
        for value, n in (("5", 9), ("4", 8), ("2", 2)):
            for _ in range(n):
                feedback(project, on=dt.date(2018, 4, 10), answers={"satisfaction": value})
        for _ in range(4):
            feedback(project, on=dt.date(2018, 7, 10), answers={"satisfaction": "5"})
        feedback(project, on=dt.date(2018, 4, 10), answers={"satisfaction": "1"}, status="draft")
        feedback(
            Project.objects.get(code="RRP-NIN-1"),
            on=dt.date(2018, 4, 10),
            answers={"satisfaction": "1"},
        )
        return {
            "approved": approved,
            "submitted": submitted,
            "draft": draft,
            "later": later,
            "elsewhere": elsewhere,
        }

    def test_a_manager_sees_approved_and_submitted_visits_with_photos(
        self, client, portfolio, field
    ):
        manager = user_with_role("manager", programmes=[portfolio["crp"]])
        response = login(client, manager).get(governorate_url("IQG13"), {"as_of": "2018-06-30"})
        data = response.context["data"]
        assert [v["pk"] for v in data["visits"]] == [field["submitted"].pk, field["approved"].pk]
        approved = data["visits"][1]
        assert approved["monitor"] == "Amal Kareem" and approved["status"] == "approved"
        html = response.content.decode()
        assert reverse("beneficiaries:visit_detail", args=[field["approved"].pk]) in html
        assert "Amal Kareem" in html and "Submitted" in html
        assert [p["caption"] for p in data["photos"]] == ["The rebuilt school"]
        assert "Photo: Amal Kareem — Donor: USA — Governorate: Kirkuk" in html
        assert '<img src="/media/photos/school.jpg"' in html

    def test_only_open_referrals_of_listed_visits_are_shown(self, client, portfolio, field):
        response = login(client, user_with_role("admin")).get(
            governorate_url("IQG13"), {"as_of": "2018-06-30"}
        )
        referrals = response.context["data"]["referrals"]
        assert [r["issue"] for r in referrals] == ["Leaking roof in classroom 3"]
        assert referrals[0]["date"] == dt.date(2018, 5, 2)
        assert referrals[0]["project_code"] == "CRP-KRK-1"
        html = response.content.decode()
        assert "Referred to Directorate of Education" in html
        assert "Closed issue" not in html and "Draft issue" not in html

    def test_visits_are_the_quarters_and_open_referrals_those_of_any_quarter(
        self, client, portfolio, field, django_assert_max_num_queries
    ):
        login(client, user_with_role("admin"))
        # As of Q3: the August visit only; the May referral is still open.
        q3 = client.get(governorate_url("IQG13"), {"as_of": "2018-09-30"}).context["data"]
        assert [v["pk"] for v in q3["visits"]] == [field["later"].pk]
        assert [r["issue"] for r in q3["referrals"]] == ["Leaking roof in classroom 3"]
        # As of Q4: no visit in the quarter, the referral is still listed.
        with django_assert_max_num_queries(MAX_QUERIES_GOVERNORATE + 1):
            response = client.get(governorate_url("IQG13"), {"as_of": "2018-12-31"})
        q4 = response.context["data"]
        assert q4["visits"] == [] and q4["visits_count"] == 0
        assert [r["issue"] for r in q4["referrals"]] == ["Leaking roof in classroom 3"]
        assert "No approved visits in Kirkuk this quarter" in response.content.decode()
        # As of Q1: the referral's visit is later, so nothing yet.
        q1 = client.get(governorate_url("IQG13"), {"as_of": "2018-03-31"}).context["data"]
        assert q1["referrals"] == [] and q1["visits"] == []

    def test_a_long_quarter_lists_the_latest_visits_and_says_how_many(self, client, portfolio):
        project = Project.objects.get(code="CRP-KRK-1")
        for day in range(1, 12):
            field_visit(project, on=dt.date(2018, 4, day))
        response = login(client, user_with_role("admin")).get(
            governorate_url("IQG13"), {"as_of": "2018-06-30"}
        )
        data = response.context["data"]
        assert [v["date"].day for v in data["visits"]] == [11, 10, 9, 8, 7, 6, 5, 4]
        assert data["visits_count"] == 11
        assert "the latest 8 of 11" in response.content.decode()

    def test_a_monitor_sees_their_own_approved_visits(self, client, portfolio, field):
        monitor = field["approved"].monitor
        profile = UserProfile.objects.create(user=monitor, role="monitor")
        profile.governorates.set([portfolio["kirkuk"]])
        response = login(client, monitor).get(governorate_url("IQG13"), {"as_of": "2018-06-30"})
        assert [v["pk"] for v in response.context["data"]["visits"]] == [field["approved"].pk]

    def test_feedback_shares_are_those_of_the_approved_answers(self, client, portfolio, field):
        response = login(client, user_with_role("admin")).get(
            governorate_url("IQG13"), {"as_of": "2018-06-30"}
        )
        (question,) = response.context["data"]["feedback"]
        assert question["question"] == "How satisfaction?"
        assert question["total"]["value"] == 19
        shares = {o["label"]: o["share_display"] for o in question["options"]}
        assert shares == {
            "Very satisfied": "47%",
            "Satisfied": "42%",
            "Neutral": "0%",
            "Dissatisfied": "11%",
            "Very dissatisfied": "0%",
        }
        assert [o["share"] for o in question["options"]][0] == pytest.approx(9 / 19 * 100)
        later = client.get(governorate_url("IQG13"), {"as_of": "2018-09-30"})
        assert later.context["data"]["feedback"][0]["total"]["value"] == 23
        chart = page_json(response)["feedback"][0]
        assert chart["options"][0]["share_display"] == "47%"
        assert 'id="chart-feedback-0"' in response.content.decode()

    def test_a_donor_sees_feedback_only_with_small_counts_hidden(self, client, portfolio, field):
        # A beneficiary on the donor's project: their name never shows.
        Beneficiary.objects.create(
            full_name="Layla Hassan Jabbar",
            phone="+964 770 123 4567",
            sex="f",
            age_group="18-59",
            population_group="idp",
            governorate=portfolio["kirkuk"],
        )
        donor = user_with_role("donor", donor=portfolio["usa"])
        response = login(client, donor).get(governorate_url("IQG13"), {"as_of": "2018-06-30"})
        data = response.context["data"]
        assert data["visits"] is None and data["photos"] is None and data["referrals"] is None
        html = response.content.decode()
        for secret in (
            "Amal",
            "Kareem",
            "Leaking roof",
            "Directorate of Education",
            "The rebuilt school",
            "school.jpg",
            "Layla",
            "770 123",
            "Latest monitoring visits",
            "Issues referred",
            reverse("beneficiaries:visit_detail", args=[field["approved"].pk]),
        ):
            assert secret not in html, secret
        (question,) = data["feedback"]
        options = {o["label"]: o for o in question["options"]}
        assert options["Very satisfied"]["share_display"] == "47%"
        assert options["Dissatisfied"]["share_display"] == "<5"
        assert options["Dissatisfied"]["share"] is None
        # The total is shown, so with one count hidden the smallest other is too.
        assert options["Satisfied"]["share"] is None
        assert options["Satisfied"]["share_display"] == "not shown"
        assert "11%" not in html and "42%" not in html

    def test_a_donor_sees_no_distribution_of_fewer_than_five_answers(
        self, client, portfolio, field
    ):
        project = Project.objects.get(code="CRP-ANB-1")
        for value in ("5", "5", "4"):
            feedback(project, on=dt.date(2018, 4, 10), answers={"satisfaction": value})
        donor = user_with_role("donor", donor=portfolio["usa"])
        response = login(client, donor).get(governorate_url("IQG01"), {"as_of": "2018-06-30"})
        (question,) = response.context["data"]["feedback"]
        assert question["hidden"] and question["total"]["display"] == "<5"
        assert all(o["share"] is None for o in question["options"])
        html = response.content.decode()
        assert "Fewer than 5 answers" in html and "67%" not in html
        assert 'id="chart-feedback-0"' not in html

    def test_a_donor_never_sees_feedback_of_projects_they_do_not_fund(
        self, client, portfolio, field
    ):
        donor = user_with_role("donor", donor=portfolio["usa"])
        response = login(client, donor).get(governorate_url("IQG15"), {"as_of": "2018-06-30"})
        assert response.context["data"]["feedback"] == []
        assert "No approved beneficiary feedback in Ninewa" in response.content.decode()

    def test_empty_panels_say_what_to_do_and_every_panel_its_date(self, client, portfolio):
        response = login(client, user_with_role("admin")).get(
            governorate_url("IQG13"), {"as_of": "2018-06-30"}
        )
        html = response.content.decode()
        assert "No approved visits in Kirkuk this quarter (1 Apr 2018 to 30 Jun 2018)" in html
        assert "No issues referred and still open in Kirkuk" in html
        assert "No photos on the latest visits in Kirkuk this quarter" in html
        assert "No approved beneficiary feedback in Kirkuk from 1 Jul 2017 to 30 Jun 2018" in html
        assert "Figures last updated at" in html
        for title in (
            "Projects by sector and status",
            "Areas of implementation",
            "People reached over time",
            "Projects by status",
            "Gender",
            "Population groups",
            "Beneficiary feedback",
            "Latest monitoring visits",
            "Issues referred and still open",
        ):
            section = html[html.index(title) :][:1500]
            assert "30 Jun 2018" in section, title


class TestCumulativeLeak:
    """A donor must not get a hidden quarter from the running total."""

    def test_a_hidden_quarter_cannot_be_worked_out_from_the_cumulative_line(
        self, client, portfolio
    ):
        # Anbar (USA): 30 people in Q1, 3 in Q2.
        record(
            Project.objects.get(code="CRP-ANB-1"),
            on=dt.date(2018, 2, 1),
            households=5,
            people=5,
            size=6,
        )
        recompute_full()
        donor = user_with_role("donor", donor=portfolio["usa"])
        response = login(client, donor).get(governorate_url("IQG01"), {"as_of": "2018-06-30"})
        series = page_json(response)["series"]
        assert [s["per_quarter"]["display"] for s in series] == ["not shown", "<5"]
        assert [s["cumulative"]["display"] for s in series] == ["not shown", "33"]
        assert headline(response, "people-reached")["display"] == "33"
        assert "30" not in {s["cumulative"]["display"] for s in series}
        # Staff see every figure.
        client.force_login(user_with_role("admin"))
        series = page_json(client.get(governorate_url("IQG01"), {"as_of": "2018-06-30"}))["series"]
        assert [s["per_quarter"]["value"] for s in series] == [30, 3]
        assert [s["cumulative"]["value"] for s in series] == [30, 33]
