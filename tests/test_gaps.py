"""One definition of a gap (issue 11, rule 2): ``innovations.readiness`` returns every gap with its kind
and severity; suggestions are listed apart and never counted. The list, the innovation page, its
checklist, an Innovation Week entry, the district dashboard and the export all show the same number in
the same words, and a rejected or corrected line is a gap with the verifier's note (its badge not green).
"""
from __future__ import annotations

import io
import re
import zipfile
from datetime import date, timedelta
from decimal import Decimal

import pytest
from test_export_bundle import seed_innovation

from innovation.extensions import utcnow
from innovation.innovations import readiness
from innovation.innovations import services as innovations
from innovation.innovations.readiness import GapKind, Severity
from innovation.innovations.scoring import Claim
from innovation.rules import get_rules
from innovation.web import Role

RULES = get_rules(2026)


def complete_profile(**overrides):
    profile = {
        "nama": "Inovasi", "tahapan": "penerapan", "inisiator": "opd", "nama_inisiator": "Kepala",
        "jenis": "digital", "klasifikasi": "perangkat_daerah", "bentuk": "pelayanan_publik",
        "tematik": "asta_cita_4", "urusan_utama": "kesehatan", "latitude": Decimal("-4.5"),
        "longitude": Decimal("136.8"), "waktu_uji_coba": date(2024, 2, 1), "waktu_penerapan": date(2024, 6, 1),
        "waktu_pengembangan": None, "rancang_bangun": "kata " * 300, "tujuan": "t", "manfaat": "m", "hasil": "h",
    }
    profile.update(overrides)
    return profile


def all_claims():
    return {i.no: Claim(2, "a" if i.bases else None) for i in RULES.indicators}


EVERY = {i.no for i in RULES.indicators}


# --- the pure definition ---------------------------------------------------------------------------

def test_suggestions_are_listed_apart_and_never_counted():
    """An optional indicator left empty costs nothing certain: it is advice, not a gap. The count that
    differed between pages (the entry page counted the advice too) is ``count`` = ``len(gaps)``."""
    claims = all_claims()
    for no in (18, 20, 31):
        del claims[no]
    result = readiness.check(RULES, complete_profile(tujuan=""), claims, EVERY - {18, 20, 31})
    assert [g.code for g in result.gaps] == ["empty:tujuan"]
    assert {g.code for g in result.advice} == {"indicator:18:empty", "indicator:20:empty", "indicator:31:empty"}
    assert result.count == 1 and not result.ready
    assert result.summary == "1 kekurangan (1 membuat inovasi tidak dinilai)"
    assert readiness.summary(0) == "Tidak ada kekurangan."
    assert readiness.summary(3) == "3 kekurangan"


def test_a_rejected_line_is_a_gap_with_the_verifiers_note():
    claims = all_claims()
    claims[18] = Claim(3, None, "ditolak", None, "Lampiran DPA tidak terbaca.")
    result = readiness.check(RULES, complete_profile(), claims, EVERY)
    [gap] = result.gaps
    assert gap.kind == GapKind.REJECTED and gap.severity == Severity.POINTS
    assert gap.code == "indicator:18:rejected" and gap.anchor == "indicator-18"
    assert gap.points == 6  # bobot 2 x parameter 3: what the claim loses
    assert "ditolak verifikator (hilang 6 poin)" in str(gap.message)
    assert gap.note == "Lampiran DPA tidak terbaca."
    assert gap.text.endswith("Catatan verifikator: Lampiran DPA tidak terbaca.")
    assert not result.ready and result.count == 1


def test_a_rejected_mandatory_line_disclaims_and_hides_no_other_gap():
    """A mandatory line without valid evidence is what a missing one is: the innovation is not assessed.
    The verdict is the line's one gap (fix what the note says), never counted twice."""
    claims = all_claims()
    claims[16] = Claim(2, None, "ditolak", None, "SK Kepala Dinas, bukan Kepala Daerah.")
    result = readiness.check(RULES, complete_profile(), claims, EVERY - {16})
    assert [g.code for g in result.gaps] == ["indicator:16:rejected"]
    assert [g.code for g in result.blocking] == ["indicator:16:rejected"]
    assert "(wajib): ditolak verifikator" in str(result.gaps[0].message)


