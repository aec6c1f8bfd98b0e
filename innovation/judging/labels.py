"""What judging's pages call its states: score sheets, a round entry's decision, a round's kind."""
from __future__ import annotations

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
