"""Account administration: services (rules, audit) and the admin pages."""
from __future__ import annotations

import re
import uuid

import pytest
from conftest import TEST_PASSWORD
from flask import g
from sqlalchemy import select

from innovation.audit.models import AuditEvent
from innovation.auth import services
from innovation.auth.models import User
from innovation.auth.services import AccountError
from innovation.web import Role


def events(db, action, actor):
    return list(db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == action, AuditEvent.actor_id == actor.id).order_by(AuditEvent.id)
    ))


def as_other_client():
    """The tests share one app context across requests, so Flask-Login's per-request user cache (on ``g``)
    would carry one client's user into another client's request; forget it when switching clients."""
    g.pop("_login_user", None)


def find(db, username):
    return db.session.scalar(select(User).where(User.username == username))


# --- services ------------------------------------------------------------------------------------


def test_generated_password_is_strong_and_random():
    passwords = {services.generate_password() for _ in range(50)}
    assert len(passwords) == 50
    for password in passwords:
        services.validate_password(password)
        assert re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", password)


@pytest.mark.parametrize("password", ["pendek1", "password123", "1234567890", "----------", "qwertyuiop12",
                                      "abcdefghijk"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(AccountError) as error:
        services.validate_password(password)
    assert error.value.field == "password"


def test_create_account_generates_a_temporary_password(db, admin, make_opd, t):
    opd = make_opd()
    user, generated = services.create_account(
        username=f"Budi.{t}", full_name="  Budi   Santoso ", role=Role.OPERATOR, opd=opd, email=" Budi@Example.GO.ID ",
        password=None, by=admin,
    )
    assert generated and user.check_password(generated)
    assert user.must_change_password and user.active
    assert (user.username, user.full_name, user.email, user.opd_id) == (f"budi.{t}", "Budi Santoso", "Budi@example.go.id", opd.id)
    [event] = events(db, "user.create", admin)
    assert event.object_id == user.id and event.opd_id == opd.id


def test_create_account_with_given_password(db, admin, t):
    user, generated = services.create_account(
        username=f"juri{t}", full_name="Juri", role=Role.JUDGE, opd=None, email="", password="sandi-awal-42", by=admin
    )
    assert generated is None
    assert user.check_password("sandi-awal-42") and user.must_change_password and user.opd_id is None


def test_create_account_refuses_weak_password(db, admin, t):
    with pytest.raises(AccountError, match="minimal 10"):
        services.create_account(username=f"x{t}", full_name="X", role=Role.JUDGE, opd=None, email=None, password="abc1", by=admin)
    assert find(db, f"x{t}") is None


def test_operator_needs_an_opd(db, admin, t):
    with pytest.raises(AccountError, match="Operator harus terhubung") as error:
        services.create_account(username=f"op{t}", full_name="Op", role=Role.OPERATOR, opd=None, email=None, password=None, by=admin)
    assert error.value.field == "opd_id"


def test_judge_may_name_the_opd_they_work_for(db, admin, make_opd, t):
    opd = make_opd()
    user, _ = services.create_account(username=f"juri{t}", full_name="Juri", role=Role.JUDGE, opd=opd, email=None, password=None, by=admin)
    assert user.opd_id == opd.id


def test_inactive_opd_is_refused_for_new_assignment(db, admin, make_opd, make_user, t):
    closed = make_opd(active=False)
    with pytest.raises(AccountError, match="tidak aktif"):
        services.create_account(username=f"op{t}", full_name="Op", role=Role.OPERATOR, opd=closed, email=None, password=None, by=admin)
    # An operator whose OPD was closed later can still be edited without moving them.
    operator = make_user(role=Role.OPERATOR, opd=closed)
    services.update_user(operator, full_name="Nama Baru", email=None, role=Role.OPERATOR, opd=closed, by=admin)
    assert operator.full_name == "Nama Baru"


def test_bad_email_and_duplicate_username(db, admin, make_user, t):
    with pytest.raises(AccountError, match="email") as error:
        services.create_account(username=f"a{t}", full_name="A", role=Role.JUDGE, opd=None, email="bukan-email", password=None, by=admin)
    assert error.value.field == "email"
    existing = make_user(role=Role.JUDGE, username=f"ada{t}")
    with pytest.raises(AccountError, match="sudah dipakai"):
        services.create_account(username=existing.username.upper(), full_name="B", role=Role.JUDGE, opd=None, email=None, password=None, by=admin)


def test_bad_username_is_refused(db, admin):
    with pytest.raises(AccountError) as error:
        services.create_account(username="a b", full_name="A", role=Role.JUDGE, opd=None, email=None, password=None, by=admin)
    assert error.value.field == "username"


def test_update_user_records_changes(db, admin, make_user, make_opd):
    opd = make_opd()
    user = make_user(role=Role.JUDGE, full_name="Lama")
    changes = services.update_user(user, full_name="Baru", email="baru@example.org", role=Role.OPERATOR, opd=opd, by=admin)
    assert changes == {"full_name": ["Lama", "Baru"], "email": [None, "baru@example.org"],
                       "role": ["judge", "operator"], "opd_id": [None, opd.id]}
    [event] = events(db, "user.update", admin)
    assert event.changes == changes and event.opd_id == opd.id
    assert services.update_user(user, full_name="Baru", email="baru@example.org", role=Role.OPERATOR, opd=opd, by=admin) == {}
    assert len(events(db, "user.update", admin)) == 1


def test_update_user_keeps_operator_rule(db, admin, make_user):
    operator = make_user(role=Role.OPERATOR)
    with pytest.raises(AccountError, match="Operator harus terhubung"):
        services.update_user(operator, full_name="X", email=None, role=Role.OPERATOR, opd=None, by=admin)


def test_admin_cannot_change_own_role(db, admin):
    with pytest.raises(AccountError, match="peran akun Anda sendiri"):
        services.update_user(admin, full_name=admin.full_name, email=None, role=Role.VERIFIER, opd=None, by=admin)
    assert admin.role == Role.ADMIN


def test_deactivation_bumps_session_version_and_self_is_refused(db, admin, make_user):
    user = make_user(role=Role.JUDGE)
    version = user.session_version
    services.set_active(user, False, by=admin)
    assert not user.active and user.session_version == version + 1
    with pytest.raises(AccountError, match="sendiri"):
        services.set_active(admin, False, by=admin)


def test_reset_token_refused_for_inactive_account(db, admin, make_user):
    user = make_user(role=Role.JUDGE, active=False)
    with pytest.raises(AccountError, match="tidak aktif"):
        services.issue_reset_token(user, by=admin)


def test_parse_role_accepts_code_or_label():
    assert services.parse_role("Juri") == Role.JUDGE
    assert services.parse_role(" OPERATOR ") == Role.OPERATOR
    assert services.parse_role("operator opd") == Role.OPERATOR
    with pytest.raises(AccountError, match="Peran kepala tidak dikenal"):
        services.parse_role("kepala")


def test_role_predicates_name_exactly_the_users_role():
    from innovation.auth.models import User

    for role in Role:
        user = User(role=role)
        predicates = {"admin": user.is_admin, "verifier": user.is_verifier, "judge": user.is_judge,
                      "operator": user.is_operator, "pimpinan": user.is_leader}
        assert {name for name, value in predicates.items() if value} == {role.value}


def test_user_list_query_filters(db, make_user, make_opd, t):
    opd = make_opd()
    a = make_user(role=Role.OPERATOR, opd=opd, username=f"ani{t}", full_name="Ani Wenda")
    b = make_user(role=Role.JUDGE, username=f"budi{t}", active=False)
    c = make_user(role=Role.VERIFIER, username=f"cici{t}")

    def names(**kw):
        return {u.username for u in db.session.scalars(services.user_list_query(**kw))} & {a.username, b.username, c.username}

    assert names(text=t) == {a.username, b.username, c.username}
    assert names(text="wenda") == {a.username}
    assert names(role=Role.JUDGE) == {b.username}
    assert names(opd_id=opd.id) == {a.username}
    assert names(active=False) == {b.username}


# --- pages ---------------------------------------------------------------------------------------


def admin_urls(user_id):
    return [
        ("get", "/auth/users"),
        ("get", "/auth/users/new"),
        ("post", "/auth/users/new"),
        ("get", f"/auth/users/{user_id}/edit"),
        ("post", f"/auth/users/{user_id}/edit"),
        ("post", f"/auth/users/{user_id}/deactivate"),
        ("post", f"/auth/users/{user_id}/activate"),
        ("post", f"/auth/users/{user_id}/reset"),
        ("get", "/auth/users/import"),
        ("post", "/auth/users/import"),
        ("get", "/auth/users/import/template.csv"),
    ]


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.JUDGE, Role.VERIFIER])
def test_non_admins_get_403(client, db, make_user, login, role):
    target = make_user(role=Role.JUDGE)
    login(make_user(role=role))
    for method, url in admin_urls(target.id):
        assert getattr(client, method)(url).status_code == 403, url
    db.session.refresh(target)
    assert target.active