def test_a_corrected_line_is_a_gap_naming_both_parameters():
    claims = all_claims()
    claims[32] = Claim(3, None, "diperbaiki", 1, "Tahapan 9 bulan, bukan 3.")
    result = readiness.check(RULES, complete_profile(), claims, EVERY)
    [gap] = result.gaps
    assert gap.kind == GapKind.NEEDS_FIX and gap.severity == Severity.POINTS
    assert gap.points == 4  # bobot 2 x (3 - 1)
    assert "diperbaiki verifikator dari 3 menjadi 1" in str(gap.message)
    assert gap.note == "Tahapan 9 bulan, bukan 3."


def test_an_accepted_or_pending_line_is_no_gap():
    claims = all_claims()
    claims[18] = Claim(3, None, "sesuai", None, None)
    claims[20] = Claim(3, None, None, None, None)
    assert readiness.check(RULES, complete_profile(), claims, EVERY).ready


def test_gaps_come_with_their_kind_and_a_breakdown():
    claims = all_claims()
    del claims[35]
    claims[18] = Claim(3, None, "ditolak", None, "x")
    claims[33] = Claim(2, None)  # no basis
    result = readiness.check(RULES, complete_profile(tujuan=""), claims, EVERY - {16, 20})
    kinds = {g.code: g.kind for g in result.gaps}
    assert kinds["empty:tujuan"] == GapKind.PROFILE
    assert kinds["indicator:35:parameter"] == GapKind.ANSWER
    assert kinds["indicator:33:basis"] == GapKind.ANSWER
    assert kinds["indicator:16:evidence"] == GapKind.EVIDENCE
    assert kinds["indicator:20:evidence"] == GapKind.EVIDENCE
    assert kinds["indicator:18:rejected"] == GapKind.REJECTED
    assert result.by_kind == [(GapKind.PROFILE, 1), (GapKind.ANSWER, 2), (GapKind.EVIDENCE, 2), (GapKind.REJECTED, 1)]
    assert result.count == 6 == sum(n for _, n in result.by_kind)


# --- the same number everywhere --------------------------------------------------------------------

@pytest.fixture(autouse=True)
def request_context(app, db):
    with app.test_request_context():
        yield


@pytest.fixture
def mixed(db, make_user, make_opd, make_event, t):
    """An innovation with every sort of gap: a profile field empty, points lost for missing evidence,
    a suggestion (31 left empty), a rejected line (19) and a corrected mandatory line (32); entered in an
    open Innovation Week event."""
    from innovation.events.entries import enter_innovation
    from innovation.reporting import services as reporting

    operator = make_user(role=Role.OPERATOR, opd=make_opd(name=f"Dinas Campuran {t}"))
    innovation = seed_innovation(db, operator.opd, operator, nama=f"Inovasi Campuran {t}")
    innovations.update_profile(innovation, {**innovations.profile_values(innovation), "tujuan": ""}, by=operator)
    innovations.save_answer(innovation, 31, parameter=None, basis=None, informasi="", by=operator)
    verifier = make_user(role=Role.VERIFIER)
    reporting.verify_line(reporting.answer_for(innovation, 19), "ditolak", None, "Foto bukan alat kerja <b>ini</b>.",
                          by=verifier)
    reporting.verify_line(reporting.answer_for(innovation, 32), "diperbaiki", 1, "Tahapan 9 bulan.", by=verifier)
    now = utcnow()
    event = make_event(opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=3))
    entry = enter_innovation(event, innovation, event.categories[0], by=operator)
    db.session.flush()
    return innovation, operator, entry


