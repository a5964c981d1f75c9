"""Every benchmark, one after the other, each in its own interpreter: ``make bench``.

    python -m bench.run_all                  # the issue's sizes: 2,000 / 5,000 / 2,000 feeds
    python -m bench.run_all --growth         # also 1/16 and 1/4 of that: 1×, 4×, 16× the work
    python -m bench.run_all --quick          # a few minutes: --scale 0.05 --growth
    python -m bench.run_all --only poller --scale 0.5

Output: JSON lines on stdout (one per figure); progress on stderr. Benchmarks run one at a time,
never beside each other: on two cores any overlap would be measured as slowness.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

from bench.common import ROOT

BENCHES = ("extraction", "poller", "pipeline")
# Growth points as fractions of --scale: 1×, 4× and 16× the work, the largest being --scale.
GROWTH = (1 / 16, 1 / 4, 1.0)
QUICK_SCALE = 0.05


def run(bench: str, scale: float, *extra: str) -> None:
    """One benchmark in a fresh interpreter, so nothing loaded by one skews the next."""
    command = [sys.executable, "-m", f"bench.{bench}", "--scale", f"{scale:g}", *extra]
    print(f"# {' '.join(command[1:])}", file=sys.stderr, flush=True)
    started = time.monotonic()
    subprocess.run(command, cwd=ROOT, check=True)
    print(f"# {bench} took {time.monotonic() - started:.0f}s", file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 = the issue's sizes")
    parser.add_argument("--growth", action="store_true", help="also at 1/16 and 1/4 the scale")
    parser.add_argument("--quick", action="store_true", help=f"--scale {QUICK_SCALE} --growth")
    parser.add_argument("--only", choices=BENCHES, action="append")
    args = parser.parse_args()
    scale = QUICK_SCALE if args.quick else args.scale
    points = GROWTH if args.growth or args.quick else (1.0,)
    for bench in args.only or BENCHES:
        for point in points:
            # The dev-set F1 does not depend on the corpus size: score it once, at the top.
            extra = ("--skip-f1",) if bench == "extraction" and point < 1.0 else ()
            run(bench, scale * point, *extra)


if __name__ == "__main__":
    main()
