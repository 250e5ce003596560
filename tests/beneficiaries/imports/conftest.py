"""The import tests' world, their tasks run in process, and their files
kept in a temporary folder."""

from __future__ import annotations

import pytest

from tests.beneficiaries.test_services import build_world


@pytest.fixture
def world():
    return build_world()


@pytest.fixture(autouse=True)
def _tasks_in_process(eager_tasks):
    """The import's tasks run here, once the request's changes commit."""


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.IMPORT_ROOT = tmp_path / "imports"
    return tmp_path
