"""The production-like stack description parses and names its services."""

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


def test_ci_and_make_use_the_two_commands():
    assert "make test" in (BASE_DIR / ".ci" / "run").read_text()
    makefile = (BASE_DIR / "Makefile").read_text()
    assert "\nrun:" in makefile and "\ntest:" in makefile
