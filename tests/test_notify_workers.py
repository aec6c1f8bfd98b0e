"""Two notification workers at the same moment, on a real database of their own (committed data, not the
rolled-back test session): both find the same due messages, and each message is recorded once and reaches the
gateway once. The gateway answers slowly, so both workers are inside their pass together.

And the RQ path: ``flask notify run`` only queues the pass on Redis, ``flask jobs worker --burst`` runs it in
a forked work horse (never in pytest's own process: ``JOBS_SYNC`` stays off). Needs ``TEST_REDIS_URL``."""
from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from support import FakeGateway, create_schema, drop_schema, postgres_url

from innovation.extensions import utcnow


@pytest.fixture(params=["sqlite", "postgresql"])
def shared_app(request, tmp_path):
    from flask_migrate import upgrade

    from innovation import create_app
    from innovation.extensions import db

    config = {"TESTING": True, "SECRET_KEY": "x", "STORAGE_URL": f"file://{tmp_path / 'storage'}",
              "UPLOAD_STAGING_DIR": str(tmp_path / "staging"), "JOBS_BACKEND": "thread", "JOBS_REDIS_URL": None}
    schema = url = None
    if request.param == "sqlite":
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path / 'workers.sqlite'}"
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"timeout": 30}}
    else:
        url = postgres_url()
        schema, options = create_schema(url)
        config["SQLALCHEMY_DATABASE_URI"] = url
        config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    gateway = FakeGateway(delay=0.3)
    config.update(WHATSAPP_WEBHOOK_URL=gateway.url, WHATSAPP_TOKEN="t")
    app = create_app(config)
    try:
        with app.app_context():
            upgrade()
        yield app, gateway
    finally:
        gateway.close()
        with app.app_context():
            db.engine.dispose()
        if schema:
            drop_schema(url, schema)


def test_two_workers_send_each_message_once(shared_app):
    from innovation.extensions import db
    from innovation.notify import job
    from innovation.notify.models import Notification, NotificationDelivery

    app, gateway = shared_app
    operators_on_whatsapp(app, 3)

    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker():
        with app.app_context():
            try:
                start.wait()
                job.run_pass()
            except BaseException as error:  # noqa: BLE001 - reported by the assertion below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Notification)) == 3
        states = [d.state.value for d in db.session.scalars(db.select(NotificationDelivery))]
        assert states == ["sent"] * 3
    assert sorted(body["phone"] for body in gateway.received) == [f"62812345678{n}" for n in range(3)]
    assert len({body["idempotency_key"] for body in gateway.received}) == len(gateway.received) == 3


def operators_on_whatsapp(app, count: int) -> None:
    """``count`` operators who chose WhatsApp, and an Innovation Week open now (one message each is due)."""
    from innovation.auth.services import create_user
    from innovation.events.models import Event
    from innovation.extensions import db
    from innovation.notify import services
    from innovation.orgs.models import Opd, OpdKind
    from innovation.web import Role

    with app.app_context():
        for n in range(count):
            opd = Opd(name=f"Dinas Pekerja {n}", code=f"PK{n}", kind=OpdKind.DINAS)
            db.session.add(opd)
            user = create_user(username=f"op{n}", full_name=f"Operator {n}", role=Role.OPERATOR,
                               password="rahasia-uji-123", opd=opd)
            db.session.flush()
            services.save_settings(user, email=False, whatsapp=True, phone=f"0812345678{n}", language="id")
        db.session.add(Event(slug="iw", name="Innovation Week Pekerja", year=2026, opens_at=utcnow() - timedelta(hours=1),
                             closes_at=utcnow() + timedelta(days=20)))
        db.session.commit()


def test_notify_run_on_rq_queues_the_pass_and_the_worker_sends_it(shared_app, redis_url, rq_queue):
    from innovation.extensions import db
    from innovation.jobs.models import Job, JobStatus
    from innovation.notify import job
    from innovation.notify.models import DeliveryState, Notification, NotificationDelivery

    app, gateway = shared_app
    app.config.update(JOBS_BACKEND="rq", JOBS_REDIS_URL=redis_url, JOBS_QUEUE=rq_queue)
    assert not app.config.get("JOBS_SYNC")  # the pass must run in a work horse, never in pytest's process
    operators_on_whatsapp(app, 2)
    cli = app.test_cli_runner()

    queued = cli.invoke(args=["notify", "run"])
    assert queued.exit_code == 0, queued.output
    assert "queued on RQ" in queued.output
    again = cli.invoke(args=["notify", "run"])  # one waiting pass is enough: no second job
    assert again.exit_code == 0 and "already queued" in again.output, again.output
    time.sleep(0.3)
    with app.app_context():
        (waiting,) = db.session.scalars(db.select(Job).where(Job.kind == job.JOB_KIND))
        assert waiting.status == JobStatus.QUEUED
        assert db.session.scalar(db.select(db.func.count()).select_from(Notification)) == 0  # nothing ran here
    assert gateway.received == [] and app.extensions.get("jobs_executor") is None

    worked = cli.invoke(args=["jobs", "worker", "--burst"])
    assert worked.exit_code == 0, worked.output
    with app.app_context():
        done = db.session.get(Job, waiting.id)
        assert done.status == JobStatus.DONE, (done.status, done.error)
        assert done.message == "2 pesan baru, 2 terkirim, 0 dicoba lagi nanti, 0 gagal"
        assert [d.state for d in db.session.scalars(db.select(NotificationDelivery))] == [DeliveryState.SENT] * 2
    assert sorted(body["phone"] for body in gateway.received) == ["628123456780", "628123456781"]

    cli.invoke(args=["notify", "run"])  # the next pass (cron, five minutes later) finds nothing new
    assert cli.invoke(args=["jobs", "worker", "--burst"]).exit_code == 0
    with app.app_context():
        latest = db.session.scalars(db.select(Job).where(Job.kind == job.JOB_KIND).order_by(Job.id.desc())).first()
        assert latest.id != waiting.id and latest.status == JobStatus.DONE
        assert latest.message.startswith("0 pesan baru, 0 terkirim")
    assert len(gateway.received) == 2
