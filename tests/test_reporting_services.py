"""Reporting services: verification, resubmission, registration, regional values, the DB-level index."""
from decimal import Decimal

import pytest
from sqlalchemy import select

from innovation.audit.models import AuditEvent
from innovation.innovations import services as innovations
from innovation.innovations.models import Evidence, VerificationStatus
from innovation.reporting import policy, regional, services
from innovation.reporting.services import ReportingError
from innovation.storage.models import StoredFile
from innovation.web import Role


def attach(db, innovation, no):
    stored = StoredFile(key=f"r/{innovation.id}/{no}", original_name="bukti.pdf", content_type="application/pdf",
                        extension="pdf", size=10, sha256="0" * 64)
    db.session.add(stored)
    db.session.flush()
    db.session.add(Evidence(innovation=innovation, indicator_no=no, file_id=stored.id))
    db.session.flush()


@pytest.fixture
def claimed(db, make_user, make_innovation):
    """An innovation with 16 (bobot 3) x3, 17 (bobot 2) x2 and 35 (bobot 4) x3, all with evidence: 9 + 4 + 12 = 25."""
    operator = make_user()
    innovation = make_innovation(opd=operator.opd, rules_year=2026)
    for no, parameter in ((16, 3), (17, 2), (35, 3)):
        attach(db, innovation, no)
        innovations.save_answer(innovation, no, parameter=parameter, basis=None, informasi="", by=operator)
    assert innovation.claimed_score == 25
    return innovation, operator


def actions(db, action):
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


# --- verification ------------------------------------------------------------------------------

def test_sesuai_keeps_the_claim_and_sets_the_verified_score(db, make_user, claimed):
    innovation, _ = claimed
    verifier = make_user(role=Role.VERIFIER)
    answer = services.answer_for(innovation, 16)
    services.verify_line(answer, "sesuai", None, "", by=verifier)
    assert answer.verification_status == VerificationStatus.SESUAI
    assert answer.verified_by_id == verifier.id and answer.verified_at is not None
    assert innovation.verified_score == 25  # nothing changed; the other lines are still pending (as claimed)
    assert actions(db, "indicator.verify")[-1].changes["status"] == [None, "sesuai"]


def test_ditolak_scores_zero_on_that_line(db, make_user, claimed):
    innovation, _ = claimed
    verifier = make_user(role=Role.VERIFIER)
    services.verify_line(services.answer_for(innovation, 35), VerificationStatus.DITOLAK, None,
                         "Video bukan tentang inovasi ini.", by=verifier)
    # 25 - 12 (35 rejected) = 13; the claimed score is unchanged.
    assert innovation.verified_score == 13
    assert innovation.claimed_score == 25
    assert services.answer_for(innovation, 35).verification_note == "Video bukan tentang inovasi ini."


def test_diperbaiki_scores_bobot_times_the_corrected_parameter(db, make_user, claimed):
    innovation, _ = claimed
    admin = make_user(role=Role.ADMIN)
    services.verify_line(services.answer_for(innovation, 16), "diperbaiki", 1, "SK Kepala Dinas, bukan Perda.", by=admin)
    # 16: 3 x 1 = 3 instead of 9 -> 25 - 9 + 3 = 19.
    assert innovation.verified_score == 19
    assert services.answer_for(innovation, 16).verified_parameter == 1


@pytest.mark.parametrize("status", ["diperbaiki", "ditolak"])
def test_a_note_is_required_to_correct_or_reject(db, make_user, claimed, status):
    innovation, _ = claimed
    answer = services.answer_for(innovation, 16)
    with pytest.raises(ReportingError) as error:
        services.verify_line(answer, status, 1, "   ", by=make_user(role=Role.VERIFIER))
    assert error.value.field == "note"
    assert answer.verification_status is None


def test_diperbaiki_needs_a_different_parameter(db, make_user, claimed):
    innovation, _ = claimed
    verifier = make_user(role=Role.VERIFIER)
    answer = services.answer_for(innovation, 16)
    for parameter in (None, 3):  # missing, or the same as claimed
        with pytest.raises(ReportingError) as error:
            services.verify_line(answer, "diperbaiki", parameter, "catatan", by=verifier)
        assert error.value.field == "verified_parameter"


def test_unknown_status_and_unclaimed_lines_are_refused(db, make_user, make_innovation, claimed):
    innovation, operator = claimed
    verifier = make_user(role=Role.VERIFIER)
    with pytest.raises(ReportingError):
        services.verify_line(services.answer_for(innovation, 16), "bagus", None, "", by=verifier)
    with pytest.raises(ReportingError):
        services.answer_for(innovation, 20)  # never answered
    innovations.save_answer(innovation, 20, parameter=None, basis=None, informasi="x", by=operator)
    with pytest.raises(ReportingError):
        services.verify_line(services.answer_for(innovation, 20), "sesuai", None, "", by=verifier)


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.JUDGE])
def test_only_verifiers_and_admins_verify(db, make_user, claimed, role):
    innovation, operator = claimed
    user = operator if role == Role.OPERATOR else make_user(role=role)
    with pytest.raises(ReportingError):
        services.verify_line(services.answer_for(innovation, 16), "sesuai", None, "", by=user)


