"""The active language's value of a translated field (``translation.py`` of
each app) where SQL reads the columns itself.

An instance's ``name`` already is the active language's, with the English
one where it is blank (django-modeltranslation). A ``values()`` across a
relation (``"project__name"``), an expression (``JSONObject``), or raw SQL
read the table's own ``name`` column instead, which holds whatever language
the row was last saved in: they pick the column with ``localised`` (ORM) or
``localised_sql`` (raw SQL), which give ``COALESCE(NULLIF(name_ar, ''),
name_en)`` in Arabic and ``name_en`` in English.
"""

from __future__ import annotations

from django.db.models import F, JSONField, TextField, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce, NullIf
from modeltranslation.settings import AVAILABLE_LANGUAGES, DEFAULT_LANGUAGE
from modeltranslation.translator import NotRegistered, translator
from modeltranslation.utils import build_localized_fieldname, get_language
from psycopg2 import sql


def language() -> str:
    """The active language's code among ``settings.LANGUAGES`` ("en" when
    none is active, or for a language the site does not have)."""
    return get_language()


_ENGLISH_FIRST = [DEFAULT_LANGUAGE, *(c for c in AVAILABLE_LANGUAGES if c != DEFAULT_LANGUAGE)]


def english_filled(instance) -> None:
    """Give each translated field of ``instance`` that has no English value
    the first value it has in another language (Arabic, then Kurdish), so
    that a name entered in Arabic alone never shows empty in English (the
    fallback of every other language). Empty values of a unique name become
    NULL, which may repeat: a name missing in a language is no duplicate.
    Services call it before their checks; the model's constructor does the
    same (``MODELTRANSLATION_AUTO_POPULATE``)."""
    try:
        fields = translator.get_options_for_model(type(instance)).get_field_names()
    except NotRegistered:
        return
    for name in fields:
        columns = [build_localized_fieldname(name, lang) for lang in _ENGLISH_FIRST]
        for column in columns:
            if getattr(instance, column) == "" and instance._meta.get_field(column).unique:
                setattr(instance, column, None)
        given = [getattr(instance, column) for column in columns]
        if given[0] in (None, "", []):
            found = next((value for value in given if value not in (None, "", [])), given[0])
            setattr(instance, columns[0], found)


def localised(path: str, *, json: bool = False) -> Combinable:
    """The active language's value of the translated field at ``path``
    (``"name"``, ``"project__sector__name"``), English where it is NULL or
    empty (for a ``json`` field: NULL or ``[]``), as an ORM expression for
    ``values()``, ``annotate()`` or ``JSONObject``."""
    default = F(build_localized_fieldname(path, DEFAULT_LANGUAGE))
    lang = language()
    if lang == DEFAULT_LANGUAGE:
        return default
    # Each language's column is a field class of its own: the type is said.
    output = JSONField() if json else TextField()
    empty = Value([], output_field=output) if json else Value("")
    chosen = NullIf(F(build_localized_fieldname(path, lang)), empty, output_field=output)
    return Coalesce(chosen, default, output_field=output)


def localised_sql(alias: str, column: str) -> sql.Composable:
    """``localised`` for raw SQL composed with psycopg2: the active
    language's ``<alias>.<column>_<code>``, English where it is NULL or empty,
    e.g. ``localised_sql("p", "name")``."""
    default = sql.Identifier(alias, build_localized_fieldname(column, DEFAULT_LANGUAGE))
    lang = language()
    if lang == DEFAULT_LANGUAGE:
        return default
    return sql.SQL("COALESCE(NULLIF({}, ''), {})").format(
        sql.Identifier(alias, build_localized_fieldname(column, lang)), default
    )
