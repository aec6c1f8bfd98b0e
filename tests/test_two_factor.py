"""The optional second factor (issue 13): TOTP for admins and verifiers, a setting that requires it,
recovery codes stored hashed and used once, a QR code drawn on the server, every use audit-logged.
And the NaN latitude of the issue's crash list."""
from __future__ import annotations

import re

import pyotp
import pytest
from conftest import TEST_PASSWORD
from sqlalchemy import select

from innovation.audit.models import AuditEvent
from innovation.auth import two_factor
from innovation.auth.models import RecoveryCode
from innovation.web import Role


def _enrol(client):
    """Set up the second factor through the pages; returns (secret, recovery codes)."""
    page = client.get("/auth/two-factor").get_data(as_text=True)
    secret = re.search(r'name="secret" type="hidden" value="([A-Z2-7]+)"', page).group(1)
    response = client.post("/auth/two-factor", data={"secret": secret, "code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    codes = re.findall(r'<code class="secret-value">([a-z2-9]{5}-[a-z2-9]{5})</code>', response.get_data(as_text=True))
    return secret, codes


def _actions(db, user):
    return [e.action for e in db.session.scalars(select(AuditEvent).where(AuditEvent.object_id == user.id,
                                                                         AuditEvent.object_type == "user_account")
                                                 .order_by(AuditEvent.id))]


def _password_step(app, user):
    client = app.test_client()
    response = client.post("/auth/login", data={"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"].endswith("/auth/login/code")
    return client


def _signed_in(client) -> bool:
    return client.get("/auth/password").status_code == 200


def test_enrolment_shows_a_server_drawn_qr_code(client, make_user, login):
    login(make_user(role=Role.VERIFIER))
    page = client.get("/auth/two-factor").get_data(as_text=True)
    assert '<svg' in page and 'class="segno"' in page and "<script" not in page.split("<main", 1)[-1].split("</main>")[0]
    assert "http" not in page.split("<svg", 1)[1].split("</svg>", 1)[0]  # nothing fetched from elsewhere


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.JUDGE])
def test_only_admins_and_verifiers_set_it_up(client, make_user, login, role):
    login(make_user(role=role))
    assert client.get("/auth/two-factor").status_code == 403


def test_sign_in_needs_the_code_once_enabled(app, client, db, make_user, login):
    user = make_user(role=Role.ADMIN)
    login(user)
    secret, codes = _enrol(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    client.post("/auth/logout")
    second = _password_step(app, user)
    assert not _signed_in(second)  # the password alone is not enough
    wrong = second.post("/auth/login/code", data={"code": "000000"})
    assert wrong.status_code == 200 and "Kode salah" in wrong.get_data(as_text=True)
    # a code of the current step was used at enrolment: the next step's code signs in
    totp = pyotp.TOTP(secret)
    user.totp_last_step = None
    db.session.flush()
    assert second.post("/auth/login/code", data={"code": totp.now()}).status_code == 302
    assert _signed_in(second)
    assert {"auth.2fa_enabled", "auth.2fa_failed", "auth.2fa_ok", "auth.login"} <= set(_actions(db, user))


def test_a_code_is_accepted_once(app, db, make_user):
    user = make_user(role=Role.VERIFIER)
    secret = pyotp.random_base32()
    two_factor.confirm_enrolment(user, secret, pyotp.TOTP(secret).now())
    code = pyotp.TOTP(secret).now()
    user.totp_last_step = None
    assert two_factor.verify(user, code) == "totp"
    assert two_factor.verify(user, code) is None  # replayed


def test_recovery_codes_are_hashed_and_single_use(app, db, make_user):
    user = make_user(role=Role.ADMIN)
    secret = pyotp.random_base32()
    codes = two_factor.confirm_enrolment(user, secret, pyotp.TOTP(secret).now())
    stored = [row.code_hash for row in db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id))]
    assert len(stored) == 10 and not set(codes) & set(stored) and all(len(h) == 64 for h in stored)
    assert two_factor.verify(user, codes[0].upper().replace("-", " ")) == "recovery"  # typed loosely
    assert two_factor.verify(user, codes[0]) is None  # spent
    assert two_factor.remaining_recovery_codes(user) == 9
    actions = _actions(db, user)
    assert actions.count("auth.2fa_recovery") == 1 and actions[-1] == "auth.2fa_failed"


