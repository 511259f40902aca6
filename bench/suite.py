"""The test suite's time per module, from pytest's JUnit XML (bench/results/suite.md).

Usage: run the suite with ``PYTEST_ADDOPTS=--junitxml=FILE`` (e.g. ``bash .ci/run`` in a fresh clone), then
``.venv/bin/python -m bench.suite BEFORE.xml AFTER.xml`` (or one file) prints a Markdown table: per test module, the sum of
its tests' times (setup, call and teardown: pytest's ``junit_duration_report = total``, so module- and
session-scoped fixtures count in the first test that uses them) and its number of tests, before → after.
With ``-n 2`` (pytest-xdist) the modules run on two workers, so the sums add up to about twice the wall
time. Nothing here is asserted by the suite: speed is measured, not tested.
"""

from __future__ import annotations

import argparse
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path


def per_module(junit_xml: Path) -> tuple[dict[str, tuple[float, int]], float]:
    """({module: (seconds, tests)}, the run's wall seconds) from a pytest JUnit XML file.

    A test's module is the ``test_*`` part of its ``classname`` (``tests.test_auth`` or
    ``tests.test_auth.TestX`` → ``test_auth``); skipped tests count with their (near zero) time.
    Raises ValueError when the file holds no test suite."""
    root = ET.parse(junit_xml).getroot()
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    if not suites:
        raise ValueError(f"{junit_xml}: no <testsuite>")
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0])
    wall = 0.0
    for suite in suites:
        wall += float(suite.get("time", 0))
        for case in suite.iter("testcase"):
            # a module skipped at collection (test_spark without pyspark) has only a name: ``tests.test_spark``
            parts = (case.get("classname") or case.get("name", "")).split(".")
            module = next((p for p in parts if p.startswith("test_")), parts[-1] or "?")
            sums[module][0] += float(case.get("time", 0))
            sums[module][1] += 1
    return {m: (s, int(n)) for m, (s, n) in sums.items()}, wall


def table(before: Path, after: Path) -> str:
    """The Markdown table of per-module seconds before → after, longest (before) first."""
    b, b_wall = per_module(before)
    a, a_wall = per_module(after)
    lines = ["| module | tests | before s | after s |", "|---|---|---|---|"]
    for m in sorted(set(b) | set(a), key=lambda m: -max(b.get(m, (0, 0))[0], a.get(m, (0, 0))[0])):
        bs, bn = b.get(m, (0.0, 0))
        as_, an = a.get(m, (0.0, 0))
        lines.append(f"| {m} | {an or bn} | {bs:.1f} | {as_:.1f} |")
    lines.append(
        f"| **sum of modules** | {sum(n for _, n in a.values())} | {sum(s for s, _ in b.values()):.1f} | "
        f"{sum(s for s, _ in a.values()):.1f} |"
    )
    lines.append(f"| **pytest wall time** | | {b_wall:.1f} | {a_wall:.1f} |")
    return "\n".join(lines)


def one(run: Path) -> str:
    """The Markdown table of per-module seconds of one run, longest first."""
    mods, wall = per_module(run)
    lines = ["| module | tests | s |", "|---|---|---|"]
    for m, (sec, n) in sorted(mods.items(), key=lambda kv: -kv[1][0]):
        lines.append(f"| {m} | {n} | {sec:.1f} |")
    lines.append(
        f"| **sum of modules** | {sum(n for _, n in mods.values())} | {sum(s for s, _ in mods.values()):.1f} |"
    )
    lines.append(f"| **pytest wall time** | | {wall:.1f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("before", type=Path, help="JUnit XML of a run (alone: that run's table)")
    p.add_argument("after", type=Path, nargs="?", help="JUnit XML of a later run: the two side by side")
    args = p.parse_args(argv)
    print(table(args.before, args.after) if args.after else one(args.before))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
