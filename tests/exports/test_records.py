"""The assistance records and monitoring visits downloads: the rows of each
role's scope, no personal data, the filters."""

from __future__ import annotations

import pytest

from beneficiaries.models import RECIPIENT_FIELDS, SharedReach
from tests.exports.conftest import SECRET_NAME, SECRET_PHONE, column, content, download, url
from tests.factories import AssistanceRecordFactory

pytestmark = pytest.mark.django_db

RECORDS, VISITS = "assistance-records", "monitoring-visits"


def ids(rows, key="record_id") -> set[int]:
    return {int(v) for v in column(rows, key)}


class TestAssistanceRecords:
    def test_each_role_gets_the_records_of_their_scope(self, client, portfolio, users):
        records = {name: record.pk for name, record in portfolio["records"].items()}
        admin = ids(download(client, users["admin"], RECORDS))
        assert admin == set(records.values())
        # A manager: their programme's records, but not a monitor's draft.
        assert ids(download(client, users["manager"], RECORDS)) == {
            records["kirkuk"],
            records["kirkuk_later"],
        }
        # A monitor: the lines of their own visits, drafts included.
        assert ids(download(client, users["monitor"], RECORDS)) == {
            records["kirkuk"],
            records["kirkuk_draft"],
        }
        assert ids(download(client, users["outsider"], RECORDS)) == set()

    def test_a_record_row_has_its_place_project_and_recipients(self, client, portfolio, users):
        rows = download(client, users["admin"], RECORDS, project="RRP-NIN-1")
        (row,) = rows[2:]
        cells = dict(zip(rows[1], row, strict=True))
        assert cells["#adm1+code"] == "IQG15"
        assert cells["#adm1+name"] == "Ninewa"
        assert cells["#activity+project+code"] == "RRP-NIN-1"
        assert cells["#activity+programme+code"] == "RRP"
        assert cells["#sector"] == "Livelihoods"
        assert cells["#date"] == "2018-02-20"
        assert cells["#status"] == "approved"
        assert (cells["#affected+ind"], cells["#affected+hh"], cells["#output+num"]) == (
            "30",
            "30",
            "30",
        )
        assert cells["#affected+f+age18_59+refugees"] == "16"
        assert cells["#affected+m+age18_59+refugees"] == "14"
        assert cells["#affected+f+age0_5+idps"] == "0"
        assert (
            sum(
                1
                for tag in rows[1]
                if tag.startswith(("#affected+f+", "#affected+m+")) and tag.count("+") == 3
            )
            == len(RECIPIENT_FIELDS)
            == 32
        )

    def test_a_record_split_by_sex_only_shows_the_rest_as_not_recorded(
        self, client, portfolio, users
    ):
        project = portfolio["records"]["ninewa"].project
        AssistanceRecordFactory(project=project, people=40, households=5, sex_f=30)
        rows = download(client, users["admin"], RECORDS, project="RRP-NIN-1")
        found = [dict(zip(rows[1], row, strict=True)) for row in rows[2:]]
        (cells,) = [c for c in found if c["#affected+ind"] == "40"]
        assert (cells["#affected+f"], cells["#affected+m"]) == ("30", "")
        assert cells["#affected+unspecified+sex"] == "10"
        assert cells["#affected+idps"] == "" and cells["#affected+unspecified+type"] == "40"
        (crossed,) = [c for c in found if c["#affected+ind"] == "30"]
        assert (crossed["#affected+f"], crossed["#affected+unspecified+sex"]) == ("16", "0")

    @pytest.mark.parametrize("fmt", ["csv", "xlsx"])
    def test_no_beneficiarys_name_or_phone(self, client, portfolio, users, fmt):
        client.force_login(users["admin"])
        body = content(client.get(url(RECORDS, fmt)))
        rows = download(client, users["admin"], RECORDS, fmt)
        text = repr(rows) + body.decode("utf-8", "replace")
        assert rows[2:], "the record that names a beneficiary is exported"
        assert SECRET_NAME not in text and SECRET_PHONE not in text

    def test_filters_narrow_the_rows(self, client, portfolio, users):
        admin, records = users["admin"], portfolio["records"]
        assert ids(download(client, admin, RECORDS, governorate="IQG15")) == {records["ninewa"].pk}
        assert ids(download(client, admin, RECORDS, programme="CRP")) == {
            records["kirkuk"].pk,
            records["kirkuk_later"].pk,
            records["kirkuk_draft"].pk,
        }
        assert ids(download(client, admin, RECORDS, donor="CAN")) == {records["ninewa"].pk}
        assert ids(download(client, admin, RECORDS, status="submitted")) == {
            records["kirkuk_later"].pk
        }
        assert ids(
            download(
                client, admin, RECORDS, delivered_after="2018-02-16", delivered_before="2018-03-31"
            )
        ) == {records["ninewa"].pk, records["kirkuk_draft"].pk}
        assert ids(download(client, admin, RECORDS, activity_type="cash")) == set()
        assert len(ids(download(client, admin, RECORDS, sector="livelihoods"))) == 4

    def test_a_filter_never_widens_a_users_scope(self, client, portfolio, users):
        assert ids(download(client, users["monitor"], RECORDS, governorate="IQG15")) == set()
        assert ids(download(client, users["manager"], RECORDS, programme="RRP")) == set()


