"""Logging in and out through the real form, on a desktop and at 360 px, in Indonesian and English."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PHONE_WIDTH = 360


def log_in(page, user, password=None, *, user_label="Nama pengguna", password_label="Kata sandi", button="Masuk"):
    """Submit the login form; returns the first non-redirect page the browser lands on."""
    page.get_by_label(user_label, exact=True).fill(user.username)
    page.get_by_label(password_label, exact=True).fill(password or user.password)
    with page.expect_response(lambda r: r.request.resource_type == "document" and not 300 <= r.status < 400) as info:
        page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state()
    return info.value


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def expect_logged_in(page, user):
    """On any page built on base.html: the menu and the footer name the user."""
    expect(page.locator("details.menu summary")).to_be_visible()
    expect(page.locator("footer")).to_contain_text(user.full_name)


def log_out(page, *, button="Keluar", message="Anda telah keluar."):
    page.locator("details.menu summary").click()
    page.get_by_role("button", name=button, exact=True).click()
    expect(page).to_have_url(re.compile(r"/auth/login$"))
    expect(page.get_by_role("status")).to_have_text(message)
    expect(page.locator("details.menu")).to_have_count(0)


def test_operator_logs_in_and_out_on_desktop(page, live_server, screenshot):
    user = live_server.add_user(role="operator")

    page.goto("/")  # not logged in: sent to the login form
    expect(page).to_have_url(re.compile(r"/auth/login\?next=%2F$"))
    expect(page.get_by_role("heading", name="Masuk")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "id")
    screenshot(page, "login-desktop")

    landing = log_in(page, user)
    assert landing.status == 200, f"landing page: {landing.status} {landing.url}"
    assert "/auth/login" not in page.url

    page.goto("/auth/password")  # a page every role has, built on base.html
    expect(page.get_by_role("heading", name="Ganti kata sandi")).to_be_visible()
    expect_logged_in(page, user)

    log_out(page)
    page.goto("/auth/password")
    expect(page).to_have_url(re.compile(r"/auth/login\?next="))  # the session really ended


def test_operator_logs_in_on_a_phone_without_horizontal_scroll(phone_page, live_server, screenshot):
    page = phone_page
    user = live_server.add_user(role="operator")

    page.goto("/auth/login")
    expect(page.get_by_role("heading", name="Masuk")).to_be_visible()
    assert page_width(page) <= PHONE_WIDTH, "the login page scrolls sideways at 360 px"
    screenshot(page, "login-phone")

    landing = log_in(page, user)
    assert landing.status == 200, f"landing page: {landing.status} {landing.url}"
    assert page_width(page) <= PHONE_WIDTH, f"the landing page {page.url} scrolls sideways at 360 px"

    page.goto("/auth/password")
    expect_logged_in(page, user)
    page.locator("details.menu summary").click()
    expect(page.get_by_role("button", name="Keluar", exact=True)).to_be_visible()
    assert page_width(page) <= PHONE_WIDTH, "the open menu scrolls sideways at 360 px"
    page.locator("details.menu summary").click()
    log_out(page)


def test_wrong_password_shows_the_indonesian_error(page, live_server):
    user = live_server.add_user(role="operator")

    page.goto("/auth/login")
    log_in(page, user, "bukan-sandinya-1")

    expect(page).to_have_url(re.compile(r"/auth/login"))
    expect(page.get_by_role("alert")).to_have_text("Nama pengguna atau kata sandi salah, atau akun tidak aktif.")
    expect(page.get_by_label("Nama pengguna", exact=True)).to_have_value(user.username)
    expect(page.get_by_label("Kata sandi", exact=True)).to_have_value("")
    expect(page.locator("details.menu")).to_have_count(0)


def test_switching_to_english_translates_the_login_page(page, live_server):
    user = live_server.add_user(role="operator")
    english = {"user_label": "Username", "password_label": "Password", "button": "Log in"}

    page.goto("/auth/login")
    page.get_by_role("button", name="English").click()

    expect(page).to_have_url(re.compile(r"/auth/login"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_title(re.compile(r"^Log in · "))
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    expect(page.get_by_label("Remember me on this device")).to_be_visible()
    expect(page.get_by_text("Forgot your password? Ask the Bappeda administrator for a reset link.")).to_be_visible()
    expect(page.get_by_role("link", name="Skip to content")).to_have_count(1)
    expect(page.locator("body")).not_to_contain_text("Kata sandi")

    log_in(page, user, "wrong-password-1", **english)
    expect(page.get_by_role("alert")).to_have_text("Incorrect username or password, or the account is inactive.")

    log_in(page, user, **english)
    page.goto("/auth/password")
    expect(page.get_by_role("heading", name="Change password")).to_be_visible()
    expect_logged_in(page, user)
    log_out(page, button="Log out", message="You have logged out.")

    page.get_by_role("button", name="Bahasa Indonesia").click()  # and back
    expect(page.get_by_role("heading", name="Masuk")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "id")
