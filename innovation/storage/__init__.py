"""Evidence file storage behind one small interface.

``STORAGE_URL`` picks the backend: ``file:///path`` (the default, under the instance folder) or
``s3://bucket/prefix`` (S3-compatible; ``S3_ENDPOINT_URL`` for MinIO/Ceph/etc.). Files are saved
under random keys, never under the uploader's name, and are streamed in and out in chunks.
"""
from __future__ import annotations

import hashlib
import os
import secrets
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO, Protocol
from urllib.parse import urlparse

from flask import Flask, current_app

CHUNK = 1024 * 1024


class StorageError(Exception):
    pass


@dataclass(frozen=True)
class SavedBlob:
    key: str
    size: int
    sha256: str


@dataclass(frozen=True)
class BlobInfo:
    """A blob as listed by the backend (for garbage collection)."""

    key: str
    modified_at: datetime


class Backend(Protocol):
    def save(self, key: str, stream: BinaryIO) -> SavedBlob: ...
    def open_chunks(self, key: str, chunk_size: int = CHUNK) -> Iterator[bytes]: ...
    def delete(self, key: str) -> None: ...
    def exists(self, key: str) -> bool: ...
    def keys(self) -> Iterator[str]: ...
    def blobs(self) -> Iterator[BlobInfo]: ...


def new_key() -> str:
    """A random key, sharded into two-character folders so no folder grows huge."""
    token = secrets.token_hex(16)
    return f"{token[:2]}/{token[2:4]}/{token}"


class _HashingReader:
    """Wraps a stream, hashing and counting what is read through it."""

    def __init__(self, stream: BinaryIO):
        self.stream = stream
        self.sha = hashlib.sha256()
        self.size = 0

    def read(self, n: int = -1) -> bytes:
        data = self.stream.read(n if n and n > 0 else CHUNK)
        self.sha.update(data)
        self.size += len(data)
        return data


class LocalBackend:
    def __init__(self, root: str):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise StorageError("invalid storage key")
        return path

    def save(self, key: str, stream: BinaryIO) -> SavedBlob:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        reader = _HashingReader(stream)
        tmp = path.with_suffix(".part")
        try:
            with open(tmp, "wb") as out:
                while chunk := reader.read(CHUNK):
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return SavedBlob(key, reader.size, reader.sha.hexdigest())

    def open_chunks(self, key: str, chunk_size: int = CHUNK) -> Iterator[bytes]:
        path = self._path(key)
        if not path.exists():
            raise StorageError(f"missing blob {key}")

        def generate() -> Iterator[bytes]:
            with open(path, "rb") as handle:
                while chunk := handle.read(chunk_size):
                    yield chunk

        return generate()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self._path(key).exists()

    def keys(self) -> Iterator[str]:
        for path in self.root.rglob("*"):
            if path.is_file() and not path.name.endswith(".part"):
                yield path.relative_to(self.root).as_posix()

    def blobs(self) -> Iterator[BlobInfo]:
        """Every file, including ``.part`` leftovers of a save that crashed (so GC removes them)."""
        for path in self.root.rglob("*"):
            try:
                if path.is_file():
                    mtime = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc)
                    yield BlobInfo(path.relative_to(self.root).as_posix(), mtime)
            except FileNotFoundError:  # deleted while listing
                continue


class S3Backend:
    # Multipart in 8 MB parts, two at a time: memory stays at a few parts whatever the file size.
    PART_SIZE = 8 * CHUNK

    def __init__(self, bucket: str, prefix: str, endpoint_url: str | None, region: str):
        import boto3
        from boto3.s3.transfer import TransferConfig

        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.client = boto3.client("s3", endpoint_url=endpoint_url, region_name=region)
        self.transfer_config = TransferConfig(
            multipart_threshold=self.PART_SIZE, multipart_chunksize=self.PART_SIZE,
            max_concurrency=2, max_io_queue=2, use_threads=True,
        )

    def _full(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def save(self, key: str, stream: BinaryIO) -> SavedBlob:
        reader = _HashingReader(stream)
        # upload_fileobj streams in multipart chunks; memory stays at a few chunk sizes.
        # The reader has no seek(), so s3transfer reads it strictly in order (the hash stays right).
        self.client.upload_fileobj(reader, self.bucket, self._full(key), Config=self.transfer_config)
        return SavedBlob(key, reader.size, reader.sha.hexdigest())

    def open_chunks(self, key: str, chunk_size: int = CHUNK) -> Iterator[bytes]:
        try:
            body = self.client.get_object(Bucket=self.bucket, Key=self._full(key))["Body"]
        except self.client.exceptions.NoSuchKey as error:
            raise StorageError(f"missing blob {key}") from error

        def generate() -> Iterator[bytes]:
            try:
                yield from body.iter_chunks(chunk_size)
            finally:
                body.close()

        return generate()

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._full(key))

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._full(key))
            return True
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise

    def keys(self) -> Iterator[str]:
        paginator = self.client.get_paginator("list_objects_v2")
        prefix = f"{self.prefix}/" if self.prefix else ""
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                yield item["Key"][len(prefix):]

    def blobs(self) -> Iterator[BlobInfo]:
        paginator = self.client.get_paginator("list_objects_v2")
        prefix = f"{self.prefix}/" if self.prefix else ""
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                yield BlobInfo(item["Key"][len(prefix):], item["LastModified"].astimezone(timezone.utc))


def backend_from_url(url: str, app_config: dict) -> Backend:
    parsed = urlparse(url)
    if parsed.scheme == "file":
        return LocalBackend(parsed.path)
    if parsed.scheme == "s3":
        return S3Backend(parsed.netloc, parsed.path, app_config.get("S3_ENDPOINT_URL"), app_config["S3_REGION"])
    raise StorageError(f"unsupported STORAGE_URL scheme: {parsed.scheme!r}")


def init_app(app: Flask) -> None:
    app.extensions["storage"] = backend_from_url(app.config["STORAGE_URL"], app.config)


def get_storage() -> Backend:
    return current_app.extensions["storage"]


def copy_stream(source: BinaryIO, target: BinaryIO) -> None:
    shutil.copyfileobj(source, target, CHUNK)


def commit_or_delete(keys: Iterable[str]) -> None:
    """Commit the request's session; if the commit fails, delete the blobs just written, then re-raise.

    Views that saved new blobs (through a service) call this instead of ``db.session.commit()``,
    so a failed commit never leaves a file without its ``StoredFile`` row. A crash between the
    write and the commit is cleaned later by ``flask uploads gc`` (``storage.services.collect_garbage``).
    """
    from innovation.extensions import db

    keys = list(keys)
    try:
        db.session.commit()
    except BaseException:
        db.session.rollback()
        storage = get_storage()
        for key in keys:
            try:
                storage.delete(key)
            except Exception:  # noqa: BLE001 - the GC will retry; keep the original error
                current_app.logger.exception("could not delete blob %s after a failed commit", key)
        raise
