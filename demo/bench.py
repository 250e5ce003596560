"""``make bench``: the product's figures on a database shaped like a large mission's.

Builds (or reuses, when its profile matches) a database of its own with
``--records`` assistance records (default 1,000,000) from the scale generator,
then prints the profile, ``name: value`` lines and, last, one JSON line.

Figures (timings are medians after a warm-up, on this machine):
- ``raw_scan_s``: the floor, one plain SQL GROUP BY governorate, quarter
  summing people over the whole assistance table (warm, median of 3, as the
  full run);
- ``full_recompute_s``: recomputing every demo definition after a day of
  field work (0.5% of the records changed: ``demo.bench_full``), and
  ``full_over_raw`` the ratio of the two (with ``--verbose``, where one full
  run spends its time: ``demo.bench_profile``); ``full_recompute_cold_s``
  the same from an empty value table;
- ``raw_scan_cpu_s``, ``full_recompute_cpu_s``: the database server's
  CPU-seconds of the same runs, median (``demo.bench_server_cpu``; only where the
  server's processes can be read, e.g. the embedded server): the measure to
  compare on a machine other work shares;
- ``incremental_recompute_s``: recomputing after one record's approval;
- ``peak_rss_mb``: the peak memory of a real Celery worker that ran a full
  and an incremental recomputation as tasks;
- ``dashboard_p50_ms``, ``dashboard_p95_ms``, ``dashboard_queries_max``,
  ``dashboard_kb``: the mission and governorate dashboards for the manager;
- ``figures_ms``: a snapshot's figures read with ``indicators.selectors.figures``
  (12 definitions × 6 cuts, governorates, a project and an activity type
  included, as of a mid-month day with the quarter's own value, and again as
  of the previous quarter's end for the markers), median;
- ``pdf_s``, ``pdf_kb``: one full snapshot PDF (a draft of every programme
  for the last quarter of the data, every section filled through the
  authoring services, 5 stories with phone-sized photos), its document built
  and rendered, median of 3, and its size; ``pdf_first_s`` the first of the
  three, which starts the process's Chromium and decodes the photos (the
  next ones reuse both, and the SVGs of unchanged charts: ``snapshots.charts_export``).

With ``--load`` it measures only the site under load instead (``demo.bench_load``):
``--users`` concurrent logged-in users (default 50) for ``--seconds`` (default 60)
on gunicorn as in production, printing ``load_requests``, ``load_errors``,
``load_p50_ms``, ``load_p95_ms`` and p50/p95 per page.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_DB = "iomdash_bench"


def _bench_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{BENCH_DB}"))


def _ensure_database(url: str) -> None:
    import psycopg2

    parts = urlsplit(url)
    conn = psycopg2.connect(url)
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB])
        if cursor.fetchone() is None:
            cursor.execute(f"CREATE DATABASE {BENCH_DB}")
    conn.close()
    del parts


def _median(fn, repeat: int, warmup: int = 1) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--pdf-only",
        action="store_true",
        help="Measure only the snapshot PDF (pdf_s, pdf_kb), e.g. after a layout change.",
    )
    parser.add_argument(
        "--load",
        action="store_true",
        help="Measure only the site under load: --users users for --seconds on gunicorn.",
    )
    parser.add_argument(
        "--engine-only",
        action="store_true",
        help="Measure only the engine: raw_scan_s, full_recompute_s and incremental_recompute_s.",
    )
    parser.add_argument(
        "--verbose",
        action="store_true",
        help="Also print where a full recomputation spends its time (steps and plan nodes).",
    )
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args(argv)

    base_url = os.environ["DATABASE_URL"]
    _ensure_database(base_url)
    os.environ["DATABASE_URL"] = _bench_url(base_url)
    os.environ.setdefault("DEBUG", "true")
    os.environ["DJANGO_SETTINGS_MODULE"] = "iomdash.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", "--noinput", verbosity=0)
    profile_key = json.dumps(
        {"records": args.records, "seed": args.seed, "generator": _generator_version()}
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [BENCH_DB],
        )
        stored = cursor.fetchone()[0]
    if stored != profile_key:
        print(
            f"building the benchmark database ({args.records:,} records, seed {args.seed})",
            flush=True,
        )
        start = time.perf_counter()
        _reset_data()
        call_command("demo_data", "--records", str(args.records), "--seed", str(args.seed))
        print(f"build_s: {time.perf_counter() - start:.1f}", flush=True)
        with connection.cursor() as cursor:
            cursor.execute(f"COMMENT ON DATABASE {BENCH_DB} IS %s", [profile_key])
    else:
        print("reusing the benchmark database with the same profile", flush=True)

    from demo.bench_data import bench_profile_description, bench_records
    from demo.indicators import demo_definitions_ensure

    definitions = demo_definitions_ensure()
    results: dict[str, float | int] = {}
    results.update(bench_records())
    print("profile: " + json.dumps(bench_profile_description(seed=args.seed)), flush=True)

    results["definitions"] = definitions
    if args.pdf_only or args.load:
        from indicators.engine import recompute_full
        from indicators.models import IndicatorValue

        if not IndicatorValue.objects.exists():  # a new database: the figures must exist
            recompute_full(progress=lambda *_: None)
    if args.load:
        from demo.bench_load import bench_load

        results.update(bench_load(users=args.users, seconds=args.seconds))
        for key, value in results.items():
            if key.startswith("load_"):
                print(f"{key}: {json.dumps(value)}", flush=True)
        print(json.dumps(results), flush=True)
        return 0
    if args.pdf_only:
        results.update(_snapshot_pdf())
        print(f"pdf_s: {results['pdf_s']}", flush=True)
        print(f"pdf_first_s: {results['pdf_first_s']}", flush=True)
        print(f"pdf_kb: {results['pdf_kb']}", flush=True)
        print(json.dumps(results), flush=True)
        return 0
    # The floor, measured as the engine is: warm, median of 3. Beside each,
    # the server's CPU-seconds where they can be read (``demo.bench_server_cpu``).
    from demo.bench_server_cpu import median_runs, server_cpu_clock

    with connection.cursor() as cursor:
        clock = server_cpu_clock(cursor)
    runs = max(3, args.repeat // 2 + 1)
    raw_s, raw_cpu = median_runs(_raw_scan, runs, clock)
    results["raw_scan_s"] = round(raw_s, 3)
    print(f"raw_scan_s: {results['raw_scan_s']}", flush=True)
    if raw_cpu is not None:
        results["raw_scan_cpu_s"] = round(raw_cpu, 2)
        print(f"raw_scan_cpu_s: {results['raw_scan_cpu_s']}", flush=True)

    # From an empty value table, then after a day of field work each (``demo.bench_full``).
    from demo.bench_full import cold_runs, full_runs

    full = {**cold_runs(runs, clock), **full_runs(runs, clock, records=args.records)}
    for key, value in full.items():
        results[key] = value
        print(f"{key}: {value}", flush=True)
    results["full_over_raw"] = round(
        results["full_recompute_s"] / max(results["raw_scan_s"], 1e-9), 1
    )
    print(f"full_over_raw: {results['full_over_raw']}", flush=True)
    if args.verbose:
        from demo.bench_profile import print_full_run_profile

        print_full_run_profile(results["full_recompute_s"])

    results["incremental_recompute_s"] = round(_incremental(args.repeat), 3)
    print(f"incremental_recompute_s: {results['incremental_recompute_s']}", flush=True)
    if args.engine_only:
        print(json.dumps(results), flush=True)
        return 0

    results.update(_dashboards(args.repeat))
    for key in ("dashboard_p50_ms", "dashboard_p95_ms", "dashboard_queries_max", "dashboard_kb"):
        print(f"{key}: {results[key]}", flush=True)

    results["figures_ms"] = round(figures_shown(args.repeat), 1)
    print(f"figures_ms: {results['figures_ms']}", flush=True)

    results.update(_targets(args.repeat))
    for key in ("targets", "targets_programme_ms", "targets_project_ms"):
        print(f"{key}: {results[key]}", flush=True)

    results.update(_snapshot_pdf())
    print(f"pdf_s: {results['pdf_s']}", flush=True)
    print(f"pdf_first_s: {results['pdf_first_s']}", flush=True)
    print(f"pdf_kb: {results['pdf_kb']}", flush=True)

    results["peak_rss_mb"] = _worker_peak_rss()
    print(f"peak_rss_mb: {results['peak_rss_mb']}", flush=True)

    print(json.dumps(results), flush=True)
    return 0


def _generator_version():
    from demo import generate as demo

    return getattr(demo, "GENERATOR_VERSION", 0)


def _reset_data() -> None:
    from django.db import connection

    tables = [m._meta.db_table for m in _data_models()]
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE " + ", ".join(tables) + " CASCADE")


def _data_models():
    from django.apps import apps

    for label in ("programmes", "beneficiaries", "indicators"):
        for model in apps.get_app_config(label).get_models():
            if model._meta.db_table in (
                # Reference data loaded by migrations, kept across rebuilds.
                "programmes_governorate",
                "programmes_district",
                "programmes_subdistrict",
                "indicators_householdmultiplier",
                "indicators_enginelock",
            ):
                continue
            yield model


def _raw_scan() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT a.governorate_id, date_trunc('quarter', a.delivered_on), SUM(a.people)
            FROM beneficiaries_assistancerecord a JOIN programmes_project p ON p.id = a.project_id
            GROUP BY 1, 2
            """
        )
        cursor.fetchall()


