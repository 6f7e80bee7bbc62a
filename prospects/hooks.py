"""What other apps plug into prospects, registered from their ``AppConfig.ready()``.

prospects knows nothing of campaigns or suppression lists, yet two of its steps need them:

- whether an address may be written to (a prospect is ``ready`` only with one):
  ``address_blocked`` asks every check registered with ``block_addresses`` (outreach registers
  its suppression list);
- what follows a daily run once its last task is back, in whichever worker that is: the steps
  registered with ``after_daily_run`` (outreach enrolls the ready prospects), each adding its
  counts to the run under its name.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

AddressCheck = Callable[[str], object]  # truthy when the address must not be written to
RunStep = Callable[[datetime], dict[str, int]]

_address_checks: list[AddressCheck] = []
_daily_steps: dict[str, RunStep] = {}


def block_addresses(check: AddressCheck) -> None:
    if check not in _address_checks:
        _address_checks.append(check)


def address_blocked(email: str) -> bool:
    return any(check(email) for check in _address_checks)


def after_daily_run(name: str, step: RunStep) -> None:
    _daily_steps[name] = step


def daily_run_steps() -> list[tuple[str, RunStep]]:
    return list(_daily_steps.items())
