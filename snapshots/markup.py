"""The narrative markup a reporting officer writes, to sanitised HTML.

The markup is deliberately small, and nothing else passes:

- a blank line separates paragraphs (``<p>``); a single newline is ``<br>``;
- ``**bold**`` is ``<strong>``, ``*italic*`` is ``<em>`` (a star is markup
  only when paired, so "918* in Qayyarah" keeps its star);
- lines starting ``- `` (or ``• ``) make a bulleted list, lines starting
  ``1. `` a numbered one; an indented line continues the item above;
- ``{code key=value ...}`` is a live reference (``snapshots/references.py``),
  ``{{`` a literal brace.

Everything else is text, escaped: raw HTML comes out as the characters typed.
The output holds only the payload contract's tags (``p strong em ul ol li
br``, ``<span class="ref">``) and, on a draft, ``<span class="ref-error"
title="...">`` around a reference that cannot be shown.
"""

from __future__ import annotations

import re
from html import escape

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from snapshots.references import Reference, ReferenceError, Resolved, parse_text

_BULLET = re.compile(r"^\s*[-•]\s+")
_NUMBER = re.compile(r"^\s*[0-9]{1,3}\.\s+")
_BR = object()  # a line break inside a paragraph or a list item

Part = str | Reference | ReferenceError

# The markup in one breath, for a form's help text.
MARKUP_HELP = gettext_lazy(
    "A blank line starts a paragraph. **bold**, *italic*. Lines starting "
    '"- " or "1. " make a list. A live figure: {people-reached governorate=IQG15} '
    "(also district, programme, project, activity, donor; show=period, change or "
    'previous); a value with spaces in quotes: district="Al Qayyarah". "{{" prints a brace.'
)


def text_references(text: str) -> tuple[list[Reference], list[ReferenceError]]:
    """The references ``text`` holds, every occurrence in order, and its
    syntax errors (positioned). Parse only, no database."""
    parts = parse_text(text or "")
    return (
        [p for p in parts if isinstance(p, Reference)],
        [p for p in parts if isinstance(p, ReferenceError)],
    )


def _unresolved(reference: Reference) -> ReferenceError:
    return ReferenceError(
        _("This reference has not been resolved."),
        reference.source,
        reference.key,
        reference.offset,
        reference.line,
        reference.column,
    )


def _problem(reference: Reference, found) -> ReferenceError | None:
    """The error to show for this occurrence of ``reference``, or None when
    its figure is known (``found`` is a ``Resolved``, or its frozen dict)."""
    if isinstance(found, Resolved):
        return None
    if isinstance(found, ReferenceError):
        return found.at(reference)
    if isinstance(found, dict) and not found.get("error") and "shown" in found:
        return None
    if isinstance(found, dict) and found.get("error"):
        return ReferenceError(
            str(found.get("message", "")),
            reference.source,
            reference.key,
            reference.offset,
            reference.line,
            reference.column,
        )
    return _unresolved(reference)


def markup_errors(text: str, resolved: dict | None = None) -> list[ReferenceError]:
    """Every error of ``text``, in order, each at its own occurrence: syntax
    errors, and, given ``resolved`` (``resolve_references``' answer), the
    references that cannot be shown or were not resolved."""
    errors = []
    for part in parse_text(text or ""):
        if isinstance(part, ReferenceError):
            errors.append(part)
        elif isinstance(part, Reference) and resolved is not None:
            problem = _problem(part, resolved.get(part.key))
            if problem is not None:
                errors.append(problem)
    return errors


def markup_check(text: str, resolved: dict | None = None) -> list[str]:
    """``markup_errors`` as translated messages with their line and column,
    for a form: empty when the text can be published."""
    return [error.located() for error in markup_errors(text, resolved)]


# --- Blocks -----------------------------------------------------------------------


def _lines(parts: list[Part]) -> list[list[Part]]:
    """The parts cut at newlines (a reference never spans lines)."""
    lines: list[list[Part]] = [[]]
    for part in parts:
        if not isinstance(part, str):
            lines[-1].append(part)
            continue
        pieces = part.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        for index, piece in enumerate(pieces):
            if index:
                lines.append([])
            if piece:
                lines[-1].append(piece)
    return lines


def _kind(line: list[Part]) -> tuple[str, list[Part]]:
    """What a line is ("blank", "ul", "ol", "indented" or "text") and its
    parts without the list marker."""
    if all(isinstance(p, str) and not p.strip() for p in line):
        return "blank", []
    first = line[0]
    if isinstance(first, str):
        for kind, pattern in (("ul", _BULLET), ("ol", _NUMBER)):
            found = pattern.match(first)
            if found:
                rest = first[found.end() :]
                return kind, ([rest] if rest else []) + line[1:]
        if first[:1].isspace():
            return "indented", [first.lstrip(), *line[1:]]
    return "text", line


