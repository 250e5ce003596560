"""The Arabic and Kurdish catalogues are complete, intact and current.

A message left untranslated or fuzzy shows English (or a wrong guess) to field
staff; a placeholder lost in translation crashes the page or drops a figure; a
plural entry with the wrong number of forms picks the wrong sentence; a string the
code uses but the catalogue lacks stays English. Each language is its own case, so
a catalogue that lands on its own makes its case pass.

After adding strings: ``make messages``, translate, then run this file
(docs/translation.md).
"""

from __future__ import annotations

import ast
import datetime
import gettext
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.formats import date_format

BASE_DIR = Path(__file__).resolve().parents[2]
LANGUAGES = ["ar", "ckb"]

# CLDR's plural categories, as gettext numbers them for each language.
PLURALS = {
    "ar": (6, lambda n: 0 if n == 0 else 1 if n == 1 else 2 if n == 2 else
           3 if 3 <= n % 100 <= 10 else 4 if n % 100 >= 11 else 5),
    "ckb": (2, lambda n: int(n != 1)),
}  # fmt: skip

PLACEHOLDER_PATTERNS = {
    # "%%" first, so that "50%% reached" is a literal per cent sign, not "% r".
    "printf placeholder": re.compile(
        r"%%|%(?:\([A-Za-z_]\w*\))?[-+#0]*\d*(?:\.\d+)?[sdifrxXeEgGc]"
    ),
    "brace placeholder": re.compile(r"\{[A-Za-z_]?[\w.]*(?:![rsa])?(?::[^{}]*)?\}"),
    "HTML tag": re.compile(r"</?[A-Za-z][\w-]*(?:\s[^<>]*)?/?>"),
}


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)


