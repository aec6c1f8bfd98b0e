"""No silent lost update (innovation.concurrency): the version a form was loaded from, refused stale
saves that name what the other person changed, and the OPD form as the worked example with two sessions."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import update

from innovation.audit.models import AuditEvent
from innovation.concurrency import StaleEdit, changes_since, claim, parse_version
from innovation.orgs import services as org_services
from innovation.orgs.models import Opd

VERSION = re.compile(r'name="version" type="hidden" value="(\d+)"')


def loaded_version(html: str) -> str:
    found = VERSION.search(html)
    assert found, "the form carries no version"
    return found.group(1)


def test_parse_version():
    assert parse_version("3") == 3
    assert parse_version(" 7 ") == 7
    for junk in (None, "", "x", "0", "-1", str(2**40), "1.5"):
        assert parse_version(junk) is None


def test_claim_bumps_the_version_once(db, make_opd):
    opd = make_opd()
    assert opd.version == 1
    assert claim(opd, "1") == 2
    assert opd.version == 2
    db.session.flush()
    db.session.expire(opd)
    assert opd.version == 2  # written by claim's UPDATE, not twice


def test_claim_refuses_an_older_version_and_names_the_change(db, make_opd, admin):
    opd = make_opd(name="Dinas Lama")
    org_services.update_opd(opd, name="Dinas Baru", code=opd.code, kind=opd.kind, parent=None, active=True,
                            by=admin, version=1)
    db.session.flush()
    assert opd.version == 2
    with pytest.raises(StaleEdit) as refused:
        claim(opd, 1)
    error = refused.value
    assert error.current_version == 2 and error.loaded == 1
    [change] = error.changes
    assert change.actor == admin.full_name
    assert change.fields["name"] == ["Dinas Lama", "Dinas Baru"]
    assert error.changed_fields == {"name": "Dinas Baru"}
    assert "sudah diubah oleh" in str(error)


def test_claim_without_a_version_is_refused_unless_optional(make_opd):
    opd = make_opd()
    with pytest.raises(StaleEdit):
        claim(opd, "")
    assert claim(opd, None, required=False) == 2


def test_claim_loses_the_race_to_a_save_committed_after_the_read(db, make_opd):
    """The row in this session says version 1, but another transaction already wrote version 2:
    the guarded UPDATE matches nothing and the save is refused (not applied on top)."""
    opd = make_opd()
    db.session.execute(update(Opd).where(Opd.id == opd.id).values(version=2)
                       .execution_options(synchronize_session=False))
    assert opd.version == 1  # the session has not seen it
    with pytest.raises(StaleEdit):
        claim(opd, 1)
    assert opd.version == 2


def test_audit_events_carry_the_version_they_produced(db, make_opd, admin):
    opd = make_opd()
    for n, name in enumerate(("Satu", "Dua", "Tiga"), start=1):
        org_services.update_opd(opd, name=f"Dinas {name}", code=opd.code, kind=opd.kind, parent=None,
                                active=True, by=admin, version=n)
        db.session.flush()
    versions = [e.object_version for e in db.session.query(AuditEvent).filter_by(object_type="opd", object_id=opd.id)
                .order_by(AuditEvent.id)]
    assert versions[-3:] == [2, 3, 4]
    assert [c.version for c in changes_since(opd, 2)] == [3, 4]


def test_two_admins_edit_one_opd(app, db, client, make_opd, make_user, login, t):
    """Admin A and admin B open the same OPD. A renames it; B, from the stale form, changes its code.
    B's save is refused, B's typed code stays in the form, A's change is named; B saves again knowingly."""
    from innovation.web import Role

    opd = make_opd(name=f"Dinas Asal {t}", code=f"ASAL-{t}")
    admin_a = make_user(role=Role.ADMIN, full_name="Admin Alfa")
    admin_b = make_user(role=Role.ADMIN, full_name="Admin Beta")
    a = login(admin_a)
    b = app.test_client()
    assert b.post("/auth/login", data={"username": admin_b.username, "password": "rahasia-uji-123"}).status_code == 302
    version_a = loaded_version(a.get(f"/orgs/{opd.id}/edit").get_data(as_text=True))
    page_b = b.get(f"/orgs/{opd.id}/edit")
    version_b = loaded_version(page_b.get_data(as_text=True))
    assert version_a == version_b == "1"

    saved = a.post(f"/orgs/{opd.id}/edit", data={
        "name": f"Dinas Baru {t}", "code": f"ASAL-{t}", "kind": "dinas", "parent_id": 0, "active": "y",
        "version": version_a})
    assert saved.status_code == 302

    refused = b.post(f"/orgs/{opd.id}/edit", data={
        "name": f"Dinas Asal {t}", "code": f"KODEB-{t}", "kind": "dinas", "parent_id": 0, "active": "y",
        "version": version_b})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200
    assert "sudah diubah oleh Admin Alfa" in html
    assert f"KODEB-{t}" in html                      # B's typed value is still in the form
    assert f"Dinas Baru {t}" in html                  # A's change is shown
    assert loaded_version(html) == "2"                # saving again is a deliberate overwrite
    db.session.expire_all()
    assert (opd.name, opd.code) == (f"Dinas Baru {t}", f"ASAL-{t}".upper())  # nothing of B's was applied

    again = b.post(f"/orgs/{opd.id}/edit", data={
        "name": f"Dinas Baru {t}", "code": f"KODEB-{t}", "kind": "dinas", "parent_id": 0, "active": "y",
        "version": "2"})
    assert again.status_code == 302
    db.session.expire_all()
    assert (opd.name, opd.code, opd.version) == (f"Dinas Baru {t}", f"KODEB-{t}".upper(), 3)


def test_a_save_without_a_version_is_refused(client, db, make_opd, admin, login, t):
    """A client that never loaded the form (no hidden version) cannot overwrite a row blindly."""
    opd = make_opd(name=f"Dinas Tetap {t}")
    login(admin)
    response = client.post(f"/orgs/{opd.id}/edit", data={
        "name": f"Dinas Buta {t}", "code": opd.code, "kind": "dinas", "parent_id": 0, "active": "y"})
    assert response.status_code == 200
    db.session.expire_all()
    assert opd.name == f"Dinas Tetap {t}"
