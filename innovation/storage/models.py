from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from innovation.extensions import UTCDateTime, db, utcnow

INLINE_EXTENSIONS = frozenset({"pdf", "jpg", "png"})  # shown in the page (iframe, img); the rest are downloads


class StoredFile(db.Model):
    """One blob in the storage backend: random key, plus what the uploader called it."""

    __tablename__ = "stored_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    original_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    extension: Mapped[str] = mapped_column(String(10))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def is_inline_viewable(self) -> bool:
        return self.extension in INLINE_EXTENSIONS
