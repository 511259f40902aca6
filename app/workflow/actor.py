"""Who is doing this: the user recorded with every upload, score, acknowledgement and report batch."""

from __future__ import annotations

import getpass


def current_actor() -> str:
    """The user to record as having done an operation: a non-empty string.

    For now the operating-system user running jixiao (``getpass.getuser()``; ``"unknown"`` when the
    environment names none). The dashboard's login (issue 15, ``current_user()``) will replace this at
    merge: on loopback without a login the OS user remains the answer.
    """
    try:
        return getpass.getuser() or "unknown"
    except (KeyError, OSError):  # no passwd entry for the uid and no LOGNAME/USER
        return "unknown"
