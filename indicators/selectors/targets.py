"""Actual against target: how far each target is reached on a given day.

The actual is the definition's figure for the target's own cut (its
programme or project, its governorate or district, its split category) over
the target's period, counted up to the day asked (``figures()``: approved
records only, exact to the day). A target is *on track* when the share of it
reached is at least the share of its period elapsed by that day, *behind*
otherwise; a period not yet started is on track.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Case,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    Value,
    When,
)
from django.utils.translation import gettext as _

from indicators.models import TARGET_SPLITS, Target
from indicators.periods import ONE_DAY
from indicators.selectors.figures import FigureQuery, figures

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Progress:
    """One target on one day. ``percent``: the actual as a share of the
    target (None for a target of 0); ``elapsed``: the share of the period
    gone by ``as_of`` (0 to 100)."""

    target: Target
    as_of: dt.date
    actual: Decimal
    percent: Decimal | None
    elapsed: Decimal
    on_track: bool

    @property
    def status(self) -> str:
        return "on_track" if self.on_track else "behind"

    @property
    def status_label(self) -> str:
        return _("on track") if self.on_track else _("behind")

    @property
    def bar(self) -> Decimal:
        """The percent reached as a bar's width (0 to 100)."""
        return min(self.percent or Decimal(0), HUNDRED)


def _elapsed_days(target: Target, as_of: dt.date) -> tuple[int, int]:
    total = (target.period_end - target.period_start).days + 1
    gone = (min(as_of, target.period_end) - target.period_start).days + 1
    return max(gone, 0), total


def _queries(target: Target, as_of: dt.date) -> tuple[FigureQuery, FigureQuery | None]:
    """The figure of the target's cut up to ``as_of`` (with its period), and
    for a split target the cumulative figure the day before the period, whose
    split is subtracted (``figures()`` splits only the cumulative value)."""
    cut = {
        "definition": target.definition.code,
        "programmes": (target.programme_id,) if target.programme_id else (),
        "project": target.project_id,
        "governorate": target.governorate.pcode if target.governorate_id else None,
        "district": target.district.pcode if target.district_id else None,
    }
    day = min(as_of, target.period_end)
    now = FigureQuery(as_of=day, period_start=target.period_start, **cut)
    before = None
    if target.split and target.period_start > dt.date.min:
        before = FigureQuery(as_of=target.period_start - ONE_DAY, **cut)
    return now, before


def target_progress(targets: Iterable[Target], *, as_of: dt.date) -> list[Progress]:
    """The progress of each target on ``as_of``, in the order given. The
    targets should come with their definition, governorate and district
    (``select_related``). At most two statements per definition, whatever
    the number of targets (``figures()``). Reads no access rule: the caller
    passes targets the user may read (``indicators.access.targets_for_user``)."""
    targets = list(targets)
    started = [t for t in targets if t.period_start <= as_of]
    asked = {t.pk: _queries(t, as_of) for t in started}
    answers = figures(q for pair in asked.values() for q in pair if q is not None)
    result = []
    for target in targets:
        actual = Decimal(0)
        if target.pk in asked:
            now, before = asked[target.pk]
            if target.split:
                column = TARGET_SPLITS[target.split]
                earlier = answers[before].splits.get(column, 0) if before else 0
                actual = Decimal(answers[now].splits.get(column, 0) - earlier)
            else:
                actual = answers[now].period or Decimal(0)
        gone, total = _elapsed_days(target, as_of)
        value = target.value
        result.append(
            Progress(
                target=target,
                as_of=as_of,
                actual=actual,
                percent=(actual * HUNDRED / value).quantize(Decimal("0.1")) if value else None,
                elapsed=(Decimal(gone) * HUNDRED / total).quantize(Decimal("0.1")),
                # actual / value >= gone / total, without rounding
                on_track=actual * total >= value * gone,
            )
        )
    return result


