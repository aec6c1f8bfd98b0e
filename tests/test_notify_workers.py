"""Two notification workers at the same moment, on a real database of their own (committed data, not the
rolled-back test session): both find the same due messages, and each message is recorded once and reaches the
gateway once. The gateway answers slowly, so both workers are inside their pass together."""
from __future__ import annotations

import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from support import create_schema, drop_schema, postgres_url

from innovation.extensions import utcnow


class SlowGateway:
    def __init__(self, delay: float):
        self.received: list[dict] = []
        self.lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with gateway.lock:
                    gateway.received.append(body)
                time.sleep(delay)
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/send"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


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
    gateway = SlowGateway(0.3)
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
    from innovation.auth.services import create_user
    from innovation.events.models import Event
    from innovation.extensions import db
    from innovation.notify import job, services
    from innovation.notify.models import Notification, NotificationDelivery
    from innovation.orgs.models import Opd, OpdKind
    from innovation.web import Role

    app, gateway = shared_app
    with app.app_context():
        for n in range(3):
            opd = Opd(name=f"Dinas Pekerja {n}", code=f"PK{n}", kind=OpdKind.DINAS)
            db.session.add(opd)
            user = create_user(username=f"op{n}", full_name=f"Operator {n}", role=Role.OPERATOR,
                               password="rahasia-uji-123", opd=opd)
            db.session.flush()
            services.save_settings(user, email=False, whatsapp=True, phone=f"0812345678{n}", language="id")
        db.session.add(Event(slug="iw", name="Innovation Week Pekerja", year=2026, opens_at=utcnow() - timedelta(hours=1),
                             closes_at=utcnow() + timedelta(days=20)))
        db.session.commit()

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
