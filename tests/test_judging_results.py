"""Results: gathering, computing, publishing (frozen snapshot), pages, permissions, XLSX, CLI, certificates."""
from __future__ import annotations

import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal as D
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select

from innovation.extensions import utcnow
from innovation.judging import publication, results_cache
from innovation.judging import results as services
from innovation.judging.errors import ResultsError
from innovation.judging.result_types import RoundResults
from innovation.judging.statistics import krippendorff_alpha_interval
from innovation.web import Role

IGA = (("KBR", "Kebaharuan", 30), ("KMF", "Kemanfaatan", 25), ("RPL", "Replikasi dan aplikatif", 20),
       ("KWN", "Kewenangan daerah dan kolaborasi", 15), ("PNY", "Penguasaan materi", 10))


@dataclass
class Built:
    round: object
    event: object
    entries: list
    judges: list
    criteria: list
    sheets: dict = field(default_factory=dict)  # (entry id, judge id) -> ScoreSheet


def weighted(values, criteria):
    return sum((D(v) * c.weight for v, c in zip(values, criteria)), D(0)) / 100


def build_round(db, *, event, entries, judges, grid, closed=True, advance_top_n=None, code=None, award_places=6,
                award_per_category=True):
    """A scored round on the 1-5 IGA rubric; ``grid[(entry_index, judge_index)] = [five values]``."""
    from innovation.judging.models import (
        Assignment,
        Criterion,
        Round,
        RoundEntry,
        RoundKind,
        Rubric,
        Score,
        ScoreSheet,
        SheetStatus,
    )

    now = utcnow()
    rubric = Rubric(code=code or f"iga-uji-{event.id}-{len(grid)}-{id(grid) % 100000}", name="Rubrik presentasi IGA",
                    scale_min=1, scale_max=5)
    rubric.criteria = [Criterion(code=c, title=t, weight=D(w), position=i) for i, (c, t, w) in enumerate(IGA)]
    db.session.add(rubric)
    db.session.flush()
    round_ = Round(event=event, position=2, kind=RoundKind.PENILAIAN, name="Penilaian presentasi", rubric=rubric,
                   opens_at=now - timedelta(days=10), closes_at=now - timedelta(days=1) if closed else now + timedelta(days=1),
                   advance_top_n=advance_top_n, award_places=award_places, award_per_category=award_per_category)
    db.session.add(round_)
    db.session.flush()
    built = Built(round_, event, entries, judges, rubric.criteria)
    round_entries = {}
    for i, entry in enumerate(entries):
        round_entries[i] = RoundEntry(round_id=round_.id, entry_id=entry.id)
        db.session.add(round_entries[i])
    db.session.flush()
    for (i, j), values in grid.items():
        assignment = Assignment(round_entry_id=round_entries[i].id, judge_id=judges[j].id)
        db.session.add(assignment)
        db.session.flush()
        sheet = ScoreSheet(assignment_id=assignment.id, status=SheetStatus.SUBMITTED,
                           overall_comment=f"Catatan juri {j + 1} untuk entri {i + 1}.", submitted_at=now - timedelta(days=2),
                           total=weighted(values, rubric.criteria))
        sheet.scores = [Score(criterion_id=c.id, value=D(v), comment="Perlu data dampak." if k == 1 else "")
                        for k, (v, c) in enumerate(zip(values, rubric.criteria))]
        db.session.add(sheet)
        built.sheets[(entries[i].id, judges[j].id)] = sheet
    db.session.flush()
    return built


def make_entries(db, make_opd, make_innovation, event, count, opds=None):
    from innovation.events.models import Entry, EntryStatus

    entries = []
    for i in range(count):
        opd = opds[i] if opds else make_opd()
        innovation = make_innovation(opd=opd, nama=f"Inovasi Hasil {i + 1} {event.id}")
        entry = Entry(event=event, innovation=innovation, category=event.categories[i % 2], opd_id=opd.id,
                      status=EntryStatus.SUBMITTED, submitted_at=event.opens_at + timedelta(hours=1 + i))
        db.session.add(entry)
        entries.append(entry)
    db.session.flush()
    return entries


