"""Run the hub simulation by hand, in a database and Redis prefix of its own.

    uv run python -m tests.simulation.run --seed 7 --steps 3000
    uv run python -m tests.simulation.run --seed 1 --runs 20 --steps 400   # seeds 1..20
    uv run python -m tests.simulation.run --seed 7 --steps 500 --trace /tmp/a.txt  # to diff

A failure prints the seed, the step and the last operations, and exits 1; run the printed
command to replay it (the same seed makes the same operations).
"""

import argparse
import asyncio
import sys
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.simulation.run", description=__doc__)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=1, help="seeds seed, seed+1, ...")
    parser.add_argument(
        "--kill-every", type=float, default=60, help="mean steps between kill -9s (0: none)"
    )
    parser.add_argument("--barrier-every", type=int, default=40, help="most steps between drains")
    parser.add_argument(
        "--strict", action="store_true", help="fail on effects of known bugs (checks.KNOWN) too"
    )
    parser.add_argument("--verbose", action="store_true", help="print every step")
    parser.add_argument(
        "--trace", metavar="FILE", help="write the steps to FILE ({seed} becomes the seed)"
    )
    args = parser.parse_args(argv)

    from tests.simulation.environment import configure

    configure()
    from tests.simulation.simulation import SimulationFailure

    failed = 0
    began = time.monotonic()
    for seed in range(args.seed, args.seed + args.runs):
        trace: list[list[str]] = []
        try:
            summary = asyncio.run(_one(seed, args, trace))
        except SimulationFailure as exc:
            print(exc, file=sys.stderr, flush=True)
            failed += 1
            continue
        finally:
            if args.trace and trace:
                path = Path(args.trace.replace("{seed}", str(seed)))
                path.write_text("\n".join(trace[0]) + "\n")
        print(summary, flush=True)
    if args.runs > 1:
        print(
            f"{args.runs - failed} of {args.runs} seeds passed in {time.monotonic() - began:.0f} s"
        )
    return 1 if failed else 0


async def _one(seed: int, args: argparse.Namespace, trace: list[list[str]]) -> object:
    from tests.simulation.environment import configure, database
    from tests.simulation.simulation import Simulation

    url = configure()  # a fresh database per seed
    async with database(url):
        simulation = Simulation(
            seed,
            args.steps,
            kill_every=args.kill_every,
            barrier_every=args.barrier_every,
            strict=args.strict,
            log=print if args.verbose else None,
        )
        trace.extend([simulation.trace])  # written by main(), pass or fail
        return await simulation.run()


if __name__ == "__main__":
    sys.exit(main())
