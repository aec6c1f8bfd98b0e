"""storage.intake.store_upload: the one path of every upload (spool, sniff, key, save, StoredFile, and
no blob left when anything after the save fails)."""
from __future__ import annotations

import hashlib
import io

import evidence_files as files
import pytest

from innovation.storage import get_storage
from innovation.storage.intake import clean_filename, store_upload
from innovation.storage.sniffing import SniffError


class OneWay(io.RawIOBase):
    """A request body: readable once, no seek (so store_upload must spool it)."""

    def __init__(self, data: bytes):
        self.data = io.BytesIO(data)

    def readable(self):
        return True

    def seekable(self):
        return False

    def readinto(self, buffer):
        chunk = self.data.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def blob_count() -> int:
    return sum(1 for _ in get_storage().blobs())


@pytest.mark.parametrize("seekable", [True, False])
def test_stores_the_sniffed_type_under_a_random_key(app, db, seekable):
    data = files.pdf()
    stream = io.BytesIO(data) if seekable else OneWay(data)
    with app.test_request_context(), store_upload(stream, "C:\\scan\\Laporan.png", ("pdf", "png")) as stored:
        assert (stored.extension, stored.content_type) == ("pdf", "application/pdf")
        assert stored.original_name == "Laporan.pdf"  # the sniffed type's extension, no path
        assert stored.size == len(data) and stored.sha256 == hashlib.sha256(data).hexdigest()
        assert "Laporan" not in stored.key
        assert b"".join(get_storage().open_chunks(stored.key)) == data
        assert stored.id is None  # the caller adds it to the session, with its own rows
    assert get_storage().exists(stored.key)
    get_storage().delete(stored.key)


def test_a_failure_inside_the_block_deletes_the_blob(app, db):
    before = blob_count()
    with app.test_request_context(), pytest.raises(RuntimeError):
        with store_upload(io.BytesIO(files.png()), "foto.png", ("png",)) as stored:
            assert get_storage().exists(stored.key)
            raise RuntimeError("the caller's rows could not be written")
    assert not get_storage().exists(stored.key)
    assert blob_count() == before


def test_a_refused_type_stores_nothing(app, db):
    before = blob_count()
    with app.test_request_context(), pytest.raises(SniffError) as error:
        with store_upload(io.BytesIO(files.exe()), "laporan.pdf", ("pdf",)):
            pytest.fail("the block must not run")
    assert error.value.status == 415 and error.value.field == "file"
    assert blob_count() == before


def test_a_stream_past_the_limit_is_refused_while_spooling(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_DOCUMENT_BYTES", 1024)
    before = blob_count()
    with app.test_request_context(), pytest.raises(SniffError) as error:
        with store_upload(OneWay(files.pdf() + bytes(4096)), "besar.pdf", ("pdf", "jpg")):
            pytest.fail("the block must not run")
    assert error.value.status == 413
    assert "Batas untuk bukti ini" in str(error.value) and "PDF, JPG" in str(error.value)
    assert blob_count() == before


def test_a_file_that_changes_while_saved_is_refused(app, db, monkeypatch):
    from innovation.storage import SavedBlob

    storage = get_storage()
    real_save = storage.save
    saved_keys = []

    def short_save(key, stream):
        blob = real_save(key, stream)
        saved_keys.append(key)
        return SavedBlob(key, blob.size - 1, blob.sha256)

    monkeypatch.setattr(storage, "save", short_save)
    with app.test_request_context(), pytest.raises(SniffError) as error:
        with store_upload(io.BytesIO(files.pdf()), "a.pdf", ("pdf",)):
            pytest.fail("the block must not run")
    assert error.value.status == 400 and "berubah" in str(error.value)
    assert saved_keys and not storage.exists(saved_keys[0])


def test_clean_filename():
    assert clean_filename("../../etc/passwd\x00.pdf", None) == "passwd.pdf"
    assert clean_filename('a<b>:"c".PDF', None) == 'a_b___c_.PDF'
    assert clean_filename("x" * 400 + ".pdf", None) == "x" * 251 + ".pdf"