def test_anonymous_is_sent_to_login(client, make_user):
    target = make_user(role=Role.JUDGE)
    for method, url in admin_urls(target.id):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/auth/login" in response.location, url


def test_list_shows_and_filters(client, admin, login, make_user, make_opd, t):
    opd = make_opd()
    make_user(role=Role.OPERATOR, opd=opd, username=f"ani{t}")
    make_user(role=Role.JUDGE, username=f"budi{t}", active=False)
    login(admin)
    html = client.get(f"/auth/users?q={t}").get_data(as_text=True)
    assert f"ani{t}" in html and f"budi{t}" in html and opd.name in html
    html = client.get(f"/auth/users?q={t}&role=judge").get_data(as_text=True)
    assert f"budi{t}" in html and f"ani{t}" not in html
    html = client.get(f"/auth/users?opd={opd.id}").get_data(as_text=True)
    assert f"ani{t}" in html and f"budi{t}" not in html
    html = client.get(f"/auth/users?q={t}&active=1").get_data(as_text=True)
    assert f"ani{t}" in html and f"budi{t}" not in html


def test_list_survives_bad_filters(client, admin, login):
    login(admin)
    assert client.get("/auth/users?role=raja&opd=abc&active=x&page=-3").status_code == 200


def test_create_with_generated_password_shows_it_once(app, client, db, admin, login, make_opd, t):
    opd = make_opd()
    login(admin)
    response = client.post("/auth/users/new", data={
        "username": f"op{t}", "full_name": "Operator Baru", "email": "", "role": "operator", "opd_id": opd.id, "password": "",
    })
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    password = re.search(r'class="secret-value">([^<]+)<', response.get_data(as_text=True)).group(1)
    user = find(db, f"op{t}")
    assert user.must_change_password and user.opd_id == opd.id
    # The new operator logs in with it and is sent to change it.
    other = app.test_client()
    as_other_client()
    response = other.post("/auth/login", data={"username": f"op{t}", "password": password})
    assert response.status_code == 302 and response.location.endswith("/auth/password")


