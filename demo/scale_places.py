"""The benchmark's places (docs/BENCHMARK.md, "places" and "projects"): where
each project works, and the sub-district of each record and visit.

About 10% of the projects cover several places (two or three whole
governorates, or two to four districts), about 1% are national; the others
keep the one district they were planned in, and the first ``keep`` projects
(one per governorate) are never changed. Every record and visit sits in a
sub-district inside its project's coverage, drawn with uneven weights (a few
sub-districts see most of the work), so that the district and governorate
figures are derived from the records' own places, as the field records them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import transaction

from demo.spec import GOVERNORATES, PROGRAMMES
from programmes.models import District, Project, ProjectPlace, SubDistrict

MULTI_PLACE_SHARE = 0.10
NATIONAL_SHARE = 0.01

# A project's coverage: None for a national project, else (governorate
# P-code, district P-code or None for the whole governorate) pairs.
Coverage = list[tuple[str, str | None]] | None


def coverage_plan(rng: random.Random, plans: list[dict[str, Any]], *, keep: int) -> dict:
    """{project code: coverage} for ``plans`` (as ``demo.build._plan_projects``
    makes them, with their one governorate and district): about 10% of those
    after the first ``keep`` cover several places, about 1% are national
    (only projects of programmes that work everywhere), the rest their own
    district. Several places include the planned one, within the programme's
    governorates."""
    districts: dict[str, list[str]] = {}
    for pcode, governorate in District.objects.order_by("pcode").values_list(
        "pcode", "governorate__pcode"
    ):
        districts.setdefault(governorate, []).append(pcode)
    specs = {p.code: p for p in PROGRAMMES}
    everywhere = sorted(GOVERNORATES)
    coverage: dict[str, Coverage] = {}
    for index, plan in enumerate(plans):
        home = (plan["governorate"], plan["district"])
        draw = rng.random() if index >= keep else 1.0
        area = sorted(specs[plan["programme"]].governorates or everywhere)
        if draw < NATIONAL_SHARE and len(area) == len(everywhere):
            coverage[plan["code"]] = None
        elif draw < MULTI_PLACE_SHARE and len(area) > 1:
            others = [g for g in area if g != home[0]]
            if rng.random() < 0.5:  # whole governorates
                chosen = [home[0], *rng.sample(others, min(len(others), rng.randint(1, 2)))]
                coverage[plan["code"]] = [(g, None) for g in sorted(chosen)]
            else:  # districts, here and there
                pool = [(g, d) for g in area for d in districts.get(g, []) if d != home[1]]
                chosen = [home, *rng.sample(pool, min(len(pool), rng.randint(1, 3)))]
                coverage[plan["code"]] = sorted(chosen)
        else:
            coverage[plan["code"]] = [home]
    return coverage


def coverage_fields(plan: dict[str, Any], coverage: Coverage) -> dict[str, Any]:
    """``plan`` as ``demo.build._save_projects`` saves it: a project of
    several places or national has no one place of its own."""
    if coverage is not None and len(coverage) == 1:
        return {**plan, "national": False}
    return {**plan, "governorate": None, "district": None, "national": coverage is None}


@transaction.atomic
def coverage_save(projects: dict[str, Project], coverage: dict[str, Coverage]) -> int:
    """Replace the coverage rows of ``projects`` (by code) with ``coverage``'s;
    returns how many were written."""
    governorates = {
        pcode: pk
        for pk, pcode in District.objects.values_list("governorate_id", "governorate__pcode")
    }
    districts = dict(District.objects.values_list("pcode", "pk"))
    ProjectPlace.objects.filter(project__in=list(projects.values())).delete()
    rows = [
        ProjectPlace(
            project=projects[code],
            governorate_id=governorates[g],
            district_id=districts[d] if d else None,
        )
        for code, places in coverage.items()
        if code in projects
        for g, d in places or []
    ]
    ProjectPlace.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


@dataclass
class Places:
    """The sub-districts a table of projects' records are drawn from: for
    each project row, a padded pool of indices into the sub-district columns
    and their cumulative weights."""

    subdistrict: np.ndarray  # ids
    district: np.ndarray  # its district's id
    governorate: np.ndarray  # its governorate's id
    pool: np.ndarray  # (projects, width) indices into the columns above
    size: np.ndarray  # pool size of each project
    cdf: np.ndarray  # (projects, width) cumulative weights, 1.0 past the pool

    def sample(self, rng: np.random.Generator, rows: np.ndarray) -> dict[str, np.ndarray]:
        """The place of one record (or visit) per project row of ``rows``."""
        u = rng.random(len(rows))
        k = np.minimum((u[:, None] >= self.cdf[rows]).sum(axis=1), self.size[rows] - 1)
        index = self.pool[rows, k]
        return {
            "subdistrict": self.subdistrict[index],
            "district": self.district[index],
            "governorate": self.governorate[index],
        }


def places_table(rng: np.random.Generator, codes: list[str], coverage: dict) -> Places:
    """The ``Places`` of the projects ``codes`` (a ``ProjectTable``'s rows):
    each sub-district weighs a draw from a log-normal (fixed per seed), so
    work concentrates in some of them, as it does in the field."""
    rows = list(
        SubDistrict.objects.order_by("pcode").values_list(
            "pk", "district_id", "district__governorate_id", "district__pcode",
            "district__governorate__pcode",
        )
    )  # fmt: skip
    weights = rng.lognormal(0.0, 1.0, len(rows))
    by_district: dict[str, list[int]] = {}
    by_governorate: dict[str, list[int]] = {}
    for i, (_pk, _d, _g, district, governorate) in enumerate(rows):
        by_district.setdefault(district, []).append(i)
        by_governorate.setdefault(governorate, []).append(i)
    pools = []
    for code in codes:
        places = coverage[code]
        if places is None:
            pools.append(list(range(len(rows))))
            continue
        pool = []
        for governorate, district in places:
            pool += by_district[district] if district else by_governorate[governorate]
        pools.append(pool)
    width = max(len(pool) for pool in pools)
    pool_matrix = np.zeros((len(codes), width), dtype=np.int64)
    cdf = np.ones((len(codes), width))
    for i, pool in enumerate(pools):
        pool_matrix[i, : len(pool)] = pool
        cdf[i, : len(pool)] = np.cumsum(weights[pool]) / weights[pool].sum()
    return Places(
        subdistrict=np.array([r[0] for r in rows], dtype=np.int64),
        district=np.array([r[1] for r in rows], dtype=np.int64),
        governorate=np.array([r[2] for r in rows], dtype=np.int64),
        pool=pool_matrix,
        size=np.array([len(pool) for pool in pools], dtype=np.int64),
        cdf=cdf,
    )
