"""Judging demo data for Innovation Week 2025: the default rounds, administrative selection, and a
completed *Penilaian presentasi* scored by the five demo judges (one noticeably harsher), through the
judging operations, so the results pages show something real. Idempotent: an event that already has
rounds is left as it is. The round is left unpublished, so publishing can be shown.
"""
from __future__ import annotations

import random
from datetime import timedelta

from innovation.auth.models import User
from innovation.events.models import Event
from innovation.judging import advancement, assignments, rounds, sheets
from innovation.judging.errors import JudgingError
from innovation.judging.models import RoundKind

HARSH_JUDGE = "juri.kemendagri"
BIAS = {"juri.lan": 0.0, "juri.kemendagri": -1.0, "juri.uncen": 0.2, "juri.bappeda": 0.1, "juri.distrik": 0.3}

OVERALL = (
    "Inovasi relevan dengan kebutuhan warga; paparan jelas dan didukung data layanan.",
    "Gagasan baik, tetapi bukti dampak masih terbatas pada laporan kegiatan. Perlu data sebelum dan sesudah.",
    "Kolaborasi dengan kampung dan distrik terlihat nyata. Rencana keberlanjutan anggaran perlu dipertegas.",
    "Replikasi ke distrik pedalaman layak dicoba; SOP dan pembiayaan perlu dituliskan.",
    "Penyajian kurang fokus; manfaat bagi warga belum diukur dengan indikator yang jelas.",
)
CRITERION = {
    "kebaharuan": ("Pendekatan baru untuk konteks Mimika.", "Mirip inovasi daerah lain; jelaskan pembedanya."),
    "kemanfaatan": ("Manfaat terukur bagi warga.", "Sertakan jumlah penerima manfaat per tahun."),
    "replikasi": ("Mudah diterapkan OPD lain.", "Butuh biaya dan SDM khusus untuk direplikasi."),
    "kewenangan": ("Sesuai kewenangan daerah, melibatkan mitra.", ""),
    "penyajian": ("Paparan runtut dan tepat waktu.", "Jawaban tanya jawab kurang menguasai data."),
}


def ensure_judging_demo(event: Event, admin: User, judges: list[User]) -> bool:
    """Create the scored 2025 round once; False when the event already had rounds."""
    if rounds.rounds_of(event):
        return False
    made = rounds.create_default_rounds(event, by=admin, now=event.closes_at)
    selection, presentation = made[0], made[1]
    in_selection = selection.opens_at + timedelta(hours=4)
    for round_entry in rounds.round_entries(selection):
        rounds.decide(round_entry, True, "Persyaratan administrasi lengkap.", by=admin, now=in_selection)
    advancement.advance(selection, {re.entry_id for re in rounds.round_entries(selection)}, by=admin,
                           now=selection.closes_at)
    in_presentation = presentation.opens_at + timedelta(days=2)
    entries = sorted(rounds.round_entries(presentation), key=lambda re: re.entry_id)
    for position, round_entry in enumerate(entries):
        quality = 4.4 - 1.6 * position / max(len(entries) - 1, 1)  # a spread of strong and weaker entries
        for judge in judges:
            try:
                assignment = assignments.assign_judge(round_entry, judge, by=admin)
            except JudgingError:
                continue  # a conflict of interest (the judge's own OPD family): never scored
            rng = random.Random(f"{round_entry.entry_id}-{judge.username}")
            values, comments = {}, {}
            for criterion in presentation.rubric.criteria:
                raw = quality + BIAS.get(judge.username, 0) + rng.uniform(-0.6, 0.6)
                value = max(presentation.rubric.scale_min, min(presentation.rubric.scale_max, round(raw)))
                values[criterion.id] = str(value)
                good, weak = CRITERION.get(criterion.code, ("", ""))
                if rng.random() < 0.45:
                    comments[criterion.id] = good if value >= 4 else weak
            overall = OVERALL[(position + len(judge.username)) % len(OVERALL)] if quality >= 3.4 else OVERALL[4]
            sheets.save_sheet(assignment, values, comments, overall, submit=True, by=judge, now=in_presentation)
    return True


def judging_round_for_results(event: Event):
    return next((r for r in rounds.rounds_of(event) if r.kind == RoundKind.PENILAIAN), None)
