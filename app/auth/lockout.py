"""Failed logins and lockouts, kept in a small file beside the users file (``users.lockout.json``).

The dashboard counts failed logins per *login name and client address*: after ``max_attempts`` failures
within ``lock_seconds`` of each other, that name is refused from that address for ``lock_seconds``, even
with the right password. The count is

* **persistent**: a file, not the server's memory, so a restart or a change of users.yaml does not reset it;
  written atomically (temporary file, ``os.replace``, mode 0600) under an exclusive lock (``flock`` on
  ``.users.lockout.json.lock``), so sessions and server processes never lose each other's failures;
* **the same for unknown names**: a name that is not a user is counted and locked exactly like a real one,
  and the dashboard shows the same messages, so the lock tells nobody whether a name exists;
* **per client when the address is known**: someone guessing from one computer locks the name only for
  that computer, not for its owner elsewhere. Streamlit gives no address for a client on 127.0.0.1 (the
  browser on the server, or a reverse proxy on the same computer): those share one count per name, so
  anyone who can reach the dashboard through such a proxy can still lock a name out for everyone coming the
  same way (stated in the README).

Entries expire by themselves; at most MAX_ENTRIES are kept (the oldest are dropped) so that guessing many
names cannot grow the file without bound.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
import time
from pathlib import Path

MAX_ENTRIES = 10_000
LOCAL = "本机"  # the client part of the key when Streamlit gives no address


def lockout_path(users_file: Path) -> Path:
    """``users.lockout.json`` beside the users file (``<stem>.lockout.json`` for another name)."""
    return users_file.with_name(f"{users_file.stem}.lockout.json")


def key(name: str, client: str | None) -> str:
    """The counter's key: the login name as the library compares it (stripped, lower-cased) and the client
    address, or LOCAL when there is none. A tab cannot occur in a login name."""
    return f"{(name or '').strip().lower()}\t{client or LOCAL}"


class Lockout:
    """Failed-login counters in `path` (see the module docstring). `clock` returns seconds since the epoch
    (time.time; tests pass their own)."""

    def __init__(self, path: Path, max_attempts: int, lock_seconds: float, clock=time.time):
        self.path = Path(path)
        self.max_attempts = max_attempts
        self.lock_seconds = lock_seconds
        self.clock = clock

    # -------------------------------------------------------------- file
    @contextlib.contextmanager
    def _locked(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path.parent / f".{self.path.name}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def _read(self) -> dict:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            return {}  # a damaged file: start counting again (it holds no secret, only counters)
        return data if isinstance(data, dict) else {}

    def _write(self, data: dict) -> None:
        fd, tmp = tempfile.mkstemp(prefix=".lockout-", suffix=".tmp", dir=self.path.parent)
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, ensure_ascii=False, sort_keys=True)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def _live(self, data: dict, now: float) -> dict:
        """The entries still in force: locked until later than now, or a failure less than lock_seconds ago."""
        out = {}
        for k, e in data.items():
            if not isinstance(e, dict):
                continue
            if float(e.get("locked_until") or 0) > now or now - float(e.get("last") or 0) < self.lock_seconds:
                out[k] = e
        if len(out) > MAX_ENTRIES:
            keep = sorted(out, key=lambda k: float(out[k].get("last") or 0))[-MAX_ENTRIES:]
            out = {k: out[k] for k in keep}
        return out

    # -------------------------------------------------------------- API
    def is_locked(self, name: str, client: str | None) -> bool:
        """True while `name` is locked for `client`."""
        e = self._read().get(key(name, client)) or {}
        return float(e.get("locked_until") or 0) > self.clock()

    def failed(self, name: str, client: str | None) -> bool:
        """Count one failed login of `name` from `client`; True when this failure locks it."""
        now = self.clock()
        with self._locked():
            data = self._live(self._read(), now)
            k = key(name, client)
            e = data.get(k) or {}
            failures = int(e.get("failures") or 0) + 1
            e = {"failures": failures, "last": now}
            locked = failures >= self.max_attempts
            if locked:
                e["locked_until"] = now + self.lock_seconds
            data[k] = e
            self._write(data)
        return locked

    def succeeded(self, name: str, client: str | None) -> None:
        """A successful login: forget the failures of `name` from `client`."""
        with self._locked():
            data = self._read()
            if data.pop(key(name, client), None) is not None:
                self._write(data)

    def clear(self, name: str) -> None:
        """Forget every count and lock of `name` (from every client): a new password was set."""
        prefix = key(name, None).split("\t")[0] + "\t"
        with self._locked():
            data = self._read()
            kept = {k: v for k, v in data.items() if not k.startswith(prefix)}
            if kept != data:
                self._write(kept)
