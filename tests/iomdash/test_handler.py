"""The WSGI handler (``iomdash.handler``) keeps what each address resolves
to: the same view and arguments as Django's, each request with its own copy."""

from __future__ import annotations

import pytest
from django.test import RequestFactory, override_settings
from django.urls import Resolver404, URLResolver, path

from iomdash.handler import WSGIHandler


def _page(request, code):
    raise AssertionError("not called")


urlpatterns = [path("pages/<str:code>/", _page, name="page")]


@pytest.fixture
def resolves(monkeypatch):
    """The paths Django's resolver walks its patterns for."""
    walked = []
    resolve = URLResolver.resolve

    def counting(self, path):
        walked.append(path)
        return resolve(self, path)

    monkeypatch.setattr(URLResolver, "resolve", counting)
    return walked


def _resolve(handler, address):
    request = RequestFactory().get(address)
    return request, handler.resolve_request(request)


@override_settings(ROOT_URLCONF=__name__)
def test_an_address_asked_again_is_not_resolved_again(resolves):
    handler = WSGIHandler()
    first_request, first = _resolve(handler, "/pages/a1/")
    second_request, second = _resolve(handler, "/pages/a1/")
    assert resolves == ["/pages/a1/"]
    assert (second.func, second.args, second.kwargs, second.view_name) == (
        _page,
        (),
        {"code": "a1"},
        "page",
    )
    assert second_request.resolver_match is second
    # Each request its own match: a view changing its arguments changes no other.
    second.kwargs["code"] = "changed"
    assert _resolve(handler, "/pages/a1/")[1].kwargs == {"code": "a1"}
    assert first.kwargs == {"code": "a1"}


@override_settings(ROOT_URLCONF=__name__)
def test_each_address_resolves_to_its_own_arguments(resolves):
    handler = WSGIHandler()
    assert _resolve(handler, "/pages/a1/")[1].kwargs == {"code": "a1"}
    assert _resolve(handler, "/pages/b2/")[1].kwargs == {"code": "b2"}


@override_settings(ROOT_URLCONF=__name__)
def test_an_address_that_matches_nothing_is_a_404_each_time(resolves):
    handler = WSGIHandler()
    for _ in range(2):
        with pytest.raises(Resolver404):
            _resolve(handler, "/nowhere/")
    assert resolves == ["/nowhere/", "/nowhere/"]


def test_the_served_application_is_this_handler():
    from iomdash.wsgi import application

    assert isinstance(application, WSGIHandler)