def standard_grid(n_entries, n_judges, harsh=None):
    """Entry quality falls with its index; a harsh judge scores about one point lower everywhere."""
    grid = {}
    for i in range(n_entries):
        base = 5 - (i % 4) * 0.75
        for j in range(n_judges):
            wobble = ((i * 7 + j * 3) % 5 - 2) * 0.25
            values = []
            for k in range(5):
                v = base + wobble + ((k + j) % 3 - 1) * 0.25 - (1.2 if j == harsh else 0)
                values.append(str(max(1, min(5, round(v * 4) / 4))))
            grid[(i, j)] = values
    return grid


@pytest.fixture
def scored(db, make_opd, make_user, make_innovation, make_event):
    def build(n_entries=6, n_judges=5, harsh=None, grid=None, closed=True, opds=None, **kw):
        past = utcnow() - timedelta(days=30)
        event = make_event(opens_at=past, closes_at=past + timedelta(days=5))
        entries = make_entries(db, make_opd, make_innovation, event, n_entries, opds)
        judges = [make_user(role=Role.JUDGE, full_name=f"Juri Uji {j + 1}") for j in range(n_judges)]
        return build_round(db, event=event, entries=entries, judges=judges,
                           grid=grid if grid is not None else standard_grid(n_entries, n_judges, harsh),
                           closed=closed, **kw)

    return build


# --- computing -------------------------------------------------------------------------------

def test_compute_by_hand_on_a_small_round(scored):
    grid = {
        (0, 0): ["5", "5", "4", "4", "5"], (0, 1): ["4", "4", "4", "4", "4"], (0, 2): ["5", "4", "5", "4", "4"],
        (1, 0): ["3", "3", "3", "3", "3"], (1, 1): ["2", "2", "3", "3", "2"], (1, 2): ["3", "4", "3", "3", "3"],
    }
    built = scored(n_entries=2, n_judges=3, grid=grid)
    found = services.compute(built.round)
    payload = found.to_payload()  # the snapshot's JSON: figures as four-place decimal strings
    first, second = payload["entries"]
    # entry 1 totals: 4.65 (5*.3+5*.25+4*.2+4*.15+5*.1), 4.00, 4.50 -> mean 13.15 / 3
    assert [s["total"] for s in first["sheets"]] == ["4.6500", "4.0000", "4.5000"]
    assert first["raw"]["mean"] == "4.3833" and first["raw"]["median"] == "4.5000"
    assert first["raw"]["trimmed"] == "4.5000"  # three totals: lowest and highest dropped
    assert first["range"] == "0.6500" and first["sd"] == "0.3403"  # sample SD of (4.65, 4.00, 4.50)
    assert first["rank"] == 1 and second["rank"] == 2
    # criterion alpha for Kebaharuan on units (5, 4, 5) and (3, 2, 3), checked by the pure function
    kbr = payload["agreement"]["criteria"][0]
    assert kbr["alpha"] == str(krippendorff_alpha_interval([[D(5), D(4), D(5)], [D(3), D(2), D(3)]]).quantize(D("0.001")))
    assert payload["judges"][0]["label"] == "Juri 1"
    # the typed value holds the same figures as Decimals
    assert [s.total for s in found.entries[0].sheets] == [D("4.65"), D(4), D("4.5")]
    assert found.entries[0].raw["mean"] == D("4.3833") and found.entries[1].rank == 2


def test_planted_harsh_judge_is_flagged(scored):
    built = scored(harsh=3)
    found = services.compute(built.round)
    flags = {j.label: j.flag for j in found.judges}
    assert flags == {"Juri 1": None, "Juri 2": None, "Juri 3": None, "Juri 4": "lebih keras", "Juri 5": None}
    harsh = found.judges[3]
    assert harsh.mean_deviation < -1 and harsh.compared == 6


def test_outlier_single_score_is_flagged(scored):
    grid = standard_grid(6, 5)
    grid[(1, 1)] = ["1", "1", "1", "1", "1"]  # one wild sheet
    built = scored(grid=grid)
    found = services.compute(built.round)
    wild = found.entry(built.entries[1].id)
    flagged = {s.label: s.flag_gap for s in wild.sheets if s.flag_gap}
    assert list(flagged) == ["Juri 2"] and flagged["Juri 2"] < -2
    assert all(sc.flag_gap for sc in wild.sheets[1].scores)  # every criterion too
    assert wild.flags == 6
    calm = found.entry(built.entries[0].id)
    assert not any(s.flag_gap for s in calm.sheets)


