"""Evidence over a 50 kbit/s link that drops: a real browser, the real tus client, gunicorn.

Chromium opens an indicator page through ``benchmarks.netem.ThrottledProxy`` (50 kbit/s up, 300 ms
round trip) and uploads a 240 KB PDF with static/js/upload.js (vendored tus-js-client) to
``gunicorn -k sync -w 2 --timeout 10``. On the way: the link stalls for 14 s (the browser's stall
detection, at 8 s here, aborts and resumes; the worker holding the silent PATCH hits its 10 s timeout
and gets SystemExit mid-read), the page is reloaded and the file picked again, and the link resets
twice. The evidence must arrive whole (sha256), with no server error, no more than about one small
piece re-sent per interruption, and a bar that only ever showed server-confirmed bytes.
``benchmarks/field_upload.py`` drives the same with 10 MB at 50 and 250 kbit/s. About a minute.
"""
from __future__ import annotations

import pytest

from benchmarks import field_upload
from benchmarks.helpers import VENV_BIN, Server, app_env
from benchmarks.netem import ThrottledProxy

SIZE = 240 * 1024
TIMEOUT = 10  # gunicorn's worker timeout, shortened: a healthy piece takes ~6 s, the stall 14 s
pytestmark = pytest.mark.skipif(not (VENV_BIN / "gunicorn").exists(), reason=f"gunicorn is not installed in {VENV_BIN}")


def test_pdf_arrives_over_a_slow_link_that_resets_stalls_and_reloads(browser, tmp_path):
    target = field_upload.prepare(tmp_path)
    pdf = tmp_path / "laporan-puskesmas-distrik.pdf"
    sha256 = field_upload.make_pdf(pdf, SIZE)
    env = app_env(target.database_url, target.storage, JOBS_BACKEND="thread", UPLOAD_STALL_SECONDS="8")
    log_path = tmp_path / "gunicorn.log"
    server = Server(env, workers=2, log_path=log_path, extra_args=[
        "-k", "sync", "--threads", "1", "--timeout", str(TIMEOUT), "--access-logfile", "-", "--access-logformat", "%(m)s %(U)s %(s)s %(L)ss"])
    with server, ThrottledProxy(("127.0.0.1", server.port), up_kbit=50, down_kbit=1000, rtt_ms=300) as proxy:
        result = field_upload.drive(browser, target, server.base_url, proxy, pdf, sha256,
                                    resets_at=(0.35, 0.8), stall_at=0.15, stall_seconds=14, reload_at=0.55,
                                    deadline=150, log=print)
    server_log = log_path.read_text(errors="replace")
    summary = {k: v for k, v in result.__dict__.items() if k != "progress_seen"}
    print("field upload:", summary)

    assert not result.errors, summary
    assert result.sha256_ok, "the stored file differs from the one picked"
    assert result.resets == 2, summary
    assert result.reloaded_at, summary
    assert result.stalls_detected >= 1, "the stalled link was not detected by the browser"
    uploads_log = "\n".join(line for line in server_log.splitlines() if "/static/" not in line)
    timeouts = server_log.count("WORKER TIMEOUT")
    assert timeouts >= 1, f"the shortened worker timeout never fired mid-upload:\n{uploads_log}"
    # The app never fails: the only 500 allowed is the one gunicorn itself writes for the request whose
    # worker it stops (SystemExit inside the read); the PATCH after it goes on from the kept bytes.
    assert "Exception on /uploads" not in server_log, uploads_log
    assert server_log.count(" 500 ") <= timeouts, uploads_log
    assert result.patch_statuses.get("500", 0) <= timeouts, summary
    # Small pieces, sized to the link; each interruption (two resets, the stall, the reload) costs at
    # most about the piece in flight, not the file.
    assert 0 < result.max_piece <= 64 * 1024, summary
    assert result.resent <= 4 * result.max_piece, summary
    # The bar moved in server-confirmed steps of at most a piece and never past the file.
    assert all(0 <= seen <= SIZE for seen in result.progress_seen), result.progress_seen
    assert result.progress_max_over_confirmed <= 64 * 1024, result.progress_seen


def test_refused_file_shows_only_the_refusal(live_server, page, seed, log_in, tmp_path):
    """A PNG named .pdf passes the browser's checks and is refused by the server once its bytes are in
    (415): the widget shows the server's refusal and nothing else, no "100% · 0,0 dari 0,0 MB"."""
    from playwright.sync_api import expect

    from innovation.demo import demo_png

    operator = live_server.add_user(role="operator")
    innovation_id = seed.innovation(operator, complete=False)
    log_in(page, operator)
    page.goto(f"/innovations/{innovation_id}/indicators/16")
    fake = tmp_path / "sk-bupati.pdf"
    fake.write_bytes(demo_png())
    widget = page.locator("#bukti form.evidence-upload").last
    widget.get_by_label("Unggah berkas").set_input_files(str(fake))
    widget.get_by_role("button", name="Unggah", exact=True).click()
    error = widget.locator(".upload-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("PNG")
    expect(widget.locator(".upload-status")).to_be_hidden()
    visible = widget.inner_text()  # what is rendered: the hidden status line is not
    assert "MB" not in visible.replace("Maksimal 20 MB", ""), visible
    expect(widget.get_by_role("button", name="Unggah", exact=True)).to_be_enabled()
