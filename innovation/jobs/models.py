"""Background jobs: long work (the Kemendagri export) run outside the request, with progress."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from innovation.auth.models import User
from innovation.extensions import UTCDateTime, db, str_enum, utcnow
from innovation.storage.models import StoredFile


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


UNFINISHED = (JobStatus.QUEUED, JobStatus.RUNNING)


class Job(db.Model):
    """One run of a job ``kind`` with its ``params``; the result is a stored file (a ``StoredFile`` row,
    so storage garbage collection keeps it). ``progress`` of ``total`` is committed as the job runs,
    so any process can read it. ``heartbeat_at`` tells a job whose process died (``services.fail_if_stale``)."""

    __tablename__ = "job"
    __table_args__ = (Index("ix_job_kind_created", "kind", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    status: Mapped[JobStatus] = mapped_column(str_enum(JobStatus), default=JobStatus.QUEUED)
    progress: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    message: Mapped[str] = mapped_column(String(300), default="")
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    result_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_file.id", ondelete="SET NULL"))
    error: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Touched while a process holds the job (runner.Heartbeat); silent for JOBS_STALE_SECONDS = that process died.
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    result_file: Mapped[StoredFile | None] = relationship(lazy="joined")
    created_by: Mapped[User | None] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<Job {self.id} {self.kind} {self.status}>"

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        if not self.total:
            return 0
        return max(0, min(100, self.progress * 100 // self.total))

    def can_view(self, user: User) -> bool:
        """Only the job's creator and admins see a job and download its result."""
        return user.is_admin or (self.created_by_id is not None and user.id == self.created_by_id)