def test_methods_and_aggregates_change_the_ranking_basis(scored):
    built = scored(harsh=3)
    raw = services.compute(built.round, method="raw", aggregate="median")
    normalised = services.compute(built.round, method="normalised", aggregate="trimmed")
    assert raw.method == "raw" and all(e.score == e.raw["median"] for e in raw.entries if e.judges)
    assert all(e.score == e.normalised for e in normalised.entries)
    bogus = services.compute(built.round, method="x", aggregate="y")
    assert (bogus.method, bogus.aggregate) == ("raw", "mean")


def test_awards_are_the_rounds_settings_per_category(scored):
    """Six places by default (Juara 1-3, Harapan 1-3), per category; advancement's N plays no part."""
    built = scored(n_entries=16, advance_top_n=2)  # 8 entries in each of two categories
    found = services.compute(built.round)
    assert found.awards.labels == ["Juara 1", "Juara 2", "Juara 3", "Harapan 1", "Harapan 2", "Harapan 3"]
    for category in found.categories:
        ranked = [found.entry(i) for i in category.ranking]
        assert [e.award for e in ranked] == found.awards.labels + [None, None]
        assert [e.winner for e in ranked] == [True] * 6 + [False] * 2


def test_a_group_never_awards_its_last_placed_entry(scored, db):
    """The issue: with three entries or fewer per category every entry was a winner. A category with n
    scored entries awards at most n - 1 places: 3 entries and 6 places give Juara 1 and 2 only."""
    built = scored(n_entries=6)  # three per category
    found = services.compute(built.round)
    for category in found.categories:
        ranked = [found.entry(i) for i in category.ranking]
        assert [e.award for e in ranked] == ["Juara 1", "Juara 2", None]
    built.round.award_places = 1  # fewer places than entries: the places decide
    db.session.flush()
    found = services.compute(built.round)
    assert sorted(e.award or "" for e in found.entries) == ["", "", "", "", "Juara 1", "Juara 1"]
    lone = scored(n_entries=1)  # a single entry beat nobody
    assert not services.compute(lone.round).entries[0].winner


def test_awards_overall_with_custom_labels(scored, db):
    built = scored(n_entries=6, award_per_category=False)
    built.round.award_places, built.round.award_labels = 2, "Terbaik I\nTerbaik II\nTidak dipakai"
    db.session.flush()
    found = services.compute(built.round)
    assert [e.award for e in found.entries] == ["Terbaik I", "Terbaik II", None, None, None, None]
    assert found.awards.per_category is False and found.awards.labels == ["Terbaik I", "Terbaik II"]


def test_the_rounds_award_settings_are_checked(db, scored, make_user):
    from innovation.judging import rounds
    from innovation.judging.errors import JudgingError

    built = scored(n_entries=2)
    admin = make_user(role=Role.ADMIN)
    data = {"name": "Penilaian", "kind": "penilaian", "opens_at": built.round.opens_at,
            "closes_at": built.round.closes_at}
    with pytest.raises(JudgingError, match="satu label untuk setiap"):
        rounds.update_round(built.round, data | {"award_places": 3, "award_labels": "Emas\nPerak"}, by=admin)
    with pytest.raises(JudgingError, match="antara 0 dan 20"):
        rounds.update_round(built.round, data | {"award_places": 21}, by=admin)
    with pytest.raises(JudgingError, match="berbeda"):
        rounds.update_round(built.round, data | {"award_places": 2, "award_labels": "Emas\nEmas"}, by=admin)
    rounds.update_round(built.round, data | {"award_places": 2, "award_labels": "Emas\n Perak \n"}, by=admin)
    assert (built.round.award_places, built.round.award_labels) == (2, "Emas\nPerak")
    rounds.update_round(built.round, data | {"award_places": 6, "award_labels": ""}, by=admin)
    assert built.round.award_labels is None  # the defaults


# --- publishing ------------------------------------------------------------------------------

