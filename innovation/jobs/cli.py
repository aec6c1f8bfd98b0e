"""``flask jobs worker [--burst]`` (runs queued jobs from Redis) and ``flask jobs reap``."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from redis.exceptions import RedisError

from innovation.extensions import db
from innovation.jobs import services

jobs_cli = AppGroup("jobs", help="Background jobs (the Kemendagri export).")


@jobs_cli.command("worker")
@click.option("--burst", is_flag=True, help="Run the jobs waiting in the queue, then stop")
def worker_command(burst: bool) -> None:
    """Run an RQ worker on JOBS_QUEUE (needs JOBS_REDIS_URL or REDIS_URL); one forked process per job."""
    from innovation.jobs import redis_queue

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.config.get("JOBS_BACKEND") != "rq":
        raise click.ClickException(
            "JOBS_BACKEND is 'thread': jobs run inside the web processes and need no worker. "
            "Set JOBS_REDIS_URL (or REDIS_URL) to run them here."
        )
    try:
        worker = redis_queue.make_worker(app)
        click.echo(f"Worker {worker.name} on queue {app.config['JOBS_QUEUE']!r}{' (burst)' if burst else ''}",
                   err=True)
        worker.work(burst=burst, logging_level="INFO")
    except RedisError as error:
        raise click.ClickException(f"Redis at {app.config['JOBS_REDIS_URL']} is unreachable: {error}") from error


@jobs_cli.command("reap")
def reap_command() -> None:
    """Fail the jobs whose process died (silent for JOBS_STALE_SECONDS); pages do this when they read one."""
    failed = services.fail_stale_jobs()
    db.session.commit()
    for job in failed:
        click.echo(f"job {job.id} ({job.kind}) failed: interrupted")
    click.echo(f"{len(failed)} interrupted job(s) failed")