def test_create_with_given_password_redirects(client, db, admin, login, t):
    login(admin)
    response = client.post("/auth/users/new", data={
        "username": f"juri{t}", "full_name": "Juri Baru", "role": "judge", "opd_id": 0, "password": "awal-sandi-77",
    })
    assert response.status_code == 302
    user = find(db, f"juri{t}")
    assert user.check_password("awal-sandi-77") and user.must_change_password


def test_create_shows_rule_errors_and_saves_nothing(client, db, admin, login, t):
    login(admin)
    response = client.post("/auth/users/new", data={
        "username": f"op{t}", "full_name": "Operator", "role": "operator", "opd_id": 0, "password": "",
    })
    assert response.status_code == 200
    assert "Operator harus terhubung ke satu OPD" in response.get_data(as_text=True)
    response = client.post("/auth/users/new", data={
        "username": f"juri{t}", "full_name": "Juri", "role": "judge", "opd_id": 0, "password": "password123",
    })
    assert "paling sering dipakai" in response.get_data(as_text=True)
    assert find(db, f"op{t}") is None and find(db, f"juri{t}") is None


def test_create_refuses_inactive_opd_not_offered(client, db, admin, login, make_opd, t):
    closed = make_opd(active=False)
    login(admin)
    response = client.post("/auth/users/new", data={
        "username": f"op{t}", "full_name": "Op", "role": "operator", "opd_id": closed.id, "password": "",
    })
    assert response.status_code == 200
    assert find(db, f"op{t}") is None