def test_publish_freezes_a_snapshot_and_later_changes_do_not_alter_it(scored, make_user, db, login, client):
    from innovation.audit.models import AuditEvent

    built = scored()
    admin = make_user(role=Role.ADMIN)
    snapshot = publication.publish(built.round, by=admin, method="normalised", aggregate="median")
    assert built.round.published_at is not None
    assert services.verify(snapshot) and len(snapshot.checksum) == 64
    assert snapshot.method == "normalised/median"
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "judging.results_published")) == 1
    with pytest.raises(ResultsError):
        publication.publish(built.round, by=admin)
    db.session.flush()

    login(admin)
    before = client.get(f"/judging/rounds/{built.round.id}/results").get_data(as_text=True)
    assert snapshot.checksum in before and "cocok" in before
    # a judge's score changes after publication
    sheet = built.sheets[(built.entries[0].id, built.judges[0].id)]
    sheet.total = D("1.0000")
    for score in sheet.scores:
        score.value = D(1)
    db.session.flush()
    assert services.compute(built.round).to_payload()["entries"] != snapshot.payload["entries"]
    after = client.get(f"/judging/rounds/{built.round.id}/results").get_data(as_text=True)
    strip = lambda html: re.sub(r'name="csrf_token" value="[^"]*"', "", html)  # noqa: E731
    assert strip(after) == strip(before)
    db.session.expire_all()
    stored = services.latest_snapshot(built.round)
    assert services.verify(stored) and stored.checksum == snapshot.checksum


def test_publish_refuses_open_rounds_and_rounds_without_sheets(scored, make_user):
    admin = make_user(role=Role.ADMIN)
    with pytest.raises(ResultsError):
        publication.publish(scored(closed=False).round, by=admin)
    with pytest.raises(ResultsError):
        publication.publish(scored(grid={}).round, by=admin)


def test_publish_view_needs_confirmation(scored, make_user, login, client):
    built = scored()
    login(make_user(role=Role.ADMIN))
    url = f"/judging/rounds/{built.round.id}/results/publish"
    response = client.post(url, data={"method": "normalised", "aggregate": "mean"})
    assert response.status_code == 302 and built.round.published_at is None
    response = client.post(url, data={"method": "normalised", "aggregate": "mean", "confirm": "1"}, follow_redirects=True)
    assert response.status_code == 200 and built.round.published_at is not None
    assert "Hasil resmi" in response.get_data(as_text=True)
    assert services.latest_snapshot(built.round).payload["method"] == "normalised"


# --- pages and permissions -------------------------------------------------------------------

def test_admin_page_shows_both_methods_agreement_and_tie_break(scored, make_user, login, client):
    built = scored(harsh=3)
    login(make_user(role=Role.ADMIN))
    html = client.get(f"/judging/rounds/{built.round.id}/results?method=normalised&aggregate=trimmed").get_data(as_text=True)
    assert "nilai ternormalisasi" in html and "rata-rata terpangkas" in html
    assert "Krippendorff" in html and "lebih keras" in html and "Aturan pemecah seri" in html
    assert "Umumkan hasil" in html
    assert client.get(f"/judging/rounds/{built.round.id}/results?method=%00&aggregate=zzz").status_code == 200
    assert client.get("/judging/rounds/999999999/results").status_code == 404
    assert client.get("/judging/rounds/99999999999/results").status_code == 404


def test_operator_sees_nothing_before_publication_then_only_own_details(scored, make_opd, make_user, login, client):
    opds = [make_opd() for _ in range(6)]
    built = scored(opds=opds)
    operator = make_user(role=Role.OPERATOR, opd=opds[0])
    login(operator)
    url = f"/judging/rounds/{built.round.id}/my-results"
    page = client.get(url)
    assert page.status_code == 200 and "belum diumumkan" in page.get_data(as_text=True)
    assert "Catatan juri" not in page.get_data(as_text=True)
    certificate = f"/judging/rounds/{built.round.id}/certificates/{built.entries[0].id}.pdf"
    assert client.get(certificate).status_code == 403  # nothing before publication
    assert client.get(f"/judging/rounds/{built.round.id}/results").status_code == 403
    assert "Penilaian presentasi" not in client.get("/judging/results").get_data(as_text=True)

    publication.publish(built.round, by=make_user(role=Role.ADMIN))
    html = client.get(url).get_data(as_text=True)
    own, other = built.entries[0], built.entries[1]
    assert "Catatan juri 1 untuk entri 1." in html and "Juri 1" in html
    assert "Catatan juri 1 untuk entri 2." not in html  # another OPD's comments
    assert "Juri Uji" not in html  # judges anonymised
    assert own.innovation.nama in html and other.innovation.nama in html  # public ranking
    assert "Penilaian presentasi" in client.get("/judging/results").get_data(as_text=True)
    # another OPD's certificate: refused; own (rank 1 in its category): a PDF
    assert client.get(f"/judging/rounds/{built.round.id}/certificates/{other.id}.pdf").status_code == 403
    response = client.get(certificate)
    assert response.status_code == 200 and response.data.startswith(b"%PDF")


