"""A change invalidates the approval it undermines (issue 11, rule 1): evidence replaced, added or
removed on a verified line, or its parameter or basis changed, sends the line back to the verifier
("perlu diperiksa ulang"), the old verdict kept as history; the queue shows it first with what changed;
the scores update at once; everything is audit-logged; the export never carries a verdict older than
the evidence it judged, and a verifier never gives one on a line that changed under the open page."""
from __future__ import annotations

import io
import re
import zipfile
from datetime import timedelta

import pytest
from evidence_files import pdf
from sqlalchemy import select, update

from innovation.audit.models import AuditEvent
from innovation.extensions import db
from innovation.innovations import evidence, recheck
from innovation.innovations import services as innovations
from innovation.innovations.models import Evidence, IndicatorAnswer, VerificationStatus
from innovation.reporting import services
from innovation.reporting.services import ReportingError
from innovation.web import Role


@pytest.fixture(autouse=True)
def request_context(app, db):
    with app.test_request_context():
        yield


@pytest.fixture
def verified(db, make_user, make_innovation, t):
    """16 (bobot 3) x3 with "sk-lama.pdf", 18 (bobot 2) x3 with "dpa.pdf", 33 (bobot 3) basis a x2 with
    "penerima.pdf"; 16 and 33 verified sesuai, 18 rejected: claimed 9 + 6 + 6 = 21, verified 15."""
    operator = make_user(full_name="Operator Dinas")
    verifier = make_user(role=Role.VERIFIER, full_name="Verifikator Bappeda")
    innovation = make_innovation(opd=operator.opd, rules_year=2026, nama=f"Inovasi Terverifikasi {t}")
    for no, parameter, basis, name in ((16, 3, None, "sk-lama.pdf"), (18, 3, None, "dpa.pdf"),
                                       (33, 2, "a", "penerima.pdf")):
        evidence.attach_file(innovation, indicator_no=no, stream=io.BytesIO(pdf()), filename=name, by=operator)
        innovations.save_answer(innovation, no, parameter=parameter, basis=basis, informasi="", by=operator)
    services.verify_line(services.answer_for(innovation, 16), "sesuai", None, "", by=verifier)
    services.verify_line(services.answer_for(innovation, 33), "sesuai", None, "", by=verifier)
    services.verify_line(services.answer_for(innovation, 18), "ditolak", None, "DPA tanpa tanda tangan.", by=verifier)
    assert (innovation.claimed_score, innovation.verified_score) == (21, 15)
    return innovation, operator, verifier


def current_file(innovation, no) -> Evidence:
    return next(e for e in innovations.current_evidence(innovation) if e.indicator_no == no)


def events(db, action, innovation):
    return list(db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == action, AuditEvent.object_id == innovation.id).order_by(AuditEvent.id)))


# --- the services ---------------------------------------------------------------------------------

def test_replacing_the_evidence_of_an_accepted_line_sends_it_back(db, verified):
    innovation, operator, verifier = verified
    old = current_file(innovation, 16)
    evidence.attach_file(innovation, indicator_no=16, stream=io.BytesIO(pdf()), filename="sk-baru.pdf",
                         by=operator, replaces=old)
    answer = services.answer_for(innovation, 16)
    assert answer.verification_status is None and answer.verified_by_id is None and answer.verified_at is None
    assert answer.awaiting_recheck and answer.recheck_since is not None
    state = recheck.view(answer.recheck_since, answer.recheck)
    assert (state.previous_status, state.previous_by) == ("sesuai", "Verifikator Bappeda")
    assert state.previous_at is not None
    assert state.descriptions == ["bukti diganti: sk-lama.pdf → sk-baru.pdf"]
    assert state.changes[0]["by"] == "Operator Dinas"
    # The claim is unchanged; the line now counts as claimed, like any line awaiting the verifier.
    assert (innovation.claimed_score, innovation.verified_score) == (21, 15)
    [logged] = events(db, "indicator.recheck", innovation)
    assert logged.actor_id == operator.id
    assert logged.changes["indicator_no"] == 16 and logged.changes["previous"]["status"] == "sesuai"
    assert logged.changes["change"]["old"] == "sk-lama.pdf" and logged.changes["change"]["new"] == "sk-baru.pdf"
    assert services.queue_rows([innovation.id])[innovation.id].rechecks[0].indicator_no == 16