def test_operator_resubmits_a_rejected_line(db, make_user, claimed):
    innovation, operator = claimed
    verifier = make_user(role=Role.VERIFIER)
    answer = services.answer_for(innovation, 35)
    services.verify_line(answer, "ditolak", None, "Video tidak bisa dibuka.", by=verifier)
    assert innovation.verified_score == 13
    services.resubmit_line(answer, by=operator)
    assert answer.verification_status is None and answer.verified_by_id is None
    assert answer.verification_note == "Video tidak bisa dibuka."  # kept as the previous note
    assert innovation.verified_score is None  # no line is verified any more
    event = actions(db, "indicator.resubmit")[-1]
    assert event.actor_id == operator.id and event.changes["status"] == ["ditolak", None]
    assert innovation.id in services.pending_counts([innovation.id])


def test_resubmit_rules(db, make_user, claimed):
    innovation, operator = claimed
    verifier = make_user(role=Role.VERIFIER)
    answer = services.answer_for(innovation, 16)
    with pytest.raises(ReportingError):  # pending: nothing to resubmit
        services.resubmit_line(answer, by=operator)
    services.verify_line(answer, "sesuai", None, "", by=verifier)
    with pytest.raises(ReportingError):  # accepted lines need no resubmission
        services.resubmit_line(answer, by=operator)
    services.verify_line(answer, "diperbaiki", 2, "Perkada, bukan Perda.", by=verifier)
    with pytest.raises(ReportingError):  # another OPD's operator
        services.resubmit_line(answer, by=make_user())
    services.resubmit_line(answer, by=operator)
    assert answer.verification_status is None


def test_changing_the_parameter_sends_the_line_back(db, make_user, claimed):
    innovation, operator = claimed
    answer = services.answer_for(innovation, 16)
    services.verify_line(answer, "ditolak", None, "Bukan SK.", by=make_user(role=Role.VERIFIER))
    innovations.save_answer(innovation, 16, parameter=2, basis=None, informasi="", by=operator)
    assert answer.verification_status is None


def test_pending_counts_and_queue(db, make_user, claimed):
    innovation, _ = claimed
    assert services.pending_counts([innovation.id]) == {innovation.id: 3}
    queue_ids = set(db.session.scalars(services.queue_query(services.ListFilters(opd_ids=(innovation.opd_id,)))))
    assert innovation in queue_ids
    verifier = make_user(role=Role.VERIFIER)
    for no in (16, 17, 35):
        services.verify_line(services.answer_for(innovation, no), "sesuai", None, "", by=verifier)
    assert services.pending_counts([innovation.id]) == {}
    assert not list(db.session.scalars(services.queue_query(services.ListFilters(opd_ids=(innovation.opd_id,)))))


# --- registration ------------------------------------------------------------------------------

def test_admin_registers_and_unregisters(db, make_user, make_innovation):
    admin = make_user(role=Role.ADMIN)
    innovation = make_innovation()
    services.register(innovation, nomor_register=" IGA-2026-001 ", by=admin)
    assert innovation.registered_at is not None and innovation.nomor_register == "IGA-2026-001"
    services.unregister(innovation, by=admin)
    assert innovation.registered_at is None
    assert [e.action for e in db.session.scalars(select(AuditEvent).where(AuditEvent.object_id == innovation.id,
                                                                            AuditEvent.object_type == "innovation")
                                                 .order_by(AuditEvent.id))
            ][-2:] == ["innovation.register", "innovation.unregister"]


@pytest.mark.parametrize("role", [Role.VERIFIER, Role.OPERATOR])
def test_only_admins_register(db, make_user, make_innovation, role):
    innovation = make_innovation()
    with pytest.raises(ReportingError):
        services.register(innovation, by=make_user(role=role))
    innovation.registered_at = innovation.created_at
    with pytest.raises(ReportingError):
        services.unregister(innovation, by=make_user(role=role))


def test_bulk_registration(db, make_user, make_innovation):
    admin = make_user(role=Role.ADMIN)
    a, b = make_innovation(), make_innovation()
    assert services.set_registration([a.id, b.id], registered=True, by=admin) == 2
    assert services.set_registration([a.id, b.id], registered=True, by=admin) == 0  # already registered
    assert services.set_registration([a.id], registered=False, by=admin) == 1
    assert a.registered_at is None and b.registered_at is not None
    with pytest.raises(ReportingError):
        services.set_registration([], registered=True, by=admin)
    with pytest.raises(ReportingError):
        services.set_registration([a.id, 10**9], registered=True, by=admin)


