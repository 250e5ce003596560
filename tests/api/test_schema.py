"""The OpenAPI schema: it validates, the docs are served from our own static
files, every role's responses match it, and a property-based run of the
whole API generated from it (schemathesis) finds no server error and no
response that breaks it."""

from __future__ import annotations

import io
import json

import pytest
import schemathesis
from django.contrib.staticfiles import finders
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import translation
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi._hypothesis import _draw_negated_locations
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)
from werkzeug.test import Client

from api.docs import SchemaView
from tests.api.conftest import USERS
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


@pytest.fixture(scope="module")
def app():
    """Django's WSGI application, called in the test's thread and database
    transaction (as Django's test client does, the end of a request must not
    close the test's connection). One for the module, as the schema below."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def schema(app, django_db_setup, django_db_blocker):
    """The schema, loaded once for the module: drf-spectacular takes seconds
    to generate it, and it is the same for every test."""
    with django_db_blocker.unblock():
        return schemathesis.openapi.from_wsgi("/api/schema/?format=json", app)


def test_the_schema_is_valid_openapi_3_without_warnings(client, db):
    response = client.get("/api/schema/", {"format": "json"})  # no login needed
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.")
    validate_schema(document)
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    assert "paths:" in out.getvalue()
    paths = set(document["paths"])
    for path in (
        "/api/v1/auth/token/",
        "/api/v1/visits/{id}/approve/",
        "/api/v1/visits/{id}/return/",
        "/api/v1/visits/{id}/submit/",
        "/api/v1/indicator-values/",
        "/api/v1/governorates/geojson/",
    ):
        assert path in paths


def test_the_schema_is_generated_once_per_language(client, db, monkeypatch):
    """drf-spectacular takes seconds to generate it: a process does it once
    for each language it is asked in, not on every request (a stand-in
    generator here, which says in which language it ran)."""
    monkeypatch.setattr(SchemaView, "_generated", {})
    generated = []

    def generate(generator, *args, **kwargs):
        generated.append(translation.get_language())
        return {"openapi": "3.0.3", "language": translation.get_language()}

    monkeypatch.setattr(SchemaView.generator_class, "get_schema", generate)
    answers = [
        client.get("/api/schema/", {"format": "json", **lang})
        for lang in ({}, {}, {"lang": "ar"}, {"lang": "ar"}, {})
    ]
    assert [json.loads(answer.content)["language"] for answer in answers] == [
        "en",
        "en",
        "ar",
        "ar",
        "en",
    ]
    assert generated == ["en", "ar"]


def test_the_docs_need_a_login_and_no_cdn(client, db):
    response = client.get("/api/docs/")
    assert response.status_code == 302 and "/login/" in response["Location"]
    client.force_login(UserFactory())
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()
    for name in ("swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-ui.css"):
        assert finders.find(f"vendor/swagger-ui/{name}"), name


GETS = [
    "/api/v1/governorates/",
    "/api/v1/governorates/IQG13/",
    "/api/v1/governorates/geojson/",
    "/api/v1/sectors/",
    "/api/v1/activity-types/",
    "/api/v1/surveys/",
    "/api/v1/donors/",
    "/api/v1/programmes/",
    "/api/v1/contributions/",
    "/api/v1/portfolios/",
    "/api/v1/household-multipliers/",
    "/api/v1/projects/",
    "/api/v1/visits/",
    "/api/v1/assistance-records/",
    "/api/v1/feedback-responses/",
    "/api/v1/indicator-definitions/",
    "/api/v1/indicator-values/?by=governorate",
]


@pytest.mark.parametrize("who", USERS)
def test_every_roles_responses_match_the_schema(world, app, schema, who):
    from indicators.engine import recompute_full
    from tests.indicators.conftest import define

    define("direct-recipients", source="assistance", measure="people")
    define("projects", source="projects", measure="records")
    recompute_full()
    token = Token.objects.create(user=world[who])
    client = Client(app)
    headers = {"Authorization": f"Token {token.key}"}
    for url in GETS:
        response = client.get(url, headers=headers)
        assert response.status_code == 200, (url, response.data)
        path = url.split("?")[0].replace("IQG13", "{pcode}")
        schema[path]["GET"].validate_response(response)
    # The detail of each kind this user reads, and a workflow action's answer.
    for resource in ("projects", "visits", "assistance-records", "feedback-responses"):
        rows = client.get(f"/api/v1/{resource}/", headers=headers).json["results"]
        for row in rows:
            response = client.get(f"/api/v1/{resource}/{row['id']}/", headers=headers)
            schema[f"/api/v1/{resource}/{{id}}/"]["GET"].validate_response(response)


def test_a_workflow_answer_matches_the_schema(world, app, schema):
    token = Token.objects.create(user=world["maria"])
    response = Client(app).post(
        f"/api/v1/visits/{world['visit_krk'].pk}/approve/",
        headers={"Authorization": f"Token {token.key}"},
    )
    assert response.status_code == 200
    schema["/api/v1/visits/{id}/approve/"]["POST"].validate_response(response)


# The objects a generated request may address instead of a random id, so that
# details, changes and workflow actions reach real records too.
REAL = {
    "donors": ("id", "usa"),
    "programmes": ("id", "crp"),
    "contributions": ("id", "contribution_usa"),
    "projects": ("id", "krk"),
    "visits": ("id", "visit_krk"),
    "assistance-records": ("id", "line_krk"),
    "feedback-responses": ("id", "feedback_krk"),
    "governorates": ("pcode", "kirkuk"),
    "sectors": ("code", "livelihoods"),
    "activity-types": ("code", "bsp"),
    "surveys": ("code", "survey"),
}


# Who runs the property-based test: no one, a donor, a field monitor, a
# programme manager and an administrator (who may call every operation), in
# that order for each generated request, so that every role tries a request
# before a role allowed to delete or change its object does.
ROLES = {
    "anonymous": None,
    "donor": "dora",
    "monitor": "alice",
    "manager": "maria",
    "admin": "admin",
}
# A role refused (401 or 403) on its first two requests of a run is refused by
# its role, before the request is read: more examples would prove nothing more.
REFUSED = {401, 403}
REFUSAL_PROOF = 2


def property_based_run(world, schema, half: int) -> None:
    """Every operation of one half of the API (``half`` 0 or 1 of the
    operations in their order, alternately: the two halves run on the two
    pytest-xdist processes), with requests generated from the schema (half of
    them addressing a real record), each request sent as each role with a
    token (or none): never a 5xx, never a response its schema does not allow,
    whether the role may do it or is refused; then with requests that break
    the schema (wrong types, missing fields ...): never a 5xx either. The
    requests are generated once for all roles (generating them is most of
    the cost); a role refused on its first requests of an operation is not
    sent more. Revoking the token comes last, since it revokes the token the
    run uses."""
    from tests.indicators.conftest import define

    define("direct-recipients", source="assistance", measure="people")
    real = {
        resource: (name, getattr(world[key], "pk" if name == "id" else name))
        for resource, (name, key) in REAL.items()
    }
    real["indicator-definitions"] = ("code", "direct-recipients")
    headers = {}
    for role, username in ROLES.items():
        # Pages and the API are gzipped for clients that ask (GZipMiddleware);
        # schemathesis's WSGI transport asks but does not unpack.
        headers[role] = {"Accept-Encoding": "identity"}
        if username:
            token = Token.objects.create(user=world[username])
            headers[role]["Authorization"] = f"Token {token.key}"
    every_operation = [result.ok() for result in schema.get_all_operations()]
    assert len(every_operation) >= 40
    operations = every_operation[half::2]
    runs = sorted(
        [
            *((operation, GenerationMode.POSITIVE, 6) for operation in operations),
            *(
                (operation, GenerationMode.NEGATIVE, 3)
                for operation in operations
                if can_be_broken(operation)
            ),
        ],
        key=lambda run: run[0].label == "DELETE /api/v1/auth/token/",
    )

    covered: dict[str, set[str]] = {role: set() for role in ROLES}
    for operation, mode, examples in runs:
        target = real.get(operation.path.split("/")[3], (None, None))
        statuses: dict[str, list[int]] = {role: [] for role in ROLES}
        try:
            generated_run(operation, mode, examples, target, headers, statuses)()
        except Unsatisfiable:
            # Nothing to break in an operation without parameters or body.
            assert mode == GenerationMode.NEGATIVE, operation.label
        for role, seen in statuses.items():
            if seen:
                covered[role].add(operation.label)
    # Every role was sent requests of every operation of this half.
    labels = {operation.label for operation in operations}
    assert {role: labels - seen for role, seen in covered.items()} == {
        role: set() for role in ROLES
    }


class TestPropertyBasedRunOfTheFirstHalfOfTheApi:
    """A class of its own, so that pytest-xdist (``--dist loadscope``) may run
    it on one process while the second half runs on the other."""

    def test_property_based_run_of_the_first_half_of_the_api(self, world, schema):
        property_based_run(world, schema, half=0)


class TestPropertyBasedRunOfTheSecondHalfOfTheApi:
    def test_property_based_run_of_the_second_half_of_the_api(self, world, schema):
        property_based_run(world, schema, half=1)


def can_be_broken(operation) -> bool:
    """Whether schemathesis can generate a request breaking ``operation``'s
    schema: not when it has no body and its parameters take any string (a
    code in the path, no query), where the negative run only rejects
    requests (about 460, 3 s of generating each) before giving up. Asked of
    schemathesis's own choice of the locations a negative request breaks,
    which draws only when there is one to choose."""

    class Breakable(Exception):
        pass

    def draw(strategy):
        raise Breakable

    explicit = dict.fromkeys(
        (
            ParameterLocation.PATH,
            ParameterLocation.HEADER,
            ParameterLocation.COOKIE,
            ParameterLocation.QUERY,
        )
    )
    try:
        negated = _draw_negated_locations(
            draw, operation, GenerationMode.NEGATIVE, explicit=explicit, body_is_generated=True
        )
    except Breakable:
        return True
    return negated is not None


def generated_run(
    operation, mode, examples: int, target: tuple, headers: dict, statuses: dict[str, list[int]]
):
    """A Hypothesis test calling ``operation`` with generated requests, half
    of them addressing the real object ``target`` (path parameter, value),
    each sent as every role in ``headers`` not yet proven refused; the
    status codes each role got are appended to ``statuses``."""
    name, value = target

    @given(case=operation.as_strategy(generation_mode=mode), use_real=st.booleans())
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def run(case, use_real):
        if use_real and case.path_parameters and name in case.path_parameters:
            case.path_parameters[name] = value
        for role, role_headers in headers.items():
            seen = statuses[role]
            if len(seen) >= REFUSAL_PROOF and set(seen) <= REFUSED:
                continue
            try:
                response = case.call_and_validate(headers=role_headers, checks=CHECKS)
            except Exception as error:
                error.add_note(f"as {role}")
                raise
            seen.append(response.status_code)

    return run
