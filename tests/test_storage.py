"""Storage backends: local folder and S3 (against moto), streamed both ways."""
from __future__ import annotations

import hashlib
import io
import os
import tracemalloc
from datetime import datetime, timedelta, timezone

import pytest

from innovation.storage import LocalBackend, StorageError, backend_from_url, new_key


class Generated(io.RawIOBase):
    """``size`` bytes of a repeating pattern, produced on demand (never held in memory)."""

    def __init__(self, size: int):
        self.size = size
        self.position = 0
        self.pattern = bytes(range(256)) * 256

    def readable(self):
        return True

    def readinto(self, buffer):
        count = min(len(buffer), self.size - self.position)
        if count <= 0:
            return 0
        start = self.position % len(self.pattern)
        data = (self.pattern[start:] + self.pattern * (count // len(self.pattern) + 1))[:count]
        buffer[:count] = data
        self.position += count
        return count


def digest_of(size: int) -> str:
    sha = hashlib.sha256()
    stream = Generated(size)
    while chunk := stream.read(1024 * 1024):
        sha.update(chunk)
    return sha.hexdigest()


def round_trip(backend):
    key = new_key()
    data = b"bukti dukung " * 1000
    saved = backend.save(key, io.BytesIO(data))
    assert saved.size == len(data) and saved.sha256 == hashlib.sha256(data).hexdigest()
    assert backend.exists(key)
    assert b"".join(backend.open_chunks(key, 4096)) == data
    assert key in set(backend.keys())
    listed = {b.key: b.modified_at for b in backend.blobs()}
    assert key in listed and listed[key] > datetime.now(timezone.utc) - timedelta(hours=1)
    backend.delete(key)
    assert not backend.exists(key)
    with pytest.raises(StorageError):
        list(backend.open_chunks(key))
    backend.delete(key)  # deleting twice is fine


def test_new_keys_are_random_and_sharded():
    keys = {new_key() for _ in range(100)}
    assert len(keys) == 100
    assert all(len(k.split("/")) == 3 and k.split("/")[2].startswith(k[:2]) for k in keys)


def test_local_round_trip(tmp_path):
    round_trip(LocalBackend(str(tmp_path)))


def test_local_refuses_keys_outside_its_root(tmp_path):
    backend = LocalBackend(str(tmp_path / "root"))
    for key in ("../luar", "/etc/passwd", "a/../../b"):
        with pytest.raises(StorageError):
            backend.save(key, io.BytesIO(b"x"))


def test_local_failed_save_leaves_nothing(tmp_path):
    backend = LocalBackend(str(tmp_path))

    class Broken(io.RawIOBase):
        def readable(self):
            return True

        def readinto(self, buffer):
            raise OSError("koneksi terputus")

    key = new_key()
    with pytest.raises(OSError):
        backend.save(key, Broken())
    assert not backend.exists(key)
    assert list(backend.blobs()) == []


def test_local_save_streams_with_flat_memory(tmp_path):
    backend = LocalBackend(str(tmp_path))
    size = 40 * 1024 * 1024
    tracemalloc.start()
    try:
        saved = backend.save(new_key(), Generated(size))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert saved.size == size and saved.sha256 == digest_of(size)
    assert peak < 8 * 1024 * 1024


@pytest.fixture
def s3_backend():
    try:
        import boto3
        from moto import mock_aws
    except ImportError:  # pragma: no cover - moto is a test dependency
        pytest.skip("moto is not installed (pip install 'moto[s3,server]'): S3 backend not tested")
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="bukti")
        yield backend_from_url("s3://bukti/mimika", {"S3_ENDPOINT_URL": None, "S3_REGION": "us-east-1"})


def test_s3_round_trip(s3_backend):
    round_trip(s3_backend)
    assert s3_backend.client.list_objects_v2(Bucket="bukti").get("KeyCount", 0) == 0


def test_s3_keys_live_under_the_prefix(s3_backend):
    key = new_key()
    s3_backend.save(key, io.BytesIO(b"x"))
    objects = s3_backend.client.list_objects_v2(Bucket="bukti")["Contents"]
    assert [o["Key"] for o in objects] == [f"mimika/{key}"]
    assert list(s3_backend.keys()) == [key]


def test_s3_streamed_multipart_upload(s3_backend):
    size = 20 * 1024 * 1024 + 12345  # several 8 MB parts
    key = new_key()
    saved = s3_backend.save(key, Generated(size))
    assert saved.size == size and saved.sha256 == digest_of(size)
    sha = hashlib.sha256()
    total = 0
    for chunk in s3_backend.open_chunks(key):
        assert len(chunk) <= 1024 * 1024
        sha.update(chunk)
        total += len(chunk)
    assert total == size and sha.hexdigest() == saved.sha256
