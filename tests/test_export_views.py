"""The export page: admins only; starting an export runs the job and leads to its status page."""
from __future__ import annotations

import io
import zipfile

import pytest
from test_export_bundle import seed_innovation

from innovation.web import Role


@pytest.fixture
def sync_jobs(app, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_SYNC", True)


@pytest.mark.parametrize("role", [Role.VERIFIER, Role.JUDGE, Role.OPERATOR])
def test_only_admins_export(app, db, make_user, login, role):
    client = login(make_user(role=role))
    assert client.get("/reporting/export").status_code == 403
    assert client.post("/reporting/export", data={"year": "2026", "scope": "all", "failing": "include"}).status_code == 403


def test_admin_exports_from_the_web(app, db, make_user, make_opd, login, sync_jobs):
    from innovation.audit.models import AuditEvent
    from innovation.jobs.models import Job, JobStatus

    admin = make_user(role=Role.ADMIN)
    operator = make_user(role=Role.OPERATOR, opd=make_opd())
    seed_innovation(db, operator.opd, operator, nama="Inovasi Lewat Web", registered=False)
    client = login(admin)
    page = client.get("/reporting/export").get_data(as_text=True)
    assert "Mulai ekspor" in page and 'name="year"' in page and 'value="all"' in page and 'value="include"' in page
    assert 'name="opd"' in page and 'name="with_files"' in page and "Semua OPD" in page
    response = client.post("/reporting/export", data={"year": "2026", "scope": "all", "failing": "exclude",
                                                      "opd": "", "with_files": "y"})
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    job = db.session.get(Job, int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1]))
    db.session.refresh(job)
    assert job.status == JobStatus.DONE, job.error
    assert job.params == {"year": 2026, "registered_only": False, "include_failing": False, "by": admin.full_name}
    download = client.get(f"/jobs/{job.id}/download")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"] == 'attachment; filename="kemendagri-2026-semua.zip"'
    with zipfile.ZipFile(io.BytesIO(download.data)) as archive:
        assert "inovasi.xlsx" in archive.namelist()
        assert "Inovasi Lewat Web" in archive.read("daftar-inovasi.csv").decode("utf-8-sig")
    actions = set(db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.object_id == job.id,
                                                                          AuditEvent.object_type == "job")))
    assert actions == {"kemendagri_export.start", "kemendagri_export.finish"}
    assert f"/jobs/{job.id}" in client.get("/reporting/export").get_data(as_text=True)  # in the recent list


def test_bad_year_is_a_form_error(app, db, make_user, login):
    client = login(make_user(role=Role.ADMIN))
    response = client.post("/reporting/export", data={"year": "1999", "scope": "all", "failing": "include"})
    assert response.status_code == 200
    assert "Mulai ekspor" in response.get_data(as_text=True)
