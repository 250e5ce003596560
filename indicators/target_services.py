"""Writes of targets: set one, delete one, import a CSV of them.

Every write checks who may make it (``indicators.access.target_can_write``:
managers in scope and administrators) and the model's own rules
(``full_clean``: one scope, a period that ends after it starts, one target per
definition, scope, period, place and split), names its user in the target's
history, and raises ``PermissionDenied`` or ``ValidationError``, never an
``IntegrityError``. A target changes no figure: nothing is recomputed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from indicators.access import target_can_write
from indicators.models import IndicatorDefinition, Target
from indicators.periods import period_parse
from programmes.access import programmes_for_user, projects_for_user
from programmes.l10n import number_typed
from programmes.places import DISTRICT, GOVERNORATE, place_index, place_level, place_resolve

# The fields that say which target a row is: a second row with the same
# ones changes the first.
KEY_FIELDS = (
    "definition",
    "programme",
    "project",
    "period_start",
    "period_end",
    "governorate",
    "district",
    "split",
)
WRITABLE = {*KEY_FIELDS, "value", "note"}


def _check_writer(user, target: Target) -> None:
    governorate = target.district.governorate if target.district_id else target.governorate
    if not target_can_write(
        user, programme=target.programme, project=target.project, governorate=governorate
    ):
        raise PermissionDenied(_("You may not set targets for this programme or place."))


@transaction.atomic
def target_set(*, user, fields: Mapping[str, Any], target: Target | None = None) -> Target:
    """Create or change a target and return it as stored. Without ``target``,
    a target with the same definition, scope, period, place and split as
    ``fields`` is changed (its value and note) rather than duplicated. With
    ``target``, that one is changed; the user must be allowed to write both
    its old and its new scope. A write that changes nothing saves nothing."""
    unknown = set(fields) - WRITABLE
    if unknown:
        raise TypeError(f"Target has no writable field {', '.join(sorted(unknown))}")
    fields = dict(fields)
    # The governorate is the district's: derived, never entered twice.
    if fields.get("district") is not None:
        fields["governorate"] = fields["district"].governorate
    if target is None:
        key = {name: fields.get(name, "" if name == "split" else None) for name in KEY_FIELDS}
        target = Target.objects.select_for_update().filter(**key).first() or Target()
    else:
        target = Target.objects.select_for_update().get(pk=target.pk)
    if target.pk is not None:
        _check_writer(user, target)
        if all(getattr(target, name) == value for name, value in fields.items()):
            return target  # nothing to change: no history row either
    for name, value in fields.items():
        setattr(target, name, value)
    _check_writer(user, target)
    target.full_clean(validate_unique=True)
    target._history_user = user
    target.save()
    return target


@transaction.atomic
def target_delete(*, target: Target, user) -> None:
    """Delete ``target`` (its history keeps it), if ``user`` may write it."""
    _check_writer(user, target)
    target._history_user = user
    target.delete()


# --- Import ---------------------------------------------------------------------

IMPORT_COLUMNS = [
    "indicator",
    "programme",
    "project",
    "period",
    "period_start",
    "period_end",
    "place",
    "split",
    "target",
    "note",
]
MAX_IMPORT_ROWS = 5_000


@dataclass
class TargetImport:
    """What an import did: the number of targets set, or the errors by row
    (row 1 is the header; nothing is written when there is any error)."""

    written: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def _row_fields(row: dict[str, str], known: dict[str, Any]) -> dict[str, Any]:
    """A CSV row as the fields of ``target_set``; raises ValidationError."""
    get = {k: (v or "").strip() for k, v in row.items() if k}.get
    fields: dict[str, Any] = {"split": get("split", ""), "note": get("note", "")}
    definitions, programmes, projects = known["definitions"], known["programmes"], known["projects"]
    code = get("indicator", "")
    if code not in definitions:
        raise ValidationError(_("Unknown indicator “%(code)s”.") % {"code": code})
    fields["definition"] = definitions[code]
    programme, project = get("programme", ""), get("project", "")
    if bool(programme) == bool(project):
        raise ValidationError(_("Give a programme or a project, not both."))
    if project:
        if project not in projects:
            raise ValidationError(_("No project “%(code)s” in your scope.") % {"code": project})
        fields["project"] = projects[project]
    elif programme not in programmes:
        raise ValidationError(_("No programme “%(code)s” in your scope.") % {"code": programme})
    else:
        fields["programme"] = programmes[programme]
    try:
        if get("period", ""):
            fields["period_start"], fields["period_end"] = period_parse(get("period"))
        else:
            fields["period_start"] = dt.date.fromisoformat(get("period_start", ""))
            fields["period_end"] = dt.date.fromisoformat(get("period_end", ""))
    except ValueError:
        raise ValidationError(
            _("Give the period as 2018, 2018-H1, 2018-Q2 or 2018-04, or its first and last days.")
        ) from None
    place = get("place", "")
    if place:
        found = place_resolve(place, levels=(GOVERNORATE, DISTRICT), index=known["places"])
        fields[place_level(found)] = found
    try:
        fields["value"] = Decimal(number_typed(get("target", "")))
    except InvalidOperation:
        raise ValidationError(_("The target must be a number.")) from None
    return fields


@transaction.atomic
def target_import_csv(*, user, content: bytes) -> TargetImport:
    """Set the targets of a CSV file (columns ``IMPORT_COLUMNS``; a place is a
    governorate or district by P-code or any name the place matcher knows).
    All or nothing: with any bad row, nothing is written and every bad row
    is reported with its number and reason."""
    result = TargetImport()
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        result.errors.append((1, _("The file is not UTF-8 text.")))
        return result
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "indicator" not in reader.fieldnames:
        result.errors.append(
            (1, _("The first row must name the columns: %(c)s.") % {"c": ", ".join(IMPORT_COLUMNS)})
        )
        return result
    known = {
        "definitions": {d.code: d for d in IndicatorDefinition.objects.all()},
        "programmes": {p.code: p for p in programmes_for_user(user)},
        "projects": {p.code: p for p in projects_for_user(user)},
        "places": place_index(),
    }
    for number, row in enumerate(reader, start=2):
        if number > MAX_IMPORT_ROWS + 1:
            result.errors.append((number, _("Too many rows: import at most 5,000 at a time.")))
            break
        try:
            with transaction.atomic():
                target_set(user=user, fields=_row_fields(row, known))
            result.written += 1
        except ValidationError as error:
            result.errors.append((number, " ".join(error.messages)))
        except PermissionDenied as error:
            result.errors.append((number, str(error)))
    if result.errors:
        transaction.set_rollback(True)
        result.written = 0
    return result