def test_judges_and_verifiers_have_no_results_pages(scored, make_user, login, client):
    built = scored()
    publication.publish(built.round, by=make_user(role=Role.ADMIN))
    for role in (Role.JUDGE, Role.VERIFIER):
        client.post("/auth/logout")
        login(make_user(role=role))
        for path in (f"/judging/rounds/{built.round.id}/results", f"/judging/rounds/{built.round.id}/my-results",
                     "/judging/results", f"/judging/events/{built.event.slug}/results.xlsx"):
            assert client.get(path).status_code == 403, (role, path)


def test_results_page_statements_do_not_grow_with_rows(scored, make_user, login, client, count_statements):
    admin = make_user(role=Role.ADMIN)
    login(admin)
    counts = []
    for n in (3, 12):
        built = scored(n_entries=n)
        client.get(f"/judging/rounds/{built.round.id}/results")  # warm the per-request caches
        with count_statements() as counter:
            assert client.get(f"/judging/rounds/{built.round.id}/results").status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], counts


def test_operator_page_statements_do_not_grow_with_rows(scored, make_opd, make_user, login, client, count_statements):
    counts = []
    admin = make_user(role=Role.ADMIN)
    for n in (3, 12):
        opds = [make_opd() for _ in range(n)]
        built = scored(n_entries=n, opds=opds)
        publication.publish(built.round, by=admin)
        client.post("/auth/logout")
        login(make_user(role=Role.OPERATOR, opd=opds[0]))
        with count_statements() as counter:
            assert client.get(f"/judging/rounds/{built.round.id}/my-results").status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], counts


def test_live_result_is_cached_until_the_scores_change(scored, make_user, login, client, monkeypatch, db):
    from innovation.judging import assignments, sheets

    results_cache.results_cache().clear()
    built = scored(closed=False)  # still open: the judges may change their scores
    login(make_user(role=Role.ADMIN))
    computed = []
    real = services.RoundFigures.of  # the round's figures: what every view (aggregate x method) is built from
    monkeypatch.setattr(services.RoundFigures, "of", classmethod(lambda cls, data: computed.append(1) or real(data)))
    url = f"/judging/rounds/{built.round.id}/results"
    entry_id = built.entries[0].id

    def score_of_first():
        found, _snapshot = services.round_results(built.round)
        return found.entry(entry_id).raw["mean"]

    assert client.get(url).status_code == 200 and client.get(url).status_code == 200
    assert len(computed) == 1  # the second view read the cache
    client.get(url + "?method=normalised")
    assert len(computed) == 1  # another method is another view of the same figures
    normalised, _snapshot = services.round_results(built.round, method="normalised")
    assert normalised.method == "normalised" and normalised is not services.round_results(built.round)[0]
    before = score_of_first()
    assert len(computed) == 1

    # a judge changes a score: the next view recomputes and shows it
    judge = built.judges[0]
    assignment = built.sheets[(entry_id, judge.id)].assignment

    def resubmit(value: str) -> None:
        sheets.save_sheet(assignment, {c.id: value for c in built.criteria}, {}, "", submit=True, by=judge)
        db.session.commit()  # as the view does

    resubmit("1")
    changed = score_of_first()
    assert len(computed) == 2 and changed != before
    resubmit("2")  # and again
    assert score_of_first() != changed and len(computed) == 3

    # a recusal takes the judge's sheet out of the result
    assignments.recuse(assignment, "Kerabat saya operatornya", by=judge)
    db.session.commit()
    found, _snapshot = services.round_results(built.round)
    assert len(computed) == 4
    assert found.entry(entry_id).judges == len(built.judges) - 1


