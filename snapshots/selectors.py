"""Reads of snapshots: the payload a snapshot shows (live for a draft, the
frozen one for a published snapshot) and the previous published snapshot it
is compared with.

The payload follows the contract in ``notes/snapshot_payload.md``; its figures
come from the derived indicator value table only (never the raw records),
and its feedback, projects and photos from small GROUP BY queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.utils import translation
from django.utils.translation import gettext as _

from beneficiaries.models import Answer, Photo, PopulationGroup, Question, ReviewStatus
from beneficiaries.survey_results import SurveyResultCount
from indicators import sources
from indicators.models import NOT_RECORDED, SPLIT_COLUMNS, IndicatorDefinition
from indicators.periods import quarter_label
from indicators.selectors import (
    figure_shown,
    figures_shown,
    latest_values,
    quarter_end,
    small_count_hidden,
)
from programmes.models import Donor, Governorate, Programme, Project
from programmes.names import localised
from snapshots.cadence import period_words
from snapshots.cover import portfolio_usd
from snapshots.models import Snapshot

PAYLOAD_VERSION = 1
PHOTOS_LIMIT = 8


def is_quarter_end(day: dt.date) -> bool:
    return quarter_end(day) == day


def _number(value: Decimal | None, *, usd: bool) -> int | float | None:
    if value is None:
        return None
    return round(float(value), 2) if usd else int(value)


def _shown(figures: dict) -> dict:
    """``figures_shown``'s result with JSON-ready values: the number (None where
    hidden) and the display text."""
    return {
        key: {
            "value": None if f["value"] is None else int(f["value"]),
            "display": str(f["display"]),
        }
        for key, f in figures.items()
    }


def _sums(rows: Iterable[dict]) -> dict[int, dict]:
    """Per definition: the sum of the value and of each split column over
    ``rows`` (the cells of the portfolio's programmes), and the multiplier of
    the most recent row."""
    totals: dict[int, dict] = {}
    for row in rows:
        found = totals.setdefault(
            row["definition_id"], {"value": Decimal(0), "period_end": None, "multiplier": None}
        )
        found["value"] += row["value"]
        for columns in SPLIT_COLUMNS.values():
            for column in columns.values():
                if row[column] is not None:
                    found[column] = found.get(column, 0) + row[column]
        if row["multiplier_value"] and (
            found["period_end"] is None or row["period_end"] >= found["period_end"]
        ):
            found["multiplier"] = row["multiplier_value"]
        found["period_end"] = max(filter(None, [found["period_end"], row["period_end"]]))
    return totals


def _sex_split(found: Iterable[dict]) -> dict | None:
    """{"female": n, "male": n, "not_recorded": n} summed over cells' sums
    (not recorded: the value's people whose sex the records did not give),
    or None when no one was recorded by sex or when a count is small (1 to
    4: the split is a fine cut, shown to donors)."""
    found = list(found)
    female = sum(f.get("sex_f", 0) for f in found)
    male = sum(f.get("sex_m", 0) for f in found)
    rest = max(sum(f["value"] for f in found) - female - male, 0)
    if not (female or male) or any(small_count_hidden(n) for n in (female, male, rest)):
        return None
    return {"female": int(female), "male": int(male), "not_recorded": int(rest)}


def _previous_figures(previous_payload: dict | None) -> dict[str, dict]:
    if not previous_payload:
        return {}
    figures = list(previous_payload.get("headlines", []))
    for section in previous_payload.get("sections", []):
        figures.extend(section.get("figures", []))
        for block in section.get("blocks", []):  # version 2: portfolio-wide items
            if block.get("type") == "figures":
                figures.extend(f for f in block["items"] if not f.get("place"))
    return {f["code"]: f for f in figures}


def snapshot_payload_build(
    *,
    programmes: Iterable[Programme],
    period_end: dt.date,
    as_of: dt.date,
    title: str | None = None,
    status: str = Snapshot.Status.DRAFT,
    published_at: dt.datetime | None = None,
    previous_payload: dict | None = None,
    language: str | None = None,
) -> dict:
    """The payload of a snapshot of ``programmes`` for the quarter ending
    ``period_end`` with figures as of ``as_of`` (see the contract in
    ``notes/snapshot_payload.md``): every figure is the running total as of
    ``as_of`` of the programmes' "all donors, all governorates" cells of the
    indicator value table (the sum of the programmes' cells), so only approved
    records count. Fine cuts (per governorate, population group, sex) show
    counts from 1 to 4 as "<5" (donor-facing). Each figure is compared with
    ``previous_payload`` (the previous published snapshot's frozen payload):
    marker "corrected" when its value as of the previous snapshot's as-of
    date, recomputed now, differs from what that snapshot froze (and an entry
    in ``corrections``), else "increased" when it grew. Labels in
    ``language`` (default: the site's). About a dozen queries, whatever the
    number of records."""
    programmes = sorted(programmes, key=lambda p: p.code)
    with translation.override(language or settings.LANGUAGE_CODE):
        return _build(
            programmes=programmes,
            quarter_end=period_end,
            as_of=as_of,
            title=title,
            status=status,
            published_at=published_at,
            previous_payload=previous_payload,
        )


def _build(
    *, programmes, quarter_end, as_of, title, status, published_at, previous_payload
) -> dict:
    programme_ids = [p.pk for p in programmes]
    previous = _previous_figures(previous_payload)
    # The sections' figures and the dashboards' headline cards and roles
    # (data on the definitions), in one query.
    definitions = list(
        IndicatorDefinition.objects.filter(
            Q(section__gt="") | Q(headline=True) | ~Q(dashboard_role=""),
            is_active=True,
            accumulation=IndicatorDefinition.Accumulation.CUMULATIVE,
        ).order_by("position", "code")
    )
    role = IndicatorDefinition.DashboardRole
    headline_codes = [d.code for d in definitions if d.headline]
    role_codes = {d.dashboard_role: d.code for d in definitions if d.dashboard_role}
    map_code, splits_code = role_codes.get(role.MAP), role_codes.get(role.SPLITS)
    contributions_code = role_codes.get(role.CONTRIBUTIONS)
    by_code = {d.code: d for d in definitions}
    portfolio = Q(programme_id__in=programme_ids, donor__isnull=True)

    # The figures: one query for every definition's portfolio total as of the
    # date, one more for the totals as of the previous snapshot's date.
    totals = _sums(latest_values(definitions, portfolio & Q(governorate__isnull=True), as_of))
    previous_as_of = None
    recomputed: dict[int, dict] = {}
    if previous_payload:
        previous_as_of = dt.date.fromisoformat(previous_payload["as_of"])
        compared = [d for d in definitions if d.code in previous]
        recomputed = _sums(
            latest_values(compared, portfolio & Q(governorate__isnull=True), previous_as_of)
        )

    corrections: list[dict] = []
    multipliers: list[int] = []

    def figure(definition: IndicatorDefinition) -> dict | None:
        found = totals.get(definition.pk)
        before = previous.get(definition.code)
        if found is None and before is None:
            return None
        usd = definition.measure == IndicatorDefinition.Measure.USD
        value = _number(found["value"] if found else Decimal(0), usd=usd)
        marker = None
        old = before["value"] if before else None
        if before is not None and old is not None:
            again = recomputed.get(definition.pk)
            new = _number(again["value"] if again else Decimal(0), usd=usd)
            if new != old:
                marker = "corrected"
                if not any(c["code"] == definition.code for c in corrections):
                    corrections.append(
                        {
                            "code": definition.code,
                            "label": definition.name,
                            "period": previous_payload.get("quarter_label", ""),
                            "old": old,
                            "new": new,
                            "old_display": str(figure_shown(old, usd=usd)["display"]),
                            "new_display": str(figure_shown(new, usd=usd)["display"]),
                        }
                    )
            elif value > old:
                marker = "increased"
        if definition.apply_multiplier:
            used = definition.multiplier or (found or {}).get("multiplier")
            if used:
                multipliers.append(used)
        return {
            "code": definition.code,
            "label": definition.name,
            "value": value,
            "display": str(figure_shown(value, usd=usd)["display"]),
            "unit": sources.unit(definition),
            "starred": definition.apply_multiplier,
            "as_of": as_of.isoformat(),
            "marker": marker,
            "previous": old,
        }

    headlines = [
        f
        for code in headline_codes
        if code in by_code and not by_code[code].section
        for f in [figure(by_code[code])]
        if f is not None
    ]

    projects = _projects_by_sector_status(programme_ids, as_of)
    sections = []
    for code, section_title in IndicatorDefinition.Section.choices:
        members = [d for d in definitions if d.section == code]
        figures = [f for f in (figure(d) for d in members) if f is not None]
        table = projects if code == IndicatorDefinition.Section.SOCIAL_SERVICES else None
        if not figures and not table:
            continue
        split_sums = [totals[d.pk] for d in members if d.has_splits and d.pk in totals]
        sections.append(
            {
                "code": code,
                "title": str(section_title),
                "figures": figures,
                "projects_by_sector_status": table or None,
                "gender_split": _sex_split(split_sums) if split_sums else None,
            }
        )

    # Direct recipients by population group and by sex (fine cuts: protected).
    split = totals.get(by_code[splits_code].pk) if splits_code in by_code else None
    population_groups = []
    if split:
        sums = {
            code: split.get(column, 0) for code, column in SPLIT_COLUMNS["population_group"].items()
        }
        if any(sums.values()):
            # The people of no recorded group: a bar of their own, last.
            sums[NOT_RECORDED] = max(int(split["value"]) - sum(sums.values()), 0)
            labels = {**dict(PopulationGroup.choices), NOT_RECORDED: _("Not recorded")}
            shown = _shown(figures_shown(sums, protect=True))
            population_groups = [
                {"code": code, "label": str(labels.get(code, code)), **shown[code]} for code in sums
            ]
    gender = _sex_split([split]) if split else None

    footnotes = []
    multiplier = None
    if multipliers:
        most = max(set(multipliers), key=multipliers.count)
        multiplier = {"value": most, "footnote": multiplier_text(most)}
        for value in sorted(set(multipliers), key=lambda v: (v != most, v)):
            footnotes.append(
                "* "
                + _("%(text)s, where a record gives no household size of its own.")
                % {"text": multiplier_text(value)}
            )
    areas, suppressed = _areas(by_code.get(map_code), programme_ids, as_of)
    suppressed = suppressed or any(g["value"] is None for g in population_groups)
    period_start = min((p.start_date for p in programmes), default=as_of)
    footnotes.append(
        _("All figures are cumulative from %(start)s to %(as_of)s and count approved records only.")
        % {"start": period_start.isoformat(), "as_of": as_of.isoformat()}
    )
    if suppressed:
        footnotes.append(
            _(
                "Counts from 1 to 4 by governorate or population group are shown as “<5” "
                "to protect the people they describe."
            )
        )
    if projects:
        footnotes.append(
            _("Projects by sector and status: projects started by %(as_of)s, by their status.")
            % {"as_of": as_of.isoformat()}
        )
    if corrections:
        footnotes.append(
            _(
                "Figures marked as corrected changed for a period the previous snapshot "
                "covered, after it was published; the previous snapshot is unchanged."
            )
        )

    return {
        "version": PAYLOAD_VERSION,
        "title": title or ", ".join(p.name for p in programmes),
        "programmes": [
            {
                "code": p.code,
                "name": p.name,
                "outcome_area": p.outcome_area,
                "outcome_area_label": str(p.get_outcome_area_display()),
            }
            for p in programmes
        ],
        "quarter_end": quarter_end.isoformat(),
        "quarter_label": quarter_label(quarter_end),
        "period_start": period_start.isoformat(),
        "as_of": as_of.isoformat(),
        "status": str(status),
        "published_at": published_at.isoformat() if published_at else None,
        "multiplier": multiplier,
        "headlines": headlines,
        "contributions": _contributions(by_code.get(contributions_code), programme_ids, as_of),
        "areas": areas,
        "sections": sections,
        "feedback": feedback_answers(programme_ids, as_of),
        "population_groups": population_groups,
        "gender": gender,
        "corrections": corrections,
        "photos": visit_photos(programme_ids, as_of),
        "footnotes": footnotes,
        "attribution": attribution(),
    }


def attribution() -> str:
    """The map's attribution, printed in every page's footer (translated)."""
    return _(
        "Administrative boundaries: Iraq Central Statistics Organization (CSO) / UN OCHA, "
        "“Iraq – Subnational Administrative Boundaries” (HDX, cod-ab-irq, 2019-06-03), "
        "CC BY-IGO 3.0. Simplified by this project. The boundaries and names shown do not "
        "imply official endorsement or acceptance by the United Nations."
    )


def multiplier_text(value: int) -> str:
    return _("Multiplied by %(n)s (average household size in Iraq)") % {"n": value}


def _areas(definition, programme_ids: list[int], as_of: dt.date) -> tuple[dict, bool]:
    """The map figure per governorate (all 18, by P-code) and whether a value
    was hidden. Two queries."""
    governorates = list(Governorate.objects.order_by("pcode"))
    values: dict[int, Decimal] = {}
    if definition is not None:
        rows = latest_values(
            [definition],
            Q(programme_id__in=programme_ids, donor__isnull=True, governorate__isnull=False),
            as_of,
        )
        for row in rows:
            gid = row["governorate_id"]
            values[gid] = values.get(gid, Decimal(0)) + row["value"]
    shown = _shown(figures_shown({g.pk: values.get(g.pk, 0) for g in governorates}, protect=True))
    return (
        {
            "name": definition.name if definition else "",
            "values": [
                {"pcode": g.pcode, "name": g.name_iom, "name_ar": g.name_ar, **shown[g.pk]}
                for g in governorates
            ],
        },
        any(v["value"] is None for v in shown.values()),
    )


def _contributions(definition, programme_ids: list[int], as_of: dt.date) -> dict:
    """Contributions to the programmes as of the date, by donor, with each
    donor's share in % (largest first), with those to the portfolio itself;
    the unnamed or grouped donors together as one slice named "". Three
    queries."""
    if definition is None:
        return {"total_usd": 0.0, "donors": []}
    sums: dict[int, Decimal] = {}
    rows = latest_values(
        [definition],
        Q(programme_id__in=programme_ids, donor__isnull=False, governorate__isnull=True),
        as_of,
    )
    for row in rows:
        sums[row["donor_id"]] = sums.get(row["donor_id"], Decimal(0)) + row["value"]
    # The contributions to the portfolio itself (see ``Contribution``).
    for pk, amount in portfolio_usd(definition.code, programme_ids, as_of).items():
        sums[pk] = sums.get(pk, Decimal(0)) + amount
    total = sum(sums.values(), Decimal(0))
    known = Donor.objects.filter(pk__in=sums).values_list("pk", "name", "named") if sums else []
    names = {pk: name for pk, name, named in known if named} | {0: ""}
    # Unnamed or grouped donors are one slice without a name (key 0).
    grouped: dict[int, Decimal] = {}
    for pk, amount in sums.items():
        key = pk if pk in names else 0
        grouped[key] = grouped.get(key, Decimal(0)) + amount
    sums = grouped
    donors = [
        {
            "name": names.get(pk, "?"),
            "usd": round(float(amount), 2),
            "share": round(float(amount / total * 100), 2) if total else 0.0,
        }
        for pk, amount in sorted(sums.items(), key=lambda item: (-item[1], names.get(item[0], "")))
    ]
    return {"total_usd": round(float(total), 2), "donors": donors}


def _projects_by_sector_status(programme_ids: list[int], as_of: dt.date) -> list[dict]:
    """The portfolio's projects started by the date, per sector and current
    status. One GROUP BY."""
    statuses = Project.Status.values
    rows = (
        Project.objects.filter(programme_id__in=programme_ids, start_date__lte=as_of)
        .annotate(sector_name=localised("sector__name"))
        .values("sector_name")
        .annotate(**{status: Count("pk", filter=Q(status=status)) for status in statuses})
        .order_by("sector_name")
    )
    return [{"sector": row["sector_name"], **{s: row[s] for s in statuses}} for row in rows]


def feedback_answers(programme_ids: list[int], as_of: dt.date) -> list[dict]:
    """The distribution of the answers to each question, from the approved
    feedback responses collected by the date on the portfolio's projects and
    the aggregate survey results (``SurveyResult``) collected by then;
    ``aggregate`` says whether a question's counts include any. Three
    queries (two GROUP BY, then the questions)."""
    counts = list(
        Answer.objects.filter(
            response__status=ReviewStatus.APPROVED,
            response__project__programme_id__in=programme_ids,
            response__collected_on__lte=as_of,
        )
        .values("question_id", "value")
        .annotate(n=Count("pk"))
        .order_by()
    )
    aggregated = list(
        SurveyResultCount.objects.filter(
            result__project__programme_id__in=programme_ids,
            result__collected_on__lte=as_of,
        )
        .values("question_id", "value")
        .annotate(n=Sum("count"))
        .order_by()
    )
    if not counts and not aggregated:
        return []
    by_question: dict[int, dict[str, int]] = {}
    for row in [*counts, *aggregated]:
        found = by_question.setdefault(row["question_id"], {})
        found[row["value"]] = found.get(row["value"], 0) + row["n"]
    with_aggregates = {row["question_id"] for row in aggregated}
    result = []
    for question in Question.objects.filter(
        pk__in=by_question, kind__in=[Question.Kind.LIKERT, Question.Kind.CHOICE]
    ).order_by("survey_id", "position", "pk"):
        found = by_question[question.pk]
        responses = sum(found.values())
        labels = [(str(code), str(label)) for code, label in question.choices]
        known = {code for code, _label in labels}
        labels += [(code, code) for code in sorted(found) if code not in known]
        result.append(
            {
                "question": question.text,
                "code": question.code,
                "responses": responses,
                "kind": question.kind,
                "aggregate": question.pk in with_aggregates,
                "answers": [
                    {
                        "code": code,
                        "label": label,
                        "count": found.get(code, 0),
                        "share": round(found.get(code, 0) / responses * 100, 1),
                    }
                    for code, label in labels
                ],
            }
        )
    return result


def visit_photos(programme_ids: list[int], as_of: dt.date) -> list[dict]:
    """Up to PHOTOS_LIMIT photos of approved visits to the portfolio's
    projects by the date, newest first. One query."""
    photos = (
        Photo.objects.filter(
            visit__status=ReviewStatus.APPROVED,
            visit__project__programme_id__in=programme_ids,
            visit__visit_date__lte=as_of,
        )
        .select_related("visit__project__donor", "visit__governorate")
        .order_by("-visit__visit_date", "-uploaded_at", "-pk")[:PHOTOS_LIMIT]
    )
    return [
        {
            "storage_name": photo.image.name,
            "caption": photo.caption,
            "credit": photo.credit,
            "donor": photo.visit.project.donor.name,
            "governorate": photo.visit.governorate.name_iom,
        }
        for photo in photos
    ]


# --- Snapshots ------------------------------------------------------------------


def published_before(*, series_id: int, period_end: dt.date) -> Snapshot | None:
    """The latest published snapshot of the series ``series_id`` for a period
    before the one ending ``period_end`` (None if there is none): what a
    snapshot of that period is compared with. One query."""
    return (
        Snapshot.objects.filter(
            series_id=series_id,
            status=Snapshot.Status.PUBLISHED,
            period_end__lt=period_end,
        )
        .order_by("-period_end")
        .first()
    )


def snapshot_previous(snapshot: Snapshot) -> Snapshot | None:
    """The snapshot ``snapshot`` is compared with (``published_before``)."""
    return published_before(series_id=snapshot.series_id, period_end=snapshot.period_end)


def snapshot_payload(snapshot: Snapshot, *, previous: Snapshot | None = None) -> dict:
    """What ``snapshot`` shows, as payload version 2: for a published one its
    frozen payload (no query; a version 1 payload adapted), for a draft its
    document with live figures compared with the previous published snapshot
    of its series (``previous``, looked up when not given)."""
    from snapshots.build import snapshot_document
    from snapshots.pdf_payload import payload_v2

    if snapshot.is_published:
        payload = payload_v2(snapshot.payload)
        # Its period in the reader's language, not the publisher's.
        period = payload.get("period") or {}
        payload["period"] = {**period, **period_words(period, payload.get("as_of"))}
        return payload
    return snapshot_document(snapshot, previous=previous)[0]
