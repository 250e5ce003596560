"""Every page answers with the Content-Security-Policy header: scripts from this
site only, no plugins, never framed, and workers/manifest for the offline pages."""

from __future__ import annotations


def test_the_login_page_sends_a_policy_without_inline_script(client):
    policy = client.get("/accounts/login/").headers["Content-Security-Policy"]
    directives = dict(
        (part.split(" ", 1) + [""])[:2] for part in (p.strip() for p in policy.split(";")) if part
    )
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["img-src"] == "'self' data:"
    assert directives["worker-src"] == "'self'"
    assert directives["manifest-src"] == "'self'"


def test_no_template_has_inline_script_or_handler():
    """A page's own <script> must have a src, and no element an on*= handler
    or a javascript: URL: the policy would block them in the browser."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    offenders = []
    for path in root.rglob("*.html"):
        text = path.read_text()
        for match in re.finditer(r"<script\b[^>]*>", text):
            if "src=" not in match.group(0):
                offenders.append(f"{path.relative_to(root)}: {match.group(0)}")
        for bad in re.finditer(r"\son[a-z]+\s*=|javascript:", text):
            offenders.append(f"{path.relative_to(root)}: {bad.group(0)}")
    assert offenders == []
