"""Demo and benchmark data, generated from a seed (``spec``: the reference data;
``build``: shared building blocks; ``load``: the default mode; ``scale``: the
benchmark mode).

Two modes, both deterministic for a given seed (``numpy.random.Generator`` and
``random.Random`` seeded from it, fixed dates, no ``date.today()``):

- ``demo_load`` (the demo stack): reference data modelled on the IOM Iraq
  snapshot reports (programmes, donors and contributions, sectors, activity
  types, a feedback survey), the demo users, ~160 ``DEMO-`` projects in all 18
  governorates and, on those projects, ~5,000 assistance records with their
  recipient breakdown (the 32 sex x age group x population group columns of
  the record), monitoring visits, referrals and feedback responses.
- ``scale_load`` (benchmarks): the same reference data, ``BENCH-`` projects
  and N assistance records shaped like docs/BENCHMARK.md, generated with numpy
  and loaded with PostgreSQL ``COPY`` in chunks (a million records in well
  under a minute on two cores).

Re-running is idempotent. Reference data is synchronised on natural keys
(codes, references, user names) and saved only when a value differs, so a
second run writes no row and no history entry. Generated records (assistance
with its recipient breakdown, visits, referrals, feedback) are owned by their
mode's projects: each run deletes them and generates them again in the same
transaction, so the result depends on the seed alone, never on what an
earlier run left. The deletes are plain SQL, not ``QuerySet.delete()``, so that resetting the demo
writes no history rows either.

The generated records bypass ``save()`` (bulk_create, COPY) and so have no
history entries, which is fine for made-up data.
"""

from demo.build import (  # noqa: F401
    demo_logins,
    portfolio_exists,
    reference_ensure,
    users_ensure,
)
from demo.load import (  # noqa: F401
    demo_load,
)
from demo.scale import (  # noqa: F401
    LOADED_MODELS,
    _foreign_keys_drop,
    _foreign_keys_restore,
    scale_load,
    scale_profile,
    scale_project_count,
)
from demo.spec import (  # noqa: F401
    AS_OF,
    BENCH_PREFIX,
    DEFAULT_SEED,
    DEMO_PASSWORD,
    DEMO_PREFIX,
    DEMO_RECORDS,
    FINDINGS,
    GENERATOR_VERSION,
    KRI,
    MAX_PROJECT_SHARE,
    QUESTIONS,
    REFERRAL_ISSUES,
    RETURN_REASONS,
)