def test_evidence_added_to_a_rejected_line_updates_both_scores_at_once(db, verified):
    innovation, operator, _ = verified
    evidence.attach_file(innovation, indicator_no=18, stream=io.BytesIO(pdf()), filename="dpa-bertanda-tangan.pdf",
                         by=operator)
    answer = services.answer_for(innovation, 18)
    assert answer.awaiting_recheck
    state = recheck.view(answer.recheck_since, answer.recheck)
    assert state.previous_status == "ditolak" and state.previous_note == "DPA tanpa tanda tangan."
    assert state.descriptions == ["bukti ditambahkan: dpa-bertanda-tangan.pdf"]
    assert (innovation.claimed_score, innovation.verified_score) == (21, 21)  # 18 no longer counts as rejected
    assert innovation.gap_count == innovations.assess(innovation).readiness.count  # the rejected gap is gone
    assert "indicator:18:rejected" not in {g.code for g in innovations.assess(innovation).readiness.gaps}


def test_removing_the_evidence_of_an_accepted_line_sends_it_back_and_scores_it_zero(db, verified):
    innovation, operator, _ = verified
    evidence.remove_evidence(current_file(innovation, 33), by=operator)
    answer = services.answer_for(innovation, 33)
    assert answer.awaiting_recheck
    assert recheck.view(answer.recheck_since, answer.recheck).descriptions == ["bukti dihapus: penerima.pdf"]
    assert (innovation.claimed_score, innovation.verified_score) == (15, 9)  # 33 scores 0 without evidence


@pytest.mark.parametrize("change, expected", [
    ({"parameter": 1, "basis": "a"}, ["parameter 2 → 1"]),
    ({"parameter": 2, "basis": "b"}, ["dasar penilaian a → b"]),
    ({"parameter": 3, "basis": "c"}, ["parameter 2 → 3", "dasar penilaian a → c"]),
])
def test_changing_the_parameter_or_basis_sends_the_line_back(db, verified, change, expected):
    innovation, operator, _ = verified
    innovations.save_answer(innovation, 33, informasi="", by=operator, **change)
    answer = services.answer_for(innovation, 33)
    assert answer.awaiting_recheck
    assert recheck.view(answer.recheck_since, answer.recheck).descriptions == expected
    line = 3 * change["parameter"]  # 33 has bobot 3
    assert innovation.claimed_score == 9 + 6 + line
    assert innovation.verified_score == 9 + 0 + line  # 16 accepted, 18 still rejected, 33 as claimed


def test_a_changed_explanation_alone_keeps_the_verdict(db, verified):
    innovation, operator, _ = verified
    innovations.save_answer(innovation, 16, parameter=3, basis=None, informasi="SK Bupati 2025", by=operator)
    answer = services.answer_for(innovation, 16)
    assert answer.verification_status == VerificationStatus.SESUAI and not answer.awaiting_recheck


def test_lines_never_verified_and_profile_files_are_left_alone(db, verified, make_innovation):
    innovation, operator, _ = verified
    innovations.save_answer(innovation, 20, parameter=2, basis=None, informasi="", by=operator)
    evidence.attach_file(innovation, indicator_no=20, stream=io.BytesIO(pdf()), filename="bimtek.pdf", by=operator)
    evidence.attach_file(innovation, slot="anggaran", stream=io.BytesIO(pdf()), filename="rab.pdf", by=operator)
    assert not services.answer_for(innovation, 20).awaiting_recheck
    assert not events(db, "indicator.recheck", innovation)


def test_further_changes_are_collected_and_a_new_verdict_ends_the_recheck(db, verified):
    innovation, operator, verifier = verified
    evidence.attach_file(innovation, indicator_no=16, stream=io.BytesIO(pdf()), filename="sk-baru.pdf",
                         by=operator, replaces=current_file(innovation, 16))
    innovations.save_answer(innovation, 16, parameter=2, basis=None, informasi="", by=operator)
    answer = services.answer_for(innovation, 16)
    state = recheck.view(answer.recheck_since, answer.recheck)
    assert state.previous_status == "sesuai"  # still the verdict the re-check started from
    assert state.descriptions == ["bukti diganti: sk-lama.pdf → sk-baru.pdf", "parameter 3 → 2"]
    services.verify_line(answer, "sesuai", None, "", by=verifier)
    assert answer.verification_status == VerificationStatus.SESUAI
    assert answer.recheck_since is None and answer.recheck is None and not answer.awaiting_recheck
    logged = events(db, "indicator.verify", innovation)[-1]
    assert logged.changes["rechecked"]["previous"]["status"] == "sesuai"
    assert "(diperiksa ulang)" in logged.summary
    assert innovation.id not in services.queue_rows([innovation.id])


def test_resubmitting_is_a_recheck_too(db, verified):
    innovation, operator, _ = verified
    answer = services.answer_for(innovation, 18)
    services.resubmit_line(answer, by=operator)
    assert answer.awaiting_recheck
    assert recheck.view(answer.recheck_since, answer.recheck).descriptions == ["diajukan ulang oleh OPD"]


