"""Arabic and Kurdish names written into a demo database loaded before
``demo/names.py`` had them (``demo_data --if-empty`` on an older database).

Only a blank name is written, and only for a row whose code ``demo/names.py``
knows: a name someone wrote stays, and rows that are not the demo's are left
alone. Each row is saved through its model, so a model with history keeps a
version of the change."""

from __future__ import annotations

from beneficiaries.models import ActivityType
from demo import names
from indicators.models import IndicatorDefinition
from programmes.models import Programme, Sector

LANGUAGES = ("ar", "ckb")


def _wanted() -> list[tuple[type, dict[str, dict[str, str]]]]:
    """Per model: code → {translated field: the demo's text}."""

    def by_code(table: dict[str, tuple[str, str]]) -> dict[str, dict[str, str]]:
        return {code: names.names_of(table, code) for code in table}

    activities = {
        code: {
            f"{field}_{language}": text
            for language, pair in zip(LANGUAGES, both, strict=True)
            for field, text in zip(("name", "unit"), pair, strict=True)
        }
        for code, both in names.ACTIVITIES.items()
    }
    return [
        (Programme, by_code(names.PROGRAMMES)),
        (Sector, by_code(names.SECTORS)),
        (ActivityType, activities),
        (IndicatorDefinition, by_code(names.DEFINITIONS)),
    ]


def names_fill_blank() -> int:
    """Write the demo's names into the blank translated names of the demo's
    rows. Returns how many rows changed (0 on a database loaded with them)."""
    changed = 0
    for model, wanted in _wanted():
        for row in model.objects.filter(code__in=wanted):
            blank = {
                field: text for field, text in wanted[row.code].items() if not getattr(row, field)
            }
            if blank:
                for field, text in blank.items():
                    setattr(row, field, text)
                row.save(update_fields=list(blank))
                changed += 1
    return changed
