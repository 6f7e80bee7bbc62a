"""Dovecot with local delivery: mail handed to ``dovecot-lda`` goes through a Sieve script, as
at a real mailbox provider, so a test sees messages in INBOX, in Junk, or nowhere.

``SieveDovecotServer(sieve=...)`` is a ``DovecotServer`` whose configuration adds the LDA and the
Pigeonhole Sieve plugin with one global script (``sieve_before``), compiled with ``sievec`` at
start. ``relay_to`` is an ``on_message`` hook for ``SMTPTestServer``: each message the SMTP
server accepts is delivered to every recipient that has a mailbox here; one without a mailbox
is dropped, as an unknown local user's mail would bounce nowhere we look.

dovecot-lda ships in dovecot-core, Sieve in dovecot-sieve: ``.ci/install-system-packages``.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Self

from tests.servers.imap import DovecotServer, find_binary
from tests.servers.smtp import ReceivedMessage

_LDA_PATHS = ("/usr/lib/dovecot/dovecot-lda", "/usr/libexec/dovecot/dovecot-lda")


def lda_binary() -> str:
    for path in _LDA_PATHS:
        if Path(path).exists():
            return path
    return find_binary("dovecot-lda")


class SieveDovecotServer(DovecotServer):
    def __init__(self, sieve: str, edits: dict[str, str] | None = None) -> None:
        super().__init__(edits)
        self.sieve = sieve
        self.deliveries: list[tuple[str, int]] = []  # (recipient, dovecot-lda exit status)

    @property
    def sieve_path(self) -> Path:
        assert self.root is not None, "DovecotServer is not started"
        return self.root / "before.sieve"

    def _base_config(self) -> str:
        return (
            super()._base_config()
            + f"""\
lda_mailbox_autocreate = yes
protocol lda {{
  mail_plugins = $mail_plugins sieve
}}
plugin {{
  sieve_before = {self.sieve_path}
  # no personal scripts: the global one decides
  sieve = file:{self.root}/no-personal-sieve;active={self.root}/no-personal-sieve/active
}}
"""
        )

    def start(self, *, timeout: float = 10.0) -> Self:
        super().start(timeout=timeout)
        self.sieve_path.write_text(self.sieve)
        # Delivery runs as the mail user, who may not write the compiled script next to it.
        done = subprocess.run(
            [find_binary("sievec"), "-c", str(self.config_path), str(self.sieve_path)],
            capture_output=True,
            text=True,
            timeout=30,
        )
        if done.returncode != 0:
            self.stop()
            raise RuntimeError(f"sievec failed: {done.stderr or done.stdout}")
        return self

    def deliver(self, recipient: str, raw: bytes, sender: str = "") -> int:
        """Hand one message to dovecot-lda for ``recipient``; returns its exit status."""
        cmd = [lda_binary(), "-c", str(self.config_path), "-d", recipient]
        if sender:
            cmd += ["-f", sender]
        done = subprocess.run(cmd, input=raw, capture_output=True, timeout=30)
        self.deliveries.append((recipient, done.returncode))
        return done.returncode

    def relay_to(self, message: ReceivedMessage) -> None:
        """``SMTPTestServer(on_message=dovecot.relay_to)``."""
        for rcpt in message.rcpt_tos:
            if rcpt in self._passwords:
                self.deliver(rcpt, message.raw, message.mail_from)
