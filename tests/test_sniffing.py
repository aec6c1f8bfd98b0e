"""Content sniffing: the type comes from the bytes, never from the name."""
from __future__ import annotations

import io
import struct
import time

import pytest

import evidence_files as files
from innovation.storage.sniffing import SniffError, check_upload, sniff


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield app


@pytest.mark.parametrize(
    ("data", "extension", "content_type"),
    [
        (files.pdf(), "pdf", "application/pdf"),
        (files.png(), "png", "image/png"),
        (files.jpg(), "jpg", "image/jpeg"),
        (files.pptx(), "pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
        (files.ole2(), "ppt", "application/vnd.ms-powerpoint"),
        (files.mp4(), "mp4", "video/mp4"),
        (files.mp4(brand=b"mp42"), "mp4", "video/mp4"),
    ],
)
def test_known_types_are_recognised_from_bytes(data, extension, content_type):
    found = sniff(io.BytesIO(data))
    assert found is not None
    assert (found.extension, found.content_type) == (extension, content_type)


@pytest.mark.parametrize(
    "data",
    [
        files.exe(),
        b"Ini hanya teks biasa, bukan PDF.\n" * 10,
        files.docx(),                     # a ZIP, but not a presentation
        files.ole2("WordDocument"),       # OLE2, but Word, not PowerPoint
        files.ole2(inside="ObjectPool"),  # a Word file with a presentation embedded in it
        b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  " + bytes(64),  # QuickTime only
        b"PK\x03\x04" + bytes(100),       # a broken ZIP
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100),  # a truncated OLE2
        b"",
    ],
)
def test_other_content_is_not_recognised(data):
    assert sniff(io.BytesIO(data)) is None


def _patched(data: bytes, offset: int, fmt: str, *values) -> bytes:
    changed = bytearray(data)
    struct.pack_into(fmt, changed, offset, *values)
    return bytes(changed)


DIRECTORY = 1024  # the test file's directory sector (after the header and the FAT sector)


@pytest.mark.parametrize(
    "data",
    [
        _patched(files.ole2(), 0x1E, "<H", 30),                   # a 1 GB sector size
        _patched(files.ole2(), 0x1E, "<H", 12),                   # 4 KB sectors in a 2 KB file
        _patched(files.ole2(), 0x30, "<I", 0x7FFFFFFF),           # the directory far past the end
        _patched(files.ole2(), 0x44, "<II", 0, 0xFFFFFF),         # a DIFAT chain that loops on itself
        _patched(files.ole2(), DIRECTORY + 128 + 0x40, "<H", 0xFFFF),  # a stream name longer than its entry
        _patched(_patched(files.ole2(), DIRECTORY + 128 + 0x4C, "<I", 0), DIRECTORY + 128 + 0x42, "<B", 1),
        # ^ a storage whose child is the root: the directory tree is a circle
    ],
)
def test_hostile_compound_files_are_refused_quickly(data):
    started = time.perf_counter()
    assert sniff(io.BytesIO(data)) is None
    assert time.perf_counter() - started < 1


@pytest.mark.parametrize(
    "data",
    [
        _patched(files.ole2(), 0x2C, "<I", 0xFFFFFFFF),           # the header lies about the FAT's size
        _patched(files.ole2(), 512 + 4, "<I", 1),                 # the directory's sector chain loops
        files.ole2() + b"\xff" * 5000,                            # junk after the last sector
    ],
)
def test_a_presentation_with_a_damaged_header_is_still_read(data):
    started = time.perf_counter()
    assert sniff(io.BytesIO(data)).extension == "ppt"
    assert time.perf_counter() - started < 1


def test_sniff_leaves_the_stream_at_the_start():
    stream = io.BytesIO(files.pptx())
    stream.seek(10)
    sniff(stream)
    assert stream.tell() == 0


def test_pdf_named_png_is_a_pdf_where_pdf_is_allowed(ctx):
    data = files.pdf()  # the caller never passes the name: "scan.png" cannot matter
    assert check_upload(io.BytesIO(data), len(data), ("pdf", "jpg", "png")).extension == "pdf"


def test_pdf_refused_where_only_images_are_allowed(ctx):
    data = files.pdf()
    with pytest.raises(SniffError) as error:
        check_upload(io.BytesIO(data), len(data), ("jpg", "png"))
    assert error.value.status == 415
    assert "PDF" in str(error.value) and "JPG, PNG" in str(error.value)


@pytest.mark.parametrize("data", [files.exe(), b"%PD bukan pdf, hanya teks" * 4])
def test_executable_or_text_named_pdf_is_refused(ctx, data):
    with pytest.raises(SniffError) as error:
        check_upload(io.BytesIO(data), len(data), ("pdf",))
    assert "tidak dikenali" in str(error.value)
    assert "PDF" in str(error.value)


def test_empty_file_is_refused(ctx):
    with pytest.raises(SniffError) as error:
        check_upload(io.BytesIO(b""), 0, ("pdf",))
    assert "kosong" in str(error.value)


def test_document_size_limit(ctx, monkeypatch):
    monkeypatch.setitem(ctx.config, "MAX_DOCUMENT_BYTES", 1024 * 1024)
    data = files.pdf() + b"%" + bytes(1024 * 1024)
    with pytest.raises(SniffError) as error:
        check_upload(io.BytesIO(data), len(data), ("pdf",))
    assert error.value.status == 413
    assert "1 MB" in str(error.value)
    small = files.pdf()
    assert check_upload(io.BytesIO(small), len(small), ("pdf",)).extension == "pdf"


def test_video_uses_the_video_limit(ctx, monkeypatch):
    monkeypatch.setitem(ctx.config, "MAX_DOCUMENT_BYTES", 1024)
    monkeypatch.setitem(ctx.config, "MAX_VIDEO_BYTES", 64 * 1024)
    video = files.mp4(8192)  # bigger than the document limit, within the video limit
    assert check_upload(io.BytesIO(video), len(video), ("mp4",)).extension == "mp4"
    big = files.mp4(128 * 1024)
    with pytest.raises(SniffError) as error:
        check_upload(io.BytesIO(big), len(big), ("mp4",))
    assert "MP4" in str(error.value) and error.value.status == 413


def test_a_video_over_the_document_limit_is_refused_where_documents_only(ctx, monkeypatch):
    monkeypatch.setitem(ctx.config, "MAX_DOCUMENT_BYTES", 1024)
    video = files.mp4(8192)
    with pytest.raises(SniffError) as error:
        check_upload(io.BytesIO(video), len(video), ("pdf",))
    assert error.value.status == 413