# --- regional indicators -----------------------------------------------------------------------

def test_regional_values_are_saved_and_logged(db, make_user):
    verifier = make_user(role=Role.VERIFIER)
    changed = regional.save_regional_values(2026, {
        1: {"score": "3", "note": "RPJMD memuat inovasi", "evidence_url": "https://jdih.example.go.id/rpjmd.pdf"},
        6: {"score": "2,25", "note": "", "evidence_url": ""},  # comma as decimal mark
        7: {"score": "", "note": "", "evidence_url": ""},  # empty = 0, unchanged from nothing
    }, by=verifier)
    assert changed == 2
    scores = services.regional_scores(2026)
    assert scores[1] == Decimal("3.00") and scores[6] == Decimal("2.25") and 7 not in scores
    assert len(actions(db, "regional.update")) >= 2
    # The same values again change nothing.
    assert regional.save_regional_values(2026, {1: {"score": "3.00", "note": "RPJMD memuat inovasi",
                                                     "evidence_url": "https://jdih.example.go.id/rpjmd.pdf"}},
                                         by=verifier) == 0


@pytest.mark.parametrize(("no", "raw", "field"), [
    (1, {"score": "3.01"}, "score-1"),  # above bobot 1 x 3
    (6, {"score": "-1"}, "score-6"),
    (6, {"score": "abc"}, "score-6"),
    (6, {"score": "1.255"}, "score-6"),  # three decimals
    (6, {"score": "NaN"}, "score-6"),
    (2, {"score": "1", "evidence_url": "javascript:alert(1)"}, "evidence_url-2"),
])
def test_regional_values_are_checked_all_or_nothing(db, make_user, no, raw, field):
    admin = make_user(role=Role.ADMIN)
    with pytest.raises(ReportingError) as error:
        regional.save_regional_values(2025, {3: {"score": "2"}, no: raw}, by=admin)
    assert error.value.field == field
    assert services.regional_scores(2025).get(3) is None


def test_regional_values_need_the_planning_office(db, make_user):
    with pytest.raises(ReportingError):
        regional.save_regional_values(2026, {1: {"score": "1"}}, by=make_user())
    with pytest.raises(ReportingError):
        regional.save_regional_values(2026, {99: {"score": "1"}}, by=make_user(role=Role.ADMIN))
    assert policy.can_edit_regional(make_user(role=Role.VERIFIER))


# --- the district index from the database -------------------------------------------------------

def test_district_index_counts_registered_innovations_of_the_year(db, make_user, make_innovation, claimed):
    innovation, _ = claimed
    admin = make_user(role=Role.ADMIN)
    before = services.district_index(2026, verified=False)
    before_all = services.district_index(2026, verified=False, registered_only=False)
    services.register(innovation, by=admin)
    make_innovation(rules_year=2025, registered_at=innovation.registered_at)  # another year: not counted in 2026
    after = services.district_index(2026, verified=False)
    assert after.year == 2026
    assert after.n == before.n + 1 and after.sum_lines == before.sum_lines + 25
    assert services.district_index(2026, verified=False, registered_only=False).n == before_all.n
    # Verified: rejecting 35 removes 12 line points and names the line among the changes.
    services.verify_line(services.answer_for(innovation, 35), "ditolak", None, "Tidak sah.", by=admin)
    verified = services.district_index(2026, verified=True, top=1000)
    assert verified.sum_lines == after.sum_lines - 12
    assert any(c.kind == "rejected" and c.innovation_id == innovation.id and c.indicator_no == 35
               for c in verified.changes)
    old_13 = services.regional_scores(2026).get(13, Decimal(0))
    regional.save_regional_values(2026, {13: {"score": "6"}}, by=admin)
    assert services.district_index(2026, verified=True).spd == verified.spd - old_13 + 6


def test_district_index_statements_do_not_grow(db, make_user, make_innovation, claimed, count_statements):
    admin = make_user(role=Role.ADMIN)
    innovation, operator = claimed
    services.register(innovation, by=admin)
    db.session.flush()
    db.session.expire_all()
    with count_statements() as few:
        services.district_index(2026, verified=True)
    for _ in range(8):
        other = make_innovation(opd=operator.opd, rules_year=2026)
        attach(db, other, 16)
        innovations.save_answer(other, 16, parameter=1, basis=None, informasi="", by=operator)
        services.register(other, by=admin)
    db.session.flush()
    db.session.expire_all()
    with count_statements() as many:
        services.district_index(2026, verified=True)
    assert few.count == many.count
