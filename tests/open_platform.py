"""A seeded world for the public showcase, open data and API tests: registered and unregistered
innovations carrying distinctive private marker strings, evidence public and not, and a published round.

``PRIVATE`` lists every marker that must never reach anyone without a token; the crawler test and the API
tests look for each of them in everything they receive.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from innovation.extensions import utcnow
from innovation.web import Role

# Private values: in fields that are never public, or not public by default, or on innovations that are not.
PRIVATE = {
    "initiator": "RAHASIA-INISIATOR-Zq81",  # nama_inisiator: never public
    "design": "RAHASIA-RANCANG-Kx42",  # rancang_bangun: not public by default
    "benefit": "RAHASIA-MANFAAT-Wp07",  # manfaat: not public by default
    "result": "RAHASIA-HASIL-Vb93",  # hasil: not public by default
    "register": "IGA-RAHASIA-Nn55",  # nomor_register: not public by default
    "answer": "RAHASIA-INFORMASI-Qm26",  # an indicator answer's explanation: never public
    "note": "RAHASIA-CATATAN-VERIF-Lt64",  # a verifier's note: never public
    "unregistered": "Inovasi Belum Terdaftar RAHASIA-Ug19",  # an unregistered innovation's name
    "unregistered_aim": "RAHASIA-TUJUAN-TAKTERDAFTAR-Hd73",
    "hidden_file": "rahasia-lampiran-Ty38.pdf",  # evidence not offered to the public
    "declined_file": "ditolak-admin-Pr50.pdf",  # offered, declined by the admin
    "pending_file": "menunggu-admin-Ss11.pdf",  # offered, not yet decided
    "replaced_file": "lama-diganti-Ee02.pdf",  # approved, then replaced: the old row is not current
    "judge_name": "Juri Rahasia Gg77",  # a judge's name in the snapshot
    "judge_comment": "Catatan juri",  # the judges' written comments ("Catatan juri 1 untuk entri 1.")
    "coordinate": "-4.5555",  # koordinat: not public by default
}
PUBLIC_AIM = "Mempercepat layanan izin usaha di distrik"  # tujuan of the registered innovation (public)
PDF = b"%PDF-1.4\n%%EOF\n"


@dataclass
class World:
    admin: object
    operator: object
    opd: object
    registered: object
    unregistered: object
    second: object
    public_file: object
    hidden_file: object
    event: object = None
    round: object = None
    snapshot: object = None
    extra: dict = field(default_factory=dict)


def seed(db, make_opd, make_user, make_innovation, make_event=None, *, publish=True) -> World:
    from innovation.innovations import evidence
    from innovation.innovations.models import IndicatorAnswer, VerificationStatus
    from innovation.public import sharing
    from innovation.reporting import services as reporting

    opd = make_opd(name="Dinas Penanaman Modal Uji")
    other_opd = make_opd(name="Dinas Kesehatan Uji")
    admin = make_user(role=Role.ADMIN)
    operator = make_user(role=Role.OPERATOR, opd=opd)
    registered = make_innovation(
        opd=opd, nama="Izin Kilat Distrik", tahapan="penerapan", jenis="digital", urusan_utama=None,
        tujuan=PUBLIC_AIM, rancang_bangun=PRIVATE["design"] + " dasar hukum", manfaat=PRIVATE["benefit"],
        hasil=PRIVATE["result"], nama_inisiator=PRIVATE["initiator"], nomor_register=PRIVATE["register"],
        latitude=Decimal(PRIVATE["coordinate"]), longitude=Decimal("136.8888"),
        waktu_uji_coba=date(2024, 3, 1), waktu_penerapan=date(2024, 9, 1))
    second = make_innovation(opd=other_opd, nama="Posyandu Digital Kampung", tahapan="uji_coba", jenis="non_digital",
                             tujuan="Mencatat tumbuh kembang balita")
    unregistered = make_innovation(opd=opd, nama=PRIVATE["unregistered"], tujuan=PRIVATE["unregistered_aim"])
    for innovation in (registered, second):
        reporting.register(innovation, by=admin)
    answer = IndicatorAnswer(innovation=registered, indicator_no=16, parameter=2, informasi=PRIVATE["answer"])
    db.session.add(answer)

    def attach(name, no=16):
        return evidence.attach_file(registered, indicator_no=no, stream=io.BytesIO(PDF), filename=name, by=operator)

    public_file = attach("sk-bupati-publik.pdf")
    sharing.offer(public_file, public=True, by=operator)
    sharing.decide(public_file, approve=True, by=admin)
    hidden_file = attach(PRIVATE["hidden_file"])
    declined = attach(PRIVATE["declined_file"])
    sharing.offer(declined, public=True, by=operator)
    sharing.decide(declined, approve=False, note="Memuat data pribadi", by=admin)
    pending = attach(PRIVATE["pending_file"])
    sharing.offer(pending, public=True, by=operator)
    replaced = attach(PRIVATE["replaced_file"], no=17)
    sharing.offer(replaced, public=True, by=operator)
    sharing.decide(replaced, approve=True, by=admin)
    evidence.attach_file(registered, indicator_no=17, stream=io.BytesIO(PDF), filename="pengganti-baru.pdf",
                         by=operator, replaces=replaced)
    db.session.flush()
    # Verified after its evidence arrived (a verdict given before would go back to the verifier: re-check).
    reporting.verify_line(answer, VerificationStatus.DIPERBAIKI, 1, PRIVATE["note"], by=admin)
    db.session.flush()
    world = World(admin, operator, opd, registered, unregistered, second, public_file, hidden_file)
    if make_event is not None and publish:
        publish_results(db, world, make_event, make_user)
    return world


def publish_results(db, world: World, make_event, make_user) -> None:
    from test_judging_results import build_round

    from innovation.events import entries
    from innovation.judging.publication import publish
    from innovation.judging.results import latest_snapshot

    event = make_event(opens_at=utcnow() - timedelta(days=20), closes_at=utcnow() - timedelta(days=12))
    items = []
    for innovation in (world.registered, world.second):
        items.append(entries.enter_innovation(event, innovation, event.categories[0], by=world.admin,
                                              now=utcnow() - timedelta(days=15)))
    judges = [make_user(role=Role.JUDGE, full_name=world_name) for world_name in
              (PRIVATE["judge_name"], "Juri Kedua Uji")]
    built = build_round(db, event=event, entries=items, judges=judges,
                        grid={(0, 0): ["5"] * 5, (0, 1): ["4"] * 5, (1, 0): ["3"] * 5, (1, 1): ["4"] * 5})
    publish(built.round, by=world.admin)
    world.event, world.round, world.snapshot = event, built.round, latest_snapshot(built.round)
