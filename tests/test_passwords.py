"""Password rules (NIST SP 800-63B): length, the breached list, the username and the region's name."""
from __future__ import annotations

import pytest

from innovation.auth import passwords, services
from innovation.auth.passwords import PasswordError, validate_password


@pytest.mark.parametrize("password", ["password123", "iloveyou", "qwertyuiop", "12345678910"])
def test_common_and_breached_passwords_are_refused(password):
    with pytest.raises(PasswordError):
        validate_password(password)


def test_the_list_is_zxcvbns_shipped_list():
    assert len(passwords.common_passwords()) >= 30_000 and "password123" in passwords.common_passwords()


def test_the_username_is_refused_in_any_case():
    with pytest.raises(PasswordError, match="nama pengguna"):
        validate_password("Budi.Santoso-rahasia-77", username="budi.santoso")


def test_the_regions_name_is_refused(app):
    with app.app_context():
        assert passwords.region_name_words() == {"mimika"}
        with pytest.raises(PasswordError, match="nama daerah"):
            validate_password("kantor-MIMIKA-baru-77")
        validate_password("kantor-timika-baru-77")  # another word is fine
    assert passwords.region_name_words("Kota Bandar Lampung") == {"bandar", "lampung"}


def test_long_passphrases_of_any_script_are_welcome():
    validate_password("sapi perah makan rumput hijau di bukit")
    validate_password("ракета-летит-на-луну")
    validate_password("x" * 9 + "kuda-lumping-🐎-berlari" + "y" * 150)  # 190 characters
    with pytest.raises(PasswordError):
        validate_password("a" * 201)


def test_no_composition_rule():
    validate_password("kuda lumping berlari kencang")  # letters only: long and uncommon is enough


def test_the_service_refuses_the_username_on_creation(db, admin, t):
    with pytest.raises(services.AccountError) as error:
        services.create_account(username=f"rina{t}", full_name="Rina", role="judge", opd=None, email=None,
                                password=f"rina{t}-kantor-2026", by=admin)
    assert error.value.field == "password"