class TestMonitoringVisits:
    def test_each_role_gets_the_visits_of_their_list(self, client, portfolio, users):
        visits = portfolio["visits"]
        everything = {v.pk for v in visits.values()}
        assert ids(download(client, users["admin"], VISITS), "visit_id") == everything
        # A manager sees submitted and reviewed visits of their scope, never a draft.
        assert ids(download(client, users["manager"], VISITS), "visit_id") == {visits["kirkuk"].pk}
        # A monitor sees their own visits, drafts included.
        assert ids(download(client, users["monitor"], VISITS), "visit_id") == {
            visits["kirkuk"].pk,
            visits["draft"].pk,
        }
        assert ids(download(client, users["outsider"], VISITS), "visit_id") == set()

    def test_counts_without_findings_or_who_visited(self, client, portfolio, users):
        rows = download(client, users["admin"], VISITS, status="approved")
        (row,) = rows[2:]
        cells = dict(zip(rows[1], row, strict=True))
        assert cells["#meta+referrals+num"] == "1"
        assert cells["#meta+referrals+open+num"] == "1"
        assert cells["#meta+photos+num"] == "0"
        assert cells["#adm1+code"] == "IQG13"
        assert SECRET_NAME not in repr(rows)  # the findings name her
        assert portfolio["field"].username not in row

    def test_filters_narrow_the_rows(self, client, portfolio, users):
        admin, visits = users["admin"], portfolio["visits"]
        assert ids(download(client, admin, VISITS, governorate="IQG15"), "visit_id") == {
            visits["ninewa"].pk
        }
        assert ids(
            download(client, admin, VISITS, visit_after="2018-02-16", visit_before="2018-02-28"),
            "visit_id",
        ) == {visits["ninewa"].pk}
        assert ids(download(client, admin, VISITS, status="draft"), "visit_id") == {
            visits["draft"].pk
        }


def test_a_line_of_a_shared_reach_says_which_reach_it_shares(client, portfolio, users):
    project = portfolio["records"]["kirkuk"].project
    reach = SharedReach.objects.create(households=110, people=110)
    for units in (29, 9):
        AssistanceRecordFactory(
            project=project, units=units, households=0, people=0, household_size=None,
            reach=reach, status="approved",
        )  # fmt: skip
    rows = download(client, users["admin"], RECORDS)
    shared = [
        cells
        for cells in (dict(zip(rows[1], row, strict=True)) for row in rows[2:])
        if cells["#meta+reach+id"]
    ]
    assert sorted(cells["#output+num"] for cells in shared) == ["29", "9"]
    assert {cells["#meta+reach+id"] for cells in shared} == {str(reach.pk)}
    # The households are the reach's, once: the lines' own are 0.
    assert {(cells["#affected+hh"], cells["#affected+hh+shared"]) for cells in shared} == {
        ("0", "110")
    }