def targets_progress_rows(progress: list[Progress]) -> list[dict]:
    """Progress as plain rows (the API, the exports and the pages' JSON):
    codes and numbers only."""
    return [
        {
            "id": p.target.pk,
            "definition": p.target.definition.code,
            "definition_name": p.target.definition.name,
            "programme": p.target.programme.code if p.target.programme_id else None,
            "project": p.target.project.code if p.target.project_id else None,
            "period_start": p.target.period_start,
            "period_end": p.target.period_end,
            "governorate": p.target.governorate.pcode if p.target.governorate_id else None,
            "district": p.target.district.pcode if p.target.district_id else None,
            "split": p.target.split,
            "target": p.target.value,
            "actual": p.actual,
            "percent": p.percent,
            "elapsed": p.elapsed,
            "status": p.status,
        }
        for p in progress
    ]


def programme_targets_queryset(*, user, programme):
    """The targets ``user`` may read that belong to ``programme``: its own and
    its projects', with what their progress reads."""
    from django.db.models import Q

    from indicators.access import targets_for_user

    return (
        targets_for_user(user)
        .filter(Q(programme=programme) | Q(project__programme=programme))
        .select_related("definition", "programme", "project", "governorate", "district")
        .defer("governorate__boundary", "district__boundary")
    )


def programme_targets(*, user, programme, as_of: dt.date) -> list[Progress]:
    """The progress on ``as_of`` of the targets ``user`` may read that belong
    to ``programme``: its own and its projects', in definition and period
    order. Five queries plus two per definition."""
    return target_progress(programme_targets_queryset(user=user, programme=programme), as_of=as_of)


def programme_targets_summary(
    *, user, programme, as_of: dt.date, size: int = 10
) -> tuple[list[Progress], int]:
    """The ``size`` targets a programme's dashboard shows, with the number of
    targets in all (the rest are on its targets page): those whose period
    holds ``as_of`` first, then those ended, the latest first, then those to
    come, the nearest first; the whole programme's before a project's,
    everywhere and everyone before a place or a split; then in definition
    order. Counts them only when there are more than ``size``."""
    day = Value(as_of)
    rank = Case(
        When(period_end__lt=as_of, then=Value(1)),
        When(period_start__gt=as_of, then=Value(2)),
        default=Value(0),
        output_field=IntegerField(),
    )
    distance = Case(
        When(period_end__lt=as_of, then=ExpressionWrapper(day - F("period_end"), DurationField())),
        When(
            period_start__gt=as_of,
            then=ExpressionWrapper(F("period_start") - day, DurationField()),
        ),
        default=Value(dt.timedelta(0)),
        output_field=DurationField(),
    )
    targets = programme_targets_queryset(user=user, programme=programme)
    chosen = list(
        targets.annotate(rank=rank, distance=distance).order_by(
            "rank",
            "distance",
            F("project").asc(nulls_first=True),
            F("district").asc(nulls_first=True),
            F("governorate").asc(nulls_first=True),
            "split",
            "definition__position",
            "definition__code",
            "pk",
        )[: size + 1]
    )
    total = targets.count() if len(chosen) > size else len(chosen)
    return target_progress(chosen[:size], as_of=as_of), total


def figure_target(
    *, definition: str, programmes: tuple[int, ...], as_of: dt.date
) -> Decimal | None:
    """What ``programmes`` together target for ``definition`` in the period
    that holds ``as_of`` (a snapshot's "of N targeted"): per programme, its
    programme-wide target (no project, place or split) whose period holds
    the day, the longest when several do (a year's rather than a quarter's);
    summed over the programmes. None when no programme has one. One query."""
    rows = (
        Target.objects.filter(
            definition__code=definition,
            programme_id__in=programmes,
            governorate__isnull=True,
            split="",
            period_start__lte=as_of,
            period_end__gte=as_of,
        )
        .order_by("programme_id", "period_start", "-period_end")
        .values_list("programme_id", "period_start", "period_end", "value")
    )
    chosen: dict[int, tuple[int, Decimal]] = {}
    for programme_id, start, end, value in rows:
        length = (end - start).days
        if programme_id not in chosen or length > chosen[programme_id][0]:
            chosen[programme_id] = (length, value)
    return sum((value for _length, value in chosen.values()), Decimal(0)) if chosen else None