def _blocks(parts: list[Part]) -> list[tuple[str, list[list[Part]]]]:
    """Paragraphs ("p", [its inline parts]) and lists ("ul"/"ol", [one
    inline parts list per item]), in order."""
    blocks: list[tuple[str, list[list[Part]]]] = []
    current: str | None = None
    for line in _lines(parts):
        kind, content = _kind(line)
        if kind == "blank":
            current = None
        elif kind in ("ul", "ol"):
            if current != kind:
                blocks.append((kind, []))
                current = kind
            blocks[-1][1].append(content)
        elif current in ("ul", "ol") and kind == "indented":
            blocks[-1][1][-1].extend([_BR, *content])
        elif current == "p":
            blocks[-1][1][0].extend([_BR, *content])
        else:
            blocks.append(("p", [list(content)]))
            current = "p"
    return blocks


# --- Inline -----------------------------------------------------------------------


def _atoms(parts: list) -> list:
    """Single characters of the text, references, errors and line breaks."""
    atoms: list = []
    for part in parts:
        if isinstance(part, str):
            atoms.extend(part)
        else:
            atoms.append(part)
    while atoms and isinstance(atoms[-1], str) and atoms[-1].isspace():
        atoms.pop()
    return atoms


def _blank(atom) -> bool:
    return atom is None or atom is _BR or (isinstance(atom, str) and atom.isspace())


def _runs(atoms: list) -> list[tuple[int, int, bool, bool]]:
    """The star runs of ``atoms``: (first index, length, can close, can
    open). A run opens when the next atom is not blank and closes when the
    previous one is not; a run of three is a strong and an em, closed em
    first. Longer runs are text."""
    runs, i = [], 0
    while i < len(atoms):
        if atoms[i] != "*":
            i += 1
            continue
        start = i
        while i < len(atoms) and atoms[i] == "*":
            i += 1
        length = i - start
        closes = not _blank(atoms[start - 1] if start else None)
        opens = not _blank(atoms[i] if i < len(atoms) else None)
        if length == 3:
            parts = [(start, 1), (start + 1, 2)] if closes else [(start, 2), (start + 2, 1)]
            runs.extend((first, size, closes, opens) for first, size in parts)
        elif length < 3:
            runs.append((start, length, closes, opens))
    return runs


def _emphasis(atoms: list) -> dict[int, str]:
    """The tags the paired star runs stand for, by the index of the run's
    first star (the other stars of a run map to ""). A closing run pairs
    with the nearest open run of the same length (one star: em, two:
    strong), and the runs opened after that one stay text, so tags always
    nest; an unpaired run stays text."""
    tags: dict[int, str] = {}
    stack: list[tuple[int, int]] = []
    for start, length, closes, opens in _runs(atoms):
        if closes:
            match = next((k for k in range(len(stack) - 1, -1, -1) if stack[k][1] == length), None)
            if match is not None:
                opener = stack[match][0]
                del stack[match:]
                tag = "strong" if length == 2 else "em"
                tags[opener], tags[start] = f"<{tag}>", f"</{tag}>"
                for k in range(1, length):
                    tags[opener + k] = tags[start + k] = ""
                continue
        if opens:
            stack.append((start, length))
    return tags


def _inline(parts: list, resolved: dict) -> str:
    atoms = _atoms(parts)
    tags = _emphasis(atoms)
    out: list[str] = []
    for index, atom in enumerate(atoms):
        if index in tags:
            out.append(tags[index])
        elif atom is _BR:
            out.append("<br>")
        elif isinstance(atom, str):
            out.append(escape(atom, quote=False))
        elif isinstance(atom, ReferenceError):
            out.append(_error_span(atom))
        else:
            found = resolved.get(atom.key)
            problem = _problem(atom, found)
            if problem is not None:
                out.append(_error_span(problem))
            else:
                shown = found.shown if isinstance(found, Resolved) else found["shown"]
                out.append(f'<span class="ref">{escape(str(shown), quote=False)}</span>')
    return "".join(out)


def _error_span(error: ReferenceError) -> str:
    return (
        f'<span class="ref-error" title="{escape(error.located(), quote=True)}">'
        f"{escape(error.source, quote=False)}</span>"
    )


def render_markup(text: str, resolved: dict) -> str:
    """``text`` as sanitised HTML (see the module docstring), each reference
    replaced by its figure as ``show`` asks (``<span class="ref">918*</span>``)
    from ``resolved`` (``resolve_references``' answer, or the frozen dicts of
    a published snapshot, by key). A reference that cannot be shown is never
    dropped: it is printed as written in ``<span class="ref-error">`` with
    the message and position in ``title`` (the publish service refuses a
    draft holding one). Every text character is escaped: no tag, attribute
    or URL the officer types reaches the HTML. Deterministic: the same text
    and figures give the same HTML."""
    html = []
    for kind, items in _blocks(parse_text(text or "")):
        if kind == "p":
            html.append(f"<p>{_inline(items[0], resolved)}</p>")
        else:
            inner = "".join(f"<li>{_inline(item, resolved)}</li>" for item in items)
            html.append(f"<{kind}>{inner}</{kind}>")
    return "\n".join(html)
