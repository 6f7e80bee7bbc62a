"""One HTTP call to a vendor, through the shared rate limiter (core.ratelimit).

Every call reserves a slot in the vendor's minute and day windows first (hunter 100/min
500/day, apollo 100/min 1000/day, millionverifier 100/min 10000/day unless VENDOR_LIMITS_*
say otherwise), so all workers together stay under the plan. A 429 opens the vendor's backoff
and comes back as ``RateLimited``; any other failure is a ``VendorError``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
from django.utils import timezone

from core.ratelimit import RateLimited, backoff_until, vendor_call
from prospects.clients import VendorError

BodyCheck = Callable[[Any], str]  # "" when the body is a success, else the vendor's error


def _message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(body, dict):
        errors = body.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            return str(errors[0].get("details") or errors[0].get("id") or errors[0])[:200]
        for key in ("error", "message"):
            value = body.get(key)
            if isinstance(value, dict):
                value = value.get("message")
            if value:
                return str(value)[:200]
    return str(body)[:200]


def _rate_limited(vendor: str) -> RateLimited:
    now = timezone.now()
    until = backoff_until(vendor, now) or now + timedelta(seconds=30)
    return RateLimited(vendor, "backoff", until)


def vendor_request(
    vendor: str,
    method: str,
    url: str,
    *,
    purpose: str,
    timeout: float,
    check: BodyCheck | None = None,
    **kwargs: Any,
) -> Any:
    """The decoded JSON body; raises RateLimited or VendorError."""
    try:
        with vendor_call(vendor, purpose=purpose) as call:
            response = httpx.request(method, url, timeout=timeout, trust_env=False, **kwargs)
            if response.status_code >= 400:
                response.raise_for_status()
            body = response.json()
            if check and (error := check(body)):
                call.failed(error)
                raise VendorError(vendor, error)
            return body
    except httpx.HTTPStatusError as exc:
        status = exc.response.status_code
        if status == 429:
            raise _rate_limited(vendor) from exc
        detail = f"HTTP {status}: {_message(exc.response)}"
        raise VendorError(vendor, detail, retryable=status >= 500) from exc
    except httpx.TimeoutException as exc:
        raise VendorError(vendor, f"no answer within {timeout:g} s", retryable=True) from exc
    except httpx.HTTPError as exc:
        raise VendorError(vendor, f"{type(exc).__name__}: {exc}", retryable=True) from exc
    except ValueError as exc:  # a body that is not JSON
        raise VendorError(vendor, f"unreadable answer: {exc}", retryable=True) from exc
