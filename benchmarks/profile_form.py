"""Is the one-pass select of the profile form worth keeping? Times the form's seven selects, the whole
form, and the whole profile page (GET through the test client, SQLite in memory) with the selects rendered
by ``innovations.forms.OnePassSelect`` and by WTForms' own ``Select``, in one process.

    python -m benchmarks.profile_form [--rounds 15] [--renders 400]

Each round renders ``renders`` times per widget (the page a tenth as often), the two widgets alternating
round by round so that drift (CPU frequency, other processes) touches both alike; the report gives the
median per render and the spread of the rounds. Under gunicorn against PostgreSQL the page takes about
20 ms p50 (``innovation_edit`` in docs/PERFORMANCE.md).
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time

from sqlalchemy.pool import StaticPool
from wtforms.widgets import Select

SELECTS = ("tahapan", "inisiator", "jenis", "klasifikasi", "bentuk", "tematik", "urusan_utama")


def _render(form, names) -> int:
    return sum(len(str(form[name](**{"aria-describedby": f"{name}-hint"}))) for name in names)


def _profile_page(app):
    """An operator's innovation in a fresh in-memory database, and a client logged in as the operator."""
    from innovation.auth.models import User
    from innovation.extensions import db
    from innovation.innovations.models import Innovation
    from innovation.orgs.models import Opd, OpdKind
    from innovation.rules import latest_year
    from innovation.web import Role

    with app.app_context():
        db.create_all()  # a throw-away schema for timing, not a migration
        opd = Opd(name="Dinas Uji", code="UJI", kind=OpdKind.DINAS)
        user = User(username="operator", full_name="Operator Uji", role=Role.OPERATOR, opd=opd, password_hash="-")
        innovation = Innovation(opd=opd, nama="Inovasi Uji", rules_year=latest_year(), urusan_lain=[])
        db.session.add_all([opd, user, innovation])
        db.session.flush()
        from innovation.auth.sessions import sign_in

        sign_in(user, remember=False, ip_address=None, user_agent=None)  # the server-side session the cookie names
        db.session.commit()
        user_id, innovation_id = user.get_id(), innovation.id
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = user_id, True
    return client, f"/innovations/{innovation_id}/profile"


def measure(rounds: int, renders: int) -> dict[str, dict[str, list[float]]]:
    from innovation import create_app
    from innovation.innovations import forms
    from innovation.rules import get_rules, latest_year

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                          "SQLALCHEMY_DATABASE_URI": "sqlite://", "SQLALCHEMY_ENGINE_OPTIONS": {"poolclass": StaticPool},
                          "STORAGE_URL": f"file://{tmp}/storage", "UPLOAD_STAGING_DIR": f"{tmp}/staging"})
        rules = get_rules(latest_year())
        one_pass = forms.FastSelectField.widget
        widgets = {"one-pass": one_pass, "wtforms": Select()}
        timings: dict[str, dict[str, list[float]]] = {w: {"selects": [], "form": [], "page": []} for w in widgets}
        client, url = _profile_page(app)
        with app.test_request_context("/innovations/1/profile"):
            form = forms.ProfileForm().setup(rules)
            form.tahapan.data, form.urusan_utama.data = rules.choices("tahapan")[1][0], rules.choices("urusan")[5][0]
            everything = [field.name for field in form if field.type != "CSRFTokenField"]
            html = {}
            try:
                for number in range(rounds):
                    order = list(widgets) if number % 2 == 0 else list(reversed(widgets))
                    for name in order:
                        forms.FastSelectField.widget = widgets[name]
                        html[name] = [str(form[f]()) for f in SELECTS]
                        for part, names in (("selects", SELECTS), ("form", everything)):
                            started = time.perf_counter()
                            for _ in range(renders):
                                _render(form, names)
                            timings[name][part].append((time.perf_counter() - started) / renders * 1000)
                        pages = max(1, renders // 10)
                        started = time.perf_counter()
                        for _ in range(pages):
                            assert client.get(url).status_code == 200
                        timings[name]["page"].append((time.perf_counter() - started) / pages * 1000)
            finally:
                forms.FastSelectField.widget = one_pass
            assert html["one-pass"] == html["wtforms"], "the two widgets must render the same HTML"
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--renders", type=int, default=400)
    args = parser.parse_args()
    timings = measure(args.rounds, args.renders)
    for part in ("selects", "form", "page"):
        medians = {}
        for name, parts in timings.items():
            values = parts[part]
            medians[name] = statistics.median(values)
            print(f"{part:8s} {name:9s} median {medians[name]:.3f} ms per render "
                  f"(rounds {min(values):.3f} .. {max(values):.3f}, stdev {statistics.stdev(values):.3f})")
        print(f"{part:8s} saved by the one-pass select: {medians['wtforms'] - medians['one-pass']:.3f} ms per render")


if __name__ == "__main__":
    main()
