"""``manage.py demo_data``: the demo stack, or N records for benchmarks (--records N).

A thin wrapper: the generator and its guarantees live in ``demo``;
the indicator definitions the snapshots show come from ``demo.indicators``.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from demo import generate as demo
from demo.indicators import demo_definitions_ensure
from demo.names_fill import names_fill_blank
from demo.snapshots import demo_snapshots_ensure
from demo.targets import demo_targets_ensure
from indicators.engine import recompute_full


class Command(BaseCommand):
    help = (
        "Load the demo data (programmes, donors, projects in all 18 governorates, "
        "assistance, visits, feedback and the demo users), or with --records N the "
        "benchmark profile with N assistance records. Idempotent and deterministic "
        "for a given --seed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seed",
            type=int,
            default=demo.DEFAULT_SEED,
            help=f"Seed of the generator (default {demo.DEFAULT_SEED}).",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already holds a programme (used by make run).",
        )
        parser.add_argument(
            "--records",
            type=int,
            metavar="N",
            help="Scale mode: load N assistance records shaped like docs/BENCHMARK.md.",
        )

    def handle(self, *args, seed: int, if_empty: bool, records: int | None, **options) -> None:
        if records is not None and records < 1:
            raise CommandError("--records must be a positive number.")
        if if_empty and demo.portfolio_exists():
            self.stdout.write("Programmes already exist: demo data left as it is (--if-empty).")
            filled = names_fill_blank()
            if filled:
                self.stdout.write(f"Arabic and Kurdish names written where {filled} rows had none")
        else:
            if records is not None:
                self.stdout.write(f"Scale mode: {records:,} assistance records, seed {seed}.")
                self.stdout.write("Profile: " + json.dumps(demo.scale_profile(records, seed=seed)))
                demo.scale_load(n_records=records, seed=seed, log=self.stdout.write)
            else:
                demo.demo_load(seed=seed, log=self.stdout.write)
            definitions = demo_definitions_ensure()
            self.stdout.write(f"{definitions} indicator definitions ready")
            if records is None:
                # The demo's dashboards show figures at once; the benchmark
                # measures its own recomputations.
                written = recompute_full(progress=lambda *_: None)
                self.stdout.write(f"{written:,} indicator values computed")
                targets = demo_targets_ensure(as_of=demo.AS_OF)
                self.stdout.write(f"{targets} targets set")
                published = demo_snapshots_ensure(last_quarter_end=demo.AS_OF)
                if published:
                    self.stdout.write(f"{published} snapshots published (PDFs made by the worker)")
        self._print_logins()

    def _print_logins(self) -> None:
        logins = demo.demo_logins()
        if not logins:
            self.stdout.write("No demo users in this database.")
            return
        self.stdout.write(f"Demo logins (password: {demo.DEMO_PASSWORD}):")
        width = max(len(name) for name, _ in logins)
        for name, description in logins:
            self.stdout.write(f"  {name:<{width}}  {description}")