def parse_po(path: Path) -> list[Entry]:
    """The entries of a .po file (the header is the one with an empty msgid);
    obsolete ``#~`` entries are left out. Enough of the format for what
    makemessages and msgmerge write."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int] | None = None
    flags: set[str] = set()
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#,"):
            flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            keyword, rest = "", line
        value = ast.literal_eval(rest) if rest else ""
        if keyword in ("msgctxt", "msgid") and (entry is None or entry.msgstr):
            entry = Entry(flags=flags, line=number)
            entries.append(entry)
            flags = set()
        assert entry is not None, f"{path}:{number}: text before the first msgid"
        if keyword == "msgctxt":
            entry.msgctxt, target = value, ("msgctxt", 0)
        elif keyword == "msgid":
            entry.msgid, target = value, ("msgid", 0)
        elif keyword == "msgid_plural":
            entry.msgid_plural, target = value, ("msgid_plural", 0)
        elif keyword.startswith("msgstr"):
            index = int(keyword[7:-1]) if keyword != "msgstr" else 0
            entry.msgstr[index], target = value, ("msgstr", index)
        elif keyword == "":
            assert target is not None, f"{path}:{number}: continuation of nothing"
            name, index = target
            if name == "msgstr":
                entry.msgstr[index] += value
            else:
                setattr(entry, name, getattr(entry, name) + value)
        else:
            raise AssertionError(f"{path}:{number}: unknown keyword {keyword!r}")
    return entries


def catalogue(language: str) -> Path:
    path = BASE_DIR / "locale" / language / "LC_MESSAGES" / "django.po"
    assert path.exists(), f"no catalogue for {language}: {path} (make messages)"
    return path


def header(entries: list[Entry]) -> dict[str, str]:
    first = entries[0]
    assert first.msgid == "" and first.msgctxt is None, "the catalogue has no header"
    lines = first.msgstr[0].splitlines()
    return {name.strip(): value.strip() for name, _, value in (x.partition(":") for x in lines)}


def messages(entries: list[Entry]) -> list[Entry]:
    return [entry for entry in entries if entry.msgid]


def where(path: Path, entry: Entry) -> str:
    return f"{path.relative_to(BASE_DIR)}:{entry.line} {entry.msgid[:60]!r}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(language):
    path = catalogue(language)
    entries = parse_po(path)
    assert "fuzzy" not in entries[0].flags, f"{path}: the header is marked fuzzy"
    problems = []
    for entry in messages(entries):
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {where(path, entry)}")
        elif not entry.msgstr or not all(text.strip() for text in entry.msgstr.values()):
            problems.append(f"untranslated: {where(path, entry)}")
    assert not problems, f"{len(problems)} message(s):\n" + "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_and_tags_survive_translation(language):
    path = catalogue(language)
    problems = []
    for entry in messages(parse_po(path)):
        for index, text in entry.msgstr.items():
            if not text:
                continue  # untranslated: the test above says so
            source = entry.msgid if entry.msgid_plural is None else entry.msgid_plural
            for kind, pattern in PLACEHOLDER_PATTERNS.items():
                wanted, got = Counter(pattern.findall(source)), Counter(pattern.findall(text))
                # Arabic's forms for none, one and two may leave the number out ("ملفان",
                # two files); no form may bring in a placeholder the English lacks.
                last = index == max(entry.msgstr)
                if entry.msgid_plural is not None and not last:
                    both = Counter(pattern.findall(entry.msgid + entry.msgid_plural))
                    # Only a named one may go: "%d" left out shifts the arguments.
                    kept = all(got[x] >= wanted[x] for x in wanted if "(" not in x)
                    if kept and all(got[x] <= both[x] for x in got):
                        continue
                if got != wanted:
                    problems.append(
                        f"{kind}s {sorted(wanted.elements())} became "
                        f"{sorted(got.elements())} in msgstr[{index}]: {where(path, entry)}"
                    )
    assert not problems, f"{len(problems)} message(s):\n" + "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_plural_forms_match_the_language(language):
    path = catalogue(language)
    entries = parse_po(path)
    nplurals, category = PLURALS[language]
    forms = header(entries).get("Plural-Forms", "")
    match = re.fullmatch(r"nplurals=(\d+);\s*plural=(.+?);?", forms)
    assert match, f"{path}: no Plural-Forms in the header ({forms!r})"
    assert int(match.group(1)) == nplurals, f"{path}: {forms!r}, {language} has {nplurals}"
    plural = gettext.c2py(match.group(2))
    wrong = [n for n in range(0, 1201) if plural(n) != category(n)]
    assert not wrong, f"{path}: the plural formula picks the wrong form for n in {wrong[:10]}"
    problems = [
        f"{sorted(entry.msgstr)} instead of 0..{nplurals - 1}: {where(path, entry)}"
        for entry in messages(entries)
        if entry.msgid_plural is not None and sorted(entry.msgstr) != list(range(nplurals))
    ]
    assert not problems, f"{len(problems)} plural message(s):\n" + "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_message_holds_a_python_escape(language):
    """xgettext reads "\\u201c" in Python source as six characters, while Django looks
    up the string Python made ("“"): such a message is never found, and stays English.
    Write the character itself in the source."""
    path = catalogue(language)
    escaped = [where(path, e) for e in messages(parse_po(path)) if re.search(r"\\[uUN]", e.msgid)]
    assert not escaped, "Python escapes in msgids:\n" + "\n".join(escaped)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> Path:
    """``make messages`` run on a copy of the sources without their catalogues:
    the catalogues the code asks for today."""
    if not shutil.which("xgettext") or not shutil.which("make"):
        pytest.fail("make and GNU gettext (xgettext) are needed: .ci/run installs them")
    copy = tmp_path_factory.mktemp("sources") / "iomdash"
    # What the target ignores anyway, and the catalogues; at the top only, as its -i does.
    top = {".venv", ".git", ".data", "locale", "static", "staticfiles", "node_modules"}
    top |= {"artifacts", "tests", "docs", "media"}

    def ignore(folder: str, names: list[str]) -> list[str]:
        skipped = top if Path(folder) == BASE_DIR else set()
        return [n for n in names if n in skipped or n == "__pycache__"]

    shutil.copytree(BASE_DIR, copy, ignore=ignore)
    # The charts' colours, which the code reads as it starts (makemessages skips static/).
    colours = Path("static") / "js" / "chart-colours.json"
    (copy / colours).parent.mkdir(parents=True)
    shutil.copy(BASE_DIR / colours, copy / colours)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MAKE"))}
    # The target itself, with this interpreter and without the install step.
    done = subprocess.run(
        ["make", "--no-print-directory", "-o", "install", "messages", f"PY={sys.executable}"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, f"make messages failed:\n{done.stdout}\n{done.stderr}"
    return copy / "locale"


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_has_every_message_the_code_uses(language, extracted):
    have = {entry.key for entry in messages(parse_po(catalogue(language)))}
    need = messages(parse_po(extracted / language / "LC_MESSAGES" / "django.po"))
    missing = [
        f"{entry.msgctxt or ''} {entry.msgid[:70]!r}" for entry in need if entry.key not in have
    ]
    assert not missing, (
        f"{len(missing)} message(s) the code uses are not in the {language} catalogue "
        "(make messages, then translate them):\n" + "\n".join(missing)
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_is_what_django_serves(language):
    """``make test`` and ``make run`` compile the .po before Django starts: a page
    in the language shows the catalogue's words, not English."""
    entries = messages(parse_po(catalogue(language)))
    plain = [e for e in entries if e.msgid_plural is None and e.msgctxt is None]
    sample = next((e for e in plain if e.msgstr[0] not in ("", e.msgid)), None)
    assert sample is not None, f"nothing translated in the {language} catalogue"
    with translation.override(language):
        assert translation.gettext(sample.msgid) == sample.msgstr[0]


def test_only_missing_or_older_mo_files_are_compiled_again(tmp_path):
    """``make run`` and ``make test`` skip Django's start-up for msgfmt when every
    ``.mo`` is current, and recompile one whose ``.po`` was edited since."""
    from iomdash.stack import stale_catalogues

    current, edited, new = (tmp_path / code / "LC_MESSAGES" for code in ("ar", "ckb", "fr"))
    for folder in (current, edited, new):
        folder.mkdir(parents=True)
        (folder / "django.po").write_text('msgid ""\nmsgstr ""\n')
    for folder, age in ((current, 0), (edited, 100)):
        (folder / "django.mo").write_bytes(b"")
        po = folder / "django.po"
        os.utime(folder / "django.mo", (po.stat().st_mtime - age,) * 2)
    assert stale_catalogues(tmp_path) == [edited / "django.po", new / "django.po"]


def test_arabic_dates_name_the_months_as_iraq_does():
    """Django's Arabic says "سبتمبر"; Iraqi staff and documents say "أيلول"
    (iomdash/formats/month_names.py puts the names in our catalogue)."""
    day = datetime.date(2026, 9, 30)
    with translation.override("ar"):
        assert date_format(day, "j M Y") == "30 أيلول 2026"
        assert date_format(datetime.date(2026, 1, 5), "F Y") == "كانون الثاني 2026"
        assert date_format(datetime.date(2026, 12, 5), "N Y") == "كانون الأول 2026"
