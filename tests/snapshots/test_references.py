"""Live references: what an officer writes in a snapshot's texts and figure
choices shows the exact figures of the day, compared with the previous
snapshot, and anything that cannot be shown is a positioned error."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators.selectors import FigureQuery, figure_shown, figures
from programmes.models import District
from snapshots.references import (
    FigureContext,
    Reference,
    ReferenceError,
    Resolved,
    parse_reference,
    parse_text,
    resolve_references,
)
from tests.factories import ProjectFactory, governorate
from tests.snapshots.conftest import recompute

APRIL = dt.date(2018, 4, 1)
AS_OF = dt.date(2018, 4, 25)
MARCH_END = dt.date(2018, 3, 31)


def context(world, **fields) -> FigureContext:
    return FigureContext(
        programmes=(world.programme.pk,),
        period_start=fields.pop("period_start", APRIL),
        as_of=fields.pop("as_of", AS_OF),
        compared_label="since last month",
        **fields,
    )


def resolve(world, *texts: str, **fields) -> dict:
    refs = [part for text in texts for part in parse_text(text) if not isinstance(part, str)]
    return resolve_references(refs, context(world, **fields))


@pytest.fixture
def places(world):
    """Al-Mosul (Ninewa) holds the Ninewa project; Kirkuk's has no district."""
    world.ninewa.district = District.objects.get(pcode="IQG15Q05")
    world.ninewa.save()
    return world


# --- Syntax ---------------------------------------------------------------------


def test_a_reference_has_one_canonical_key_whatever_the_order_and_case():
    a = parse_reference("People-Reached governorate=iqg15 district=IQG15Q05")
    b = parse_reference("people-reached  district=iqg15q05   governorate=IQG15")
    assert a.key == b.key == "people-reached district=IQG15Q05 governorate=IQG15"
    assert a == b and len({a, b}) == 1
    assert parse_reference("people-reached show=cumulative").key == "people-reached"
    assert parse_reference("people-reached show=Change").key == "people-reached show=change"


def test_a_figures_item_may_write_its_reference_with_or_without_braces():
    assert parse_reference("{people-reached governorate=IQG15}") == parse_reference(
        " people-reached governorate=IQG15 "
    )
    assert isinstance(parse_reference("{{people-reached}}"), ReferenceError)


def test_quoted_values_keep_their_spaces_and_braces_print_with_a_double_brace():
    parts = parse_text('In {{brackets}} {people-reached district="Al Qayyarah"} people.')
    assert parts[0] == "In {brackets} "
    assert isinstance(parts[1], Reference)
    assert parts[1].get("district") == "Al Qayyarah"
    assert parts[1].key == 'people-reached district="Al Qayyarah"'
    assert parts[2] == " people."


def test_references_know_where_they_were_written():
    text = "First line\nSecond {people-reached} and {nope governorate=}"
    ok, bad = [p for p in parse_text(text) if not isinstance(p, str)]
    assert (ok.line, ok.column, ok.offset) == (2, 8, text.index("{people"))
    assert isinstance(bad, ReferenceError)
    assert (bad.line, bad.column) == (2, 29)
    assert bad.source == "{nope governorate=}"
    assert bad.located().startswith("Line 2, column 29: ")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("{people-reached", "not closed"),
        ('{people-reached district="Al Qayyarah}', "quoted value is not closed"),
        ("{}", "empty"),
        ("{ governorate=IQG15 }", "is not a figure's code"),
        ("{people-reached region=IQG15}", 'Unknown key "region"'),
        ("{people-reached governorate=IQG15 governorate=IQG13}", "given twice"),
        ("{people-reached show=total}", "show=total"),
        ("{people-reached governorate}", "has no value"),
        ('{people-reached district=Al"Qayyarah"}', "Unexpected quote"),
    ],
)
def test_syntax_errors_are_positioned_messages_never_blanks(text, words):
    parts = parse_text("Intro: " + text + " end")
    errors = [p for p in parts if isinstance(p, ReferenceError)]
    assert len(errors) == 1
    error = errors[0]
    assert words in error.message
    assert (error.line, error.column) == (1, 8)
    assert error.source.startswith("{people-reached") or error.source.startswith("{")


def test_an_unclosed_reference_stops_at_the_end_of_its_line():
    parts = parse_text("a {people-reached\nnext line")
    assert isinstance(parts[1], ReferenceError)
    assert parts[1].source == "{people-reached"
    assert parts[2] == "\nnext line"


