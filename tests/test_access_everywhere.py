"""Every page and every API route reads its records through an access helper.

A static check of the code behind every URL pattern (pages, the API's
routes, the admin's own views):

- a view whose URL names something (``<int:pk>``, ``<slug>``, a P-code ...)
  must reach a function of an ``access`` module (``programmes.access``,
  ``beneficiaries.access``, ``indicators.access``, ``exports.access``,
  ``snapshots.access``), directly or through the functions it calls;
- an API viewset's ``get_queryset`` must reach one too, unless it lists
  reference data every role reads (``REFERENCE``);
- no view, nor a helper of its module it calls, nor any method of a viewset,
  fetches a record of ours by ``Model.objects`` or ``get_object_or_404``: they
  ask the access helpers, which know the user.

A new view that forgets the access rule fails here, with its name.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
import types

import pytest
from django.db import models
from django.shortcuts import get_list_or_404, get_object_or_404
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.generics import GenericAPIView

from beneficiaries.models import ActivityType, MonitoringVisit, Question, Survey
from indicators.models import HouseholdMultiplier, IndicatorDefinition
from programmes.models import District, ExchangeRate, Governorate, Sector, SubDistrict

FIRST_PARTY = {
    "api",
    "beneficiaries",
    "dashboards",
    "demo",
    "exports",
    "indicators",
    "iomdash",
    "programmes",
    "snapshots",
}
# Reference data every role reads whole: no access rule needed.
REFERENCE = {
    Governorate,
    District,
    SubDistrict,
    Sector,
    ExchangeRate,
    ActivityType,
    Survey,
    Question,
    IndicatorDefinition,
    HouseholdMultiplier,
}
# URLs that name something that is not a record of ours.
NOT_A_RECORD = {
    "password_reset_confirm": "a Django password-reset token",
    "districts_geojson": "a governorate's P-code: its districts' boundaries are reference data",
}
DEPTH = 6


def _first_party(obj) -> bool:
    module = getattr(obj, "__module__", None) or ""
    return module.split(".")[0] in FIRST_PARTY


def _is_access(obj) -> bool:
    module = getattr(obj, "__module__", None) or ""
    return _first_party(obj) and module.rsplit(".", 1)[-1] == "access"


def _tree(func) -> ast.AST | None:
    try:
        return ast.parse(textwrap.dedent(inspect.getsource(func)))
    except (OSError, TypeError, SyntaxError):
        return None


def _resolve(node: ast.AST, names: dict):
    """The object a Name or a dotted Attribute stands for, or None."""
    if isinstance(node, ast.Name):
        return names.get(node.id)
    if isinstance(node, ast.Attribute):
        base = _resolve(node.value, names)
        if base is None or not isinstance(base, types.ModuleType | type):
            return None
        return getattr(base, node.attr, None)
    return None


def _functions(func) -> tuple[object, dict] | tuple[None, None]:
    func = inspect.unwrap(func)
    if not inspect.isfunction(func):
        return None, None
    return func, func.__globals__


def reaches_access(func, *, depth: int = 0, seen: set | None = None) -> bool:
    """Whether ``func`` calls or hands on a function of an ``access`` module,
    itself or through the first-party functions it names."""
    seen = set() if seen is None else seen
    if _is_access(func):
        return True
    func, names = _functions(func)
    if func is None or depth > DEPTH or func in seen:
        return False
    if depth and not _first_party(func):
        return False
    seen.add(func)
    tree = _tree(func)
    if tree is None:
        return False
    for node in ast.walk(tree):
        if isinstance(node, ast.Name | ast.Attribute):
            target = _resolve(node, names)
            if target is None or target is func:
                continue
            if _is_access(target):
                return True
            if inspect.isfunction(inspect.unwrap(target)) and reaches_access(
                target, depth=depth + 1, seen=seen
            ):
                return True
    return False


def direct_fetches(func, *, module: str | None = None, seen: set | None = None) -> set[str]:
    """The records ``func`` (and the helpers of its own module it names)
    fetches around the access helpers: ``Model.objects`` of a first-party
    model outside ``REFERENCE`` (``.none()`` aside), ``get_object_or_404``."""
    seen = set() if seen is None else seen
    func, names = _functions(func)
    if func is None or func in seen:
        return set()
    module = module or func.__module__
    if func.__module__ != module:
        return set()
    seen.add(func)
    tree = _tree(func)
    if tree is None:
        return set()
    found: set[str] = set()
    harmless = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        if node.attr == "none"
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "objects" and id(node) not in harmless:
            model = _resolve(node.value, names)
            if (
                isinstance(model, type)
                and issubclass(model, models.Model)
                and _first_party(model)
                and model not in REFERENCE
            ):
                found.add(f"{model.__name__}.objects")
        if isinstance(node, ast.Name | ast.Attribute):
            target = _resolve(node, names)
            if target in (get_object_or_404, get_list_or_404):
                found.add(target.__name__)
            elif inspect.isfunction(target) and target is not func:
                found |= direct_fetches(target, module=module, seen=seen)
    return found


def _class_methods(cls) -> list:
    """The functions defined on ``cls`` and its first-party bases."""
    methods = []
    for klass in cls.__mro__:
        if not _first_party(klass):
            continue
        methods += [value for value in vars(klass).values() if inspect.isfunction(value)]
    return methods


def url_patterns(resolvers=None, prefix: str = ""):
    """(route, name, callback, takes_arguments) for every URL pattern."""
    for pattern in resolvers if resolvers is not None else get_resolver().url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from url_patterns(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            regex = pattern.pattern.regex
            yield route, pattern.name, pattern.callback, bool(regex.groupindex or regex.groups)


def violations() -> list[str]:
    """What every URL pattern's code does wrong, one line each."""
    problems: list[str] = []
    checked = set()
    for route, name, callback, takes_arguments in url_patterns():
        view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
        target = view_class or inspect.unwrap(callback)
        if not _first_party(target) or target in checked:
            continue
        checked.add(target)
        where = f"{route} ({target.__module__}.{target.__qualname__})"
        if view_class is not None:
            for method in _class_methods(view_class):
                for fetch in sorted(direct_fetches(method)):
                    problems.append(f"{where}: {method.__name__} uses {fetch}")
            if issubclass(view_class, GenericAPIView):
                get_queryset = view_class.get_queryset
                if get_queryset is GenericAPIView.get_queryset:
                    model = getattr(view_class.queryset, "model", None)
                    if model not in REFERENCE:
                        problems.append(f"{where}: a fixed queryset of {model} without access")
                elif not reaches_access(get_queryset):
                    fetched = _models_named(get_queryset)
                    if not fetched or not fetched <= REFERENCE:
                        problems.append(f"{where}: get_queryset reaches no access helper")
            continue
        for fetch in sorted(direct_fetches(target)):
            problems.append(f"{where}: uses {fetch}")
        if takes_arguments and name not in NOT_A_RECORD and not reaches_access(target):
            problems.append(f"{where}: takes an argument but reaches no access helper")
    return problems


