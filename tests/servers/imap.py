"""A real Dovecot IMAP server for the tests, in a throw-away directory.

``DovecotServer().start()`` writes a minimal ``dovecot.conf`` (no system config is read), picks
two free ports on 127.0.0.1 (STARTTLS and implicit TLS, both with the test CA's certificate) and
runs ``dovecot -F`` in its own process group. Users live in a passwd-file with plaintext
passwords; mail in Maildirs under the temp dir. Plaintext LOGIN works from 127.0.0.0/8 because
that network is trusted, which is also how a local test client logs in without TLS.

Dovecot comes from Debian's ``dovecot-imapd`` package: ``.ci/install-system-packages``.
"""

from __future__ import annotations

import contextlib
import grp
import imaplib
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Self

from tests.servers import certs

INSTALL_HINT = "Dovecot is not installed: run `bash .ci/install-system-packages` (as root)."
_SEARCH_PATH = ("/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin")


class DovecotNotInstalled(RuntimeError):
    pass


def find_binary(name: str) -> str:
    """Dovecot lives in /usr/sbin, which is not on a normal user's PATH."""
    found = shutil.which(name) or shutil.which(name, path=os.pathsep.join(_SEARCH_PATH))
    if not found:
        raise DovecotNotInstalled(f"{name} not found. {INSTALL_HINT}")
    return found


def dovecot_installed() -> bool:
    try:
        find_binary("dovecot")
        find_binary("doveadm")
    except DovecotNotInstalled:
        return False
    return True


def _free_ports(count: int) -> list[int]:
    # Hold all sockets open together so the kernel hands out distinct ports.
    socks = [socket.socket() for _ in range(count)]
    try:
        for s in socks:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def live_group_members(pgid: int) -> list[int]:
    """Pids in process group ``pgid`` that are not zombies (Linux /proc)."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, _ppid, group = stat.read_text().rsplit(")", 1)[1].split()[:3]
        except (OSError, IndexError, ValueError):
            continue  # the process ended while we looked
        if state != "Z" and int(group) == pgid:
            pids.append(int(stat.parent.name))
    return pids


def _quote(mailbox: str) -> str:
    """imaplib sends mailbox names verbatim; quote them so "Sent Items" works."""
    return '"' + mailbox.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass(frozen=True)
class _Accounts:
    """Which system users Dovecot's processes and the mail files run as."""

    internal: str
    internal_group: str
    login: str
    mail_uid: int
    mail_gid: int

    @classmethod
    def for_this_process(cls) -> _Accounts:
        if os.geteuid() != 0:
            # Unprivileged Dovecot can only ever be the user that started it.
            me = pwd.getpwuid(os.geteuid())
            group = grp.getgrgid(os.getegid()).gr_name
            return cls(me.pw_name, group, me.pw_name, me.pw_uid, me.pw_gid)
        # Dovecot refuses to serve mail as root; "nobody" owns the Maildirs instead.
        nobody = pwd.getpwnam("nobody")
        internal = _existing_user("dovecot")
        group = grp.getgrgid(pwd.getpwnam(internal).pw_gid).gr_name
        return cls(internal, group, _existing_user("dovenull"), nobody.pw_uid, nobody.pw_gid)


def _existing_user(name: str) -> str:
    try:
        pwd.getpwnam(name)
    except KeyError as exc:  # the package creates these users
        raise DovecotNotInstalled(f"system user {name!r} missing. {INSTALL_HINT}") from exc
    return name


def _die_with_parent() -> list[str]:
    """Stop Dovecot if pytest itself is killed (no fixture teardown then), via util-linux."""
    setpriv = shutil.which("setpriv") or shutil.which("setpriv", path="/usr/bin:/bin")
    return [setpriv, "--pdeathsig", "TERM"] if setpriv else []


def _make_root(accounts: _Accounts) -> Path:
    root = Path(tempfile.mkdtemp(prefix="jengu-dovecot-"))
    # Login processes run as an unprivileged user and must reach base_dir's sockets.
    root.chmod(0o755)
    for sub in ("mail", "home"):
        (root / sub).mkdir()
        os.chown(root / sub, accounts.mail_uid, accounts.mail_gid)
    (root / "users").mkdir()
    return root


