"""``python -m benchmarks.peer {setup,seed,run}``: see benchmarks/peer/README.md."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from benchmarks.peer.config import DEFAULT_HOME, PeerPaths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.peer", description=__doc__)
    parser.add_argument("--home", default=str(DEFAULT_HOME),
                        help="the peer run's folder: venv, pretalx.cfg, data (default instance/peer, git-ignored)")
    commands = parser.add_subparsers(dest="command", required=True)
    setup = commands.add_parser("setup", help="pretalx in its own venv, configured and migrated")
    setup.add_argument("--force", action="store_true", help="remake the venv and reinstall")
    seed = commands.add_parser("seed", help="one pretalx event of N submissions, reviewed (bulk_create)")
    seed.add_argument("--submissions", type=int, required=True,
                      help="submissions (1020 matches bench_r1000's round, 10000 bench_r10000's)")
    seed.add_argument("--size", type=int, default=None,
                      help="the size it stands for: the event is peer<size> (default: --submissions)")
    seed.add_argument("--reviews", default="3", help="reviews per submission: 3, or 3-5 in turn as our seed")
    seed.add_argument("--reviewers", type=int, default=None, help="reviewer accounts (default max(60, N/50))")
    run = commands.add_parser("run", help="serve both, measure the page pairs interleaved, report")
    run.add_argument("--size", type=int, required=True,
                     help="1000 or 10000: our schema bench_r<size>, pretalx's event peer<size>")
    run.add_argument("--rounds", type=int, default=40, help="timed requests per page, mode and side (default 40)")
    run.add_argument("--warmup", type=int, default=2, help="untimed requests per page, mode and side first")
    run.add_argument("--database", default=None,
                     help="our seeded database URL (default: bench17 on 127.0.0.1, schema bench_r<size>)")
    run.add_argument("--pairs", default="", help="comma-separated subset: results,list,detail,form")
    run.add_argument("--no-json", action="store_true", help="do not write benchmarks/peer/results/<date>-<size>.json")
    args = parser.parse_args(argv)
    paths = PeerPaths(Path(args.home).resolve())
    if args.command == "setup":
        from benchmarks.peer.install import setup as do_setup

        do_setup(paths, force=args.force)
    elif args.command == "seed":
        import json

        from benchmarks.peer.seeding import seed as do_seed, slug_for

        slug = slug_for(args.size or args.submissions)
        print(json.dumps(do_seed(paths, args.submissions, slug=slug, reviews=args.reviews,
                                 reviewers=args.reviewers), indent=2))
    elif args.command == "run":
        import signal
        from datetime import date

        from benchmarks.peer.measure import measure
        from benchmarks.peer.report import json_path, markdown_table, write_json

        # SIGTERM (a background run) ends through the finally blocks that stop both servers.
        signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
        result = measure(paths, args.size, rounds=args.rounds, warmup=args.warmup, database_url=args.database,
                         pairs=[p for p in args.pairs.split(",") if p])
        result["command"] = "python -m benchmarks.peer " + " ".join(argv if argv is not None else sys.argv[1:])
        print()
        print(f"n={args.size}: pretalx {result['pretalx_version']} / ours {result['ours_commit']}, "
              f"{args.rounds} requests per page and side, load average "
              f"{result['machine']['load_average_before'][0]} -> {result['machine']['load_average_after'][0]}")
        print()
        print(markdown_table(result))
        if not args.no_json:
            print(f"\nwritten to {write_json(result, json_path(args.size, date.today()))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
