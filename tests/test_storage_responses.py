"""The one response every download view returns (evidence, judge's evidence, regional evidence, job results)."""
from __future__ import annotations

import io

import pytest
from werkzeug.exceptions import NotFound

from innovation.storage import get_storage, new_key
from innovation.storage.models import StoredFile
from innovation.storage.responses import content_disposition, stored_file_response


def _stored(extension: str, data: bytes = b"%PDF-1.4 isi") -> StoredFile:
    key = new_key()
    saved = get_storage().save(key, io.BytesIO(data))
    return StoredFile(key=key, original_name=f"berkas.{extension}", content_type="application/octet-stream",
                      extension=extension, size=saved.size, sha256=saved.sha256)


def test_streamed_with_etag_nosniff_and_inline_only_for_viewable_types(app):
    with app.test_request_context():
        pdf, pptx = _stored("pdf"), _stored("pptx")
        response = stored_file_response(pdf, "SK Bupati ‘16’.pdf", what="uji", inline=True)
        assert b"".join(response.response) == b"%PDF-1.4 isi"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["ETag"] == f'"{pdf.sha256}"' and "max-age" in response.headers["Cache-Control"]
        assert response.headers["Content-Disposition"].startswith("inline;")
        assert "filename*=UTF-8''SK%20Bupati" in response.headers["Content-Disposition"]
        assert stored_file_response(pptx, "a.pptx", what="uji", inline=True).headers["Content-Disposition"] \
            .startswith("attachment;")
        assert stored_file_response(pdf, "a.pdf", what="uji", cacheable=False).headers["Cache-Control"] \
            == "private, no-store"
    with app.test_request_context(headers={"If-None-Match": f'"{pdf.sha256}"'}):
        assert stored_file_response(pdf, "a.pdf", what="uji").status_code == 304


def test_a_missing_blob_is_a_404(app):
    with app.test_request_context():
        lost = _stored("pdf")
        get_storage().delete(lost.key)
        with pytest.raises(NotFound):
            stored_file_response(lost, "a.pdf", what="uji")
    assert content_disposition("attachment", 'a"b;c.pdf') == 'attachment; filename="abc.pdf"; ' \
        "filename*=UTF-8''a%22b%3Bc.pdf"
