"""The demo's targets, as an appeal's project sheets give them: for each
programme, a year's target for its main figures (people, households, women
reached, US$ received against US$ appealed), set through the target
services by the demo administrator. Deterministic: each target is the
year's pace so far, scaled so that some are on track and some behind."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model

from indicators.models import IndicatorDefinition
from indicators.selectors import FigureQuery, figures
from indicators.target_services import target_set
from programmes.models import Programme

# (definition code, split, how far ahead of the pace so far the target is):
# above 1 the programme is behind, below 1 on track.
DEMO_TARGETS = [
    ("people-reached", "", Decimal("1.25")),
    ("households-reached", "", Decimal("0.9")),
    ("direct-recipients", "sex=f", Decimal("1.1")),
    ("contributions-usd", "", Decimal("1.4")),
]


def _rounded(value: Decimal) -> Decimal:
    """Round to two significant figures, as appeals state targets (12,000)."""
    if value <= 0:
        return Decimal(0)
    step = Decimal(10) ** max(len(str(int(value))) - 2, 0)
    return (value / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step


def demo_targets_ensure(*, as_of: dt.date, plan=None) -> int:
    """Set each programme's targets for the year of ``as_of`` (``plan``:
    (definition code, split, factor) rows, default ``DEMO_TARGETS``), from
    the figures up to ``as_of``; returns how many were set. A rerun sets the
    same values. Needs the value table computed."""
    plan = DEMO_TARGETS if plan is None else plan
    admin = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    codes = {code for code, _split, _factor in plan}
    definitions = {d.code: d for d in IndicatorDefinition.objects.filter(code__in=codes)}
    if admin is None or not definitions:
        return 0
    start, end = dt.date(as_of.year, 1, 1), dt.date(as_of.year, 12, 31)
    elapsed = Decimal((as_of - start).days + 1) / Decimal((end - start).days + 1)
    programmes = list(Programme.objects.order_by("code"))
    asked = {
        (p.pk, code): FigureQuery(
            definition=code, as_of=as_of, period_start=start, programmes=(p.pk,)
        )
        for p in programmes
        for code in definitions
    }
    # Splits count in the cumulative value: the year's is as of as_of less as of 31 Dec before.
    before = {
        key: FigureQuery(
            definition=q.definition, as_of=start - dt.timedelta(days=1), programmes=q.programmes
        )  # fmt: skip
        for key, q in asked.items()
    }
    answers = figures([*asked.values(), *before.values()])
    written = 0
    for programme in programmes:
        for code, split, factor in plan:
            if code not in definitions:
                continue
            key = (programme.pk, code)
            if split:
                column = "sex_f"
                actual = Decimal(
                    answers[asked[key]].splits.get(column, 0)
                    - answers[before[key]].splits.get(column, 0)
                )
            else:
                actual = answers[asked[key]].period or Decimal(0)
            value = _rounded(actual / elapsed * factor)
            if not value:
                continue
            target_set(
                user=admin,
                fields={
                    "definition": definitions[code],
                    "programme": programme,
                    "period_start": start,
                    "period_end": end,
                    "split": split,
                    "value": value,
                    "note": "Demo: the year's appeal target",
                },
            )
            written += 1
    return written
