"""Who is doing this: the user recorded with every upload, score, acknowledgement and report batch."""

from __future__ import annotations

import getpass


def current_actor() -> str:
    """The user to record as having done an operation: a non-empty string.

    In the dashboard, the logged-in user (``app.auth.current_user()``, set by the login gate); without a
    login (on this computer only, no users file) and on the command line, the operating-system user running
    jixiao (``getpass.getuser()``; ``"unknown"`` when the environment names none).
    """
    from app.auth import current_user

    user = current_user()
    if user is not None and user.name:
        return user.name
    try:
        return getpass.getuser() or "unknown"
    except (KeyError, OSError):  # no passwd entry for the uid and no LOGNAME/USER
        return "unknown"
