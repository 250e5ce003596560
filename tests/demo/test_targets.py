"""The demo's targets: every programme gets its year's targets, so that the
programme dashboards show progress, some on track and some behind."""

from __future__ import annotations

import pytest

from demo import generate as demo
from demo.targets import DEMO_TARGETS, demo_targets_ensure
from indicators.models import Target
from indicators.selectors import target_progress

pytestmark = pytest.mark.django_db


def test_every_programme_gets_targets_some_on_track_some_behind(demo_world):
    written = demo_targets_ensure(as_of=demo.AS_OF)
    targets = Target.objects.select_related("definition", "programme", "governorate", "district")
    assert written == targets.count() > 0
    assert {t.definition.code for t in targets} == {code for code, *_ in DEMO_TARGETS}
    assert targets.filter(split="sex=f").exists()
    progress = target_progress(targets, as_of=demo.AS_OF)
    statuses = {p.status for p in progress}
    assert statuses == {"on_track", "behind"}
    before = sorted(targets.values_list("pk", "value"))
    assert demo_targets_ensure(as_of=demo.AS_OF) == written
    assert sorted(targets.values_list("pk", "value")) == before  # a rerun changes nothing
    assert all(t.history.count() == 1 for t in targets)
