"""Judging pages: who may open what, the score sheet round trip, closed rounds, statement counts."""
from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest

from innovation.events.models import Entry, EntryStatus
from innovation.extensions import utcnow
from innovation.innovations import evidence
from innovation.judging import assignments, rounds, rubrics
from innovation.judging.models import Assignment, RoundEntry, SheetStatus
from innovation.web import Role

VERSION = re.compile(r'name="version" value="(\d*)"')


def loaded_version(client, url: str) -> str:
    """The score sheet's edit version the page's form carries ("" before the sheet exists)."""
    return VERSION.search(client.get(url).get_data(as_text=True)).group(1)


@pytest.fixture
def scene(db, make_opd, make_user, make_innovation, make_event):
    def build(n_entries=2, closes_in=timedelta(days=2)):
        admin = make_user(role=Role.ADMIN)
        judge_opd = make_opd()
        judge = make_user(role=Role.JUDGE, opd=judge_opd)
        event = make_event()
        rubrics.seed_builtin_rubrics()
        now = utcnow()
        round_ = rounds.create_round(event, {
            "name": "Penilaian", "kind": "penilaian", "opens_at": now - timedelta(days=1),
            "closes_at": now + closes_in, "judges_per_entry": 1, "blind": True,
        }, rubric=rubrics.get_by_code(rubrics.IGA_CODE), by=admin)
        res = []
        for i in range(n_entries):
            opd = make_opd()
            innovation = make_innovation(opd=opd, nama_inisiator="Ibu Operator Rahasia")
            entry = Entry(event=event, innovation=innovation, category=event.categories[0], opd=opd,
                          status=EntryStatus.SUBMITTED)
            db.session.add(entry)
            re_ = RoundEntry(round=round_, entry=entry)
            db.session.add(re_)
            db.session.flush()
            assignments.assign_judge(re_, judge, by=admin)
            res.append(re_)
        return admin, judge, judge_opd, round_, res

    return build


def test_judge_scores_through_the_page(scene, login, client, db):
    admin, judge, _opd, round_, res = scene()
    login(judge)
    page = client.get("/judging/")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert res[0].entry.innovation.nama in text and "belum dinilai" in text
    assert res[0].entry.opd.name not in text  # blind round
    crit = round_.rubric.criteria
    form = {f"score-{c.id}": "4" for c in crit} | {"overall_comment": "Baik", "action": "draft"}
    form[f"score-{crit[0].id}"] = "9"
    bad = client.post(f"/judging/entries/{res[0].id}", data=form)
    assert bad.status_code == 422 and "antara 1 dan 5" in bad.get_data(as_text=True)
    assert 'value="9"' in bad.get_data(as_text=True)  # typed text kept
    form[f"score-{crit[0].id}"] = "3.5"
    assert client.post(f"/judging/entries/{res[0].id}", data=form).status_code == 302
    form["action"] = "submit"
    form["version"] = loaded_version(client, f"/judging/entries/{res[0].id}")
    assert client.post(f"/judging/entries/{res[0].id}", data=form).status_code == 302
    sheet = res[0].active_assignment_for(judge).sheet
    assert sheet.status == SheetStatus.SUBMITTED and str(sheet.total) in ("3.8500", "3.85")
    shown = client.get(f"/judging/entries/{res[0].id}").get_data(as_text=True)
    assert "Ibu Operator Rahasia" not in shown and res[0].entry.opd.name not in shown
    assert "Kirim perubahan" in shown and "Kebaharuan" in shown
    innovation = res[0].entry.innovation
    innovation.tahapan = "uji_coba"
    db.session.flush()
    assert "<dd>Uji Coba</dd>" in client.get(f"/judging/entries/{res[0].id}").get_data(as_text=True)  # label, not code


def test_after_the_close_the_server_refuses_and_says_why(scene, login, client, db):
    admin, judge, _opd, round_, res = scene()
    round_.closes_at = utcnow() - timedelta(minutes=1)
    db.session.flush()
    login(judge)
    page = client.get(f"/judging/entries/{res[0].id}").get_data(as_text=True)
    assert "sudah ditutup" in page
    form = {f"score-{c.id}": "4" for c in round_.rubric.criteria} | {"action": "submit"}
    response = client.post(f"/judging/entries/{res[0].id}", data=form)
    assert response.status_code == 422 and "sudah ditutup" in response.get_data(as_text=True)
    assert res[0].active_assignment_for(judge).sheet is None