# --- Live figures -------------------------------------------------------------------


def expected(code: str, *, usd=False, protect=False, star=False, **cut) -> str:
    """What a reference must show: ``figures()`` for the same cut, formatted."""
    query = FigureQuery(code, AS_OF, period_start=APRIL, **cut)
    found = figures([query])[query]
    display = str(figure_shown(found.cumulative, usd=usd, protect=protect)["display"])
    return display + ("*" if star else "")


def test_live_figures_equal_the_exact_figures_of_the_day_at_every_cut(places):
    world = places
    world.deliver(on=dt.date(2018, 3, 10), households=200)  # Kirkuk, 1,200 people
    world.deliver(on=dt.date(2018, 4, 20), project=world.ninewa, households=153, size=6)
    world.deliver(on=dt.date(2018, 4, 26), project=world.ninewa, households=50)  # after as-of
    world.deliver(
        on=dt.date(2018, 4, 2), project=world.kirkuk, activity=world.cfw, households=0, people=40
    )
    recompute()
    program = (world.programme.pk,)
    found = resolve(
        world,
        "{people-reached} {people-reached governorate=IQG15} {people-reached governorate=nineveh}"
        " {people-reached governorate=نينوى} {people-reached district=mosul}"
        f" {{people-reached project={world.kirkuk.code.lower()}}}"
        " {cash-for-work activity=cash-for-work} {contributions-usd donor=usa}"
        " {contributions-usd donor=Canada} {contributions-usd programme=RRP}"
        " {people-reached show=period}",
    )
    shown = {key: f.shown for key, f in found.items()}
    assert shown["people-reached"] == expected("people-reached", star=True, programmes=program)
    assert shown["people-reached"] == "2,118*"  # 1,200 + 918, not the 26 April records
    ninewa = expected(
        "people-reached", star=True, protect=True, governorate="IQG15", programmes=program
    )
    assert ninewa == "918*"
    for key in (
        "people-reached governorate=IQG15",
        "people-reached governorate=nineveh",
        "people-reached governorate=نينوى",
        "people-reached district=mosul",
    ):
        assert shown[key] == ninewa, key
    assert found["people-reached district=mosul"].place == "Al-Mosul"
    assert found["people-reached governorate=nineveh"].place == "Ninewa"
    assert found["people-reached governorate=nineveh"].figure == "people-reached governorate=IQG15"
    assert shown[f"people-reached project={world.kirkuk.code.lower()}"] == "1,200*"
    assert shown["cash-for-work activity=cash-for-work"] == "40"
    assert shown["contributions-usd donor=usa"] == "US$ 750,000"
    assert shown["contributions-usd donor=Canada"] == "US$ 250,000"
    assert shown["contributions-usd programme=RRP"] == "US$ 1,000,000"
    assert shown["people-reached show=period"] == "918*"  # April's own, to the 25th
    whole = found["people-reached"]
    assert (whole.value, whole.display, whole.period_value, whole.period_display) == (
        2118,
        "2,118",
        918,
        "918",
    )
    assert whole.starred and whole.label == "people reached" and whole.unit == "people"
    assert whole.marker is None and whole.previous is None
    # What publishing freezes is plain JSON.
    assert json.loads(json.dumps(whole.as_dict())) == whole.as_dict()


def test_places_activities_and_donors_are_found_by_any_of_their_names(places):
    world = places
    world.deliver(on=dt.date(2018, 4, 2), project=world.ninewa, activity=world.cfw, people=12)
    recompute()
    found = resolve(
        world,
        '{cash-for-work district="Al Mosul"} {cash-for-work district=al-mosul}'
        f' {{cash-for-work activity="Cash for work"}} {{cash-for-work activity={world.cfw.pk}}}'
        f" {{cash-for-work donor={world.canada.pk}}} {{cash-for-work donor=can}}"
        " {cash-for-work governorate=IQ-NI}",
    )
    assert {key: f.shown for key, f in found.items()} == dict.fromkeys(found, "12")
    figures_asked = {f.figure for f in found.values()}
    assert figures_asked == {
        "cash-for-work district=IQG15Q05",
        "cash-for-work activity=cash-for-work",
        "cash-for-work donor=CAN",
        "cash-for-work governorate=IQG15",
    }


