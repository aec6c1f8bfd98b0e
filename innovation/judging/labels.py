"""What judging's pages call its states: score sheets, a round entry's decision, a round's kind."""
from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from innovation.judging.models import RoundEntryStatus, RoundKind

SHEET_LABELS = {"todo": _l("belum dinilai"), "draft": _l("draf"), "submitted": _l("terkirim")}
SHEET_BADGES = {"todo": "bad", "draft": "warn", "submitted": "ok"}
ROUND_ENTRY_LABELS = {
    RoundEntryStatus.PENDING: _l("menunggu"),
    RoundEntryStatus.PASSED: _l("lolos"),
    RoundEntryStatus.FAILED: _l("tidak lolos"),
    RoundEntryStatus.ADVANCED: _l("lanjut"),
    RoundEntryStatus.ELIMINATED: _l("gugur"),
}
ROUND_ENTRY_BADGES = {
    RoundEntryStatus.PENDING: "", RoundEntryStatus.PASSED: "ok", RoundEntryStatus.FAILED: "bad",
    RoundEntryStatus.ADVANCED: "ok", RoundEntryStatus.ELIMINATED: "bad",
}
KIND_LABELS = {
    RoundKind.ADMINISTRASI: _l("Seleksi administrasi"),
    RoundKind.PENILAIAN: _l("Penilaian"),
    RoundKind.FINAL: _l("Final"),
}

# A judge as operators see them: results store "Juri 1", "Juri 2"... (in published editions too), and
# the page names them in its own language when it shows them.
JUDGE_LABEL = re.compile(r"Juri ([0-9]{1,4})")


def judge_label(label: str | None) -> str:
    """A stored judge label ("Juri 3") in the page's language ("Judge 3"); anything else as it is."""
    match = JUDGE_LABEL.fullmatch(label or "")
    return _("Juri %(n)d", n=int(match.group(1))) if match else (label or "")
