"""What the two input corpora share: build each case's files, check the committed files are reproducible,
and the command line of their builder scripts.

A corpus is a folder of cases, ``<corpus>/<case_id>/``, each with the files its builder writes and an
``expected.json`` written by hand (never by the builder). Used by ``tests/bad_inputs/build_corpus.py``
and ``tests/real_tables/build_cases.py``; their tests load the builder with ``load_builder``.
"""

from __future__ import annotations

import argparse
import filecmp
import importlib.util
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

Cases = dict[str, Callable[[Path], None]]


def build(cases: Cases, out: Path, only: list[str] | None = None) -> None:
    """(Re)write every case's files under ``out``; each case's expected.json is left alone."""
    for case_id, fn in cases.items():
        if only and case_id not in only:
            continue
        case_dir = out / case_id
        case_dir.mkdir(parents=True, exist_ok=True)
        for p in case_dir.iterdir():
            if p.name == "expected.json":
                continue
            shutil.rmtree(p) if p.is_dir() else p.unlink()
        fn(case_dir)


def generated_files(root: Path) -> dict[str, Path]:
    """Every file of every case folder but expected.json (caches and dot-folders are no cases)."""
    return {
        str(p.relative_to(root)): p
        for d in sorted(root.iterdir())
        if d.is_dir() and not d.name.startswith(("_", "."))
        for p in sorted(d.rglob("*"))
        if p.is_file() and p.name != "expected.json"
    }


def check(cases: Cases, root: Path, script: str) -> list[str]:
    """Differences between the committed corpus in ``root`` and a fresh build (empty: reproducible)."""
    with tempfile.TemporaryDirectory() as tmp:
        build(cases, Path(tmp))
        fresh, committed = generated_files(Path(tmp)), generated_files(root)
        problems = [f"missing: {k}" for k in fresh.keys() - committed.keys()]
        problems += [f"not built by {script}: {k}" for k in committed.keys() - fresh.keys()]
        problems += [
            f"differs: {k}"
            for k in fresh.keys() & committed.keys()
            if not filecmp.cmp(fresh[k], committed[k], shallow=False)
        ]
        problems += [
            f"no case for folder: {p.name}"
            for p in root.iterdir()
            if p.is_dir() and p.name not in cases and not p.name.startswith(("_", "."))
        ]
    return sorted(problems)


def main(cases: Cases, root: Path, script: str, description: str, argv: list[str] | None = None) -> int:
    """The builder scripts' command line: build all or some cases, or ``--check`` the committed ones."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument(
        "--check", action="store_true", help="compare the committed corpus with a fresh build; write nothing"
    )
    p.add_argument("cases", nargs="*", help="only these cases")
    args = p.parse_args(argv)
    if args.check:
        problems = check(cases, root, script)
        print("\n".join(problems) or "corpus is reproducible")
        return 1 if problems else 0
    build(cases, root, args.cases or None)
    print(f"built {len(args.cases) or len(cases)} cases in {root}")
    return 0


def load_builder(path: Path) -> ModuleType:
    """Import a builder script by its path (the corpora are folders, not packages)."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module
