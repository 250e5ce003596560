"""Several small tables read in one statement: what a dashboard reads of the
reference tables (donors, programmes, governorates, the definitions it
shows) costs one round trip instead of one each."""

from __future__ import annotations

import json
from decimal import Decimal

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet


def instances_together(querysets: dict[str, QuerySet]) -> dict[str, list]:
    """The rows of each of ``querysets``, by the same names, as model
    instances in the queryset's order, read in one statement (each queryset
    a JSON array of its rows). For plain querysets of a model's own columns
    (filters, ``order_by``, ``defer``, ``distinct``), not ``select_related``,
    ``values()`` or annotations; every queryset on the first one's database."""
    if not querysets:
        return {}
    using = next(iter(querysets.values())).db
    parts, params = [], []
    for queryset in querysets.values():
        try:
            sql, found = queryset.query.sql_with_params()
        except EmptyResultSet:  # e.g. ``none()``: no rows, asked of no table
            parts.append("'[]'")
            continue
        # An aggregate over a sorted subquery keeps its order (PostgreSQL's
        # documented way of ordering an aggregate's input); as text, so that
        # decimals are read exactly.
        parts.append(f"(SELECT coalesce(json_agg(t), '[]')::text FROM ({sql}) t)")
        params.extend(found)
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        texts = cursor.fetchone()
    return {
        name: _instances(queryset, json.loads(text, parse_float=Decimal), using)
        for (name, queryset), text in zip(querysets.items(), texts, strict=True)
    }


def _instances(queryset: QuerySet, rows: list[dict], using: str) -> list:
    """``rows`` (column names to JSON values) as instances of the queryset's
    model, as the ORM would load them (columns not read stay deferred)."""
    model = queryset.model
    result = []
    for row in rows:
        fields = [f for f in model._meta.concrete_fields if f.column in row]
        values = [None if row[f.column] is None else f.to_python(row[f.column]) for f in fields]
        result.append(model.from_db(using, [f.attname for f in fields], values))
    return result
