"""What other apps plug into prospects, registered from their ``AppConfig.ready()``.

prospects knows nothing of campaigns, yet a daily run ends with enrolment: what follows a daily
run once its last task is back, in whichever worker that is, are the steps registered with
``after_daily_run`` (outreach enrolls the ready prospects), each adding its counts to the run
under its name. (A task that "runs the pipeline, then enrolls" cannot work: the run fans out one
task per prospect and finishes in whichever worker returns last.)
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

RunStep = Callable[[datetime], dict[str, int]]

_daily_steps: dict[str, RunStep] = {}


def after_daily_run(name: str, step: RunStep) -> None:
    _daily_steps[name] = step


def daily_run_steps() -> list[tuple[str, RunStep]]:
    return list(_daily_steps.items())
