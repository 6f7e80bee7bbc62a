"""The AI engine's entry points: write an email, classify a reply, report the limits.

An LLM call goes through the providers in ``AI_PROVIDER_ORDER``. For each: reserve capacity
(limits, budget, backoff) -> call -> validate -> settle. A refusal, an error, a 429 (which
opens a backoff) or an answer that fails validation falls through to the next provider; after
the last, the offline writer (or the offline rules) answer. Nothing here raises for provider
trouble.
"""

from __future__ import annotations

import datetime
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, replace
from decimal import Decimal
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.utils import timezone

from aiengine import ratelimit
from aiengine.clients import (
    PROVIDERS,
    Completion,
    ProviderConfig,
    ProviderError,
    StructuredRequest,
    client_for,
    configured_providers,
    provider_config,
    provider_order,
)
from aiengine.clients.base import ERROR
from aiengine.models import AIUsage
from aiengine.pricing import cost_usd
from aiengine.prompts import render_prompt
from aiengine.rules import Classification, Intent, classify_reply, needs_llm
from aiengine.rules.text import strip_quoted
from aiengine.writer import (
    STRATEGIES,
    Draft,
    DraftInvalid,
    EmailContext,
    ensure_valid,
    write_offline,
)
from core.models import ProviderState

log = logging.getLogger(__name__)
T = TypeVar("T")

WRITE, CLASSIFY = "write", "classify"
WRITE_MAX_TOKENS = 1200
CLASSIFY_MAX_TOKENS = 300
REPLY_MAX_CHARS = 6000  # a long thread must not cost a fortune; the newest text comes first

EMAIL_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "subject": {"type": "string", "description": "The subject line, plain text."},
        "body": {"type": "string", "description": "The plain-text body, \\n line breaks."},
    },
    "required": ["subject", "body"],
    "additionalProperties": False,
}
_NULLABLE = {"type": ["string", "null"]}
CLASSIFY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "intent": {"type": "string", "enum": [intent.value for intent in Intent]},
        "confidence": {"type": "number"},
        "reason": {"type": "string"},
        "return_date": _NULLABLE,
        "delegate_email": _NULLABLE,
        "delegate_name": _NULLABLE,
    },
    "required": [
        "intent",
        "confidence",
        "reason",
        "return_date",
        "delegate_email",
        "delegate_name",
    ],
    "additionalProperties": False,
}
_ACCEPT_ERRORS = (DraftInvalid, ValueError, KeyError, TypeError)
_VENDOR_KEYS = {
    "hunter": "HUNTER_API_KEY",
    "apollo": "APOLLO_API_KEY",
    "millionverifier": "MILLIONVERIFIER_API_KEY",
}


# --- the provider loop ----------------------------------------------------------------------
@dataclass(frozen=True)
class Answer(Generic[T]):
    value: T
    provider: str
    model: str


def call_llm(
    *, purpose: str, request: StructuredRequest, accept: Callable[[dict[str, Any]], T]
) -> Answer[T] | None:
    """The first provider's accepted answer, in order; None when every provider failed."""
    for config in configured_providers():
        answer = _try_provider(config, purpose, request, accept)
        if answer is not None:
            return answer
    return None


def _try_provider(
    config: ProviderConfig,
    purpose: str,
    request: StructuredRequest,
    accept: Callable[[dict[str, Any]], T],
) -> Answer[T] | None:
    reservation = _reserve(config, purpose, request)
    if reservation is None:
        return None
    started = time.monotonic()
    result = _call(config, request)
    if isinstance(result, ProviderError):
        _settle_failure(reservation, result, purpose, started)
        return None
    try:
        value = accept(result.data)
    except _ACCEPT_ERRORS as exc:
        failure = ProviderError(f"rejected: {exc}", outcome=AIUsage.Outcome.INVALID)
        _settle_failure(reservation, failure, purpose, started, result)
        return None
    _settle(reservation, result, purpose, started, AIUsage.Outcome.OK, "")
    return Answer(value=value, provider=config.name, model=result.model)


def _reserve(
    config: ProviderConfig, purpose: str, request: StructuredRequest
) -> ratelimit.Reservation | None:
    """Capacity for the call, priced at its estimate; None (and a record) when refused."""
    estimate_in = request.estimated_input_tokens()
    try:
        return ratelimit.reserve(
            config.name,
            tokens=estimate_in + request.max_tokens,
            cost_usd=cost_usd(config.model, estimate_in, request.max_tokens),
        )
    except ratelimit.RateLimited as refusal:
        ratelimit.record_refusal(config.name, refusal, purpose=purpose, model=config.model)
        log.info("%s skipped: %s", config.name, refusal)
        return None