def test_score_page_lists_the_current_evidence_under_neutral_names_in_a_blind_round(scene, login, client, db):
    """The dossier's evidence is read as plain rows: current items only (not replaced, not removed),
    files under a neutral name in a blind round and under their own name otherwise, links by title."""
    admin, judge, _opd, round_, res = scene(n_entries=1)
    innovation = res[0].entry.innovation
    pdf = b"%PDF-1.4\n%%EOF\n"
    old = evidence.attach_file(innovation, indicator_no=16, stream=io.BytesIO(pdf), filename="SK Lama.pdf", by=admin)
    new = evidence.attach_file(innovation, indicator_no=16, stream=io.BytesIO(pdf), filename="SK Baru.pdf", by=admin,
                               replaces=old)
    gone = evidence.attach_file(innovation, indicator_no=17, stream=io.BytesIO(pdf), filename="Dihapus.pdf", by=admin)
    evidence.remove_evidence(gone, by=admin)
    link = evidence.attach_link(innovation, indicator_no=35, url="https://example.org/video", title="Video penerapan",
                                by=admin)
    db.session.flush()
    login(judge)
    page = client.get(f"/judging/entries/{res[0].id}").get_data(as_text=True)
    assert f"bukti-indikator-16-{new.id}.pdf" in page and "SK Baru" not in page
    assert f"bukti-indikator-16-{old.id}.pdf" not in page and f"/evidence/{old.id}" not in page
    assert f"bukti-indikator-17-{gone.id}" not in page and f"/evidence/{gone.id}" not in page
    assert "Video penerapan" in page and link.url in page
    assert f"/judging/entries/{res[0].id}/evidence/{new.id}?inline=1" in page
    download = client.get(f"/judging/entries/{res[0].id}/evidence/{new.id}")
    assert f"bukti-indikator-16-{new.id}.pdf" in download.headers["Content-Disposition"]
    round_.blind = False
    db.session.flush()
    page = client.get(f"/judging/entries/{res[0].id}").get_data(as_text=True)
    assert "SK Baru.pdf" in page and "SK Lama.pdf" not in page and "Dihapus.pdf" not in page


def test_judge_cannot_open_unassigned_or_conflicted_entries_nor_their_evidence(scene, login, client, db, make_user,
                                                                              make_innovation):
    admin, judge, judge_opd, round_, res = scene()
    other_judge = make_user(role=Role.JUDGE)
    item = evidence.attach_file(res[0].entry.innovation, indicator_no=16, stream=io.BytesIO(b"%PDF-1.4\n%%EOF\n"),
                                filename="SK Dinas X.pdf", by=admin)
    db.session.flush()
    login(other_judge)
    assert client.get(f"/judging/entries/{res[0].id}").status_code == 403
    assert client.get(f"/judging/entries/{res[0].id}/evidence/{item.id}").status_code == 403
    client.post("/auth/logout")
    login(judge)
    ok = client.get(f"/judging/entries/{res[0].id}/evidence/{item.id}?inline=1")
    assert ok.status_code == 200 and ok.headers["Content-Disposition"].startswith("inline")
    assert "SK" not in ok.headers["Content-Disposition"]  # blind: a neutral name
    # evidence of another innovation through this entry's URL: not found
    other = make_innovation()
    foreign = evidence.attach_file(other, indicator_no=16, stream=io.BytesIO(b"%PDF-1.4\n%%EOF\n"), filename="x.pdf", by=admin)
    db.session.flush()
    assert client.get(f"/judging/entries/{res[0].id}/evidence/{foreign.id}").status_code == 404
    # the entry's OPD becomes a child of the judge's OPD: a conflict, even though assigned
    res[0].entry.opd.parent_id = judge_opd.id
    db.session.flush()
    assert client.get(f"/judging/entries/{res[0].id}").status_code == 403
    assert client.get(f"/judging/entries/{res[0].id}/evidence/{item.id}").status_code == 403
    assert res[0].entry.innovation.nama not in client.get("/judging/").get_data(as_text=True)


