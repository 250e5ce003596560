"""Reads of the portfolio's reference data."""

from __future__ import annotations

from programmes.models import Governorate, normalise_place_name


def governorate_lookup() -> dict[str, Governorate]:
    """A map from every known spelling of every governorate (P-code, ISO code,
    English, Arabic and IOM names, aliases), normalised, to the governorate.
    One query; build it once per import, not once per row."""
    lookup: dict[str, Governorate] = {}
    for governorate in Governorate.objects.all():
        for name in governorate.names():
            if name:
                lookup[normalise_place_name(name)] = governorate
    return lookup


def governorate_resolve(
    name: str, *, lookup: dict[str, Governorate] | None = None
) -> Governorate | None:
    """The governorate a report calls ``name`` ("Dahuk", "Nineveh", "IQG17",
    "ذي قار"), or None when no spelling matches. Halabja, which the OCHA
    boundaries count inside Al-Sulaymaniyah, resolves to it (IQG06)."""
    if lookup is None:
        lookup = governorate_lookup()
    key = normalise_place_name(name)
    if key in ("halabja", "halabcha", "حلبجة"):
        key = normalise_place_name("IQG06")
    return lookup.get(key)
