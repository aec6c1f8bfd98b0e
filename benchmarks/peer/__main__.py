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
    return 0


if __name__ == "__main__":
    sys.exit(main())