def _models_named(func) -> set:
    func, names = _functions(func)
    tree = _tree(func) if func else None
    if tree is None:
        return set()
    return {
        model
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "objects"
        for model in [_resolve(node.value, names)]
        if isinstance(model, type) and issubclass(model, models.Model)
    }


def test_every_view_reads_its_records_through_an_access_helper():
    problems = violations()
    assert not problems, "\n".join(problems)


def test_the_walk_sees_the_pages_and_the_api():
    routes = {route for route, *_rest in url_patterns()}
    assert any(route.startswith("visits/<int:pk>/") for route in routes)
    assert any("api/v1/" in route and "pk" in route for route in routes)
    assert any(route.startswith("snapshots/") for route in routes)


# --- The check itself can fail ---------------------------------------------------------


def _page_without_access(request, pk):
    return MonitoringVisit.objects.get(pk=pk)


def _page_with_404(request, pk):
    return get_object_or_404(Survey, pk=pk)


def test_the_check_catches_a_fetch_around_the_access_helpers():
    assert direct_fetches(_page_without_access) == {"MonitoringVisit.objects"}
    assert not reaches_access(_page_without_access)
    assert direct_fetches(_page_with_404) == {"get_object_or_404"}


def test_the_check_follows_a_view_into_the_helpers_it_calls():
    from beneficiaries import views

    assert reaches_access(views.visit_detail)
    assert reaches_access(views.visit_edit)


@pytest.mark.parametrize("name", ["visit_detail", "visit_approve", "photo_delete"])
def test_every_visit_page_is_checked(name):
    from beneficiaries import views

    assert direct_fetches(getattr(views, name)) == set()
