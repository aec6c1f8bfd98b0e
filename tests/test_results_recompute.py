"""External verification (issue 14): anyone outside recomputes a published result from the public results
file with the published script (stdlib only), and the checksum the certificate prints is the sha256 of
that file, so it too can be recomputed without the server."""
from __future__ import annotations

import ast
import copy
import hashlib
import importlib.util
import io
import json
import re
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader
from test_judging_results import scored  # noqa: F401 (fixture)

from innovation.judging import publication
from innovation.web import Role

SCRIPT = Path(__file__).resolve().parent.parent / "innovation" / "public" / "recompute_results.py"


def load_script():
    spec = importlib.util.spec_from_file_location("recompute_results_under_test", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def download(client, event_slug: str, snapshot) -> tuple[bytes, str]:
    """The public file and the sha256 the public results page shows for it (no login)."""
    page = client.get(f"/public/events/{event_slug}/results").get_data(as_text=True)
    data = client.get(f"/public/results/{snapshot.id}.json").data
    shown = re.findall(r"<code>([0-9a-f]{64})</code>", page)
    return data, shown[0]


@pytest.mark.parametrize("method,aggregate", [("raw", "mean"), ("normalised", "trimmed"), ("raw", "median")])
def test_an_outsider_recomputes_checksum_ranking_and_awards(scored, make_user, client, db, tmp_path,  # noqa: F811
                                                            method, aggregate):
    built = scored(n_entries=9, n_judges=5, harsh=2)
    snapshot = publication.publish(built.round, by=make_user(role=Role.ADMIN), method=method, aggregate=aggregate)
    db.session.commit()
    data, shown = download(client, built.event.slug, snapshot)
    assert hashlib.sha256(data).hexdigest() == shown  # the file is the one the page vouches for
    published = json.loads(data)
    assert all("name" not in j and "username" not in j for j in published["results"]["judges"])  # no names

    script = load_script()
    problems, found = script.recompute(published)
    assert problems == []
    assert [i for i, _rank in found["overall"]] == snapshot.payload["overall"]
    assert found["awards"] == {e["id"]: e["award"] for e in snapshot.payload["entries"] if e["award"]}
    assert found["scores"] == {e["id"]: e["score"] for e in snapshot.payload["entries"]}

    path = tmp_path / "hasil.json"
    path.write_bytes(data)
    assert script.main([str(path), "--checksum", shown]) == 0

    # a file changed after publication: the checksum no longer matches, and the recomputation says where
    tampered = copy.deepcopy(published)
    sheet = tampered["results"]["entries"][-1]["sheets"][0]
    sheet["scores"][0]["value"] = "5.00" if sheet["scores"][0]["value"] != "5.00" else "1.00"
    problems, _found = script.recompute(tampered)
    assert problems and any("total" in p for p in problems)
    changed = json.dumps(tampered, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    (tmp_path / "changed.json").write_bytes(changed)
    assert script.main([str(tmp_path / "changed.json"), "--checksum", shown]) == 1
    # a re-ranked file (two entries' published ranks swapped) is caught too
    swapped = copy.deepcopy(published)
    first, second = swapped["results"]["entries"][0], swapped["results"]["entries"][1]
    first["rank"], second["rank"] = second["rank"], first["rank"]
    assert any("overall rank" in p for p in script.recompute(swapped)[0])


def test_the_certificate_prints_the_checksum_anyone_can_recompute(scored, make_user, login, client, db):  # noqa: F811
    built = scored(n_entries=4)
    admin = make_user(role=Role.ADMIN)
    snapshot = publication.publish(built.round, by=admin)
    db.session.commit()
    data, shown = download(client, built.event.slug, snapshot)
    login(admin)
    winner = next(e for e in snapshot.payload["entries"] if e["winner"])
    pdf = client.get(f"/judging/rounds/{built.round.id}/certificates/{winner['id']}.pdf").data
    text = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert f"SHA-256 data hasil publik: {hashlib.sha256(data).hexdigest()}" in text and shown in text
    number = re.search(r"Nomor: (\S+)", text).group(1)
    client.post("/auth/logout")
    page = client.get("/public/certificates/verify", query_string={"no": number}).get_data(as_text=True)
    assert hashlib.sha256(data).hexdigest() in page


def test_the_script_is_served_and_needs_only_the_standard_library(client):
    response = client.get("/public/results/recompute_results.py")
    assert response.status_code == 200 and response.data == SCRIPT.read_bytes()
    assert "attachment" in response.headers["Content-Disposition"]
    imported = set()
    for node in ast.walk(ast.parse(SCRIPT.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            imported.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add((node.module or "").split(".")[0])
    assert imported and imported <= set(sys.stdlib_module_names) | {"__future__"}, imported
