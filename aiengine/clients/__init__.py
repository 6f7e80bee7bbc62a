"""LLM providers: which are configured, in which order, and a client for each.

A provider is configured when its API key is set; ``AI_PROVIDER_ORDER`` gives the order to try
them in. With no key at all the services use the offline writer and the offline rules.
"""

from __future__ import annotations

import logging
from functools import lru_cache

from django.conf import settings

from aiengine.clients.base import (
    Completion,
    LLMClient,
    ProviderConfig,
    ProviderError,
    StructuredRequest,
)

log = logging.getLogger(__name__)

PROVIDERS = ("grok", "anthropic", "openai")
_SETTING_PREFIX = {"grok": "GROK", "anthropic": "ANTHROPIC", "openai": "OPENAI"}

__all__ = [
    "PROVIDERS",
    "Completion",
    "LLMClient",
    "ProviderConfig",
    "ProviderError",
    "StructuredRequest",
    "client_for",
    "configured_providers",
    "provider_config",
    "provider_order",
]


def provider_order() -> list[str]:
    """The known providers in ``AI_PROVIDER_ORDER``; an unknown name is logged and skipped."""
    order: list[str] = []
    for raw in settings.JENGU["AI_PROVIDER_ORDER"]:
        name = raw.strip().lower()
        if name not in PROVIDERS:
            log.error("AI_PROVIDER_ORDER names an unknown provider %r; skipping it", raw)
        elif name not in order:
            order.append(name)
    return order


def provider_config(name: str) -> ProviderConfig:
    prefix = _SETTING_PREFIX[name]
    return ProviderConfig(
        name=name,
        api_key=getattr(settings, f"{prefix}_API_KEY", "") or "",
        model=getattr(settings, f"{prefix}_MODEL"),
        base_url=getattr(settings, f"{prefix}_BASE_URL", None) or None,
        timeout=float(settings.JENGU["AI_TIMEOUT"]),
    )


def configured_providers() -> list[ProviderConfig]:
    """Providers to try, in order; those without a key are skipped."""
    configs = (provider_config(name) for name in provider_order())
    return [config for config in configs if config.api_key]


def client_for(config: ProviderConfig) -> LLMClient:
    return _client(config)


@lru_cache(maxsize=16)
def _client(config: ProviderConfig) -> LLMClient:
    # One SDK client (and its connection pool) per configuration, shared by the threads.
    if config.name == "anthropic":
        from aiengine.clients.anthropic import AnthropicClient

        return AnthropicClient(config)
    from aiengine.clients.openai_compat import OpenAICompatClient

    return OpenAICompatClient(config)