@dataclass(frozen=True)
class ImapUser:
    """A mailbox on a running ``DovecotServer``: what a Jengu inbox needs to connect."""

    server: DovecotServer
    name: str
    password: str

    @property
    def host(self) -> str:
        return self.server.host

    @property
    def port(self) -> int:
        return self.server.port

    @property
    def ssl_port(self) -> int:
        return self.server.ssl_port


class DovecotServer:
    """``with DovecotServer() as imap: imap.add_user("a@x.test", "pw"); imap.append(...)``."""

    host = "127.0.0.1"

    def __init__(self, edits: dict[str, str] | None = None) -> None:
        """``edits``: replacements in the generated dovecot.conf, e.g. which folder is flagged
        \\Sent (``{"mailbox Sent {": 'mailbox "Sent Items" {'}``) or no TLS at all."""
        self.edits = edits or {}
        self.root: Path | None = None
        self.port = 0
        self.ssl_port = 0
        self._proc: subprocess.Popen[bytes] | None = None
        self._passwords: dict[str, str] = {}
        self._accounts: _Accounts | None = None

    # -- lifecycle -----------------------------------------------------------------------
    def start(self, *, timeout: float = 10.0) -> Self:
        dovecot = find_binary("dovecot")
        find_binary("doveadm")
        self._accounts = _Accounts.for_this_process()
        self.root = _make_root(self._accounts)
        tries = 3  # another process may grab a port between our probe and Dovecot's bind
        for _ in range(tries):
            if self._launch(dovecot, timeout):
                return self
            self._kill()
        log = self.log()
        self.stop()
        raise RuntimeError(f"Dovecot did not start after {tries} tries:\n{log}")

    def _launch(self, dovecot: str, timeout: float) -> bool:
        self.port, self.ssl_port = _free_ports(2)
        self.config_path.write_text(self._config())
        self._proc = subprocess.Popen(
            [*_die_with_parent(), dovecot, "-F", "-c", str(self.config_path)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # own process group: stop() kills every child
        )
        return self._wait_ready(timeout)

    def stop(self) -> None:
        self._kill()
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _kill(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(5)
        # Children outlive the master for a moment; kill and wait until none is left, so no
        # process keeps a port or a file in the temp dir.
        deadline = time.monotonic() + 5
        while live_group_members(proc.pid) and time.monotonic() < deadline:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            time.sleep(0.01)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(1)

    def _wait_ready(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        assert self._proc is not None
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                return False
            if all(self._accepts(p) for p in (self.port, self.ssl_port)):
                return True
            time.sleep(0.02)
        return False

    def _accepts(self, port: int) -> bool:
        try:
            with socket.create_connection((self.host, port), timeout=0.5):
                return True
        except OSError:
            return False

    # -- configuration -------------------------------------------------------------------
    @property
    def config_path(self) -> Path:
        assert self.root is not None, "DovecotServer is not started"
        return self.root / "dovecot.conf"

    def log(self) -> str:
        path = self.root / "dovecot.log" if self.root else None
        return path.read_text(errors="replace") if path and path.exists() else ""

    def _config(self) -> str:
        config = self._base_config()
        for old, new in self.edits.items():
            if old not in config:
                raise ValueError(f"{old!r} is not in the Dovecot configuration")
            config = config.replace(old, new)
        return config

    def _base_config(self) -> str:
        assert self.root is not None and self._accounts is not None
        cert, key = certs.server_cert_files()
        acc, root = self._accounts, self.root
        return f"""\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = {self.host}
default_internal_user = {acc.internal}
default_internal_group = {acc.internal_group}
default_login_user = {acc.login}
auth_failure_delay = 0
login_trusted_networks = 127.0.0.0/8
ssl = yes
ssl_cert = <{cert}
ssl_key = <{key}
mail_location = maildir:{root}/mail/%u
mail_home = {root}/home/%u
mail_uid = {acc.mail_uid}
mail_gid = {acc.mail_gid}
first_valid_uid = 1
first_valid_gid = 1
passdb {{
  driver = passwd-file
  args = {root}/users/%u
}}
userdb {{
  driver = passwd-file
  args = {root}/users/%u
}}
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Sent {{
    special_use = \\Sent
  }}
  mailbox Drafts {{
    special_use = \\Drafts
  }}
  mailbox Trash {{
    special_use = \\Trash
  }}
  mailbox Junk {{
    special_use = \\Junk
  }}
}}
# Without its socket, the auth process cannot track failures, so a wrong password in one test
# never slows down the next login (Dovecot's documented way to turn the auth penalty off).
# No chroot: an unprivileged Dovecot (a developer's, not CI's root) may not chroot.
service anvil {{
  chroot =
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = {self.host}
    port = {self.port}
  }}
  inet_listener imaps {{
    address = {self.host}
    port = {self.ssl_port}
    ssl = yes
  }}
}}
"""

    # -- users and mail ------------------------------------------------------------------
    def add_user(self, name: str, password: str) -> ImapUser:
        """One passwd-file per user: Dovecot re-reads a changed file at most once a second,
        but opens a file it has not seen yet at once, so a new user can log in right away."""
        if not name or not password or any(c in name + password for c in ":/\n\0"):
            raise ValueError("user names and passwords must be non-empty, without : / or newline")
        assert self.root is not None, "DovecotServer is not started"
        if name in self._passwords or name.startswith("."):
            raise ValueError(f"user {name!r} already exists or is not a valid name")
        (self.root / "users" / name).write_text(f"{name}:{{PLAIN}}{password}::::::\n")
        self._passwords[name] = password
        with self.session(name) as imap:
            imap.select("INBOX")  # creates the Maildir now, so a broken setup fails here
        return ImapUser(self, name, password)

    @contextlib.contextmanager
    def session(self, user: str) -> Iterator[imaplib.IMAP4]:
        """A logged-in plaintext session for setting up a test (loopback is trusted)."""
        imap = imaplib.IMAP4(self.host, self.port, timeout=10)
        try:
            imap.login(user, self._passwords[user])
            yield imap
        finally:
            with contextlib.suppress(imaplib.IMAP4.error, OSError):
                imap.logout()

    def append(
        self, user: str, raw: bytes, mailbox: str = "INBOX", flags: Iterable[str] = ()
    ) -> int:
        """APPEND a raw RFC 5322 message; returns its UID (from APPENDUID)."""
        flag_list = "(" + " ".join(flags) + ")" if flags else None
        with self.session(user) as imap:
            typ, data = imap.append(_quote(mailbox), flag_list, None, raw)
        found = re.search(rb"APPENDUID \d+ (\d+)", data[0] or b"")
        if typ != "OK" or not found:
            raise RuntimeError(f"APPEND to {mailbox!r} failed: {typ} {data!r}")
        return int(found.group(1))

    def create_mailbox(self, user: str, name: str) -> None:
        with self.session(user) as imap:
            typ, data = imap.create(_quote(name))
        if typ != "OK":
            raise RuntimeError(f"CREATE {name!r} failed: {data!r}")

    def uidvalidity(self, user: str, mailbox: str = "INBOX") -> int:
        out = self._doveadm("mailbox", "status", "-u", user, "uidvalidity", mailbox)
        return int(re.search(r"uidvalidity=(\d+)", out).group(1))  # type: ignore[union-attr]

    def reset_uidvalidity(self, user: str, mailbox: str = "INBOX") -> int:
        """Give the mailbox a new, larger UIDVALIDITY, as after a server-side rebuild.

        Messages and their UIDs stay; a client that cached UIDs must notice the change and
        rescan. Works for INBOX too (which IMAP cannot delete). Returns the new value.
        """
        new = max(self.uidvalidity(user, mailbox) + 1, int(time.time()))
        self._doveadm("mailbox", "update", "-u", user, "--uid-validity", str(new), mailbox)
        return new

    def _doveadm(self, *args: str) -> str:
        cmd = [find_binary("doveadm"), "-c", str(self.config_path), *args]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed: {done.stderr or done.stdout}")
        return done.stdout
