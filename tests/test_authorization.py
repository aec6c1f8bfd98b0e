"""The authorization table: every URL rule of the app, with who may use it.

Actors: ``anon`` (not logged in), ``owner`` (operator of the OPD that owns the objects), ``other``
(operator of another OPD), ``judge``, ``verifier``, ``admin``. For each rule the test sends a real
request as every actor: an allowed actor must not be refused (no 401/403, no redirect to the login
page); any other actor must be refused (403, or the login redirect / 401 for anonymous).
A rule added to the app without a line here fails ``test_every_rule_has_a_policy``.
"""
from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from datetime import timedelta

import pytest

from innovation.extensions import utcnow
from innovation.web import Role

ACTORS = ("anon", "owner", "other", "judge", "verifier", "admin")
ALL = set(ACTORS)
LOGGED_IN = ALL - {"anon"}
ADMIN = {"admin"}
EDITORS = {"owner", "admin"}
READERS = {"owner", "admin", "verifier"}
UPLOADERS = {"owner", "other", "admin"}  # role check only; the object check follows (see tus tests)


@dataclass
class Rule:
    method: str
    path: str  # formatted with the world's ids
    allowed: set[str]
    data: dict | None = None
    headers: dict | None = None


TUS = {"Tus-Resumable": "1.0.0"}

