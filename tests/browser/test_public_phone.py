"""The public showcase in a real browser at 360 px: the pages fit the screen without sideways scrolling,
the search and filters work, the language link switches to English, and no page has a console error or a
blocked resource (CSP)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def public_innovation(live_server, seed):
    """A complete innovation of an OPD with a long name, registered, with one evidence file made public."""
    import io

    from sqlalchemy import select

    from innovation.extensions import db
    from innovation.innovations import evidence
    from innovation.innovations.models import Innovation
    from innovation.public import sharing
    from innovation.reporting.services import register

    operator = live_server.add_user(role="operator", full_name="Operator Dinas Penanaman Modal dan PTSP")
    innovation_id = seed.innovation(operator, nama=f"Pelayanan Perizinan Berusaha Terintegrasi Secara Elektronik "
                                                   f"di Distrik Pedalaman {operator.username}")
    with live_server.app.app_context():
        innovation = db.session.get(Innovation, innovation_id)
        admin = seed._user(seed.admin().username)  # noqa: SLF001 - the seeder's own lookup
        register(innovation, by=admin)
        item = evidence.attach_file(innovation, indicator_no=17, stream=io.BytesIO(seed.pdf()),
                                    filename="sk-publik.pdf", by=admin)
        sharing.offer(item, public=True, by=admin)
        sharing.decide(item, approve=True, by=admin)
        db.session.commit()
        name = db.session.scalar(select(Innovation.nama).where(Innovation.id == innovation_id))
    return innovation_id, name


def watch_console(page) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def test_the_showcase_fits_a_360px_phone(phone_page, public_innovation, assert_no_sideways_scroll):
    page = phone_page
    innovation_id, name = public_innovation
    problems = watch_console(page)
    for path, heading in (("/public/", "Inovasi daerah"), (f"/public/innovations/{innovation_id}", name[:40]),
                          ("/public/events/", "Hasil Innovation Week"), ("/public/data/", "Data terbuka"),
                          ("/public/data/dictionary", "Kamus data")):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        assert_no_sideways_scroll(page, path)
    page.goto("/public/")
    page.get_by_label("Cari nama atau uraian").fill("Perizinan Berusaha")
    page.get_by_role("button", name="Tampilkan").click()
    expect(page.get_by_role("link", name=name)).to_be_visible()
    page.get_by_role("link", name=name).click()
    expect(page.get_by_role("link", name="sk-publik.pdf")).to_be_visible()
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert "lang=en" in page.url
    assert_no_sideways_scroll(page, "the English page")
    assert problems == []