def test_small_counts_in_fine_cuts_are_shown_as_less_than_five(places):
    world = places
    world.deliver(on=dt.date(2018, 4, 3), project=world.ninewa, activity=world.cfw, people=3)
    world.deliver(on=dt.date(2018, 4, 3), project=world.kirkuk, activity=world.cfw, people=1)
    recompute()
    found = resolve(
        world,
        "{cash-for-work} {cash-for-work governorate=IQG15} {cash-for-work district=IQG15Q05}"
        " {cash-for-work activity=cash-for-work} {cash-for-work programme=RRP}",
    )
    assert found["cash-for-work"].shown == "4"  # the portfolio's total: not a fine cut
    assert found["cash-for-work programme=RRP"].shown == "4"
    for key in (
        "cash-for-work governorate=IQG15",
        "cash-for-work district=IQG15Q05",
        "cash-for-work activity=cash-for-work",
    ):
        assert found[key].shown == "<5", key
        # The number itself is not in what is frozen and served.
        assert found[key].value is None and found[key].period_value is None


def test_a_figure_outside_the_portfolio_is_not_counted(world):
    elsewhere = ProjectFactory(programme=world.other, governorate=governorate("IQG15"))
    world.deliver(on=dt.date(2018, 4, 3), project=elsewhere, households=10)
    world.deliver(on=dt.date(2018, 4, 3), project=world.ninewa, households=10)
    recompute()
    found = resolve(world, "{people-reached} {people-reached governorate=IQG15}")
    assert found["people-reached"].shown == "60*"
    assert found["people-reached governorate=IQG15"].shown == "60*"


# --- Compared with the previous snapshot -------------------------------------------


def frozen(world) -> dict:
    """The references of the March snapshot, resolved and frozen as published."""
    found = resolve(
        world,
        "{people-reached} {people-reached governorate=IQG13}",
        period_start=dt.date(2018, 3, 1),
        as_of=MARCH_END,
    )
    return {key: f.as_dict() for key, f in found.items()}


def test_increased_and_corrected_markers_compare_with_the_frozen_previous_snapshot(world):
    world.deliver(on=dt.date(2018, 3, 10), households=100)  # Kirkuk
    world.deliver(on=dt.date(2018, 3, 12), project=world.ninewa, households=20)
    recompute()
    march = frozen(world)
    assert march["people-reached"]["value"] == 720
    # After March was published: a March record of Ninewa approved late (a
    # correction of a period the snapshot covered), and April's deliveries.
    world.deliver(on=dt.date(2018, 3, 20), project=world.ninewa, households=5)
    world.deliver(on=dt.date(2018, 4, 10), households=50)
    recompute()
    found = resolve(
        world,
        "{people-reached} {people-reached governorate=Kirkuk} {people-reached show=change}"
        " {people-reached show=previous} {people-reached governorate=IQG15}",
        previous_as_of=MARCH_END,
        previous_references=march,
    )
    whole = found["people-reached"]
    assert whole.marker == "corrected"
    assert whole.previous == 720  # what March printed
    assert whole.before == 750  # March as we know it now
    assert whole.value == 1050
    # The change counts from what March printed, as "was 720" beside it does.
    assert whole.change == 46 and found["people-reached show=change"].shown == "46%"
    assert found["people-reached show=previous"].shown == "720*"
    # Kirkuk: spelt otherwise than in March, still compared with it.
    kirkuk = found["people-reached governorate=Kirkuk"]
    assert kirkuk.marker == "increased" and kirkuk.previous == 600 and kirkuk.shown == "900*"
    # Not in March's snapshot: no marker, but its change is still known.
    ninewa = found["people-reached governorate=IQG15"]
    assert ninewa.marker is None and ninewa.previous is None and ninewa.before == 150
    assert ninewa.base == 150 and ninewa.change == 0


def test_change_is_a_dash_without_a_previous_snapshot_or_from_zero(world):
    world.deliver(on=dt.date(2018, 4, 10), households=50)
    recompute()
    first = resolve(world, "{people-reached show=change} {people-reached show=previous}")
    assert first["people-reached show=change"].shown == "—"
    assert first["people-reached show=previous"].shown == "—"
    from_zero = resolve(world, "{people-reached show=change}", previous_as_of=MARCH_END)
    assert from_zero["people-reached show=change"].shown == "—"
    assert from_zero["people-reached show=change"].change is None