def test_the_queue_shows_innovations_with_lines_to_recheck_first(db, make_user, make_innovation, verified, t):
    innovation, operator, _ = verified
    # Another innovation of the same OPD, waiting longer (older change), but never verified.
    waiting = make_innovation(opd=operator.opd, rules_year=2026, nama=f"Menunggu Lama {t}")
    innovations.save_answer(waiting, 17, parameter=1, basis=None, informasi="", by=operator)
    db.session.execute(update(type(waiting)).where(type(waiting).id == waiting.id)
                       .values(updated_at=innovation.updated_at - timedelta(days=30)))
    innovations.save_answer(innovation, 20, parameter=1, basis=None, informasi="", by=operator)  # still pending
    filters = services.ListFilters(opd_ids=(operator.opd_id,))
    db.session.expire_all()
    assert list(db.session.scalars(services.queue_query(filters))) == [waiting, innovation]
    evidence.attach_file(innovation, indicator_no=16, stream=io.BytesIO(pdf()), filename="sk-baru.pdf",
                         by=operator, replaces=current_file(innovation, 16))
    db.session.flush()
    db.session.expire_all()
    assert list(db.session.scalars(services.queue_query(filters))) == [innovation, waiting]
    rows = services.queue_rows([innovation.id, waiting.id])
    assert rows[innovation.id].pending == 2 and [r.indicator_no for r in rows[innovation.id].rechecks] == [16]
    assert rows[waiting.id].pending == 1 and not rows[waiting.id].rechecks


# --- the verifier's pages -------------------------------------------------------------------------

def seen_on_page(html: str, no: int) -> str:
    section = html[html.index(f'id="line-{no}"'):]
    return re.search(r'name="seen" type="hidden" value="([^"]*)"', section).group(1)


def test_the_queue_and_the_verification_page_show_what_changed(client, db, login, verified):
    innovation, operator, verifier = verified
    evidence.attach_file(innovation, indicator_no=16, stream=io.BytesIO(pdf()), filename="sk-baru.pdf",
                         by=operator, replaces=current_file(innovation, 16))
    login(verifier)
    queue = client.get(f"/reporting/verification?opd={operator.opd_id}").get_data(as_text=True)
    row = queue[queue.index(innovation.nama):]
    row = row[:row.index("</tr>")]
    assert 'data-recheck="16"' in row and "perlu diperiksa ulang" in row
    assert "bukti diganti: sk-lama.pdf → sk-baru.pdf" in row and "sebelumnya Sesuai" in row
    page = client.get(f"/reporting/verification/{innovation.id}").get_data(as_text=True)
    summary = page[page.index('id="perlu-diperiksa-ulang"'):page.index('id="line-16"')]
    assert 'href="#line-16"' in summary and "sk-lama.pdf → sk-baru.pdf" in summary
    line = page[page.index('id="line-16"'):page.index('id="line-17"')]
    assert "Perlu diperiksa ulang" in line and "Verifikasi sebelumnya: Sesuai" in line and "Verifikator Bappeda" in line
    assert "sk-baru.pdf" in line


def test_a_verdict_on_a_line_that_changed_under_the_open_page_is_refused(client, db, login, verified):
    """The verifier opens the page; the operator swaps the file; "Sesuai" from the stale page would
    approve a file nobody looked at: refused, with what changed, and the page now shows the new file."""
    innovation, operator, verifier = verified
    login(verifier)
    evidence.attach_file(innovation, indicator_no=16, stream=io.BytesIO(pdf()), filename="sk-lama-2.pdf",
                         by=operator, replaces=current_file(innovation, 16))
    db.session.commit()
    page = client.get(f"/reporting/verification/{innovation.id}").get_data(as_text=True)
    seen = seen_on_page(page, 16)
    evidence.attach_file(innovation, indicator_no=16, stream=io.BytesIO(pdf()), filename="sk-palsu.pdf",
                         by=operator, replaces=current_file(innovation, 16))
    db.session.commit()  # the operator's request
    refused = client.post(f"/reporting/verification/{innovation.id}/lines/16",
                          data={"status": "sesuai", "note": "", "seen": seen})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "Indikator 16 berubah sejak Anda membukanya" in html and "sk-lama-2.pdf → sk-palsu.pdf" in html
    db.session.expire_all()
    answer = services.answer_for(innovation, 16)
    assert answer.verification_status is None and answer.awaiting_recheck
    assert "sk-palsu.pdf" in html[html.index('id="line-16"'):]
    again = client.post(f"/reporting/verification/{innovation.id}/lines/16",
                        data={"status": "sesuai", "note": "", "seen": seen_on_page(html, 16)})
    assert again.status_code == 302
    db.session.expire_all()
    assert services.answer_for(innovation, 16).verification_status == VerificationStatus.SESUAI


