"""Blind rounds (issue 11, rule 11): judges see the entrant OPD's mentions masked in the title and
texts; an operator submitting to an event with a blind round is warned when the texts name the OPD."""
from __future__ import annotations

from datetime import timedelta

import pytest

from innovation.events.models import Entry, EntryStatus
from innovation.extensions import utcnow
from innovation.innovations import evidence
from innovation.innovations.mentions import find_mentions, mask, profile_mentions, terms_for
from innovation.judging import assignments, rounds, rubrics
from innovation.judging.models import RoundEntry
from innovation.web import Role

TERMS = terms_for("Dinas Kesehatan", "DINKES")


# --- the pure finder ------------------------------------------------------------------------------------

def test_mentions_are_whole_phrases_ignoring_case_and_spacing():
    text = "Program DINAS  KESEHATAN bersama dinkes; Dinkesmas dan Dinas Kesehatannya tidak; (DinKes)."
    found = [m.found for m in find_mentions({"rancang_bangun": text}, TERMS)]
    assert found == ["DINAS  KESEHATAN", "dinkes", "DinKes"]
    assert mask(text, TERMS, "[X]") == "Program [X] bersama [X]; Dinkesmas dan Dinas Kesehatannya tidak; ([X])."


def test_codes_with_punctuation_and_short_codes():
    terms = terms_for("Puskesmas Timika", "PKM-TIMIKA")
    assert mask("Layanan PKM-TIMIKA dan pkm-timika2", terms, "[X]") == "Layanan [X] dan pkm-timika2"
    assert terms_for("Dinas Pekerjaan Umum", "PU") == ("Dinas Pekerjaan Umum",)  # "PU" is too short to mask
    assert find_mentions({"nama": "apa saja"}, ()) == [] and mask("apa", (), "[X]") == "apa"


def test_the_snippet_shows_where():
    [mention] = find_mentions({"tujuan": "x" * 100 + " Dinas Kesehatan menyediakan " + "y" * 100}, TERMS)
    assert mention.field == "tujuan" and mention.snippet.startswith("…") and mention.snippet.endswith("…")
    assert "Dinas Kesehatan menyediakan" in mention.snippet and len(mention.snippet) < 130


# --- what judges see ---------------------------------------------------------------------------------------

@pytest.fixture
def blind_entry(db, make_opd, make_user, make_innovation, make_event):
    def build(blind=True):
        admin = make_user(role=Role.ADMIN)
        judge = make_user(role=Role.JUDGE)
        event = make_event()
        rubrics.seed_builtin_rubrics()
        now = utcnow()
        round_ = rounds.create_round(event, {
            "name": "Penilaian", "kind": "penilaian", "opens_at": now - timedelta(days=1),
            "closes_at": now + timedelta(days=2), "judges_per_entry": 1, "blind": blind,
        }, rubric=rubrics.get_by_code(rubrics.IGA_CODE), by=admin)
        opd = make_opd(name=f"Dinas Kesehatan Uji {event.id}", code=f"DKU{event.id}")
        innovation = make_innovation(opd=opd, nama=f"Jemput Bola {opd.code}",
                                     rancang_bangun=f"Petugas {opd.name} datang ke kampung.",
                                     tujuan="Mendekatkan layanan.", manfaat=f"Warga tidak perlu ke kantor {opd.code.lower()}.",
                                     hasil="Cakupan naik.")
        entry = Entry(event=event, innovation=innovation, category=event.categories[0], opd=opd,
                      status=EntryStatus.SUBMITTED, submitted_at=now)
        db.session.add(entry)
        db.session.flush()
        round_entry = RoundEntry(round=round_, entry=entry)
        db.session.add(round_entry)
        db.session.flush()
        assignments.assign_judge(round_entry, judge, by=admin)
        evidence.attach_link(innovation, indicator_no=35, url="https://example.org/v",
                             title=f"Video {opd.name}", by=admin)
        db.session.commit()
        return judge, round_entry, opd

    return build


def test_a_judge_of_a_blind_round_sees_the_mentions_masked(blind_entry, login, client):
    judge, round_entry, opd = blind_entry()
    login(judge)
    page = client.get(f"/judging/entries/{round_entry.id}").get_data(as_text=True)
    assert opd.name not in page and opd.code not in page and opd.code.lower() not in page
    assert "Jemput Bola [OPD disamarkan]" in page and "Petugas [OPD disamarkan] datang ke kampung." in page
    assert "ke kantor [OPD disamarkan]." in page and "Video [OPD disamarkan]" in page
    queue = client.get("/judging/").get_data(as_text=True)
    assert "Jemput Bola [OPD disamarkan]" in queue and opd.code not in queue


def test_an_open_round_shows_the_texts_as_written(blind_entry, login, client):
    judge, round_entry, opd = blind_entry(blind=False)
    login(judge)
    page = client.get(f"/judging/entries/{round_entry.id}").get_data(as_text=True)
    assert f"Jemput Bola {opd.code}" in page and f"Petugas {opd.name} datang" in page
    assert "[OPD disamarkan]" not in page


# --- the event learns of its blind rounds, and the operator is warned ----------------------------------------

def test_the_events_blind_flag_follows_its_rounds(db, make_event, make_user):
    admin = make_user(role=Role.ADMIN)
    event = make_event()
    now = utcnow()
    data = {"name": "Seleksi", "kind": "administrasi", "opens_at": now, "closes_at": now + timedelta(days=1)}
    round_ = rounds.create_round(event, data, by=admin)
    assert event.blind_judging is False
    rounds.update_round(round_, data | {"blind": True}, by=admin)
    assert event.blind_judging is True
    rounds.delete_round(round_, by=admin)
    assert event.blind_judging is False
    rounds.create_round(event, data | {"blind": True}, by=admin)
    assert event.blind_judging is True


def test_an_operator_is_warned_before_submitting_to_a_blind_event(db, make_opd, make_user, make_innovation,
                                                                   make_event, login, client):
    opd = make_opd(name="Distrik Wania Uji", code="DWU")
    operator = make_user(role=Role.OPERATOR, opd=opd)
    innovation = make_innovation(opd=opd, nama="Kampung Sehat DWU", rancang_bangun="Distrik Wania Uji memulai ...",
                                 tujuan="Warga sehat.")
    event = make_event()
    entry = Entry(event=event, innovation=innovation, category=event.categories[0], opd=opd,
                  status=EntryStatus.DRAFT)
    db.session.add(entry)
    db.session.commit()
    login(operator)
    url = f"/events/{event.slug}/entries/{entry.id}"
    assert "dinilai secara buta" not in client.get(url).get_data(as_text=True)  # no blind round yet
    event.blind_judging = True
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert "dinilai secara buta" in page and "2 kali" in page
    assert "Nama inovasi" in page and "Kampung Sehat DWU" in page and "Rancang bangun" in page
    assert [m.field for m in profile_mentions(innovation, opd.name, opd.code)] == ["nama", "rancang_bangun"]
    innovation.nama, innovation.rancang_bangun = "Kampung Sehat", "Petugas distrik memulai ..."
    db.session.commit()
    assert "dinilai secara buta" not in client.get(url).get_data(as_text=True)