def _call(config: ProviderConfig, request: StructuredRequest) -> Completion | ProviderError:
    try:
        return client_for(config).complete(request)
    except ProviderError as exc:
        return exc
    except Exception as exc:  # an SDK bug must not stop the email: log it, try the next one
        log.exception("%s call failed unexpectedly", config.name)
        return ProviderError(f"{type(exc).__name__}: {exc}", outcome=ERROR, model=config.model)


def _settle(
    reservation: ratelimit.Reservation,
    spent: Completion | ProviderError,
    purpose: str,
    started: float,
    outcome: str,
    error: str,
) -> AIUsage:
    model = spent.model or provider_config(reservation.provider).model
    return ratelimit.settle(
        reservation,
        tokens_in=spent.tokens_in,
        tokens_out=spent.tokens_out,
        cost_usd=cost_usd(model, spent.tokens_in, spent.tokens_out),
        outcome=outcome,
        model=model,
        purpose=purpose,
        error=error,
        latency_ms=int((time.monotonic() - started) * 1000),
    )


def _settle_failure(
    reservation: ratelimit.Reservation,
    exc: ProviderError,
    purpose: str,
    started: float,
    completion: Completion | None = None,
) -> None:
    log.warning("%s %s: %s", reservation.provider, exc.outcome, exc.message)
    if exc.outcome == AIUsage.Outcome.RATE_LIMITED:
        ratelimit.backoff_open(reservation.provider, retry_after=exc.retry_after, error=exc.message)
    _settle(reservation, completion or exc, purpose, started, exc.outcome, exc.message)


# --- writing --------------------------------------------------------------------------------
def draft_email(
    *,
    context: EmailContext,
    strategy: str,
    step: int,
    previous_subject: str | None = None,
    previous_body: str | None = None,
) -> Draft:
    """Step ``step`` for one contact: by the first provider whose draft validates, else offline.

    The draft's provider is ``offline`` when the templates wrote it.
    """
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown strategy {strategy!r}; expected one of {STRATEGIES}")
    if configured_providers():
        system, user, version = _email_prompt(
            context, strategy, step, previous_subject, previous_body
        )
        request = StructuredRequest(
            system=system,
            user=user,
            schema_name="email_draft",
            schema=EMAIL_SCHEMA,
            description="Record the email: its subject line and plain-text body.",
            max_tokens=WRITE_MAX_TOKENS,
        )
        answer = call_llm(purpose=WRITE, request=request, accept=_accept_draft)
        if answer is not None:
            return replace(
                answer.value, provider=answer.provider, model=answer.model, prompt_version=version
            )
    return write_offline(
        context=context, strategy=strategy, step=step, previous_subject=previous_subject
    )


def _email_prompt(
    context: EmailContext,
    strategy: str,
    step: int,
    previous_subject: str | None,
    previous_body: str | None,
) -> tuple[str, str, str]:
    data: dict[str, Any] = asdict(context)
    if step <= 1:
        return render_prompt(f"write_{strategy}", **data)
    data.update(
        step=step,
        strategy=strategy,
        previous_subject=previous_subject or "",
        previous_body=previous_body or "",
    )
    return render_prompt("write_followup", **data)


def _accept_draft(data: dict[str, Any]) -> Draft:
    subject, body = data["subject"], data["body"]
    if not isinstance(subject, str) or not isinstance(body, str):
        raise TypeError("subject and body must be strings")
    return ensure_valid(Draft(subject=subject.strip(), body=body.strip()))


