"""Seed one pretalx event at the peer run's size, through pretalx's Django ORM (``bulk_create``).

Run by ``python -m benchmarks.peer seed`` with the PEER venv's python and pretalx's settings (it imports
only Django and pretalx, never this app)::

    PRETALX_CONFIG_FILE=... DJANGO_SETTINGS_MODULE=peer_settings instance/peer/venv/bin/python \\
        benchmarks/peer/pretalx_seed.py --slug peer1000 --submissions 1020 --criteria 'Kebaruan:30,...'

What it writes (the event is deleted first when it exists):

- one organiser (``peer``) shared by every size, and its organiser account ``ORGA_EMAIL`` in a team
  with every permission on the event (it is not a reviewer, like our admin is not a judge);
- the event, built by pretalx's own ``build_initial_data`` (CfP, default submission type, the
  "Review" phase active and the "Selection" phase after it), with the given weighted score
  categories (values 1 to 5 in half steps, as our rubric's), before the default one would be made;
- ``--reviewers`` reviewer accounts in a reviewer team of the event, and one speaker per 50
  submissions (our seed: one OPD per 50 innovations), each with a speaker profile;
- N submissions (state "submitted", an abstract and a description of about 300 words, like our
  innovations' profile), each with ``--reviews`` assigned reviewers who all reviewed it: a review with
  one score per category and its total computed as pretalx does (``Review.calculate_score``:
  the sum of value times weight).

Every account has the password ``--password`` (one argon2 hash, computed once, shared).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import time
from datetime import timedelta
from decimal import Decimal

ORGANISER_SLUG = "peer"
ORGA_EMAIL = "orga@peer.example.org"
WORDS = ("inovasi layanan publik daerah digital warga puskesmas distrik data aplikasi pelayanan kesehatan "
         "pendidikan desa kampung transparansi efisiensi kolaborasi masyarakat program kegiatan hasil manfaat "
         "keberlanjutan replikasi anggaran dokumen laporan sistem informasi terpadu").split()


def text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def parse_criteria(value: str) -> list[tuple[str, Decimal]]:
    out = []
    for part in value.split(","):
        name, weight = part.rsplit(":", 1)
        out.append((name.strip(), Decimal(weight)))
    return out


def reviews_for(index: int, spec: str) -> int:
    """``3`` (every submission three reviews) or ``3-5`` (3, 4, 5 in turn, as our seed's judges)."""
    if "-" in spec:
        low, high = (int(x) for x in spec.split("-", 1))
        return low + index % (high - low + 1)
    return int(spec)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--slug", required=True)
    parser.add_argument("--submissions", type=int, required=True)
    parser.add_argument("--reviews", default="3", help="reviews per submission: N or LOW-HIGH (in turn)")
    parser.add_argument("--reviewers", type=int, default=None, help="reviewer accounts (default max(60, N/50))")
    parser.add_argument("--criteria", required=True, help="name:weight,... (our rubric's)")
    parser.add_argument("--password", required=True)
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args(argv)

    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils.timezone import now
    from django_scopes import scopes_disabled
    from pretalx.event.models import Event, Organiser, Team
    from pretalx.person.models import SpeakerProfile, User
    from pretalx.submission.models import Review, ReviewScore, ReviewScoreCategory, Submission
    from pretalx.submission.models.submission import SpeakerRole

    rng = random.Random(args.seed)
    started = time.perf_counter()
    timings: dict[str, float] = {}
    n = args.submissions
    n_reviewers = args.reviewers or max(60, math.ceil(n / 50))
    criteria = parse_criteria(args.criteria)
    password = make_password(args.password)
    today = now()
    counts: dict[str, int] = {}

    with scopes_disabled(), transaction.atomic():
        old = Event.objects.filter(slug=args.slug).first()
        if old is not None:  # a fresh event: pretalx's own shred (reviews, submissions, CfP, ...), then our accounts
            reviews = Review.all_objects.filter(submission__event=old)
            Review.scores.through.objects.filter(review__in=reviews).delete()  # faster than one by one
            reviews.delete()
            old_users = User.objects.filter(email__endswith=f"@{args.slug}.peer.example.org")
            Team.objects.filter(organiser__slug=ORGANISER_SLUG, name__endswith=f" {args.slug}").delete()
            old.shred()
            old_users.delete()
        timings["delete_old"] = time.perf_counter() - started

        organiser, _ = Organiser.objects.get_or_create(slug=ORGANISER_SLUG, defaults={"name": "Peer run"})
        orga = User.objects.filter(email=ORGA_EMAIL).first()
        if orga is None:
            orga = User(email=ORGA_EMAIL, name="Peer organiser", password=password, locale="en", timezone="UTC")
            orga.assign_code()
            orga.save()
        elif orga.password != password:
            orga.password = password
            orga.save(update_fields=["password"])

        event = Event(
            name=f"Peer run {n}", slug=args.slug, organiser=organiser, is_public=False,
            date_from=(today + timedelta(days=60)).date(), date_to=(today + timedelta(days=62)).date(),
            timezone="UTC", email="peer@example.org", locale_array="en", locale="en")
        event.save(skip_initial_data=True)  # our categories first: else pretalx adds its default "Score"
        categories = []
        for name, weight in criteria:
            category = ReviewScoreCategory.objects.create(event=event, name=name, weight=weight, required=True)
            categories.append((category, {v: ReviewScore.objects.create(category=category, value=v, label=str(v))
                                          for v in (Decimal(h) / 2 for h in range(2, 11))}))
        event.build_initial_data()  # CfP, type, review phases; the categories above stand
        if event.score_categories.count() != len(criteria):
            raise SystemExit(f"expected {len(criteria)} score categories, found {event.score_categories.count()}")
        event.cfp.deadline = today - timedelta(days=3)
        event.cfp.save()
        orga_team = Team.objects.create(
            organiser=organiser, name=f"Organisers {args.slug}", can_create_events=True, can_change_teams=True,
            can_change_organiser_settings=True, can_change_event_settings=True, can_change_submissions=True)
        orga_team.limit_events.add(event)
        orga_team.members.add(orga)
        timings["event"] = time.perf_counter() - started

        def new_users(kind: str, count: int) -> list[User]:
            users = [User(email=f"{kind}{i:05d}@{args.slug}.peer.example.org", name=f"{kind.title()} {i}",
                          password=password, locale="en", timezone="UTC",
                          code=f"{kind[0].upper()}{args.slug[-5:].upper()}{i:05d}"[:16])
                     for i in range(count)]
            User.objects.bulk_create(users, batch_size=2000)
            return list(User.objects.filter(email__endswith=f"@{args.slug}.peer.example.org",
                                            email__startswith=kind).order_by("email"))

        reviewers = new_users("reviewer", n_reviewers)
        review_team = Team.objects.create(organiser=organiser, name=f"Reviewers {args.slug}", is_reviewer=True)
        review_team.limit_events.add(event)
        review_team.members.add(*reviewers)
        speakers = new_users("speaker", max(1, math.ceil(n / 50)))
        SpeakerProfile.objects.bulk_create(
            [SpeakerProfile(user=s, event=event, biography=text(rng, 40)) for s in speakers], batch_size=2000)
        timings["users"] = time.perf_counter() - started

        taken = set(Submission.all_objects.values_list("code", flat=True))
        codes = []
        while len(codes) < n:
            code = Submission.generate_code()
            if code not in taken:
                taken.add(code)
                codes.append(code)
        submission_type = event.cfp.default_type
        submissions = [Submission(event=event, code=code, title=f"Inovasi {i + 1}: {text(rng, 6)}"[:200],
                                  submission_type=submission_type, state="submitted", abstract=text(rng, 50),
                                  description=text(rng, 300), content_locale="en")
                       for i, code in enumerate(codes)]
        Submission.objects.bulk_create(submissions, batch_size=2000)
        submissions = list(Submission.objects.filter(event=event).order_by("id"))
        SpeakerRole.objects.bulk_create(
            [SpeakerRole(submission=s, user=speakers[i // 50]) for i, s in enumerate(submissions)], batch_size=5000)
        timings["submissions"] = time.perf_counter() - started

        bias = {r.pk: Decimal(rng.randrange(-4, 5)) / 10 for r in reviewers}
        steps = [Decimal(s) / 10 for s in range(-10, 11)]
        assigned, reviews, chosen = [], [], []
        through = Submission.assigned_reviewers.through
        for i, submission in enumerate(submissions):
            quality = Decimal(1) + Decimal(rng.randrange(0, 41)) / 10
            k = reviews_for(i, args.reviews)
            for slot in range(k):  # the same spread over the pool as our seed's judges
                reviewer = reviewers[(i * 7 + slot * (n_reviewers // 5 or 1) + slot) % n_reviewers]
                assigned.append(through(submission_id=submission.pk, user_id=reviewer.pk))
                values = []
                for category, options in categories:
                    raw = quality + bias[reviewer.pk] + steps[rng.randrange(len(steps))]
                    value = min(Decimal(5), max(Decimal(1), (raw * 2).to_integral_value() / 2))
                    values.append(options[value])
                total = sum(score.value * category.weight for (category, _), score in zip(categories, values))
                reviews.append(Review(submission=submission, user=reviewer, score=total, text=text(rng, 20)))
                chosen.append(values)
        through.objects.bulk_create(assigned, batch_size=5000)
        Review.objects.bulk_create(reviews, batch_size=5000)
        reviews = list(Review.objects.filter(submission__event=event).order_by("id"))
        if len(reviews) != len(chosen):
            raise SystemExit(f"expected {len(chosen)} reviews, found {len(reviews)}")
        links = [Review.scores.through(review_id=review.pk, reviewscore_id=score.pk)
                 for review, values in zip(reviews, chosen) for score in values]
        Review.scores.through.objects.bulk_create(links, batch_size=10000)
        timings["reviews"] = time.perf_counter() - started
        counts = {"submissions": len(submissions), "reviews": len(reviews), "review_scores": len(links),
                  "reviewers": len(reviewers), "speakers": len(speakers), "categories": len(categories),
                  "reviews_per_submission": args.reviews}
        # pretalx's own total, for one review: the seed's totals must equal what pretalx would store
        check = reviews[len(reviews) // 2]
        stored = check.score
        check.update_score()
        if check.score != stored:
            raise SystemExit(f"review {check.pk}: seeded total {stored}, pretalx computes {check.score}")
    with scopes_disabled():
        phase = event.active_review_phase
    out = {"slug": args.slug, "event_id": event.pk, "orga_email": ORGA_EMAIL,
           "reviewer_email": reviewers[0].email, "review_phase": str(phase.name) if phase else None,
           "counts": counts, "seconds": round(time.perf_counter() - started, 1),
           "timings": {k: round(v, 1) for k, v in timings.items()}}
    print("SEEDED " + json.dumps(out))
    return 0


if __name__ == "__main__":
    # Run as a script, its folder is first on sys.path: keep this package's modules (config, report, ...)
    # from shadowing any of the same name that Django or pretalx import.
    sys.path[:] = [p for p in sys.path if os.path.abspath(p) != os.path.dirname(os.path.abspath(__file__))]
    sys.exit(main())
