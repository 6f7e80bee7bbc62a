"""A sender process for the fault-injection test. It SIGKILLs itself right after its Nth claim
commits (mode ``after_claim``); in mode ``after_accept`` the test's SMTP server kills it after
accepting a message and before the 250 reaches it. Usage: fault_sender.py MODE N
"""

from __future__ import annotations

import os
import signal
import sys

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jengu.settings")
django.setup()

from outreach.services import ledger, sendpass  # noqa: E402


def main() -> None:
    mode, limit = sys.argv[1], int(sys.argv[2])
    claims = 0
    real_claim = ledger.claim_next

    def claim_then_maybe_die(**kwargs: object) -> ledger.Claim | None:
        nonlocal claims
        claim = real_claim(**kwargs)  # committed when it returns
        if claim is not None:
            claims += 1
            if mode == "after_claim" and claims >= limit:
                os.kill(os.getpid(), signal.SIGKILL)
        return claim

    sendpass.claim_next = claim_then_maybe_die
    real_fast = sendpass.FastClaims.claim  # PostgreSQL: one statement, committed on return

    def fast_then_maybe_die(self: sendpass.FastClaims, *args: object) -> ledger.Claim | None:
        nonlocal claims
        claim = real_fast(self, *args)  # type: ignore[arg-type]
        if claim is not None:
            claims += 1
            if mode == "after_claim" and claims >= limit:
                os.kill(os.getpid(), signal.SIGKILL)
        return claim

    sendpass.FastClaims.claim = fast_then_maybe_die  # type: ignore[method-assign,assignment]
    report = sendpass.run_send_pass()
    print(f"sent={report.sent}", flush=True)


if __name__ == "__main__":
    main()
