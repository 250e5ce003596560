"""A release's fingerprint (``iomdash.release``) is in the dashboards'
cache prefix, and changes with a template, a catalogue or a static file, so a
new release never serves a page kept by the one before it."""

from __future__ import annotations

import shutil

from django.conf import settings

from iomdash import release


def _tree(root):
    for name, text in {
        "templates/dashboards/_meta.html": "Figures last updated at {{ when }}.",
        "locale/ar/LC_MESSAGES/django.po": 'msgid "Figures"\nmsgstr "الأرقام"\n',
        "static/app.css": "body { margin: 0; }",
    }.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_the_fingerprint_follows_what_is_served(tmp_path):
    tree = _tree(tmp_path / "a")
    first = release.fingerprint(tree)
    # The same files elsewhere (another host, another checkout): the same release.
    assert release.fingerprint(shutil.copytree(tree, tmp_path / "b")) == first
    # A compiled catalogue is made from the .po at different times: not a change.
    (tree / "locale/ar/LC_MESSAGES/django.mo").write_bytes(b"\xde\x12\x04\x95")
    assert release.fingerprint(tree) == first
    seen = {first}
    for name, text in [
        ("templates/dashboards/_meta.html", "Figures last computed at {{ when }}."),
        ("locale/ar/LC_MESSAGES/django.po", 'msgid "Figures"\nmsgstr "أرقام"\n'),
        ("static/app.css", "body { margin: 1px; }"),
        ("static/new.js", ""),
    ]:
        (tree / name).write_text(text, encoding="utf-8")
        now = release.fingerprint(tree)
        assert now not in seen, name
        seen.add(now)


def test_the_dashboards_cache_is_a_release_s_own():
    prefix = settings.CACHES["dashboards"]["KEY_PREFIX"]
    assert prefix == f"iomdash:{release.fingerprint(settings.BASE_DIR)}"