# --- reply classification -------------------------------------------------------------------
def classify_reply_text(
    *,
    subject: str,
    body: str,
    headers: Mapping[str, str] | None = None,
    today: datetime.date | None = None,
) -> Classification:
    """The offline rules decide; when they are not sure and a provider is set, the LLM does."""
    today = today or timezone.localdate()
    verdict = classify_reply(subject=subject, body=body, headers=headers or {}, today=today)
    if not needs_llm(verdict) or not configured_providers():
        return verdict
    text = (strip_quoted(body) or body)[:REPLY_MAX_CHARS]
    system, user, _version = render_prompt(
        "classify_reply",
        subject=subject,
        body=text,
        today=today,
        rules_verdict={"intent": verdict.intent.value, "confidence": verdict.confidence},
    )
    request = StructuredRequest(
        system=system,
        user=user,
        schema_name="reply_classification",
        schema=CLASSIFY_SCHEMA,
        description="Record the intent of the prospect's reply.",
        max_tokens=CLASSIFY_MAX_TOKENS,
    )
    answer = call_llm(purpose=CLASSIFY, request=request, accept=_accept_classification)
    if answer is None:
        return verdict
    return _merge(answer, verdict)


def _accept_classification(data: dict[str, Any]) -> Classification:
    confidence = float(data["confidence"])
    return Classification(
        intent=Intent(data["intent"]),
        confidence=min(1.0, max(0.0, confidence)),
        reason=str(data.get("reason") or "")[:300],
        return_date=_date_or_none(data.get("return_date")),
        delegate_email=_text_or_none(data.get("delegate_email")),
        delegate_name=_text_or_none(data.get("delegate_name")),
        decided_by="llm",
    )


def _merge(answer: Answer[Classification], rules: Classification) -> Classification:
    """The LLM's intent; details the rules found fill what the LLM left out."""
    llm = answer.value
    return replace(
        llm,
        reason=f"{answer.provider}/{answer.model}: {llm.reason}",
        return_date=llm.return_date or rules.return_date,
        delegate_email=llm.delegate_email or rules.delegate_email,
        delegate_name=llm.delegate_name or rules.delegate_name,
    )


def _date_or_none(value: Any) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _text_or_none(value: Any) -> str | None:
    text = str(value).strip()[:320] if value else ""
    return text or None


# --- status ---------------------------------------------------------------------------------
def rate_limit_status(*, now: datetime.datetime | None = None) -> dict[str, Any]:
    """``GET /api/status/rate-limits``: this minute, today, backoff and budget per provider."""
    now = now or timezone.now()
    windows = ratelimit.current_windows(now)
    states = {state.provider: state for state in ProviderState.objects.all()}
    llms = provider_order() + [name for name in PROVIDERS if name not in provider_order()]
    providers = [_provider_status(name, windows, states.get(name), now) for name in llms]
    providers += [
        _provider_status(name, windows, states.get(name), now) for name in ratelimit.VENDORS
    ]
    _minute, day = ratelimit.window_starts(now)
    budget = windows.get((ratelimit.BUDGET, ratelimit.DAY))
    return {
        "providers": providers,
        "budget": {
            "spent_usd": float(budget.cost_usd if budget else Decimal(0)),
            "limit_usd": float(ratelimit.budget_limit()),
            "day": day.date().isoformat(),
            "resets_at": day + datetime.timedelta(days=1),
        },
    }


def _provider_status(
    name: str,
    windows: dict[tuple[str, str], Any],
    state: ProviderState | None,
    now: datetime.datetime,
) -> dict[str, Any]:
    limits = ratelimit.limits_for(name)
    minute = windows.get((name, ratelimit.MINUTE))
    day = windows.get((name, ratelimit.DAY))
    llm = name in PROVIDERS
    backing_off = state is not None and state.backoff_until and state.backoff_until > now
    return {
        "provider": name,
        "kind": "llm" if llm else "vendor",
        "configured": bool(_key(name)),
        "model": provider_config(name).model if llm else None,
        "minute": {
            "requests": minute.requests if minute else 0,
            "requests_limit": limits.rpm,
            "tokens": minute.tokens if minute else 0,
            "tokens_limit": limits.tpm,
        },
        "day": {
            "requests": day.requests if day else 0,
            "requests_limit": limits.rpd,
            "tokens": day.tokens if day else 0,
            "tokens_limit": limits.tpd,
            "cost_usd": float(day.cost_usd) if day else 0.0,
        },
        "backoff_until": state.backoff_until if backing_off and state else None,
        "backoff_seconds": state.backoff_seconds if state else 0,
        "last_error": state.last_error if state else "",
        "last_error_at": state.last_error_at if state else None,
        "last_success_at": state.last_success_at if state else None,
    }


def _key(name: str) -> str:
    if name in PROVIDERS:
        return provider_config(name).api_key
    return getattr(settings, _VENDOR_KEYS.get(name, ""), "") or ""