def test_a_verdict_without_the_line_it_judged_is_refused(db, verified):
    innovation, _, verifier = verified
    answer = services.answer_for(innovation, 16)
    with pytest.raises(ReportingError):
        services.verify_line(answer, "ditolak", None, "x", by=verifier, seen="")
    services.verify_line(answer, "ditolak", None, "x", by=verifier, seen=services.line_fingerprint(answer))
    assert answer.verification_status == VerificationStatus.DITOLAK


def test_the_operator_sees_the_recheck_on_the_indicator_page(client, login, verified):
    innovation, operator, _ = verified
    evidence.attach_file(innovation, indicator_no=16, stream=io.BytesIO(pdf()), filename="sk-baru.pdf",
                         by=operator, replaces=current_file(innovation, 16))
    login(operator)
    page = client.get(f"/innovations/{innovation.id}/indicators/16").get_data(as_text=True)
    box = page[page.index('class="verification-box"'):]
    assert "Perlu diperiksa ulang" in box and "Verifikasi sebelumnya: Sesuai" in box
    assert "sk-lama.pdf → sk-baru.pdf" in box
    assert re.search(r'href="/innovations/\d+/indicators/16"[^>]*data-verdict="recheck"', page)
    detail = client.get(f"/innovations/{innovation.id}").get_data(as_text=True)
    row = detail[detail.index('id="indicator-16"'):]
    assert 'data-verification="recheck"' in row[:row.index("</tr>")]


# --- the export -----------------------------------------------------------------------------------

def indicator_rows(innovation):
    from openpyxl import load_workbook

    from innovation.reporting.export import ExportOptions, write_bundle

    buffer = io.BytesIO()
    write_bundle(buffer, ExportOptions(2026, registered_only=False, include_failing=True,
                                       opd_ids=(innovation.opd_id,), with_files=False))
    book = load_workbook(io.BytesIO(zipfile.ZipFile(buffer).read("inovasi.xlsx")))
    rows = list(book["Indikator"].iter_rows(values_only=True))
    header = rows[0]
    return {r[header.index("No")]: dict(zip(header, r)) for r in rows[1:] if r[1] == innovation.nama}


def test_the_export_shows_a_line_to_recheck_as_not_verified(db, verified):
    innovation, operator, _ = verified
    evidence.attach_file(innovation, indicator_no=16, stream=io.BytesIO(pdf()), filename="sk-baru.pdf",
                         by=operator, replaces=current_file(innovation, 16))
    rows = indicator_rows(innovation)
    assert rows[16]["Status Verifikasi"] == "perlu diperiksa ulang" and rows[16]["Skor"] == 9
    assert rows[33]["Status Verifikasi"] == "sesuai"
    assert rows[18]["Status Verifikasi"] == "ditolak" and rows[18]["Skor"] == 0


def later(innovation, no):
    """Make the line's evidence an hour younger than its verdict, as if swapped before this rule."""
    for item in innovation.evidence:
        if item.indicator_no == no:
            item.created_at = item.created_at + timedelta(hours=1)
    db.session.flush()


def test_the_export_never_carries_a_verdict_older_than_its_evidence(db, verified):
    """A verdict written before this rule (or by hand) that predates a later file: never exported as a
    verdict, scored as claimed; ``flask innovations refresh`` turns it into a line to be re-checked."""
    innovation, operator, _ = verified
    later(innovation, 18)
    assert recheck.outdated_verdicts(innovation) == {18}
    rows = indicator_rows(innovation)
    assert rows[18]["Status Verifikasi"] == "perlu diperiksa ulang" and rows[18]["Skor"] == 6
    assert rows[16]["Status Verifikasi"] == "sesuai"

    assert recheck.invalidate_outdated(innovation) == [18]
    innovations.refresh_derived(innovation)
    answer = services.answer_for(innovation, 18)
    assert answer.awaiting_recheck and recheck.view(answer.recheck_since, answer.recheck).previous_status == "ditolak"
    assert innovation.verified_score == 21


def test_the_refresh_command_recomputes_counts_and_rechecks_outdated_verdicts(app, db, verified):
    innovation, _, _ = verified
    db.session.execute(update(type(innovation)).where(type(innovation).id == innovation.id)
                       .values(gap_count=99, blocking_gap_count=0))
    later(innovation, 33)
    model, innovation_id = type(innovation), innovation.id
    result = app.test_cli_runner().invoke(args=["innovations", "refresh"])
    assert result.exit_code == 0, result.output
    assert "verified line(s) now to be re-checked" in result.output
    innovation = db.session.get(model, innovation_id)  # the command ends with a clean session
    assert innovation.gap_count == innovations.assess(innovation).readiness.count
    assert innovation.blocking_gap_count == len(innovations.assess(innovation).readiness.blocking)
    assert db.session.scalar(select(IndicatorAnswer.recheck_since).where(
        IndicatorAnswer.innovation_id == innovation.id, IndicatorAnswer.indicator_no == 33)) is not None