def test_new_recovery_codes_replace_the_old(app, db, make_user):
    user = make_user(role=Role.ADMIN)
    secret = pyotp.random_base32()
    old = two_factor.confirm_enrolment(user, secret, pyotp.TOTP(secret).now())
    user.totp_last_step = None
    new = two_factor.regenerate_recovery_codes(user, pyotp.TOTP(secret).now())
    assert two_factor.verify(user, old[0]) is None and two_factor.verify(user, new[0]) == "recovery"


def test_the_setting_requires_it_for_admins_and_verifiers(app, client, db, make_user, login, monkeypatch):
    monkeypatch.setitem(app.config, "TOTP_REQUIRED", True)
    verifier = make_user(role=Role.VERIFIER)
    login(verifier)
    response = client.get("/reporting/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/auth/two-factor")
    _enrol(client)
    assert client.get("/reporting/").status_code == 200
    with pytest.raises(two_factor.TwoFactorError):
        two_factor.disable(verifier, "123456")  # required: cannot be turned off
    operator = make_user(role=Role.OPERATOR)
    other = app.test_client()
    other.post("/auth/login", data={"username": operator.username, "password": TEST_PASSWORD})
    assert other.get("/innovations/").status_code == 200  # operators are not asked


def test_an_admin_removes_a_users_second_factor(app, client, db, make_user, admin, login):
    user = make_user(role=Role.VERIFIER)
    secret = pyotp.random_base32()
    two_factor.confirm_enrolment(user, secret, pyotp.TOTP(secret).now())
    login(admin)
    assert "Hapus verifikasi dua langkahnya" in client.get(f"/auth/users/{user.id}/edit").get_data(as_text=True)
    assert client.post(f"/auth/users/{user.id}/two-factor/reset").status_code == 302
    db.session.refresh(user)
    assert not user.has_two_factor and two_factor.remaining_recovery_codes(user) == 0
    assert "auth.2fa_reset" in _actions(db, user)


def test_the_code_step_is_limited(tmp_path_factory):
    from conftest import build_app, drop_schema

    from innovation.auth import services
    from innovation.extensions import db

    app = build_app("sqlite", tmp_path_factory, RATELIMIT_ENABLED=True, LOGIN_LIMITS_SECOND_FACTOR="2 per minute")
    try:
        with app.app_context():
            user = services.create_user(username="dua.langkah", full_name="D", role=Role.ADMIN, password=TEST_PASSWORD)
            secret = pyotp.random_base32()
            two_factor.confirm_enrolment(user, secret, pyotp.TOTP(secret).now())
            db.session.commit()
        client = app.test_client()
        client.post("/auth/login", data={"username": "dua.langkah", "password": TEST_PASSWORD})
        codes = [client.post("/auth/login/code", data={"code": "000000"}).status_code for _ in range(3)]
        assert codes == [200, 200, 429]
    finally:
        drop_schema(app)


@pytest.mark.parametrize("value", ["NaN", "-nan", "Infinity", "-Infinity", "sNaN"])
def test_a_latitude_that_is_not_a_number_is_a_field_error(db, make_innovation, make_user, value):
    from innovation.innovations import services
    from innovation.innovations.services import InnovationError

    user = make_user(role=Role.ADMIN)
    innovation = make_innovation()
    with pytest.raises(InnovationError) as error:
        services.update_profile(innovation, {"nama": "X", "latitude": value, "longitude": "136"}, by=user)
    assert error.value.field == "latitude"
