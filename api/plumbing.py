"""The API's classes named in settings (REST_FRAMEWORK): pagination, the
body-size limit and the error handler. Kept apart from ``base`` because DRF
imports them while defining its own views, so this module must not import
``rest_framework.views`` or ``generics`` at the top."""

from __future__ import annotations

from io import BytesIO

from django.conf import settings
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    EmptyResultSet,
    RequestDataTooBig,
    TooManyFieldsSent,
)
from django.core.exceptions import (
    ValidationError as DjangoValidationError,
)
from django.core.paginator import Paginator as DjangoPaginator
from django.db import IntegrityError
from django.db.models import ProtectedError
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser
from rest_framework.settings import api_settings


class Pagination(PageNumberPagination):
    """Pages of 50 by default; ``page_size`` up to 500.

    A viewset whose list reads only tables that move the data stamp
    (``indicators.selectors.data_stamp``) sets ``count_under_stamp``: its
    count (a COUNT over up to a million rows) is then kept in the dashboards'
    cache under the list's SQL, the user's scope and the stamp, so that the
    same list asked again costs the page's query only."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    _count_kept = False

    def paginate_queryset(self, queryset, request, view=None):
        self._count_kept = bool(getattr(view, "count_under_stamp", False))
        self._user = request.user
        return super().paginate_queryset(queryset, request, view)

    def django_paginator_class(self, object_list, per_page):  # named as DRF's attribute
        paginator = DjangoPaginator(object_list, per_page)
        if self._count_kept:
            paginator.count = count_under_stamp(object_list, self._user)
        return paginator


def count_under_stamp(queryset, user) -> int:
    """``queryset.count()``, kept until the data stamp moves
    (``programmes.stamp_cache``), under the queryset's SQL. Only for a
    queryset over tables that move the stamp."""
    from programmes.stamp_cache import kept_under_stamp

    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # nothing to see: counted without a query
        return queryset.count()
    return kept_under_stamp("api-count", user, [sql, repr(params)], queryset.count)


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is too large.")
    default_code = "request_too_large"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("This change conflicts with other records.")
    default_code = "conflict"


class LimitedJSONParser(JSONParser):
    """JSON bodies of at most DATA_UPLOAD_MAX_MEMORY_SIZE bytes (2.5 MB),
    nested at most ``MAX_JSON_DEPTH`` levels (a deeper body is a 400, never
    the parser's RecursionError as a 500).

    DRF reads the body from the request stream, which skips Django's own size
    check on ``request.body``: without this, a 10 MB body would be read and
    parsed whole."""

    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if request is not None and limit is not None:
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > limit:
                raise RequestTooLarge()
        if stream is not None and limit is not None:
            data = stream.read(limit + 1)
            if len(data) > limit:
                raise RequestTooLarge()
            stream = BytesIO(data)
        try:
            parsed = super().parse(stream, media_type, parser_context)
        except RecursionError:
            parsed = None
        else:
            if _depth_at_most(parsed, MAX_JSON_DEPTH):
                return parsed
        raise exceptions.ParseError(
            _("The JSON body is nested deeper than %(depth)s levels.") % {"depth": MAX_JSON_DEPTH}
        )


# No body of this API nests deeper than a few levels (a visit's lines, the
# answers of a feedback response).
MAX_JSON_DEPTH = 20


def _depth_at_most(value, limit: int) -> bool:
    """Whether ``value`` (parsed JSON) nests at most ``limit`` levels of lists
    and objects; walked without recursion."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return False
        stack.extend((child, depth + 1) for child in children)
    return True


def django_errors(error: DjangoValidationError) -> dict | list:
    """A Django ValidationError (from a service or ``Model.full_clean``) as
    DRF's error body: {field: [messages]}, with errors of no field under
    ``non_field_errors``."""
    if hasattr(error, "error_dict"):
        body = {}
        for field, messages in error.message_dict.items():
            key = api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field
            body[key] = list(messages)
        return body
    return {api_settings.NON_FIELD_ERRORS_KEY: list(error.messages)}


def exception_handler(exc, context):
    """DRF's handler, plus: a rule broken in a service (Django's
    ValidationError) is a 400 by field; a body over the size limit a 413; a
    write that hits a constraint or a protected reference a 409. None of them
    is ever a 500."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(django_errors(exc))
    elif isinstance(exc, RequestDataTooBig | TooManyFieldsSent):
        exc = RequestTooLarge()
    elif isinstance(exc, ProtectedError):
        exc = Conflict(_("Other records refer to this one: it cannot be deleted."))
    elif isinstance(exc, IntegrityError):
        exc = Conflict()
    from rest_framework.views import exception_handler as drf_exception_handler

    return drf_exception_handler(exc, context)