def test_recusal_leaves_the_queue_and_shows_on_progress(scene, login, client, db):
    admin, judge, _opd, round_, res = scene()
    login(judge)
    response = client.post(f"/judging/entries/{res[0].id}/recuse", data={"reason": "Istri saya kepala OPD ini"})
    assert response.status_code == 302
    assert res[0].entry.innovation.nama not in client.get("/judging/").get_data(as_text=True)
    assert client.get(f"/judging/entries/{res[0].id}").status_code == 403
    client.post("/auth/logout")
    login(admin)
    progress = client.get(f"/judging/rounds/{round_.id}/progress").get_data(as_text=True)
    assert "Istri saya kepala OPD ini" in progress and "perlu juri pengganti" in progress


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.VERIFIER, Role.JUDGE])
def test_admin_pages_refuse_others(scene, login, client, make_user, role):
    admin, judge, _opd, round_, res = scene()
    login(make_user(role=role))
    for url in (f"/judging/rounds/{round_.id}", f"/judging/rounds/{round_.id}/progress",
                f"/judging/events/{round_.event.slug}", f"/judging/rounds/{round_.id}/advance"):
        assert client.get(url).status_code == 403, url


def test_admin_journey_pages_render(scene, login, client, db, make_user):
    admin, judge, _opd, round_, res = scene()
    login(admin)
    event = round_.event
    assert "Penjurian" in client.get("/judging/").get_data(as_text=True)
    assert client.get(f"/judging/events/{event.slug}").status_code == 200
    assert client.get(f"/judging/rounds/{round_.id}").status_code == 200
    assert client.get(f"/judging/rounds/{round_.id}/edit").status_code == 200
    assert client.get(f"/judging/rounds/{round_.id}/rubric").status_code == 200
    assert client.get(f"/judging/rounds/{round_.id}/advance").status_code == 200
    response = client.post(f"/judging/rounds/{round_.id}/rubric",
                           data={f"weight-{c.id}": "50" for c in round_.rubric.criteria})
    assert response.status_code == 422 and "berjumlah 100" in response.get_data(as_text=True)
    response = client.post(f"/judging/events/{event.slug}/rounds/new", data={
        "name": "Final", "kind": "final", "rubric": rubrics.KIPP_CODE, "opens_at": "2030-01-01T08:00",
        "closes_at": "2030-01-02T08:00", "judges_per_entry": "2"})
    assert response.status_code == 302
    final = rounds.rounds_of(event)[-1]
    assert final.rubric.criteria[0].code == "kebaruan" and final.opens_at.hour == 23  # 08:00 WIT = 23:00 UTC


def _count(client, url, count_statements):
    with count_statements() as counter:
        assert client.get(url).status_code == 200
    return counter.count


def test_queue_and_progress_statement_counts_do_not_grow(scene, login, client, count_statements, db):
    admin, judge, _opd, round_, res = scene(n_entries=2)
    login(judge)
    small_queue = _count(client, "/judging/", count_statements)
    client.post("/auth/logout")
    login(admin)
    small_progress = _count(client, f"/judging/rounds/{round_.id}/progress", count_statements)
    # a second round with three times the entries, for another judge
    _admin2, judge2, _o, round2, _more = scene(n_entries=6)
    client.post("/auth/logout")
    login(judge2)
    big_queue = _count(client, "/judging/", count_statements)
    client.post("/auth/logout")
    login(admin)
    big_progress = _count(client, f"/judging/rounds/{round2.id}/progress", count_statements)
    assert big_queue == small_queue
    assert big_progress == small_progress


def _tables(statement: str) -> int:
    return statement.upper().count(" JOIN ") + 1