def figures_shown(repeat: int) -> float:
    """Median milliseconds of one ``figures()`` call as a snapshot makes it."""
    import datetime as dt

    from beneficiaries.models import ActivityType, AssistanceRecord
    from indicators.models import IndicatorDefinition
    from indicators.periods import quarter_start
    from indicators.selectors import FigureQuery, figures
    from programmes.models import Governorate, Project

    last = AssistanceRecord.objects.order_by("-delivered_on").values_list(
        "delivered_on", flat=True
    )[0]
    as_of = last.replace(day=min(last.day, 15))
    previous = quarter_start(as_of) - dt.timedelta(days=1)
    codes = list(
        IndicatorDefinition.objects.filter(is_active=True, accumulation="cumulative")
        .order_by("position")
        .values_list("code", flat=True)[:12]
    )
    pcodes = list(Governorate.objects.order_by("pcode").values_list("pcode", flat=True)[:3])
    project = Project.objects.order_by("pk").values_list("pk", flat=True)[0]
    activity = ActivityType.objects.order_by("pk").values_list("pk", flat=True)[0]
    cuts = [{}, *({"governorate": p} for p in pcodes), {"project": project}]
    cuts.append({"activity_type": activity})
    queries = [
        FigureQuery(code, day, period_start=quarter_start(day), **cut)
        for code in codes
        for cut in cuts
        for day in (as_of, previous)
    ]
    return _median(lambda: figures(queries), repeat) * 1000


