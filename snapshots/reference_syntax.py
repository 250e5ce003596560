"""The syntax of live references (see ``snapshots/references.py``): reading
``{code key=value ...}`` in a text, or the same without braces, into
``Reference`` values and positioned ``ReferenceError`` values. No database."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace

from django.utils.translation import gettext as _

SHOWS = ("cumulative", "period", "change", "previous")
CUTS = ("governorate", "district", "programme", "project", "activity", "donor")
# Cuts fine enough that a donor-facing count from 1 to 4 is shown as "<5".
FINE_CUTS = frozenset({"governorate", "district", "project", "activity"})
NOT_AVAILABLE = "—"
STAR = "*"

_CODE = re.compile(r"^[A-Za-z0-9_-]+$")
_GOVERNORATE_PCODE = re.compile(r"^iqg[0-9]{2}$", re.I)
_DISTRICT_PCODE = re.compile(r"^iqg[0-9]{2}q[0-9]{2}$", re.I)
_NEEDS_QUOTES = re.compile(r"[\s{}=]")


def _quoted(value: str) -> str:
    return f'"{value}"' if not value or _NEEDS_QUOTES.search(value) else value


def canonical_key(code: str, params: Iterable[tuple[str, str]]) -> str:
    """``code key=value ...`` with the keys sorted and values quoted where needed."""
    return " ".join([code, *(f"{name}={_quoted(value)}" for name, value in sorted(params))])


@dataclass(frozen=True)
class Reference:
    """One reference as written. Equal (and hashing alike) when its ``key``
    is; ``source`` and the position (0-based ``offset``, 1-based ``line`` and
    ``column`` of its opening brace) say where it was written."""

    code: str
    params: tuple[tuple[str, str], ...]  # the cuts, sorted by name
    show: str = "cumulative"
    source: str = field(default="", compare=False)
    offset: int = field(default=0, compare=False)
    line: int = field(default=1, compare=False)
    column: int = field(default=1, compare=False)

    @property
    def key(self) -> str:
        """The canonical spelling: code, then the keys sorted, P-codes in
        capitals, ``show`` left out when it is the default, e.g.
        ``people-reached district=Qayyarah governorate=IQG15``."""
        params = list(self.params)
        if self.show != "cumulative":
            params.append(("show", self.show))
        return canonical_key(self.code, params)

    def get(self, name: str) -> str | None:
        return dict(self.params).get(name)


@dataclass(frozen=True)
class ReferenceError:  # a value, never raised (the name the authoring side uses)
    """Why a reference cannot be shown: a translated ``message``, the text
    written (``source``), its ``key`` (the reference's key, or the text
    written when it could not be read) and its position, as ``Reference``."""

    message: str
    source: str
    key: str
    offset: int = 0
    line: int = 1
    column: int = 1

    def located(self) -> str:
        """The message with its position, for forms and the draft page."""
        return _("Line %(line)s, column %(column)s: %(message)s") % {
            "line": self.line,
            "column": self.column,
            "message": self.message,
        }

    def at(self, reference: Reference) -> ReferenceError:
        """The same error at another occurrence of the same reference."""
        return replace(
            self,
            source=reference.source,
            offset=reference.offset,
            line=reference.line,
            column=reference.column,
        )

    def as_dict(self) -> dict:
        return {**asdict(self), "error": True}


# --- Syntax ---------------------------------------------------------------------


def reference_error(
    message: str, source: str, position: tuple[int, int, int], key: str = ""
) -> ReferenceError:
    offset, line, column = position
    return ReferenceError(message, source, key or source, offset, line, column)


def _quote_misplaced(text: str) -> str:
    return _(
        'Unexpected quote in "%(text)s": quote a whole value, e.g. district="Al Qayyarah".'
    ) % {"text": text}


def _words(body: str) -> list[tuple[str, str | None]] | str:
    """The ``name`` or ``name=value`` words of a reference's body, or a
    translated message saying why it cannot be read."""
    words, i, n = [], 0, len(body)
    while i < n:
        if body[i].isspace():
            i += 1
            continue
        start = i
        while i < n and not body[i].isspace() and body[i] not in '="':
            i += 1
        name = body[start:i]
        if i < n and body[i] == '"':
            return _quote_misplaced(body[start:].split()[0])
        if i >= n or body[i] != "=":
            words.append((name, None))
            continue
        i += 1
        if i < n and body[i] == '"':
            end = body.find('"', i + 1)
            if end < 0:
                return _("A quoted value is not closed.")
            value, i = body[i + 1 : end], end + 1
            if i < n and not body[i].isspace():
                return _("Leave a space after a quoted value: %(text)s") % {"text": body[start:]}
        else:
            vstart = i
            while i < n and not body[i].isspace():
                if body[i] == '"':
                    return _quote_misplaced(body[start : i + 1])
                i += 1
            value = body[vstart:i]
        words.append((name, value))
    return words


def parse_reference(
    body: str, *, source: str | None = None, offset: int = 0, line: int = 1, column: int = 1
) -> Reference | ReferenceError:
    """The reference ``body`` writes (``code key=value ...``, as a figures
    item's ``ref``; braces around it are allowed), or a positioned
    ``ReferenceError`` for a syntax error, an unknown key, a key given twice
    or a ``show`` that is not one of ``SHOWS``. No database."""
    source = body if source is None else source
    stripped = body.strip()
    if stripped.startswith("{") and stripped.endswith("}") and not stripped.startswith("{{"):
        body = stripped[1:-1]
    position = (offset, line, column)
    words = _words(body)
    if isinstance(words, str):
        return reference_error(words, source, position)
    if not words:
        return reference_error(
            _("The reference is empty: write a figure's code."), source, position
        )
    (code, value), rest = words[0], words[1:]
    if value is not None or not _CODE.match(code):
        return reference_error(
            _(
                '"%(code)s" is not a figure\'s code: a reference starts with one, '
                "e.g. {people-reached governorate=IQG15}."
            )
            % {"code": code},
            source,
            position,
        )
    params: dict[str, str] = {}
    for name, value in rest:
        name = name.lower()
        if value is None:
            return reference_error(
                _('"%(word)s" has no value: write %(word)s=...') % {"word": name},
                source,
                position,
            )
        if name not in (*CUTS, "show"):
            return reference_error(
                _(
                    'Unknown key "%(key)s": use governorate, district, programme, project, '
                    "activity, donor or show."
                )
                % {"key": name},
                source,
                position,
            )
        if name in params:
            return reference_error(_('"%(key)s" is given twice.') % {"key": name}, source, position)
        value = value.strip()
        if not value:
            return reference_error(
                _('"%(key)s" has no value: write %(key)s=...') % {"key": name}, source, position
            )
        if name == "show":
            value = value.lower()
            if value not in SHOWS:
                return reference_error(
                    _("show=%(value)s: use cumulative, period, change or previous.")
                    % {"value": value},
                    source,
                    position,
                )
        elif _GOVERNORATE_PCODE.match(value) or _DISTRICT_PCODE.match(value):
            value = value.upper()
        params[name] = value
    show = params.pop("show", "cumulative")
    return Reference(
        code.lower(), tuple(sorted(params.items())), show, source, offset, line, column
    )


def _closing(text: str, start: int) -> int | str:
    """The index of the brace closing the reference opened at ``start`` (a
    ``}`` outside quotes, on the same line), or a message saying why none."""
    quoted = False
    for j in range(start + 1, len(text)):
        char = text[j]
        if char == "\n":
            break
        if char == '"':
            quoted = not quoted
        elif char == "}" and not quoted:
            return j
    if quoted:
        return _("A quoted value is not closed.")
    return _(
        'The reference is not closed: end it with "}" on the same line, or write "{{" for a brace.'
    )


def parse_text(text: str) -> list[str | Reference | ReferenceError]:
    """``text`` cut into its plain parts (``{{`` and ``}}`` already turned
    into ``{`` and ``}``; a lone ``}`` is itself) and its references or
    syntax errors, in order. A reference left open is an error running to
    the end of its line. No database."""
    parts: list[str | Reference | ReferenceError] = []
    plain: list[str] = []
    i, n, line, line_start = 0, len(text), 1, 0
    while i < n:
        char = text[i]
        if char == "{":
            if text.startswith("{{", i):
                plain.append("{")
                i += 2
                continue
            if plain:
                parts.append("".join(plain))
                plain = []
            end = _closing(text, i)
            position = (i, line, i - line_start + 1)
            if isinstance(end, str):
                stop = text.find("\n", i)
                stop = n if stop < 0 else stop
                parts.append(reference_error(end, text[i:stop], position))
                i = stop
            else:
                offset, line_at, column = position
                parts.append(
                    parse_reference(
                        text[i + 1 : end],
                        source=text[i : end + 1],
                        offset=offset,
                        line=line_at,
                        column=column,
                    )
                )
                i = end + 1
            continue
        if text.startswith("}}", i):
            plain.append("}")
            i += 2
            continue
        if char == "\n":
            line, line_start = line + 1, i + 1
        plain.append(char)
        i += 1
    if plain:
        parts.append("".join(plain))
    return parts