def test_results_page_is_paged_and_details_are_per_entry(scored, make_user, login, client, monkeypatch):
    from innovation.judging import results_views

    monkeypatch.setattr(results_views, "RANKING_PER_PAGE", 4)
    built = scored(n_entries=10)
    login(make_user(role=Role.ADMIN))
    url = f"/judging/rounds/{built.round.id}/results"
    html = client.get(url).get_data(as_text=True)
    found, _snapshot = services.round_results(built.round)
    assert "Catatan juri" not in html  # no judge's sheet or comment on the ranking page
    assert "Halaman 1 dari 3" in html and f"entry={found.entries[0].id}" in html
    last = found.entries[-1]

    def ranking(page_html):  # the paged ranking section
        return page_html.split('id="peringkat"')[1].split("Kesepakatan juri")[0]

    assert f"entry={last.id}\"" not in ranking(html)
    assert f"entry={last.id}\"" in ranking(client.get(url + "?page=3").get_data(as_text=True))
    assert client.get(url + "?page=99").status_code == 200 and client.get(url + "?page=x").status_code == 200

    category = found.categories[0]
    full = client.get(url + f"?category={category.id}").get_data(as_text=True)
    assert f"Peringkat lengkap: {category.name}" in full
    assert client.get(url + "?category=zz").status_code == 200

    index = next(i for i, e in enumerate(built.entries) if e.id == last.id)
    detail = client.get(url + f"?entry={last.id}")
    text = detail.get_data(as_text=True)
    assert detail.status_code == 200 and last.innovation in text
    assert f"Catatan juri 1 untuk entri {index + 1}." in text and "Juri 5" in text
    assert "Perlu data dampak." in text  # criterion comments
    assert client.get(url + "?entry=999999").status_code == 404
    assert client.get(url + "?entry=x").status_code == 404


def test_results_page_size_does_not_grow_with_the_round(scored, make_user, login, client, monkeypatch):
    from innovation.judging import results_views

    monkeypatch.setattr(results_views, "RANKING_PER_PAGE", 5)
    login(make_user(role=Role.ADMIN))
    sizes = []
    for n in (14, 24):  # at least the six award places in each category
        built = scored(n_entries=n, n_judges=3)
        html = client.get(f"/judging/rounds/{built.round.id}/results").get_data(as_text=True)
        sizes.append(html.count("<tr"))
    assert sizes[0] == sizes[1], sizes


# --- export, CLI, certificate ----------------------------------------------------------------

def _read(data: bytes):
    return load_workbook(io.BytesIO(data))