POLICY: dict[str, Rule] = {
    # public
    "static": Rule("GET", "/static/css/app.css", ALL),
    "home.healthz": Rule("GET", "/healthz", ALL),
    "auth.login": Rule("GET", "/auth/login", ALL),
    "auth.reset": Rule("GET", "/auth/reset/{reset_token}", ALL),
    "auth.language": Rule("POST", "/auth/language/en", ALL),
    # every logged-in user
    "home.index": Rule("GET", "/", LOGGED_IN),
    "auth.logout": Rule("POST", "/auth/logout", LOGGED_IN),  # anonymous: sent to the login page
    "auth.password": Rule("GET", "/auth/password", LOGGED_IN),
    # the second sign-in step: without a password step pending, anonymous is sent back to the login page
    "auth.second_factor": Rule("GET", "/auth/login/code", LOGGED_IN),
    "auth.security": Rule("GET", "/auth/security", LOGGED_IN),
    # only one's own session: another user's is a 404 for everyone (tests/test_sessions.py)
    "auth.session_end": Rule("POST", "/auth/sessions/{target_session}/end", LOGGED_IN),
    "auth.sessions_end_others": Rule("POST", "/auth/sessions/end-others", LOGGED_IN),
    "auth.two_factor_setup": Rule("GET", "/auth/two-factor", {"verifier", "admin"}),
    "auth.two_factor_recovery": Rule("POST", "/auth/two-factor/recovery-codes", {"verifier", "admin"}),
    "auth.two_factor_disable": Rule("POST", "/auth/two-factor/disable", {"verifier", "admin"}),
    "events.index": Rule("GET", "/events/", LOGGED_IN),
    "events.detail": Rule("GET", "/events/{event_slug}", LOGGED_IN),
    # accounts (admin)
    "auth.users": Rule("GET", "/auth/users", ADMIN),
    "auth.user_create": Rule("GET", "/auth/users/new", ADMIN),
    "auth.user_edit": Rule("GET", "/auth/users/{target_user}/edit", ADMIN),
    "auth.user_activate": Rule("POST", "/auth/users/{target_user}/activate", ADMIN),
    "auth.user_deactivate": Rule("POST", "/auth/users/{target_user}/deactivate", ADMIN),
    "auth.user_reset": Rule("POST", "/auth/users/{target_user}/reset", ADMIN),
    "auth.user_sessions_end": Rule("POST", "/auth/users/{target_user}/sessions/end", ADMIN),
    "auth.user_two_factor_reset": Rule("POST", "/auth/users/{target_user}/two-factor/reset", ADMIN),
    "auth.users_import": Rule("GET", "/auth/users/import", ADMIN),
    "auth.users_import_template": Rule("GET", "/auth/users/import/template.csv", ADMIN),
    # OPDs and audit (admin)
    "orgs.index": Rule("GET", "/orgs/", ADMIN),
    "orgs.create": Rule("GET", "/orgs/new", ADMIN),
    "orgs.edit": Rule("GET", "/orgs/{owner_opd}/edit", ADMIN),
    "orgs.import_csv": Rule("GET", "/orgs/import", ADMIN),
    "orgs.import_template": Rule("GET", "/orgs/import/template.csv", ADMIN),
    "audit.index": Rule("GET", "/audit/", ADMIN),
    # events (admin management)
    "events.create": Rule("GET", "/events/new", ADMIN),
    "events.edit": Rule("GET", "/events/{event_slug}/edit", ADMIN),
    "events.add_category": Rule("POST", "/events/{event_slug}/categories", ADMIN, {"name": "Kategori Baru"}),
    "events.rename_category": Rule("POST", "/events/{event_slug}/categories/{category}/rename", ADMIN,
                                   {"name": "Nama Lain"}),
    "events.move_category": Rule("POST", "/events/{event_slug}/categories/{category}/move", ADMIN,
                                 {"direction": "down"}),
    "events.remove_category": Rule("POST", "/events/{event_slug}/categories/{empty_category}/delete", ADMIN),
    "events.extensions": Rule("GET", "/events/{event_slug}/extensions", ADMIN),
    "events.edit_extension": Rule("GET", "/events/{event_slug}/extensions/{extension}/edit", ADMIN),
    "events.revoke_extension": Rule("POST", "/events/{event_slug}/extensions/{extension}/revoke", ADMIN),
    "events.entries": Rule("GET", "/events/{event_slug}/entries", ADMIN),
    # entries (the owning OPD's operator, and admins)
    "events.enter": Rule("POST", "/events/{event_slug}/enter", EDITORS,
                         {"innovation_id": "{spare_innovation}", "category_id": "{category}"}),
    "events.entry": Rule("GET", "/events/{event_slug}/entries/{entry}", READERS),
    "events.change_category": Rule("POST", "/events/{event_slug}/entries/{entry}/category", EDITORS,
                                   {"category_id": "{category}"}),
    "events.submit_entry": Rule("POST", "/events/{event_slug}/entries/{entry}/submit", EDITORS),
    "events.withdraw_entry": Rule("POST", "/events/{event_slug}/entries/{entry}/withdraw", EDITORS),
    # innovations
    "innovations.index": Rule("GET", "/innovations/", READERS | {"other"}),  # each sees only what they may
    "innovations.new": Rule("GET", "/innovations/new", {"owner", "other", "admin"}),
    "innovations.detail": Rule("GET", "/innovations/{innovation}", READERS),
    "innovations.profile": Rule("GET", "/innovations/{innovation}/profile", EDITORS),
    "innovations.indicator": Rule("GET", "/innovations/{innovation}/indicators/16", READERS),
    "innovations.evidence_upload": Rule("POST", "/innovations/{innovation}/evidence", EDITORS,
                                        {"indicator_no": "16"}),
    "innovations.evidence_link": Rule("POST", "/innovations/{innovation}/evidence/link", EDITORS,
                                      {"indicator_no": "35", "url": "https://example.org/video", "title": "Video"}),
    "innovations.evidence_remove": Rule("POST", "/innovations/evidence/{evidence}/remove", EDITORS),
    "innovations.evidence_download": Rule("GET", "/innovations/evidence/{evidence}/file", READERS),
    # reporting: the planning office (verifiers) and admins; registration by admins only
    # judging results: admins; operators after publication (own entries in full, the public ranking)
    "judging.results_index": Rule("GET", "/judging/results", {"owner", "other", "admin"}),
    "judging.results": Rule("GET", "/judging/rounds/{results_round}/results", ADMIN),
    "judging.publish_results": Rule("POST", "/judging/rounds/{results_round}/results/publish", ADMIN),
    "judging.reopen_results": Rule("POST", "/judging/rounds/{results_round}/results/reopen", ADMIN,
                                   {"reason": "Satu juri salah memasukkan nilai"}),
    "judging.settle_tie": Rule("POST", "/judging/rounds/{results_round}/results/ties", ADMIN),
    "judging.my_results": Rule("GET", "/judging/rounds/{results_round}/my-results", {"owner", "other", "admin"}),
    "judging.results_export": Rule("GET", "/judging/events/{event_slug}/results.xlsx", ADMIN),
    "judging.certificate": Rule("GET", "/judging/rounds/{results_round}/certificates/{entry}.pdf", EDITORS),
    # judging workflow: the judge's queue and score sheet (assigned, not conflicted); admin pages
    "judging.queue": Rule("GET", "/judging/", {"judge", "admin"}),
    "judging.score": Rule("GET", "/judging/entries/{judging_entry}", {"judge"}),
    "judging.evidence_file": Rule("GET", "/judging/entries/{judging_entry}/evidence/{evidence}", {"judge", "admin"}),
    "judging.recuse": Rule("POST", "/judging/entries/{judging_entry}/recuse", {"judge"}, {"reason": "Kerabat saya"}),
    "judging.total_seen": Rule("POST", "/judging/sheets/{score_sheet}/total-seen", {"judge"}),
    # the presentation day (issue 14): the chair's schedule; the operator's own slots
    "judging.schedule": Rule("GET", "/judging/rounds/{judging_round}/schedule", ADMIN),
    "judging.schedule_order": Rule("POST", "/judging/rounds/{judging_round}/schedule/order", ADMIN),
    "judging.schedule_draw": Rule("POST", "/judging/rounds/{judging_round}/schedule/draw", ADMIN, {"seed": "a"}),
    "judging.schedule_pdf": Rule("GET", "/judging/rounds/{judging_round}/schedule.pdf", ADMIN),
    "judging.my_schedule": Rule("GET", "/judging/schedule", {"owner", "other"}),
    "judging.schedule_seen": Rule("POST", "/judging/schedule/seen", {"owner", "other"}),
    "judging.console": Rule("GET", "/judging/rounds/{judging_round}/console", ADMIN),
    "judging.console_action": Rule("POST", "/judging/rounds/{judging_round}/console/next", ADMIN),
    "judging.console_state": Rule("GET", "/judging/rounds/{judging_round}/live.json", ADMIN),
    "judging.display_link": Rule("POST", "/judging/rounds/{judging_round}/display-link", ADMIN),
    "judging.display_revoke": Rule("POST", "/judging/rounds/{judging_round}/display-link/revoke", ADMIN),
    # discussion and calibration (issue 14): the chair's pages; a judge's pages check the phase and sheet
    # (test_judging_discussion.py, test_judging_calibration.py), so here the judge of the world has no access
    "judging.discussion_round": Rule("GET", "/judging/rounds/{judging_round}/discussion", ADMIN),
    "judging.discussion_phase": Rule("POST", "/judging/rounds/{judging_round}/discussion/close", ADMIN),
    "judging.discussion_queue": Rule("GET", "/judging/discussion", {"judge"}),
    "judging.discussion_entry": Rule("GET", "/judging/entries/{judging_entry}/discussion", ADMIN),
    "judging.discussion_comment": Rule("POST", "/judging/entries/{judging_entry}/discussion/comments", ADMIN,
                                       {"body": "Mohon dicek ulang"}),
    "judging.discussion_revise": Rule("POST", "/judging/entries/{judging_entry}/discussion/revise", set()),
    "judging.calibration_round": Rule("GET", "/judging/rounds/{judging_round}/calibration", ADMIN),
    "judging.calibration_remove": Rule("POST", "/judging/rounds/{judging_round}/calibration/remove", ADMIN),
    "judging.calibration_score": Rule("GET", "/judging/rounds/{judging_round}/calibration/score", {"judge"}),
    # the projector view: the display link is the key (a wrong or revoked one is a 404, test_judging_live.py)
    "judging.display": Rule("GET", "/judging/display/{display_token}", ALL),
    "judging.display_state": Rule("GET", "/judging/display/{display_token}/state.json", ALL),
    "judging.event_rounds": Rule("GET", "/judging/events/{event_slug}", ADMIN),
    "judging.default_rounds": Rule("POST", "/judging/events/{event_slug}/default-rounds", ADMIN),
    "judging.round_create": Rule("GET", "/judging/events/{event_slug}/rounds/new", ADMIN),
    "judging.round_edit": Rule("GET", "/judging/rounds/{judging_round}/edit", ADMIN),
    "judging.round_move": Rule("POST", "/judging/rounds/{judging_round}/move", ADMIN, {"direction": "down"}),
    "judging.round_detail": Rule("GET", "/judging/rounds/{judging_round}", ADMIN),
    "judging.round_populate": Rule("POST", "/judging/rounds/{admin_round}/populate", ADMIN),
    "judging.decide": Rule("POST", "/judging/rounds/{admin_round}/decide", ADMIN,
                           {"round_entry_id": "{admin_entry}", "verdict": "pass", "reason": "Lengkap"}),
    "judging.panel_add": Rule("POST", "/judging/rounds/{judging_round}/panel", ADMIN, {"judge_id": "{judge_id}"}),
    "judging.panel_remove": Rule("POST", "/judging/panel/{panel_member}/remove", ADMIN),
    "judging.assign": Rule("POST", "/judging/rounds/{judging_round}/assign", ADMIN,
                           {"round_entry_id": "{judging_entry}", "judge_id": "{judge_id}"}),
    "judging.unassign": Rule("POST", "/judging/assignments/{assignment}/remove", ADMIN),
    "judging.dismiss": Rule("POST", "/judging/assignments/{assignment}/dismiss", ADMIN),
    "judging.auto_assign": Rule("POST", "/judging/rounds/{judging_round}/auto-assign", ADMIN, {"seed": "1"}),
    "judging.progress": Rule("GET", "/judging/rounds/{judging_round}/progress", ADMIN),
    "judging.advance": Rule("GET", "/judging/rounds/{judging_round}/advance", ADMIN),
    "judging.rubric": Rule("GET", "/judging/rounds/{judging_round}/rubric", ADMIN),
    "judging.criterion_remove": Rule("POST", "/judging/criteria/{criterion}/remove", ADMIN),
    "judging.criterion_add": Rule("GET", "/judging/rounds/{judging_round}/rubric/criteria/new", ADMIN),
    "judging.criterion_edit": Rule("GET", "/judging/criteria/{criterion}/edit", ADMIN),
    "reporting.dashboard": Rule("GET", "/reporting/", {"verifier", "admin"}),
    "reporting.registration": Rule("POST", "/reporting/registration", ADMIN,
                                   {"innovation_id": "{spare_innovation}", "action": "register"}),
    "reporting.register_innovation": Rule("POST", "/reporting/innovations/{spare_innovation}/registration", ADMIN,
                                          {"action": "register", "nomor_register": "IGA-1"}),
    "reporting.regional": Rule("GET", "/reporting/regional", {"verifier", "admin"}),
    "reporting.regional_evidence_upload": Rule("POST", "/reporting/regional/evidence", {"verifier", "admin"},
                                               {"year": "2026", "indicator_no": "1"}),
    "reporting.regional_evidence_remove": Rule("POST", "/reporting/regional/evidence/{regional_evidence}/remove",
                                               {"verifier", "admin"}),
    "reporting.regional_evidence_download": Rule("GET", "/reporting/regional/evidence/{regional_evidence}/file",
                                                 {"verifier", "admin"}),
    "reporting.queue": Rule("GET", "/reporting/verification", {"verifier", "admin"}),
    "reporting.verify": Rule("GET", "/reporting/verification/{innovation}", {"verifier", "admin"}),
    "reporting.verify_line": Rule("POST", "/reporting/verification/{innovation}/lines/16", {"verifier", "admin"},
                                  {"status": "sesuai"}),
    "reporting.resubmit": Rule("POST", "/reporting/innovations/{innovation}/lines/16/resubmit", EDITORS),
    "reporting.export_bundle": Rule("GET", "/reporting/export", ADMIN),
    "innovations.carry_one": Rule("GET", "/innovations/{innovation}/carry", EDITORS),
    "innovations.carry_many": Rule("GET", "/innovations/carry", {"owner", "other", "admin"}),
    "reporting.index_advice": Rule("GET", "/reporting/advice", {"verifier", "admin"}),
    "reporting.progress_board": Rule("GET", "/reporting/progress", ADMIN),
    "reporting.rule_years": Rule("GET", "/reporting/rules", ADMIN),
    "reporting.rule_year": Rule("GET", "/reporting/rules/2026", ADMIN),
    "reporting.rule_file": Rule("GET", "/reporting/rules/2026.json", ADMIN),
    "reporting.rule_upload": Rule("POST", "/reporting/rules/upload", ADMIN, {"action": "check"}),
    "reporting.duplicate_report": Rule("GET", "/reporting/duplicates", ADMIN),
    "reporting.duplicate_distinct": Rule("POST", "/reporting/duplicates/distinct", ADMIN,
                                         {"first": "{innovation}", "second": "{spare_innovation}"}),
    "reporting.duplicate_merge": Rule("POST", "/reporting/duplicates/merge", ADMIN,
                                      {"first": "{innovation}", "second": "{innovation}"}),
    # background jobs: only the job's creator (here an admin) and admins
    "jobs.status": Rule("GET", "/jobs/{job}", ADMIN),
    "jobs.status_json": Rule("GET", "/jobs/{job}.json", ADMIN),
    "jobs.download": Rule("GET", "/jobs/{job}/download", ADMIN),
    # resumable uploads (tus): only operators and admins; the upload itself belongs to its creator
    "uploads.tus_options": Rule("OPTIONS", "/uploads/tus", UPLOADERS, headers=TUS),
    "uploads.tus_create": Rule("POST", "/uploads/tus", EDITORS, headers={
        **TUS, "Upload-Length": "10",
        "Upload-Metadata": "filename {b64name},innovation_id {b64innovation},indicator_no {b64no}"}),
    "uploads.tus_upload": Rule("HEAD", "/uploads/tus/{upload}", {"owner"}, headers=TUS),
    "uploads.tus_patch": Rule("PATCH", "/uploads/tus/{upload}", {"owner"}, headers={
        **TUS, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"}),
    "uploads.tus_delete": Rule("DELETE", "/uploads/tus/{upload}", {"owner"}, headers=TUS),
    # the public showcase, open data, sitemap: anyone (what they show is tested in test_public*.py)
    "public.index": Rule("GET", "/public/", ALL),
    "public.innovation": Rule("GET", "/public/innovations/{registered}", ALL),
    "public.evidence_file": Rule("GET", "/public/evidence/{public_evidence}/file", ALL),
    "public.events": Rule("GET", "/public/events/", ALL),
    "public.event_results": Rule("GET", "/public/events/{event_slug}/results", ALL),
    "public.snapshot_json": Rule("GET", "/public/results/{snapshot}.json", ALL),
    "public.open_data": Rule("GET", "/public/data/", ALL),
    "public.dictionary": Rule("GET", "/public/data/dictionary", ALL),
    "public.data_csv": Rule("GET", "/public/data/innovations.csv", ALL),
    "public.data_json": Rule("GET", "/public/data/innovations.json", ALL),
    "site.sitemap_xml": Rule("GET", "/sitemap.xml", ALL),
    "site.robots_txt": Rule("GET", "/robots.txt", ALL),
    # deciding what is public: the OPD offers its evidence, admins choose fields and approve
    "public.offer": Rule("POST", "/public/evidence/{evidence}/offer", EDITORS, {"public": "1"}),
    "public.settings": Rule("GET", "/public/settings", ADMIN),
    "public.review": Rule("GET", "/public/review", ADMIN),
    "public.decide": Rule("POST", "/public/review/{evidence}", ADMIN, {"decision": "approve"}),
    # the read API: public data for anyone; a session opens nothing more, a token does (test_api.py)
    "api.index": Rule("GET", "/api/v1/", ALL),
    "api.innovations": Rule("GET", "/api/v1/innovations", ALL),
    "api.innovation": Rule("GET", "/api/v1/innovations/{registered}", ALL),
    "api.opds": Rule("GET", "/api/v1/opds", ALL),
    "api.opd": Rule("GET", "/api/v1/opds/{owner_opd}", ALL),
    "api.events": Rule("GET", "/api/v1/events", ALL),
    "api.event": Rule("GET", "/api/v1/events/{event_slug}", ALL),
    "api.event_results": Rule("GET", "/api/v1/events/{event_slug}/results", ALL),
    "api.index_years": Rule("GET", "/api/v1/index", ALL, headers={"Authorization": "Bearer {api_token}"}),
    "api.district_index": Rule("GET", "/api/v1/index/2026", ALL, headers={"Authorization": "Bearer {api_token}"}),
    "api.followup": Rule("GET", "/api/v1/followup", ALL, headers={"Authorization": "Bearer {api_token}"}),
    "api_docs.openapi": Rule("GET", "/api/v1/openapi.json", ALL),
    "api_docs.reference": Rule("GET", "/api/v1/docs", ALL),
    "api_docs.api_root": Rule("GET", "/api/", ALL),
    "api_docs.openapi_root": Rule("GET", "/openapi.json", ALL),
    # API tokens and webhooks (admin)
    "api_admin.tokens_page": Rule("GET", "/api/tokens", ADMIN),
    "api_admin.revoke_token": Rule("POST", "/api/tokens/{api_token_id}/revoke", ADMIN),
    "api_admin.webhooks_page": Rule("GET", "/api/webhooks", ADMIN),
    "api_admin.webhook": Rule("GET", "/api/webhooks/{webhook}", ADMIN),
    "api_admin.rotate_webhook_secret": Rule("POST", "/api/webhooks/{webhook}/rotate", ADMIN),
    "api_admin.delete_webhook": Rule("POST", "/api/webhooks/{webhook}/delete", ADMIN),
    "api_admin.retry_delivery": Rule("POST", "/api/deliveries/{delivery}/retry", ADMIN),
    # documents (issue 14): settings and logo for admins; verifying a certificate for anyone
    "documents.event_settings": Rule("GET", "/documents/events/{event_slug}/settings", ADMIN),
    "documents.logo": Rule("GET", "/documents/events/{event_slug}/logo", ADMIN),
    "public.verify_certificate": Rule("GET", "/public/certificates/verify", ALL),
    "public.recompute_script": Rule("GET", "/public/results/recompute_results.py", ALL),
    "documents.minutes": Rule("GET", "/documents/rounds/{results_round}/berita-acara.pdf", ADMIN),
    "documents.recap": Rule("GET", "/documents/rounds/{results_round}/rekap.pdf", ADMIN),
    "documents.decree": Rule("GET", "/documents/rounds/{results_round}/sk-pemenang.docx", ADMIN),
    "documents.certificates_zip": Rule("GET", "/documents/rounds/{results_round}/sertifikat.zip", ADMIN),
}
POLICY.update({  # notifications (issue 15): everyone's inbox and settings; the delivery log for admins
    "notify.inbox": Rule("GET", "/notify/", LOGGED_IN),
    "notify.open_message": Rule("POST", "/notify/{notification}/open", LOGGED_IN),  # another's: back to the inbox
    "notify.read_all": Rule("POST", "/notify/read-all", LOGGED_IN),
    "notify.settings": Rule("GET", "/notify/settings", LOGGED_IN),
    "notify.deliveries": Rule("GET", "/notify/deliveries", ADMIN),
    "notify.retry": Rule("POST", "/notify/deliveries/{notification_delivery}/retry", ADMIN),
    # the follow-up clock: the office sees every OPD, an operator their own (another's: 403)
    "followup.index": Rule("GET", "/followup/", {"owner", "other", "verifier", "admin"}),
    "followup.opd": Rule("GET", "/followup/opd/{owner_opd}", {"owner", "verifier", "admin"}),
    # the leaders' view: the pimpinan role (tests/test_leaders.py) and admins
    "leaders.index": Rule("GET", "/leaders/", ADMIN),
    "leaders.opd": Rule("GET", "/leaders/opd/{owner_opd}", ADMIN),
})
POLICY.update({  # people's choice (issue 14): the voting page is public; its settings, tally and poster are the admin's
    "choice.vote": Rule("GET", "/choice/{event_slug}", ALL),
    "choice.settings": Rule("GET", "/choice/events/{event_slug}", ADMIN),
    "choice.poster": Rule("GET", "/choice/events/{event_slug}/poster", ADMIN),
})


def test_every_rule_has_a_policy(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = sorted(endpoints - POLICY.keys())
    assert not missing, f"URL rules without a declared authorization policy: {missing}"
    stale = sorted(POLICY.keys() - endpoints)
    assert not stale, f"policies for rules that no longer exist: {stale}"


def _b64(value) -> str:
    return base64.b64encode(str(value).encode()).decode()


@pytest.fixture
def world(db, make_opd, make_user, make_innovation, make_event):
    from innovation.auth.services import issue_reset_token
    from innovation.events import entries
    from innovation.events import services as events
    from innovation.events.models import Category
    from innovation.innovations import evidence
    from innovation.uploads import services as uploads

    owner_opd, other_opd = make_opd(), make_opd()
    users = {
        "owner": make_user(role=Role.OPERATOR, opd=owner_opd),
        "other": make_user(role=Role.OPERATOR, opd=other_opd),
        "judge": make_user(role=Role.JUDGE),
        "verifier": make_user(role=Role.VERIFIER),
        "admin": make_user(role=Role.ADMIN),
    }
    target = make_user(role=Role.OPERATOR, opd=other_opd)
    from innovation.auth.sessions import sign_in

    target_session = sign_in(target, remember=False, ip_address=None, user_agent=None)
    innovation = make_innovation(opd=owner_opd)
    spare = make_innovation(opd=owner_opd)
    item = evidence.attach_file(innovation, indicator_no=16, stream=io.BytesIO(b"%PDF-1.4\n%%EOF\n"),
                                filename="sk.pdf", by=users["owner"])
    event = make_event(closes_at=utcnow() + timedelta(days=5))
    empty = Category(event=event, name="Kosong", position=9)
    db.session.add(empty)
    entry = entries.enter_innovation(event, innovation, event.categories[0], by=users["owner"])
    extension = events.grant_extension(event, other_opd, event.closes_at + timedelta(days=2), "Jaringan putus",
                                       by=users["admin"])
    upload = uploads.create_upload(
        user=users["owner"], length=10, metadata={"filename": "a.pdf", "innovation_id": str(innovation.id),
                                             "indicator_no": "17"})
    db.session.flush()
    from test_judging_results import build_round

    from innovation.judging.publication import publish  # a published round for the results routes

    results = build_round(db, event=event, entries=[entry], judges=[users["judge"]], grid={(0, 0): ["4"] * 5})
    publish(results.round, by=users["admin"])
    from innovation.judging import assignments as judging_assignments
    from innovation.judging import panels as judging_panels
    from innovation.judging import rounds as judging_rounds
    from innovation.judging import rubrics as judging_rubrics

    judging_rubrics.seed_builtin_rubrics()
    now = utcnow()
    open_round = judging_rounds.create_round(event, {  # an open scored round: the judge has the entry
        "name": "Penilaian terbuka", "kind": "penilaian", "opens_at": now - timedelta(hours=1),
        "closes_at": now + timedelta(days=2), "judges_per_entry": 1,
    }, rubric=judging_rubrics.get_by_code(judging_rubrics.IGA_CODE), by=users["admin"])
    admin_round = judging_rounds.create_round(event, {
        "name": "Seleksi", "kind": "administrasi", "opens_at": now, "closes_at": now + timedelta(days=1),
    }, by=users["admin"])
    from innovation.judging.models import RoundEntry

    judging_entry, admin_entry = RoundEntry(round=open_round, entry=entry), RoundEntry(round=admin_round, entry=entry)
    db.session.add_all([judging_entry, admin_entry])
    db.session.flush()
    assignment = judging_assignments.assign_judge(judging_entry, users["judge"], by=users["admin"])
    panel_member = judging_panels.panel_of(open_round)[0]
    from innovation.jobs.models import Job, JobStatus  # a finished job of the admin's, with its result
    from innovation.storage import get_storage, new_key
    from innovation.storage.models import StoredFile

    job_key = new_key()
    job_blob = get_storage().save(job_key, io.BytesIO(b"PK\x05\x06" + b"\0" * 18))
    job = Job(kind="kemendagri_export", status=JobStatus.DONE, params={}, progress=1, total=1, message="",
              created_by_id=users["admin"].id, result_file=StoredFile(
                  key=job_key, original_name="kemendagri.zip", content_type="application/zip", extension="zip",
                  size=job_blob.size, sha256=job_blob.sha256))
    db.session.add(job)
    from innovation.reporting.regional import attach_regional_file

    regional_item = attach_regional_file(2026, 1, stream=io.BytesIO(b"%PDF-1.4\n%%EOF\n"), filename="perda.pdf",
                                         by=users["verifier"])
    from innovation.api import tokens as api_tokens  # the public side and the API (issue 16)
    from innovation.api import webhooks as api_webhooks
    from innovation.judging.results import latest_snapshot
    from innovation.outbox.models import DeliveryStatus, OutboxDelivery, OutboxEvent
    from innovation.public import sharing
    from innovation.reporting.services import register

    registered = make_innovation(opd=owner_opd)
    register(registered, by=users["admin"])
    public_item = evidence.attach_file(registered, indicator_no=16, stream=io.BytesIO(b"%PDF-1.4\n%%EOF\n"),
                                       filename="publik.pdf", by=users["owner"])
    sharing.offer(public_item, public=True, by=users["owner"])
    sharing.decide(public_item, approve=True, by=users["admin"])
    token_row, api_token = api_tokens.create_token(name="Uji", scopes=list(api_tokens.SCOPE_CODES), by=users["admin"])
    hook, _ = api_webhooks.create_endpoint(name="Uji", url="http://127.0.0.1:9/hook", events=["results.published"],
                                           by=users["admin"])
    hook.active = False  # nobody listens: no delivery job starts after a request
    outbox_event = db.session.scalars(db.select(OutboxEvent)).first()
    delivery = OutboxDelivery(event_id=outbox_event.id, consumer="webhooks", target=hook.target, payload={"body": {}},
                              status=DeliveryStatus.FAILED, attempts=7)
    db.session.add(delivery)
    from innovation.judging import live as judging_live  # the presentation day (issue 14)
    from innovation.judging import schedule as judging_schedule

    day_schedule = judging_schedule.save_schedule(open_round, {
        "starts_at": now + timedelta(days=1), "room": "Aula", "presentation_minutes": 10, "qa_minutes": 5,
        "changeover_minutes": 5}, by=users["admin"])
    display_token = judging_live.create_display_link(day_schedule, by=users["admin"])
    db.session.flush()
    ids = {
        "owner_opd": owner_opd.id, "target_user": target.id, "innovation": innovation.id,
        "spare_innovation": spare.id, "evidence": item.id, "event_slug": event.slug,
        "category": event.categories[0].id, "empty_category": empty.id, "extension": extension.id,
        "entry": entry.id, "upload": upload.id, "results_round": results.round.id,
        "judging_round": open_round.id, "judging_entry": judging_entry.id, "admin_round": admin_round.id,
        "admin_entry": admin_entry.id, "assignment": assignment.id, "panel_member": panel_member.id,
        "criterion": open_round.rubric.criteria[0].id, "judge_id": users["judge"].id, "reset_token": issue_reset_token(target, by=users["admin"]),
        "b64name": _b64("x.pdf"), "b64innovation": _b64(innovation.id), "b64no": _b64(18),
        "job": job.id, "regional_evidence": regional_item.id, "target_session": target_session.id,
        "score_sheet": results.sheets[(entry.id, users["judge"].id)].id,
        "registered": registered.id, "public_evidence": public_item.id, "snapshot": latest_snapshot(results.round).id,
        "api_token": api_token, "api_token_id": token_row.id, "webhook": hook.id, "delivery": delivery.id,
        "display_token": display_token,
    }
    from innovation.notify import services as notify_services  # a message with a failed email (issue 15)

    users["owner"].email = "owner@opd.example"
    message = notify_services.notify(users["owner"], "event.opened", "event:uji",
                                     {"event": event.name, "deadline": "besok"})
    ids.update(notification=message.id, notification_delivery=message.deliveries[0].id)
    from innovation.choice.models import ChoiceSettings  # people's choice voting open on the event (issue 14)

    db.session.add(ChoiceSettings(event_id=event.id, enabled=True, opens_at=now - timedelta(hours=1),
                                  closes_at=now + timedelta(days=1)))
    db.session.commit()  # to the test's savepoint: a refused vote's rollback keeps it
    return users, ids


def _refused(actor: str, response) -> bool:
    location = response.headers.get("Location", "")
    if actor == "anon":
        return response.status_code in (401, 403) or (response.status_code == 302 and "/auth/login" in location)
    return response.status_code == 403


@pytest.mark.parametrize("endpoint", sorted(POLICY))
def test_policy(endpoint, app, world, login):
    users, ids = world
    rule = POLICY[endpoint]
    path = rule.path.format(**ids)
    data = {k: v.format(**ids) for k, v in (rule.data or {}).items()}
    headers = {k: v.format(**ids) for k, v in (rule.headers or {}).items()}
    # Refused actors first, so that allowed ones changing state cannot hide a refusal.
    for actor in sorted(ACTORS, key=lambda a: a in rule.allowed):
        client = app.test_client()
        if actor != "anon":
            response = client.post("/auth/login", data={"username": users[actor].username,
                                                         "password": "rahasia-uji-123"})
            assert response.status_code == 302
        response = client.open(path, method=rule.method, data=data or None, headers=headers)
        refused = _refused(actor, response)
        if actor in rule.allowed:
            assert not refused, f"{endpoint}: {actor} should be allowed, got {response.status_code}"
            assert response.status_code < 500, f"{endpoint}: {actor} got {response.status_code}"
        else:
            assert refused, f"{endpoint}: {actor} should be refused, got {response.status_code}"



# --- the navigation: a link shows exactly for the roles its page admits ---------------------------

# Each navigation link and the roles that see it (as the menu showed them before ``may_open``).
NAV = {
    "/innovations/": {Role.OPERATOR, Role.ADMIN, Role.VERIFIER},
    "/events/": set(Role),
    "/judging/": {Role.JUDGE, Role.ADMIN},
    "/judging/results": {Role.OPERATOR, Role.ADMIN},
    "/judging/schedule": {Role.OPERATOR},
    "/judging/discussion": {Role.JUDGE},
    "/reporting/": {Role.ADMIN, Role.VERIFIER},
    "/reporting/verification": {Role.ADMIN, Role.VERIFIER},
    "/reporting/export": {Role.ADMIN},
    "/orgs/": {Role.ADMIN},
    "/followup/": {Role.ADMIN, Role.VERIFIER, Role.OPERATOR, Role.PIMPINAN},
    "/leaders/": {Role.ADMIN, Role.PIMPINAN},
    "/auth/users": {Role.ADMIN},
    "/audit/": {Role.ADMIN},
    "/public/settings": {Role.ADMIN},
    "/auth/password": set(Role),
    "/auth/security": set(Role),
}


@pytest.mark.parametrize("role", list(Role))
def test_navigation_shows_the_pages_the_role_may_open(role, db, make_user, make_opd, login):
    user = make_user(role=role, opd=make_opd() if role == Role.OPERATOR else None)
    html = login(user).get("/auth/password").get_data(as_text=True)
    nav = html.split('<details class="menu">', 1)[1].split("</details>", 1)[0]
    shown = {path for path in NAV if f'href="{path}"' in nav}
    assert shown == {path for path, roles in NAV.items() if role in roles}


def test_may_open_reads_the_views_role_required(app, db, make_user):
    from flask_login import AnonymousUserMixin

    from innovation.web import may_open

    judge, admin = make_user(role=Role.JUDGE), make_user(role=Role.ADMIN)
    with app.test_request_context():
        assert may_open("judging.queue", judge) and may_open("orgs.index", admin)
        assert not may_open("orgs.index", judge)
        assert not may_open("orgs.index", AnonymousUserMixin())
        assert not may_open("auth.password", admin)  # login_required only: no roles to read
        assert not may_open("no.such_endpoint", admin)