def test_one_number_in_the_same_words_on_every_page_and_in_the_export(app, db, client, login, admin, mixed):
    from innovation.reporting.export import ExportOptions, write_bundle

    innovation, operator, entry = mixed
    check = innovations.assess(innovation).readiness
    codes = {g.code for g in check.gaps}
    assert {"empty:tujuan", "indicator:19:rejected", "indicator:32:corrected", "indicator:18:evidence"} <= codes
    assert [g.code for g in check.advice] == ["indicator:31:empty"]
    count, blocking = check.count, len(check.blocking)
    assert innovation.gap_count == count and innovation.blocking_gap_count == blocking
    summary = check.summary
    assert summary == f"{count} kekurangan ({blocking} membuat inovasi tidak dinilai)"

    login(operator)
    listing = client.get("/innovations/").get_data(as_text=True)
    row = listing[listing.index(innovation.nama):]
    assert re.search(rf'<span class="badge bad" title="{re.escape(summary)}" data-gaps="{count}">{count}</span>', row)
    page = client.get(f"/innovations/{innovation.id}").get_data(as_text=True)
    assert f'data-gap-summary="{count}">{summary}</p>' in page
    entry_page = client.get(f"/events/{entry.event.slug}/entries/{entry.id}").get_data(as_text=True)
    assert f"Daftar periksa kesiapan: {summary}." in entry_page
    assert f'data-gap-summary="{count}">{summary}</p>' in entry_page  # the same checklist below

    client.post("/auth/logout")
    login(admin)
    dashboard = client.get("/reporting/?scope=all").get_data(as_text=True)
    row = dashboard[dashboard.index(innovation.nama):]
    assert f'title="{summary}" data-gaps="{count}">{count}</span>' in row

    buffer = io.BytesIO()
    write_bundle(buffer, ExportOptions(2026, registered_only=False, include_failing=True,
                                       opd_ids=(innovation.opd_id,), with_files=False))
    archive = zipfile.ZipFile(buffer)
    listing_csv = archive.read("daftar-inovasi.csv").decode("utf-8-sig")
    assert f"{summary}: " in listing_csv
    laporan = archive.read("LAPORAN.txt").decode("utf-8")
    assert f"{innovation.nama} ({operator.opd.name}): {summary}" in laporan


def test_the_operators_checklist_shows_rejected_and_corrected_lines_with_the_note(client, login, mixed):
    innovation, operator, _ = mixed
    login(operator)
    page = client.get(f"/innovations/{innovation.id}").get_data(as_text=True)
    assert "Tidak ada kekurangan" not in page
    item = page[page.index('data-gap="indicator:19:rejected"'):]
    item = item[:item.index("</li>")]
    assert 'data-gap-kind="rejected"' in item and '<span class="badge bad">ditolak</span>' in item
    assert "Catatan verifikator: Foto bukan alat kerja &lt;b&gt;ini&lt;/b&gt;." in item  # escaped
    corrected = page[page.index('data-gap="indicator:32:corrected"'):]
    assert "dari 3 menjadi 1" in corrected[:corrected.index("</li>")]
    assert "saran (tidak dihitung sebagai kekurangan)" in page and 'data-advice="indicator:31:empty"' in page


def test_a_rejected_lines_badge_is_not_green(client, login, mixed):
    innovation, operator, _ = mixed
    login(operator)
    page = client.get(f"/innovations/{innovation.id}/indicators/19").get_data(as_text=True)
    badge = re.search(r'<a class="badge([^"]*)" href="/innovations/\d+/indicators/19"[^>]*data-verdict="(\w+)"', page)
    assert badge and badge.group(1) == " bad" and badge.group(2) == "ditolak"
    badge = re.search(r'<a class="badge([^"]*)" href="/innovations/\d+/indicators/32"[^>]*data-verdict="(\w+)"', page)
    assert badge and badge.group(1) == " warn" and badge.group(2) == "diperbaiki"
    accepted = re.search(r'<a class="badge([^"]*)" href="/innovations/\d+/indicators/16"', page)
    assert accepted.group(1) == " ok"  # a line with evidence and no verdict stays green


def test_the_judges_checklist_says_rejected_without_the_planning_offices_note(db, mixed):
    """The judges' score page reads ``claims_by_id``: the same gaps, without the verifier's words."""
    innovation, _, _ = mixed
    claims = innovations.claims_by_id(innovation.id)
    result = innovations.assess_values(innovation.rules, innovations.profile_values(innovation), claims,
                                       innovations.evidence_indicator_nos(innovation)).readiness
    assert result.count == innovations.assess(innovation).readiness.count
    assert all(g.note is None for g in result.gaps)
