"""Jobs on RQ (``JOBS_BACKEND=rq``): ``enqueue`` from the web process, ``run_queued`` in a worker.

A queued RQ task carries only the ``job`` row's id: the row stays the truth (status, progress, result),
RQ is only the hand-over between processes. ``flask --app innovation jobs worker`` (``cli.py``) runs
``AppWorker`` on ``JOBS_QUEUE`` with the app the CLI built: each work horse, forked from it, runs its
task inside that app (its copy), so nothing here builds an app or imports the package root.
"""
from __future__ import annotations

from flask import Flask, has_app_context
from redis import Redis
from rq import Queue, Worker
from rq.job import Job as RQJob

from innovation.extensions import db
from innovation.jobs import services
from innovation.jobs.execution import execute
from innovation.jobs.models import Job

RESULT_TTL = 24 * 3600  # RQ's own record of a finished task; the job row keeps the real result
FAILURE_TTL = 7 * 24 * 3600


def connect(app: Flask, *, for_worker: bool = False) -> Redis:
    """A Redis client for ``JOBS_REDIS_URL``. The web side's is shared per process and gives up fast, so
    a Redis that is down costs a request two seconds, not a hang; the worker's waits as RQ wants."""
    url = app.config["JOBS_REDIS_URL"]
    if for_worker:
        return Redis.from_url(url, socket_connect_timeout=5, health_check_interval=30)
    cached = app.extensions.get("jobs_redis")
    if cached is None or cached[0] != url:
        cached = app.extensions["jobs_redis"] = (url, Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5))
    return cached[1]


def queue(app: Flask, connection: Redis | None = None) -> Queue:
    return Queue(app.config["JOBS_QUEUE"], connection=connection or connect(app))


def enqueue(app: Flask, job_id: int) -> RQJob:
    """Hand ``job_id`` to the workers. Raises ``redis.exceptions.RedisError`` when Redis is unreachable."""
    return queue(app).enqueue_call(
        run_queued, args=(job_id,), timeout=app.config["JOBS_TIMEOUT"], result_ttl=RESULT_TTL,
        failure_ttl=FAILURE_TTL, description=f"inovasi job {job_id}",
    )


def run_queued(job_id: int) -> str:
    """The RQ task: run the job in the work horse's app context (``AppWorker.main_work_horse``)."""
    if not has_app_context():
        raise RuntimeError("run_queued runs in an AppWorker (flask --app innovation jobs worker), which holds the app")
    try:
        job = execute(job_id, own_connection=True)
        return job.status.value if job is not None else "missing"
    finally:
        db.session.remove()


class AppWorker(Worker):
    """RQ's forking worker, holding the app.

    Why forking rather than ``SimpleWorker``: each export runs in a work horse that exits afterwards, so
    the memory a 100,000-innovation export grows to goes back to the system, a crash of the export (or
    the kernel's OOM killer) takes only the horse, and the parent sees the horse die and fails the job
    at once (``handle_work_horse_killed``). The price is the fork: the horse must not use the parent's
    pooled database connections (SQLAlchemy, "Using Connection Pools with Multiprocessing or
    os.fork()"), so it drops them from its copy of the pool without closing them (``dispose(close=False)``)
    and opens its own; the heartbeat thread is per process and starts afresh in the horse."""

    def __init__(self, *args, app: Flask, **kwargs):
        super().__init__(*args, **kwargs)
        self.app = app

    def main_work_horse(self, job: RQJob, queue: Queue) -> None:
        """The forked horse: its copy of the app, without the parent's connections, heartbeat and
        Redis client; the task runs in an app context of the horse's own (which RQ ends with ``os._exit``)."""
        self.app.extensions.pop("jobs_heartbeat", None)
        self.app.extensions.pop("jobs_redis", None)
        with self.app.app_context():
            db.engine.dispose(close=False)
            super().main_work_horse(job, queue)

    def handle_work_horse_killed(self, job: RQJob, retpid, ret_val, rusage) -> None:
        super().handle_work_horse_killed(job, retpid, ret_val, rusage)
        if job.func_name != f"{__name__}.run_queued" or not job.args:
            return
        with self.app.app_context():
            try:
                row = db.session.get(Job, job.args[0])
                if row is not None and services.fail_job(row, services.INTERRUPTED):
                    db.session.commit()
            finally:
                db.session.remove()


def make_worker(app: Flask) -> AppWorker:
    connection = connect(app, for_worker=True)
    return AppWorker([queue(app, connection)], connection=connection, app=app)
