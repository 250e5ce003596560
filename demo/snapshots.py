"""The demo's snapshots (``manage.py demo_data``): the demo manager's
programme CRP published for the two quarters before the demo's last day, so
that the second shows what grew since the first, and the demo donor (USA,
which funds CRP) has PDFs to download. Their PDFs are queued for the worker
like any publication."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model

from programmes.models import Programme
from snapshots.models import Snapshot, portfolio_key_for
from snapshots.services import snapshot_create, snapshot_publish

DEMO_PORTFOLIO = ("CRP",)


def _quarter_before(quarter_end: dt.date) -> dt.date:
    return quarter_end.replace(day=1, month=((quarter_end.month - 1) // 3) * 3 + 1) - dt.timedelta(
        days=1
    )


def demo_snapshots_ensure(*, last_quarter_end: dt.date) -> int:
    """Publish the demo portfolio's snapshots for the quarter ending
    ``last_quarter_end`` and the one before, unless the portfolio has any
    snapshot already (a rerun, or snapshots made by hand, are left alone).
    Returns how many were published."""
    programmes = list(Programme.objects.filter(code__in=DEMO_PORTFOLIO))
    manager = get_user_model().objects.filter(username="manager").first()
    if len(programmes) != len(DEMO_PORTFOLIO) or manager is None:
        return 0
    if Snapshot.objects.filter(portfolio_key=portfolio_key_for(programmes)).exists():
        return 0
    published = 0
    for quarter_end in (_quarter_before(last_quarter_end), last_quarter_end):
        draft = snapshot_create(programmes=programmes, period_end=quarter_end, user=manager)
        snapshot_publish(snapshot=draft, user=manager)
        published += 1
    return published
