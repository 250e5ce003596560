"""Place names as reports write them, matched to a governorate, district or
sub-district.

Reports spell places many ways: "Qayyarah" for the sub-district OCHA calls
"Al-Qayarra" (``IQG15Q05N01``), "Hawija" for the district "Al-Hawiga",
"الموصل" for "Al-Mosul". :func:`place_resolve` accepts a P-code, an English or
Arabic name or an alias, and compares them ignoring case, hyphens, spaces,
apostrophes, ``Al-``/``Al ``/``ال``, doubled letters and a final ``h`` after
``a`` ("Basrah" = "Basra"). A name that only matches once ``Markaz `` ("centre
of") is dropped is matched that way too ("Markaz Hawija" finds the district
when no sub-district is called so).

When a name fits places at several levels (Basrah is a governorate and its
district; the Arabic "مندلي" the district Baladruz and its sub-district Mandali; Salah Al-Din a
governorate and a sub-district of Erbil), the coarsest one wins: a report that
names the finer one gives its P-code or its ``Markaz`` name, or the caller
narrows the search with ``levels`` or ``within``. Two places of the same level
sharing a name are ambiguous: that is an error listing them.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from programmes.l10n import ARABIC_LETTER_VARIANTS
from programmes.models import District, Governorate, SubDistrict

Place = Governorate | District | SubDistrict

GOVERNORATE = "governorate"
DISTRICT = "district"
SUBDISTRICT = "subdistrict"
LEVELS = (GOVERNORATE, DISTRICT, SUBDISTRICT)  # coarsest first

_ARABIC_LETTERS = str.maketrans(ARABIC_LETTER_VARIANTS)
_SEPARATORS = re.compile(r"[\s\-_'’`.,()/]+")
_ARTICLES = {"al", "el"}
_CENTRE = {"markaz", "مركز"}


def _words(name: str) -> list[str]:
    text = unicodedata.normalize("NFKC", name).casefold().translate(_ARABIC_LETTERS)
    words = []
    for word in _SEPARATORS.split(text):
        if not word or word in _ARTICLES:
            continue
        if word.startswith("ال") and len(word) > 3:
            word = word[2:]
        words.append(word)
    return words


def _join(words: list[str]) -> str:
    key = re.sub(r"(.)\1+", r"\1", "".join(words))
    return re.sub(r"ah$", "a", key)


def place_key(name: str) -> str:
    """The spelling-insensitive key of a place name: "Al-Qayyarah",
    "al qayarra" and "Qayara" all give "qayara"."""
    return _join(_words(name))


def place_loose_key(name: str) -> str:
    """:func:`place_key` without ``Markaz``/``مركز``: "Markaz Al-Hawiga" gives "hawiga"."""
    return _join([w for w in _words(name) if w not in _CENTRE])


def place_level(place: Place) -> str:
    """``"governorate"``, ``"district"`` or ``"subdistrict"``."""
    if isinstance(place, Governorate):
        return GOVERNORATE
    if isinstance(place, District):
        return DISTRICT
    return SUBDISTRICT


def place_governorate_id(place: Place) -> int:
    """The id of the governorate holding ``place`` (itself for a governorate)."""
    if isinstance(place, Governorate):
        return place.pk
    if isinstance(place, District):
        return place.governorate_id
    return place.district.governorate_id


def place_governorate(place: Place) -> Governorate:
    """The governorate holding ``place`` (itself for a governorate)."""
    if isinstance(place, Governorate):
        return place
    if isinstance(place, District):
        return place.governorate
    return place.district.governorate


def place_name(place: Place) -> str:
    """A place's name as a map or a table shows it in the active language:
    the gazetteer's Arabic name in Arabic and in Kurdish (it has no Kurdish
    names), else the IOM spelling of a governorate or the English name."""
    if translation.get_language_bidi() and place.name_ar:
        return place.name_ar
    return place.name_iom if isinstance(place, Governorate) else place.name_en


def place_label(place: Place) -> str:
    """How an error message names a place: "Al-Qayarra (IQG15Q05N01, sub-district of Al-Mosul)"."""
    if isinstance(place, Governorate):
        return _("%(name)s (%(pcode)s, governorate)") % {
            "name": place.name_en,
            "pcode": place.pcode,
        }
    if isinstance(place, District):
        return _("%(name)s (%(pcode)s, district of %(parent)s)") % {
            "name": place.name_en,
            "pcode": place.pcode,
            "parent": place.governorate.name_iom,
        }
    return _("%(name)s (%(pcode)s, sub-district of %(parent)s)") % {
        "name": place.name_en,
        "pcode": place.pcode,
        "parent": place.district.name_en,
    }


def _inside(place: Place, within: Governorate | District) -> bool:
    if isinstance(within, Governorate):
        return place_governorate_id(place) == within.pk
    if isinstance(place, District):
        return place.pk == within.pk
    return isinstance(place, SubDistrict) and place.district_id == within.pk


@dataclass
class PlaceIndex:
    """Every place under every key; build it once per import with :func:`place_index`."""

    places: list[Place] = field(default_factory=list)
    exact: dict[str, list[Place]] = field(default_factory=lambda: defaultdict(list))
    loose: dict[str, list[Place]] = field(default_factory=lambda: defaultdict(list))

    def add(self, place: Place) -> None:
        self.places.append(place)
        for name in place.names():
            if not name or not name.strip():
                continue
            for keys, key in ((self.exact, place_key(name)), (self.loose, place_loose_key(name))):
                if key and place not in keys[key]:
                    keys[key].append(place)


def place_index() -> PlaceIndex:
    """All 413 places (18 governorates, 101 districts, 294 sub-districts) keyed
    by every spelling; three queries."""
    index = PlaceIndex()
    districts = {}
    for governorate in Governorate.objects.defer("boundary"):
        index.add(governorate)
    for district in District.objects.select_related("governorate").defer(
        "boundary", "governorate__boundary"
    ):
        districts[district.pk] = district
        index.add(district)
    for subdistrict in SubDistrict.objects.defer("boundary"):
        subdistrict.district = districts[subdistrict.district_id]
        index.add(subdistrict)
    return index


def place_resolve(
    name: str,
    *,
    levels: tuple[str, ...] = LEVELS,
    within: Governorate | District | None = None,
    index: PlaceIndex | None = None,
) -> Place:
    """The governorate, district or sub-district a report calls ``name``
    ("IQG15Q05N01", "Qayyarah", "الحويجة", "Gwer"), among the ``levels`` asked
    for and inside ``within`` when given.

    Raises ValidationError when no place fits (the message lists the closest
    names) or when several places of the same level do."""
    if index is None:
        index = place_index()

    def fits(place: Place) -> bool:
        return place_level(place) in levels and (within is None or _inside(place, within))

    candidates = [p for p in index.exact.get(place_key(name), []) if fits(p)]
    if not candidates:
        candidates = [p for p in index.loose.get(place_loose_key(name), []) if fits(p)]
    if not candidates:
        raise ValidationError(
            _("No place is called “%(name)s”. Closest: %(matches)s.")
            % {"name": name, "matches": "; ".join(_closest(name, index, fits)) or _("none")},
            code="unknown_place",
        )
    coarsest = min(LEVELS.index(place_level(p)) for p in candidates)
    candidates = [p for p in candidates if LEVELS.index(place_level(p)) == coarsest]
    if len(candidates) > 1:
        raise ValidationError(
            _("“%(name)s” could be several places: %(matches)s. Give its P-code.")
            % {"name": name, "matches": "; ".join(place_label(p) for p in candidates)},
            code="ambiguous_place",
        )
    return candidates[0]


def _closest(name: str, index: PlaceIndex, fits, limit: int = 5) -> list[str]:
    """Labels of the places whose spellings are nearest ``name``, best first."""
    keys = [key for key, places in index.loose.items() if any(fits(p) for p in places)]
    labels: list[str] = []
    for key in difflib.get_close_matches(place_loose_key(name), keys, n=limit * 2, cutoff=0.6):
        for place in index.loose[key]:
            label = place_label(place)
            if fits(place) and label not in labels:
                labels.append(label)
    return labels[:limit]