def test_xlsx_reads_back_equal_to_the_computed_values(scored, make_user, login, client):
    built = scored(harsh=3)
    login(make_user(role=Role.ADMIN))
    response = client.get(f"/judging/events/{built.event.slug}/results.xlsx")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    workbook = _read(response.data)
    assert workbook.sheetnames == ["Ringkasan", "Peringkat", "Nilai per Juri", "Nilai per Kriteria", "Komentar",
                                   "Kesepakatan", "Keputusan Seri", "Revisi Nilai"]
    found = services.compute(built.round)
    ranking = workbook["Peringkat"]
    assert ranking.freeze_panes == "A2" and ranking.column_dimensions["E"].width >= 30
    rows = list(ranking.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(found.entries)
    for row, entry in zip(rows, found.entries):
        assert row[1] == entry.rank and row[4] == entry.innovation
        assert isinstance(row[7], float) and row[7] == pytest.approx(float(entry.score))
        assert row[11] == pytest.approx(float(entry.normalised))
        assert row[17] == (entry.award or None)
    # figures are numbers with a number format (shown with the reader's separators), never text
    score_cell = ranking.cell(row=2, column=8)
    assert isinstance(score_cell.value, float) and score_cell.number_format == "0.00"
    assert workbook["Kesepakatan"].cell(row=2, column=3).number_format == "0.000"
    per_criterion = list(workbook["Nilai per Kriteria"].iter_rows(min_row=2, values_only=True))
    assert len(per_criterion) == len(built.sheets) * 5
    sheet = built.sheets[(built.entries[0].id, built.judges[0].id)]
    first = next(r for r in per_criterion if r[1] == built.entries[0].innovation.nama and r[4] == "Juri Uji 1")
    # the score of the row's criterion (sheet.scores has no defined order: on PostgreSQL any row may come first)
    assert first[8] == float(next(sc.value for sc in sheet.scores if sc.criterion.code == first[5]))
    comments = list(workbook["Komentar"].iter_rows(min_row=2, values_only=True))
    assert any(r[6] == "Catatan juri 1 untuk entri 1." for r in comments)
    agreement = list(workbook["Kesepakatan"].iter_rows(min_row=2, values_only=True))
    assert agreement[0][2] == pytest.approx(float(found.agreement.overall.alpha))
    assert any(r[6] == "lebih keras" for r in agreement)


def test_cli_writes_the_same_workbook(scored, app, tmp_path, db):
    built = scored()
    out = tmp_path / "hasil.xlsx"
    result = app.test_cli_runner().invoke(args=["results", "export", "--event", built.event.slug, "--out", str(out)])
    assert result.exit_code == 0, result.output
    workbook = load_workbook(out)
    assert workbook["Peringkat"].max_row == len(built.entries) + 1
    bad = app.test_cli_runner().invoke(args=["results", "export", "--event", "tidak-ada", "--out", str(out)])
    assert bad.exit_code != 0 and "No event" in bad.output


SNAPSHOT_V1 = Path(__file__).parent / "data" / "judging_snapshot_v1.json"


def _payload_for_certificates() -> dict:
    """A snapshot published by the first version of the results (normalised/median, a harsh judge,
    one wild sheet, two winners per category), as stored: its payload and checksum."""
    return json.loads(SNAPSHOT_V1.read_text(encoding="utf-8"))["payload"]


def test_a_stored_snapshot_reads_back_and_still_verifies():
    """Snapshots already published keep verifying, and reading one as ``RoundResults`` and writing it
    again gives the same payload, key for key and in the same key order."""
    stored = json.loads(SNAPSHOT_V1.read_text(encoding="utf-8"))
    assert services.checksum(stored["payload"]) == stored["checksum"]
    results = RoundResults.from_payload(stored["payload"])
    again = results.to_payload()
    assert json.dumps(again) == json.dumps(stored["payload"])  # same keys, order and values
    assert services.checksum(again) == stored["checksum"]
    assert results.published_at is not None and results.method == "normalised" and results.aggregate == "median"
    assert [e.rank for e in results.entries] == list(range(1, len(results.entries) + 1))
    assert results.entry(results.overall[0]) is results.entries[0]


def test_a_computed_result_and_its_payload_agree(scored):
    built = scored(harsh=3)
    found = services.compute(built.round, method="normalised", aggregate="trimmed")
    payload = found.to_payload()
    assert "published_at" not in payload  # only a published snapshot says when
    assert RoundResults.from_payload(json.loads(json.dumps(payload))).to_payload() == payload
    entry = found.entries[0]
    stored = payload["entries"][0]
    assert stored["score"] == str(entry.score) and stored["submitted_at"] == entry.submitted_at.isoformat()
    assert list(stored) == ["id", "round_entry_id", "innovation", "innovation_id", "opd", "opd_id", "category_id",
                            "category", "submitted_at", "judges", "raw", "normalised", "z", "score", "sd", "range",
                            "heaviest", "flags", "sheets", "rank", "tie_step", "category_rank",
                            "category_tie_step", "winner", "award", "pending_tie", "category_pending_tie"]
    assert payload["version"] == 2 and payload["awards"]["places"] == 6 and payload["edition"] is None
    assert list(payload)[-5:] == ["edition", "awards", "tie_decisions", "missing_sheets", "incomplete_reason"]


def _pdf_page(data: bytes):
    """The certificate's one page, read by pypdf (which inflates and decodes its content streams)."""
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    return reader.pages[0]


def _words(text: str) -> str:
    return " ".join(text.split())


def test_certificate_is_an_a4_landscape_pdf_with_name_and_checksum(scored, make_user, login, client):
    built = scored(n_entries=8)
    snapshot = publication.publish(built.round, by=make_user(role=Role.ADMIN))
    login(make_user(role=Role.ADMIN))
    winner = next(e for e in snapshot.payload["entries"] if e["award"] == "Juara 1")
    response = client.get(f"/judging/rounds/{built.round.id}/certificates/{winner['id']}.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    page = _pdf_page(response.data)
    text = _words(page.extract_text())
    from innovation.judging.public_file import public_checksum

    assert _words(winner["innovation"]) in text and public_checksum(snapshot) in text
    assert "SERTIFIKAT PENGHARGAAN" in text and "sebagai Juara 1" in text and f"Kategori {winner['category']}" in text
    score = D(winner["score"]).quantize(D("0.01"), rounding="ROUND_HALF_UP")
    assert f"nilai akhir {str(score).replace('.', ',')}" in text and winner["score"] not in text  # 4,58, never 4.5828
    assert "edisi 1" in text
    assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx((841.89, 595.28))  # A4 landscape
    assert client.get(f"/judging/rounds/{built.round.id}/certificates/999999.pdf").status_code == 404


def test_the_last_placed_entry_gets_no_winners_certificate(scored, make_user, login, client):
    """The issue: the last-placed entry downloaded a "Peringkat 3" certificate. Now it gets a
    participation certificate that says so, and nothing of a place or a title."""
    built = scored(n_entries=6)  # three per category: Juara 1, Juara 2, and a participant
    snapshot = publication.publish(built.round, by=make_user(role=Role.ADMIN))
    login(make_user(role=Role.ADMIN))
    found = services.published_results(snapshot)
    for category in found.categories:
        last = found.entry(category.ranking[-1])
        assert not last.winner and last.award is None
        response = client.get(f"/judging/rounds/{built.round.id}/certificates/{last.id}.pdf")
        assert response.status_code == 200 and "sertifikat-partisipasi" in response.headers["Content-Disposition"]
        text = _words(_pdf_page(response.data).extract_text())
        assert "SERTIFIKAT PARTISIPASI" in text and "bukan penghargaan" in text
        assert "PENGHARGAAN" not in text.replace("bukan penghargaan", "") and "Juara" not in text
        assert "Peringkat" not in text and "Harapan" not in text


def test_certificate_text_reads_back_whatever_the_checksum(app, db):
    """The certificate's text is read with a real PDF parser, so no checksum, name or compressed stream
    (fpdf2's Flate output may end in any byte, ``\\r`` included) loses it."""
    from innovation.documents.certificates import CertificateInputs, certificate_pdf

    results = RoundResults.from_payload(_payload_for_certificates())
    entry = results.entries[0]
    for n in range(40):
        checksum = hashlib.sha256(str(n).encode()).hexdigest()
        entry.innovation = f"Inovasi Uji {n} \u00e9"
        inputs = CertificateInputs("Pemerintah Kabupaten Mimika", None, "Timika", [], f"{n:03d}/IW-2026/BAPPEDA",
                                   "http://localhost/public/certificates/verify", checksum)
        text = _words(_pdf_page(certificate_pdf(results, entry, inputs)).extract_text())
        assert checksum in text and f"Inovasi Uji {n} \u00e9" in text, n


def test_the_operator_reads_what_normalisation_did_to_their_score(scored, make_opd, make_user, login, client):
    """Issue 11, rule 8: beside a normalised score, one sentence with the two numbers."""
    opds = [make_opd() for _ in range(6)]
    built = scored(opds=opds, harsh=2)
    snapshot = publication.publish(built.round, by=make_user(role=Role.ADMIN), method="normalised")
    own = next(e for e in snapshot.payload["entries"] if e["opd_id"] == opds[0].id)
    login(make_user(role=Role.OPERATOR, opd=opds[0]))
    html = client.get(f"/judging/rounds/{built.round.id}/my-results").get_data(as_text=True)

    def shown(value: str) -> str:
        return str(D(value).quantize(D("0.01"), rounding="ROUND_HALF_UP")).replace(".", ",")

    assert (f"Rata-rata nilai juri untuk inovasi Anda {shown(own['raw']['mean'])}; setelah normalisasi "
            f"(menyetarakan juri yang lebih keras atau lebih murah) menjadi {shown(own['normalised'])}.") in html
    others = [make_opd() for _ in range(6)]
    raw = scored(opds=others)
    publication.publish(raw.round, by=make_user(role=Role.ADMIN))  # the raw method: no normalisation sentence
    client.post("/auth/logout")
    login(make_user(role=Role.OPERATOR, opd=others[0]))
    html = client.get(f"/judging/rounds/{raw.round.id}/my-results").get_data(as_text=True)
    assert "setelah normalisasi" not in html and "tanpa normalisasi" in html


def test_a_snapshot_published_before_award_labels_still_shows_its_winners(app, db, make_user, login, client,
                                                                         scored):
    """The stored version-1 snapshot (winners without labels, the entry number as the last tie-break)
    renders with its own rules: its winners listed with their certificates, its tie-break list as it was."""
    from innovation.judging.models import ResultSnapshot

    built = scored(n_entries=2)
    stored = json.loads(SNAPSHOT_V1.read_text(encoding="utf-8"))
    snapshot = ResultSnapshot(round_id=built.round.id, created_at=utcnow(), method="normalised/median",
                              payload=stored["payload"], checksum=stored["checksum"])
    db.session.add(snapshot)
    built.round.published_at = utcnow()
    db.session.commit()
    login(make_user(role=Role.ADMIN))
    html = client.get(f"/judging/rounds/{built.round.id}/results").get_data(as_text=True)
    winners = [e for e in stored["payload"]["entries"] if e["winner"]]
    assert winners and all(f"/certificates/{e['id']}.pdf" in html for e in winners)
    assert "nomor entri" in html and "keputusan ketua yang dicatat" not in html and "cocok" in html
