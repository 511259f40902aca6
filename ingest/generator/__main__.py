"""python -m ingest.generator …  is the same as  jixiao generate …  (see `jixiao generate --help`)."""

from __future__ import annotations

import sys

from app.cli import main

if __name__ == "__main__":
    sys.exit(main(["generate", *sys.argv[1:]]))