def test_change_counts_from_what_the_previous_snapshot_printed_and_can_fall(world):
    march_record = world.deliver(on=dt.date(2018, 3, 10), households=100)
    recompute()
    march = frozen(world)
    # After March was published, its one record was returned for review
    # (it no longer counts) and April delivered half as much.
    march_record.status = "returned"
    march_record.save()
    world.deliver(on=dt.date(2018, 4, 10), households=50)
    recompute()
    found = resolve(
        world,
        "{people-reached show=change} {people-reached show=previous}",
        previous_as_of=MARCH_END,
        previous_references=march,
    )
    change = found["people-reached show=change"]
    assert change.marker == "corrected" and change.previous == 600 and change.before == 0
    assert change.base == 600 and change.value == 300
    assert change.shown == "-50%"  # agrees with "was 600" printed beside the figure
    assert found["people-reached show=previous"].shown == "600*"


def test_a_figure_that_did_not_move_has_no_marker_and_no_change(world):
    world.deliver(on=dt.date(2018, 3, 10), households=100)
    recompute()
    found = resolve(
        world,
        "{people-reached} {people-reached show=change}",
        previous_as_of=MARCH_END,
        previous_references=frozen(world),
    )
    assert found["people-reached"].marker is None
    assert found["people-reached show=change"].shown == "0%"


# --- Errors ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reference", "words"),
    [
        ("{no-such-figure}", 'Unknown figure "no-such-figure"'),
        ("{people-reached governorate=Atlantis}", 'Unknown governorate "Atlantis"'),
        ("{people-reached district=Nowhere}", 'Unknown district "Nowhere"'),
        ("{people-reached governorate=IQG13 district=Mosul}", "Al-Mosul is not in Kirkuk"),
        ("{people-reached programme=XYZ}", 'Unknown programme "XYZ"'),
        ("{people-reached programme=CRP}", "CRP is not one of this snapshot's programmes"),
        ("{people-reached project=PRJ-9999}", 'Unknown project "PRJ-9999"'),
        ("{people-reached activity=juggling}", 'Unknown activity type "juggling"'),
        ("{people-reached donor=Atlantis}", 'Unknown donor "Atlantis"'),
        ("{contributions-usd governorate=IQG15}", "cannot be cut by governorate"),
        ("{monitoring-visits activity=cash-for-work}", "cannot be cut by activity"),
    ],
)
def test_references_that_cannot_be_shown_are_positioned_errors(places, reference, words):
    text = "Our work\n\nReached " + reference
    found = resolve(places, text)
    (error,) = found.values()
    assert isinstance(error, ReferenceError)
    assert words in error.message
    assert (error.line, error.column) == (3, 9)
    assert error.source == reference


def test_a_project_of_another_programme_is_an_error(world):
    elsewhere = ProjectFactory(programme=world.other)
    found = resolve(world, f"{{people-reached project={elsewhere.code}}}")
    (error,) = found.values()
    assert "is not in this snapshot's programmes" in error.message


def test_one_error_does_not_hide_the_other_figures(world):
    world.deliver(on=dt.date(2018, 4, 10), households=5)
    recompute()
    found = resolve(world, "{people-reached} {nope} {people-reached governorate=Atlantis}")
    assert isinstance(found["people-reached"], Resolved)
    assert found["people-reached"].shown == "30*"
    assert isinstance(found["nope"], ReferenceError)
    assert isinstance(found["people-reached governorate=Atlantis"], ReferenceError)


def test_the_queries_do_not_grow_with_the_number_of_references(places):
    """Reference data in a few queries, figures in two statements per
    definition: 10 places or 20 cost the same."""
    places.deliver(on=dt.date(2018, 4, 10), households=5)
    recompute()
    march = {"people-reached governorate=IQG13": {"figure": "people-reached governorate=IQG13"}}

    def count(governorates) -> tuple[int, dict]:
        text = " ".join(
            f"{{people-reached governorate={g}}} {{bsp-packages governorate={g} show=period}}"
            for g in governorates
        )
        text += " {people-reached district=Mosul} {cash-for-work programme=RRP donor=USA}"
        refs = [p for p in parse_text(text) if not isinstance(p, str)]
        with CaptureQueriesContext(connection) as queries:
            found = resolve_references(
                refs, context(places, previous_as_of=MARCH_END, previous_references=march)
            )
        return len(queries), found

    few, found = count(["IQG13", "IQG15", "Ninewa", "Kirkuk", "Anbar"])
    many, more = count([f"IQG{n:02d}" for n in range(1, 19)] + ["Ninewa", "Kirkuk"])
    # 28: the cubes' planner settings, set and set back around them (two statements).
    assert few == many <= 28
    assert len(found) == 12 and len(more) == 42
    assert all(isinstance(f, Resolved) for f in [*found.values(), *more.values()])