def test_edit_page_saves(client, db, admin, login, make_user, make_opd):
    user = make_user(role=Role.JUDGE)
    opd = make_opd()
    login(admin)
    assert user.username in client.get(f"/auth/users/{user.id}/edit").get_data(as_text=True)
    response = client.post(f"/auth/users/{user.id}/edit", data={
        "full_name": "Nama Diubah", "email": "juri@example.org", "role": "judge", "opd_id": opd.id,
        "version": user.version,
    })
    assert response.status_code == 302
    db.session.refresh(user)
    assert (user.full_name, user.email, user.opd_id) == ("Nama Diubah", "juri@example.org", opd.id)


def test_edit_own_role_is_refused(client, db, admin, login):
    login(admin)
    response = client.post(f"/auth/users/{admin.id}/edit", data={"full_name": "Admin", "role": "judge", "opd_id": 0})
    assert response.status_code == 200
    assert "peran akun Anda sendiri" in response.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.role == Role.ADMIN


def test_deactivation_ends_the_users_sessions(app, client, db, admin, login, make_user):
    user = make_user(role=Role.JUDGE)
    victim = app.test_client()
    assert victim.post("/auth/login", data={"username": user.username, "password": TEST_PASSWORD}).status_code == 302
    assert victim.get("/auth/password").status_code == 200
    as_other_client()
    login(admin)
    response = client.post(f"/auth/users/{user.id}/deactivate", follow_redirects=True)
    assert "dinonaktifkan" in response.get_data(as_text=True)
    as_other_client()
    assert victim.get("/auth/password").status_code == 302
    as_other_client()
    assert victim.post("/auth/login", data={"username": user.username, "password": TEST_PASSWORD}).status_code == 200
    as_other_client()
    client.post(f"/auth/users/{user.id}/activate")
    db.session.refresh(user)
    assert user.active


def test_admin_cannot_deactivate_self(client, db, admin, login):
    login(admin)
    response = client.post(f"/auth/users/{admin.id}/deactivate", follow_redirects=True)
    assert "tidak dapat menonaktifkan akun Anda sendiri" in response.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.active


def test_reset_link_is_shown_once_and_works(app, client, db, admin, login, make_user):
    user = make_user(role=Role.JUDGE)
    login(admin)
    response = client.post(f"/auth/users/{user.id}/reset")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    link = re.search(r'class="secret-value">([^<]+)<', response.get_data(as_text=True)).group(1)
    assert link.startswith("http://localhost/auth/reset/")
    as_other_client()
    assert app.test_client().get(link.replace("http://localhost", "")).status_code == 200
    assert events(db, "user.reset_issued", admin)


def test_reset_link_for_inactive_account_is_refused(client, admin, login, make_user):
    user = make_user(role=Role.JUDGE, active=False)
    login(admin)
    response = client.post(f"/auth/users/{user.id}/reset", follow_redirects=True)
    assert "tidak aktif" in response.get_data(as_text=True)
    assert "secret-value" not in response.get_data(as_text=True)


def test_unknown_user_is_404(client, admin, login):
    login(admin)
    assert client.get("/auth/users/999999/edit").status_code == 404
    assert client.post("/auth/users/999999/deactivate").status_code == 404


def test_list_statement_count_does_not_grow_with_rows(client, db, admin, login, make_user, make_opd, count_statements, t):
    login(admin)

    def count() -> int:
        db.session.expunge_all()  # the page must load what it shows, not find it in the test's session
        with count_statements() as counter:
            assert client.get(f"/auth/users?q=n{t}").status_code == 200
        return counter.count

    def add(n):
        for _ in range(n):
            make_user(role=Role.OPERATOR, opd=make_opd(), username=f"n{t}{uuid.uuid4().hex[:8]}")

    add(3)
    small = count()
    add(27)
    assert count() == small
