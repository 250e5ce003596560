"""Which downloads a user may take: the access rules of the exports app.
What each download holds is the access rule of its records
(``beneficiaries.access``, ``indicators.access``)."""

from __future__ import annotations

from exports.selectors import EXPORTS, Export
from programmes.access import user_role


def exports_for_user(user) -> list[Export]:
    """The downloads ``user`` may take: a donor the indicator values only
    (aggregates); staff every one (values, records, visits, targets); a user
    without a role none."""
    role = user_role(user)
    return [export for export in EXPORTS.values() if role in export.roles]


def export_for_user(user, slug: str) -> Export | None:
    """The export ``slug`` if ``user`` may take it, else None."""
    export = EXPORTS.get(slug)
    return export if export is not None and user_role(user) in export.roles else None
