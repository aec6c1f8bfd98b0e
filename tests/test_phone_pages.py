"""Phone-first pages (issue 12), the parts checked without a browser: the CSP (``style-src 'self'``)
drops every inline ``style=`` attribute and every style written by a script as an attribute, so the
templates and scripts must have none (tests/browser/test_phone_first.py watches the console too)."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STYLE_ATTRIBUTE = re.compile(r"""\sstyle\s*=""", re.IGNORECASE)
SCRIPT_STYLE = re.compile(r"""setAttribute\(\s*["']style["']|\.style\.cssText|style=\\?["']""")


def test_no_template_has_an_inline_style_attribute():
    offenders = [f"{path.relative_to(ROOT)}:{n}" for path in sorted((ROOT / "templates").rglob("*.html"))
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if STYLE_ATTRIBUTE.search(line)]
    assert not offenders, f"inline style= (blocked by the CSP): {offenders}"


def test_no_script_writes_a_style_attribute():
    offenders = [f"{path.relative_to(ROOT)}:{n}" for path in sorted((ROOT / "static" / "js").glob("*.js"))
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if SCRIPT_STYLE.search(line)]
    assert not offenders, f"style attribute written by a script (blocked by the CSP): {offenders}"