def test_queue_and_score_page_load_only_what_they_show(scene, login, client, count_statements, db):
    """The loads are stated: the models' chained joined relationships made the queue one 15-table
    statement (PostgreSQL planned it for longer than it ran) fetching every innovation's texts."""
    admin, judge, _opd, round_, res = scene(n_entries=3)
    res[0].entry.innovation.rancang_bangun = "Teks rancang bangun yang panjang sekali."
    db.session.flush()
    login(judge)
    with count_statements() as counter:
        page = client.get("/judging/")
    assert page.status_code == 200 and res[0].entry.innovation.nama in page.get_data(as_text=True)
    assert max(_tables(s) for s in counter.statements) <= 5, counter.statements
    assert not any("rancang_bangun" in s for s in counter.statements)  # no long texts on the queue

    with count_statements() as counter:
        page = client.get(f"/judging/entries/{res[0].id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Teks rancang bangun yang panjang sekali." in text
    assert max(_tables(s) for s in counter.statements) <= 7, counter.statements
    innovation_loads = [s for s in counter.statements if "rancang_bangun" in s]
    assert len(innovation_loads) == 1  # the innovation, once
    assignment_loads = [s for s in counter.statements if s.lstrip().startswith("SELECT assignment.id")]
    # the assignment with its sheet in one statement, nothing of the round entry's joined chain
    assert len(assignment_loads) == 1 and _tables(assignment_loads[0]) == 2 and "score_sheet" in assignment_loads[0]
    # answers and evidence as plain rows: only the columns the page shows, one statement each
    evidence_loads = [s for s in counter.statements if "FROM evidence" in s]
    assert len(evidence_loads) == 1 and "evidence.created_at" not in evidence_loads[0]
    assert len([s for s in counter.statements if "FROM indicator_answer" in s]) == 1
    # seven for the sheet and its dossier, one for the entry on stage in a presentation (live.on_stage_for),
    # one for the unread messages in the header (notify.unread_count, on every page)
    assert len(counter.statements) <= 9, "\n".join(s[:150] for s in counter.statements)
    assert client.get("/judging/entries/99999999").status_code in (403, 404)
    assert client.get("/judging/entries/0").status_code == 404


def test_old_rounds_go_to_the_archive(scene, login, client, db):
    """A judge of many past Innovation Weeks sees this year's work first; rounds closed more than 30
    days ago are in the archive, latest first."""
    from innovation.judging.queue import queue_page

    _admin, judge, _opd, round_, res = scene(n_entries=2)
    now = utcnow()
    assert [r.round_entry_id for r in queue_page(judge, 1, 25, now=now).items] == [re_.id for re_ in res]
    assert queue_page(judge, 1, 25, archive=True, now=now).items == []
    later = now + timedelta(days=40)  # the round closed 38 days before
    assert queue_page(judge, 1, 25, now=later).items == []
    assert {r.round_entry_id for r in queue_page(judge, 1, 25, archive=True, now=later).items} == {re_.id for re_ in res}
    login(judge)
    html = client.get("/judging/?arsip=1").get_data(as_text=True)
    assert "Arsip penilaian" in html and "Kembali ke antrean" in html
    assert "Arsip babak lama" in client.get("/judging/").get_data(as_text=True)


def test_queue_pages_count_per_deadline_and_clamp_past_the_last(scene, count_statements, db):
    """The total comes from one grouped count per round deadline (no window over all of the judge's
    rows, issue 17), the rows from one statement per deadline the page spans; a page past the last
    shows the last page, with the right total."""
    from innovation.judging.queue import queue_page

    _admin, judge, _opd, _round, res = scene(n_entries=5)
    ids = [re_.id for re_ in res]
    with count_statements() as counter:
        first = queue_page(judge, 1, 2)
    assert [r.round_entry_id for r in first.items] == ids[:2] and first.total == 5 and first.pages == 3
    assert sum("GROUP BY" in s for s in counter.statements) == 1  # the counts: one statement
    assert not any(" OVER " in s.upper() for s in counter.statements)  # no window over every row
    middle = queue_page(judge, 2, 2)
    assert [r.round_entry_id for r in middle.items] == ids[2:4] and middle.total == 5
    past = queue_page(judge, 9, 2)
    assert past.page == 3 and [r.round_entry_id for r in past.items] == ids[4:] and past.total == 5
    empty = queue_page(judge, 1, 2, archive=True)
    assert empty.items == [] and empty.total == 0 and empty.pages == 1
    past_empty = queue_page(judge, 5, 2, archive=True)  # an empty queue asked for page 5: page 1 of 1
    assert past_empty.page == 1 and past_empty.items == [] and not past_empty.has_prev


def test_queue_order_across_round_deadlines_is_deadline_then_assignment(scene, make_opd, make_innovation, db):
    """Pages read per deadline give the one order of the whole list: the round closing first first, and
    rounds with the same deadline interleaved by assignment, whatever page boundaries fall where."""
    from innovation.judging.queue import queue_page

    admin, judge, _opd, round_a, res_a = scene(n_entries=0)
    event = round_a.event
    now = utcnow()

    def another(name, closes_at):
        return rounds.create_round(event, {
            "name": name, "kind": "penilaian", "opens_at": now - timedelta(days=1), "closes_at": closes_at,
            "judges_per_entry": 1, "blind": False}, rubric=round_a.rubric, by=admin)

    same = another("Sama", round_a.closes_at)
    earlier = another("Lebih awal", round_a.closes_at - timedelta(days=1))

    def add(round_):
        opd = make_opd()
        entry = Entry(event=event, innovation=make_innovation(opd=opd), category=event.categories[0], opd=opd,
                      status=EntryStatus.SUBMITTED)
        db.session.add(entry)
        re_ = RoundEntry(round=round_, entry=entry)
        db.session.add(re_)
        db.session.flush()
        return assignments.assign_judge(re_, judge, by=admin)

    made = [(r, add(r)) for r in [round_a, same, round_a, earlier, same, round_a, earlier]]
    # an entry of the judge's own OPD assigned behind the rules' back (imported, say): never listed,
    # and the pages around it neither skip nor repeat a row
    family_entry = Entry(event=event, innovation=make_innovation(opd=judge.opd), category=event.categories[0],
                         opd=judge.opd, status=EntryStatus.SUBMITTED)
    db.session.add(family_entry)
    family_re = RoundEntry(round=same, entry=family_entry)
    db.session.add(family_re)
    db.session.flush()
    db.session.add(Assignment(round_entry_id=family_re.id, judge_id=judge.id))
    db.session.flush()
    expected = ([a.id for r, a in made if r is earlier]
                + sorted(a.id for r, a in made if r is not earlier))
    for per_page in (1, 2, 3, 7, 10):
        found = []
        for page in range(1, 8):
            listed = queue_page(judge, page, per_page)
            assert listed.total == 7
            if page <= listed.pages:
                found += [row.assignment_id for row in listed.items]
        assert found == expected, per_page


def test_score_form_shows_the_rubric_in_the_judges_language_and_the_saved_or_typed_values(scene, login, client, db):
    """Titles, descriptions and level descriptors follow the page's language (Indonesian where the
    English text is empty); the form shows the saved value and comment, and after a refused submit
    what was typed."""
    _admin, judge, _opd, round_, res = scene(n_entries=1)
    crit = round_.rubric.criteria
    login(judge)
    url = f"/judging/entries/{res[0].id}"
    form = {f"score-{c.id}": "4" for c in crit} | {f"comment-{crit[0].id}": "Gagasan baru", "action": "draft"}
    form[f"score-{crit[0].id}"] = "3.5"
    assert client.post(url, data=form).status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Kebaharuan" in page and "Meniru praktik yang sudah umum tanpa perubahan." in page
    assert f'name="score-{crit[0].id}" value="3.50"' in page and ">Gagasan baru</textarea>" in page
    form["version"] = VERSION.search(page).group(1)
    refused = client.post(url, data=form | {f"score-{crit[1].id}": "8"})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422 and f'name="score-{crit[1].id}" value="8"' in text

    crit[1].title_en = ""  # no English title: the Indonesian one
    db.session.flush()
    client.post("/auth/language/en", data={"next": url})
    english = client.get(url).get_data(as_text=True)
    assert "Novelty" in english and "Copies common practice unchanged." in english
    assert "Kebaharuan" not in english and crit[1].title in english
    assert english.count("Score (1–5)") == len(crit)
    # the refusal names the criteria as the form does
    missing = client.post(url, data={f"score-{c.id}": "" for c in crit} | {"action": "submit",
                                                                         "version": form["version"]})
    assert missing.status_code == 422 and "Score every criterion before submitting: Novelty, " in missing.get_data(as_text=True)


def test_an_assignment_keeps_its_entrys_round_and_no_other(scene, make_user, db):
    """The queue counts a judge's rows by ``assignment.round_id`` (issue 17): it is set from the round
    entry whoever creates the assignment, and on PostgreSQL the composite foreign key refuses another
    round (SQLite does not enforce foreign keys)."""
    from sqlalchemy.exc import IntegrityError

    admin, _judge, _opd, round_, res = scene(n_entries=1)
    other = rounds.create_round(round_.event, {
        "name": "Babak lain", "kind": "penilaian", "opens_at": round_.opens_at, "closes_at": round_.closes_at,
        "judges_per_entry": 1, "blind": False}, rubric=round_.rubric, by=admin)
    by_id = Assignment(round_entry_id=res[0].id, judge_id=make_user(role=Role.JUDGE).id)
    by_object = Assignment(round_entry=res[0], judge=make_user(role=Role.JUDGE))
    db.session.add_all([by_id, by_object])
    db.session.flush()
    assert by_id.round_id == by_object.round_id == round_.id
    if db.engine.dialect.name == "postgresql":
        wrong = Assignment(round_entry_id=res[0].id, round_id=other.id, judge_id=make_user(role=Role.JUDGE).id)
        with pytest.raises(IntegrityError), db.session.begin_nested():
            db.session.add(wrong)
            db.session.flush()
