"""OPD administration: services (rules, audit) and the admin pages."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from innovation.audit.models import AuditEvent
from innovation.orgs import services
from innovation.orgs.models import Opd, OpdKind
from innovation.orgs.services import OrgError
from innovation.web import Role


@pytest.fixture
def t(t):
    """OPD codes are upper case."""
    return t.upper()



def events(db, action, actor):
    return list(db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == action, AuditEvent.actor_id == actor.id).order_by(AuditEvent.id)
    ))


# --- services ------------------------------------------------------------------------------------


def test_create_opd_normalises_and_audits(db, admin, make_opd, t):
    parent = make_opd()
    opd = services.create_opd(name=f"  Puskesmas   Timika {t} ", code=f"pkm-timika-{t.lower()}", kind="puskesmas", parent=parent, by=admin)
    assert (opd.name, opd.code, opd.kind, opd.parent_id, opd.active) == (f"Puskesmas Timika {t}", f"PKM-TIMIKA-{t}", OpdKind.PUSKESMAS, parent.id, True)
    [event] = events(db, "opd.create", admin)
    assert event.actor_id == admin.id and event.object_id == opd.id and event.opd_id == opd.id
    assert event.changes["code"] == [None, f"PKM-TIMIKA-{t}"]
    assert event.changes["kind"] == [None, "puskesmas"]


@pytest.mark.parametrize("code", ["DINAS KES", "-DINKES", "DINKES-", "DIN_KES", "DÍNKES", "A" * 33, ""])
def test_code_format_is_enforced(db, admin, code, t):
    with pytest.raises(OrgError) as error:
        services.create_opd(name=f"Dinas Kesehatan {t}", code=code, kind="dinas", by=admin)
    assert error.value.field == "code"


def test_kind_by_label_and_unknown_kind(db, admin):
    assert services.parse_kind("Kelurahan / Kampung") == OpdKind.KELURAHAN
    assert services.parse_kind(" RSUD ") == OpdKind.RSUD
    with pytest.raises(OrgError, match="Jenis OPD kantor tidak dikenal"):
        services.parse_kind("kantor")


def test_empty_name_is_refused(db, admin):
    with pytest.raises(OrgError, match="Nama OPD wajib diisi") as error:
        services.create_opd(name="   ", code="X1", kind="dinas", by=admin)
    assert error.value.field == "name"


def test_duplicate_code_and_name_are_refused_case_insensitively(db, admin, make_opd, t):
    make_opd(name=f"Dinas Pendidikan {t}", code=f"DISDIK-{t}")
    with pytest.raises(OrgError, match=f"Kode DISDIK-{t} sudah dipakai"):
        services.create_opd(name=f"Lain {t}", code=f"disdik-{t.lower()}", kind="dinas", by=admin)
    with pytest.raises(OrgError, match="sudah dipakai OPD lain") as error:
        services.create_opd(name=f"dinas  PENDIDIKAN {t.lower()}", code=f"DISDIK2-{t}", kind="dinas", by=admin)
    assert error.value.field == "name"


def test_update_records_only_changed_fields(db, admin, make_opd, t):
    parent = make_opd()
    opd = make_opd(name=f"Dinas Lama {t}", code=f"LAMA-{t}")
    changes = services.update_opd(opd, name=f"Dinas Baru {t}", code=f"LAMA-{t}", kind=opd.kind, parent=parent, active=False, by=admin)
    assert changes == {"name": [f"Dinas Lama {t}", f"Dinas Baru {t}"], "parent_id": [None, parent.id], "active": [True, False]}
    [event] = events(db, "opd.update", admin)
    assert event.changes == changes
    # Saving the same values again changes nothing and records nothing.
    assert services.update_opd(opd, name=f"Dinas Baru {t}", code=f"LAMA-{t}", kind=opd.kind, parent=parent, active=False, by=admin) == {}
    assert len(events(db, "opd.update", admin)) == 1


def test_update_keeps_own_name_and_code(db, admin, make_opd, t):
    opd = make_opd(name=f"Bappeda {t}", code=f"BAPPEDA-{t}")
    assert services.update_opd(opd, name=f"Bappeda {t}", code=f"bappeda-{t.lower()}", kind="badan", parent=None, active=True, by=admin) == {
        "kind": ["dinas", "badan"]
    }


def test_parent_cannot_be_itself(db, admin, make_opd):
    opd = make_opd()
    with pytest.raises(OrgError, match="dirinya sendiri") as error:
        services.update_opd(opd, name=opd.name, code=opd.code, kind=opd.kind, parent=opd, active=True, by=admin)
    assert error.value.field == "parent_id"


def test_parent_cannot_create_a_cycle(db, admin, make_opd, t):
    top = make_opd(name=f"Dinas Atas {t}")
    middle = make_opd(name=f"Bidang Tengah {t}", parent=top)
    bottom = make_opd(name=f"Seksi Bawah {t}", parent=middle)
    with pytest.raises(OrgError, match="lingkaran"):
        services.update_opd(top, name=top.name, code=top.code, kind=top.kind, parent=bottom, active=True, by=admin)
    assert top.parent_id is None
    # Moving a unit under a sibling branch is fine.
    other = make_opd()
    services.update_opd(middle, name=middle.name, code=middle.code, kind=middle.kind, parent=other, active=True, by=admin)
    assert middle.parent_id == other.id


def test_list_query_filters(db, make_opd, t):
    a = make_opd(name=f"Dinas Kesehatan {t}", code=f"DINKES-{t}")
    b = make_opd(name=f"Puskesmas Kwamki {t}", code=f"PKM-KWAMKI-{t}", kind=OpdKind.PUSKESMAS, parent=a)
    c = make_opd(name=f"Distrik Mimika Baru {t}", code=f"DIST-MB-{t}", kind=OpdKind.DISTRIK, active=False)

    def codes(**kw):
        return {o.code for o in db.session.scalars(services.opd_list_query(**kw))} & {a.code, b.code, c.code}

    assert codes(text="kesehatan") == {a.code}
    assert codes(text="pkm") == {b.code}
    assert codes(text="100%") == set()
    assert codes(text=t.lower()) == {a.code, b.code, c.code}
    assert codes(kind=OpdKind.DISTRIK) == {c.code}
    assert codes(active=False) == {c.code}
    assert codes(active=True) == {a.code, b.code}


# --- pages ---------------------------------------------------------------------------------------


def admin_urls(opd_id):
    return [
        ("get", "/orgs/"),
        ("get", "/orgs/new"),
        ("post", "/orgs/new"),
        ("get", f"/orgs/{opd_id}/edit"),
        ("post", f"/orgs/{opd_id}/edit"),
        ("get", "/orgs/import"),
        ("post", "/orgs/import"),
        ("get", "/orgs/import/template.csv"),
    ]


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.JUDGE, Role.VERIFIER])
def test_non_admins_get_403(client, make_user, make_opd, login, role):
    opd = make_opd()
    login(make_user(role=role))
    for method, url in admin_urls(opd.id):
        assert getattr(client, method)(url).status_code == 403, url


def test_anonymous_is_sent_to_login(client, make_opd):
    opd = make_opd()
    for method, url in admin_urls(opd.id):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/auth/login" in response.location, url


def test_list_shows_and_filters(client, admin, login, make_opd, t):
    parent = make_opd(name=f"Dinas Kesehatan Uji {t}", code=f"DINKES-U-{t}")
    make_opd(name=f"Puskesmas Uji Timika {t}", code=f"PKM-UT-{t}", kind=OpdKind.PUSKESMAS, parent=parent)
    make_opd(name=f"Distrik Uji {t}", code=f"DIST-U-{t}", kind=OpdKind.DISTRIK, active=False)
    login(admin)
    html = client.get(f"/orgs/?q={t}").get_data(as_text=True)
    assert f"Puskesmas Uji Timika {t}" in html and f"Dinas Kesehatan Uji {t}" in html and "Nonaktif" in html
    html = client.get(f"/orgs/?kind=puskesmas&q={t}").get_data(as_text=True)
    assert f"PKM-UT-{t}" in html and f"DIST-U-{t}" not in html
    html = client.get(f"/orgs/?active=0&q={t}").get_data(as_text=True)
    assert f"DIST-U-{t}" in html and f"PKM-UT-{t}" not in html


def test_list_survives_bad_filters(client, admin, login):
    login(admin)
    response = client.get("/orgs/?kind=bogus&active=maybe&page=abc")
    assert response.status_code == 200


def test_create_page(client, db, admin, login, make_opd, t):
    parent = make_opd()
    login(admin)
    assert client.get("/orgs/new").status_code == 200
    response = client.post("/orgs/new", data={
        "name": f"Badan Riset Daerah {t}", "code": f"brida-{t.lower()}", "kind": "badan", "parent_id": parent.id, "active": "y"
    })
    assert response.status_code == 302
    opd = db.session.scalar(select(Opd).where(Opd.code == f"BRIDA-{t}"))
    assert opd.parent_id == parent.id and opd.kind == OpdKind.BADAN and opd.active


def test_create_page_shows_service_errors_and_saves_nothing(client, db, admin, login, make_opd, t):
    make_opd(code=f"BRIDA-{t}")
    login(admin)
    response = client.post("/orgs/new", data={"name": f"Badan Riset {t}", "code": f"BRIDA-{t}", "kind": "badan", "parent_id": 0})
    assert response.status_code == 200
    assert f"Kode BRIDA-{t} sudah dipakai OPD lain" in response.get_data(as_text=True)
    response = client.post("/orgs/new", data={"name": f"Badan Riset {t}", "code": f"BR IDA-{t}", "kind": "badan", "parent_id": 0})
    assert "tidak sah" in response.get_data(as_text=True)
    assert db.session.scalar(select(Opd).where(Opd.name == f"Badan Riset {t}")) is None


def test_create_page_refuses_unknown_kind(client, db, admin, login, t):
    login(admin)
    response = client.post("/orgs/new", data={"name": f"Badan X {t}", "code": f"BX-{t}", "kind": "kantor", "parent_id": 0})
    assert response.status_code == 200
    assert db.session.scalar(select(Opd).where(Opd.code == f"BX-{t}")) is None


def test_edit_page(client, db, admin, login, make_opd, t):
    opd = make_opd(name=f"Dinas Lama Sekali {t}", code=f"DLS-{t}")
    login(admin)
    html = client.get(f"/orgs/{opd.id}/edit").get_data(as_text=True)
    assert f"Dinas Lama Sekali {t}" in html
    response = client.post(f"/orgs/{opd.id}/edit", data={"name": f"Dinas Baru Sekali {t}", "code": f"DBS-{t}", "kind": "dinas", "parent_id": 0, "version": 1})
    assert response.status_code == 302
    db.session.refresh(opd)
    assert (opd.name, opd.code, opd.active) == (f"Dinas Baru Sekali {t}", f"DBS-{t}", False)
    [event] = events(db, "opd.update", admin)
    assert event.changes["code"] == [f"DLS-{t}", f"DBS-{t}"]


def test_edit_page_refuses_cycle(client, db, admin, login, make_opd, t):
    top = make_opd(code=f"TOP-{t}")
    child = make_opd(code=f"CHILD-{t}", parent=top)
    login(admin)
    response = client.post(f"/orgs/{top.id}/edit", data={"name": top.name, "code": f"TOP-{t}", "kind": "dinas", "parent_id": child.id, "active": "y", "version": 1})
    assert response.status_code == 200
    assert "lingkaran" in response.get_data(as_text=True)
    db.session.refresh(top)
    assert top.parent_id is None
    # Its own id is not even offered.
    response = client.post(f"/orgs/{top.id}/edit", data={"name": top.name, "code": f"TOP-{t}", "kind": "dinas", "parent_id": top.id, "active": "y", "version": 1})
    assert response.status_code == 200
    db.session.refresh(top)
    assert top.parent_id is None


def test_edit_unknown_opd_is_404(client, admin, login):
    login(admin)
    assert client.get("/orgs/999999/edit").status_code == 404


def test_list_statement_count_does_not_grow_with_rows(client, db, admin, login, make_opd, count_statements, t):
    login(admin)

    def count() -> int:
        db.session.expunge_all()  # the page must load what it shows, not find it in the test's session
        with count_statements() as counter:
            assert client.get(f"/orgs/?q=anak-{t}").status_code == 200  # the parents are not on the page
        return counter.count

    def add(n):
        for i in range(n):
            make_opd(name=f"Anak-{t} {uuid.uuid4().hex[:8]}", parent=make_opd())

    add(3)
    small = count()
    add(27)
    assert count() == small