def _targets(repeat: int) -> dict:
    """Targets as BENCHMARK.md's profile asks: every active definition per
    programme and year, and per quarter for a tenth of the projects. Bench
    data, bulk-written like the records (the pages write through
    ``indicators.target_services``), replacing the previous run's. Then the
    time to read the progress of one programme's year targets, and of one
    project's quarter targets."""
    import datetime as dt
    from decimal import Decimal

    from django.db import connection

    from demo import generate as demo
    from indicators.models import IndicatorDefinition, Target
    from indicators.periods import add_months
    from indicators.selectors import target_progress
    from programmes.models import Programme, Project

    definitions = list(IndicatorDefinition.objects.filter(is_active=True).order_by("pk"))
    programmes = list(Programme.objects.order_by("pk").values_list("pk", flat=True))
    projects = list(Project.objects.order_by("pk").values_list("pk", flat=True))[::10]
    years = range(demo.AS_OF.year - 9, demo.AS_OF.year + 1)
    quarters = [add_months(dt.date(years[0], 1, 1), 3 * i) for i in range(4 * len(years))]
    rows = [
        Target(definition=d, programme_id=p, period_start=dt.date(y, 1, 1),
               period_end=dt.date(y, 12, 31), value=Decimal(1000 + 37 * (d.pk + p + y) % 9000))
        for d in definitions for p in programmes for y in years
    ] + [
        Target(definition=d, project_id=p, period_start=q,
               period_end=add_months(q, 3) - dt.timedelta(days=1),
               value=Decimal(100 + 13 * (d.pk + p) % 900))
        for d in definitions for p in projects for q in quarters
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {Target._meta.db_table}")
    Target.objects.bulk_create(rows, batch_size=5000)
    related = ("definition", "programme", "project", "governorate", "district")
    programme_targets = list(
        Target.objects.filter(programme_id=programmes[0]).select_related(*related)
    )
    project_targets = list(Target.objects.filter(project_id=projects[0]).select_related(*related))

    def read(targets):
        return lambda: target_progress(targets, as_of=demo.AS_OF)

    return {
        "targets": len(rows),
        "targets_programme_ms": round(_median(read(programme_targets), repeat) * 1000, 1),
        "targets_project_ms": round(_median(read(project_targets), repeat) * 1000, 1),
    }


def _incremental(repeat: int) -> float:
    """Median time of the recomputation after approving one submitted record
    (a different one each time), as the approval service would queue it."""
    from beneficiaries.models import AssistanceRecord
    from indicators.engine import recompute_incremental
    from indicators.services import assistance_scope

    pending = list(
        AssistanceRecord.objects.filter(status="submitted")
        .select_related("project")
        .order_by("id")[: repeat + 1]
    )
    times = []
    for index, record in enumerate(pending):
        record.status = "approved"
        record.save(update_fields=["status"])
        scope = assistance_scope([record])
        start = time.perf_counter()
        recompute_incremental(scope)
        elapsed = time.perf_counter() - start
        if index:  # the first one warms up
            times.append(elapsed)
        record.status = "submitted"
        record.save(update_fields=["status"])
        recompute_incremental(scope)
    return statistics.median(times)


def _dashboards(repeat: int, requests: int = 50) -> dict:
    """Server time of the mission, governorate and programme dashboards for
    the demo manager: ``requests``
    requests per page after a warm-up, through Django's full request cycle
    (middleware, session, view, template) in this process; the most SQL
    queries on any page and the largest HTML response."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    manager = get_user_model().objects.get(username="manager")
    client = Client(HTTP_HOST="localhost")
    client.force_login(manager)
    pages = [
        "/dashboards/",
        "/dashboards/governorate/IQG13/",
        "/dashboards/governorate/IQG15/",
        "/dashboards/programme/CRP/",
    ]
    times, queries, sizes = [], [], []
    for page in pages:
        for _ in range(3):
            response = client.get(page)
            assert response.status_code == 200, (page, response.status_code)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(page)
        queries.append(len(captured))
        sizes.append(len(response.content))
        for _ in range(requests):
            start = time.perf_counter()
            client.get(page)
            times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {
        "dashboard_p50_ms": round(statistics.median(times), 1),
        "dashboard_p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
        "dashboard_queries_max": max(queries),
        "dashboard_kb": round(max(sizes) / 1024, 1),
    }


BENCH_PHOTOS = 8


def _bench_photos() -> None:
    """Give the benchmark portfolio ``BENCH_PHOTOS`` photos the size a phone
    takes (4000 x 3000 JPEG of noise, the worst case for compression), on the
    latest approved visits, once: the scale generator makes no photo files."""
    import io

    import numpy as np
    from django.core.files.base import ContentFile
    from PIL import Image

    from beneficiaries.models import MonitoringVisit, Photo

    missing = BENCH_PHOTOS - Photo.objects.count()
    if missing <= 0:
        return
    visits = MonitoringVisit.objects.filter(status="approved").order_by("-visit_date")[:missing]
    rng = np.random.default_rng(2018)
    for n, visit in enumerate(visits):
        pixels = rng.integers(0, 256, size=(3000, 4000, 3), dtype=np.uint8)
        buffer = io.BytesIO()
        Image.fromarray(pixels).save(buffer, format="JPEG", quality=85)
        photo = Photo(visit=visit, caption=f"Benchmark photo {n + 1}", credit="iomdash bench")
        photo.image.save(f"bench-{n + 1}.jpg", ContentFile(buffer.getvalue()), save=True)


def _snapshot_pdf(repeat: int = 3) -> dict:
    """Time one full snapshot PDF as the worker makes it: a draft of every
    programme for the quarter of the data's last day, written through the
    authoring services with every section filled (``bench_pdf``: 6 sections,
    12 headline figures, 4 tables, 5 stories with phone-sized photos, 20
    references), its document built (``snapshot_document``: references
    resolved, figures compared) and rendered. The draft is rolled back."""
    from django.db import transaction

    from beneficiaries.models import Photo
    from demo.bench_pdf import bench_draft
    from demo.generate import AS_OF
    from programmes.models import Programme
    from snapshots.build import snapshot_document
    from snapshots.services import _render

    _bench_photos()
    programmes = list(Programme.objects.all())
    photos = list(
        Photo.objects.select_related("visit__project__governorate").order_by("-pk")[:BENCH_PHOTOS]
    )
    sizes, times = [], []
    with transaction.atomic():
        draft = bench_draft(programmes=programmes, period_end=AS_OF, photos=photos)

        def render():
            start = time.perf_counter()
            payload, errors = snapshot_document(draft)
            if errors:
                raise RuntimeError(f"the benchmark snapshot has reference errors: {errors}")
            sizes.append(len(_render(payload)))
            times.append(time.perf_counter() - start)

        seconds = _median(render, repeat, warmup=0)
        transaction.set_rollback(True)
    return {
        "pdf_s": round(seconds, 2),
        "pdf_first_s": round(times[0], 2),
        "pdf_kb": round(max(sizes) / 1024, 1),
    }


def _worker_peak_rss() -> float:
    """Start a real Celery worker (solo pool, so the work runs in its own
    process), send it a full and an incremental recomputation, and read its
    peak resident memory (VmHWM) from /proc."""
    from beneficiaries.models import AssistanceRecord
    from indicators.models import RecomputeJob
    from indicators.services import assistance_scope, recompute_request_full
    from indicators.tasks import incremental_recompute
    from iomdash.worker import WorkerProcess

    worker = WorkerProcess(name="bench")
    try:
        worker.wait_ready()
        job = recompute_request_full()
        deadline = time.monotonic() + 600
        while RecomputeJob.objects.get(pk=job.pk).status not in ("done", "failed"):
            if time.monotonic() > deadline:
                raise RuntimeError("the worker's full recomputation did not finish")
            time.sleep(0.5)
        record = (
            AssistanceRecord.objects.filter(status="approved").select_related("project").first()
        )
        incremental_recompute.delay(assistance_scope([record]).to_json())
        time.sleep(3)
        status = Path(f"/proc/{worker.pid}/status").read_text()
        peak_kb = int(
            next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM"))
        )
        return round(peak_kb / 1024, 1)
    finally:
        worker.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
