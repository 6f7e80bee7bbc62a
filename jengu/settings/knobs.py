"""Jengu's own knobs (the ``JENGU`` dict, demo mode) and the vendors' keys and endpoints.

Every one is an environment variable; README "Configuration" lists them all.
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

from jengu.settings.environment import VAR_DIR, env, secret

# --- Jengu ----------------------------------------------------------------------------------
JENGU = {
    "SHADOW": env.bool("JENGU_SHADOW", default=False),
    "DEMO": env.bool("JENGU_DEMO", default=False),
    "SEND_HOURS": env.str("JENGU_SEND_HOURS", default="9-17"),
    "SEND_DAYS": env.str("JENGU_SEND_DAYS", default="mon-fri"),
    "SEND_GAP_SECONDS": env.str("JENGU_SEND_GAP_SECONDS", default="30-90"),
    "SEND_CRON": env.str("JENGU_SEND_CRON", default="*/5 8-18 * * 1-6"),
    "SEND_CATCH_ALL": env.bool("SEND_CATCH_ALL", default=False),
    "SEND_UNVERIFIED": env.bool("SEND_UNVERIFIED", default=False),
    "SEND_LEASE_SECONDS": env.int("JENGU_SEND_LEASE_SECONDS", default=300),
    "SEND_MAX_ATTEMPTS": env.int("JENGU_SEND_MAX_ATTEMPTS", default=5),
    "WARMUP_SCHEDULE": env.str("WARMUP_SCHEDULE", default="5,10,15,18,20"),
    "BOUNCE_PAUSE_RATE": env.float("BOUNCE_PAUSE_RATE", default=0.05),
    "BOUNCE_MIN_SAMPLE": env.int("BOUNCE_MIN_SAMPLE", default=20),
    "BOUNCE_WINDOW_DAYS": env.int("BOUNCE_WINDOW_DAYS", default=7),
    "COMPLAINT_PAUSE_RATE": env.float("COMPLAINT_PAUSE_RATE", default=0.003),
    "COMPLAINT_MIN_SAMPLE": env.int("COMPLAINT_MIN_SAMPLE", default=200),
    "SMTP_CA_FILE": env.str("SMTP_CA_FILE", default=""),
    "SMTP_ALLOW_PLAINTEXT": env.bool("SMTP_ALLOW_PLAINTEXT", default=False),
    "SMTP_TIMEOUT": env.float("SMTP_TIMEOUT", default=30.0),
    "MAILDIR_ROOT": env.str("JENGU_MAILDIR_ROOT", default=str(VAR_DIR / "maildir")),
    "AZURE_AUTHORITY_HOST": env.str(
        "AZURE_AUTHORITY_HOST", default="https://login.microsoftonline.com"
    ),
    "GRAPH_CA_FILE": env.str("GRAPH_CA_FILE", default=""),
    "GRAPH_BASE_URL": env.str("GRAPH_BASE_URL", default="https://graph.microsoft.com/v1.0"),
    "AI_PROVIDER_ORDER": env.list("AI_PROVIDER_ORDER", default=["grok", "anthropic", "openai"]),
    "AI_DAILY_BUDGET_USD": env.float("AI_DAILY_BUDGET_USD", default=10.0),
    "AI_TIMEOUT": env.float("AI_TIMEOUT", default=15.0),
    "TIER_HOT": env.int("TIER_HOT", default=70),
    "TIER_WARM": env.int("TIER_WARM", default=40),
    "DNS_RESOLVER": env.str("DNS_RESOLVER", default=""),
    "SCRAPE_QUERIES": env.str("SCRAPE_QUERIES", default=""),
    "ALERT_WEBHOOK_URL": secret("ALERT_WEBHOOK_URL"),
    "ALERT_WEBHOOK_SECRET": secret("ALERT_WEBHOOK_SECRET"),
    "METRICS_TOKEN": secret("METRICS_TOKEN"),
    # The prospect import's upload (50 MB); every other request body keeps Django's 2.5 MB.
    "IMPORT_MAX_BYTES": env.int("JENGU_IMPORT_MAX_BYTES", default=50 * 1024 * 1024),
    # Days closed to sending: the recipient's public holidays, and the operator's own blackout
    # days (ISO dates and ranges, "2026-12-24..2026-12-26,2026-12-31"; outreach.blackout).
    "SKIP_HOLIDAYS": env.bool("JENGU_SKIP_HOLIDAYS", default=True),
    "BLACKOUT_DATES": env.str("JENGU_BLACKOUT_DATES", default=""),
    # How long the dashboard's funnel and the default forecast may serve a snapshot (refreshed
    # every minute by a schedule; console.snapshot); 0 = compute on every request.
    "SNAPSHOT_SECONDS": env.int("JENGU_SNAPSHOT_SECONDS", default=180),
}

# --- inbox-placement tests (README "Inbox-placement tests"); seeds are SEED_MAILBOX_N ---------
# Spam folders by name, beside any folder the server flags \Junk: Gmail, Outlook.com/365 (also
# localized), Yahoo, GMX/Web.de, Dovecot. Matched case-insensitively on the name or its last part.
JENGU["PLACEMENT_SPAM_FOLDERS"] = env.list(
    "JENGU_PLACEMENT_SPAM_FOLDERS",
    default=[
        "[Gmail]/Spam",
        "[Google Mail]/Spam",
        "Junk",
        "Spam",
        "Junk Email",
        "Junk E-mail",
        "Bulk Mail",
        "Spamverdacht",
        "Junk-E-Mail",
        "Courrier indésirable",
        "Correo no deseado",
        "Posta indesiderata",
        "Lixo Eletrónico",
        "Lixo Eletrônico",
        "Ongewenste e-mail",
    ],
)
JENGU["PLACEMENT_MIN_INBOX_RATE"] = env.float("JENGU_PLACEMENT_MIN_INBOX_RATE", default=0.8)
JENGU["PLACEMENT_WAIT_MINUTES"] = env.int("JENGU_PLACEMENT_WAIT_MINUTES", default=10)
# DNS preflight of each inbox's sending domain: warn (status, alert, badge), enforce, or off.
JENGU["DNS_PREFLIGHT"] = env.str("JENGU_DNS_PREFLIGHT", default="warn").strip().lower()
if JENGU["DNS_PREFLIGHT"] not in ("warn", "enforce", "off"):
    raise ImproperlyConfigured("JENGU_DNS_PREFLIGHT must be warn, enforce or off")
# Stored raw inbound mail (the .eml) is deleted after this many days; the parsed message stays.
JENGU["RAW_MAIL_RETENTION_DAYS"] = env.int("JENGU_RAW_MAIL_RETENTION_DAYS", default=90)  # 0 = keep
# --- per-domain and per-provider daily caps (README "Per-domain and per-provider caps") -----
JENGU["DOMAIN_DAILY_CAP"] = env.int("JENGU_DOMAIN_DAILY_CAP", default=2)  # 0 = no cap
# "google=40,microsoft=off": overrides of outreach.services.domaincaps.DEFAULT_PROVIDER_CAPS
JENGU["PROVIDER_DAILY_CAPS"] = env.str("JENGU_PROVIDER_DAILY_CAPS", default="")

# --- open and click tracking (README "Tracking"); off unless a campaign opts in ------------
# Base of /t/ links; empty = PUBLIC_BASE_URL. A campaign's own tracking domain wins.
JENGU["TRACKING_BASE_URL"] = env.str("JENGU_TRACKING_BASE_URL", default="").rstrip("/")
# A hit this soon after the send is a scanner's or a prefetch's, counted apart.
JENGU["TRACKING_SUSPECT_SECONDS"] = env.int("JENGU_TRACKING_SUSPECT_SECONDS", default=10)

# --- demo mode (JENGU_DEMO=true, set by `make run`) ---------------------------------------------
# A compressed clock for the demo only (docs/demo.md): every hour of every day (holidays too) is
# a send window, a few seconds between two sends of an inbox, and the crawler reaches the demo
# hotels' websites on a local server (console.demo_site) as its HTTP proxy. A variable set
# explicitly still wins.
JENGU["DEMO_SITE_URL"] = env.str("JENGU_DEMO_SITE_URL", default="http://127.0.0.1:8088")
# The demo campaign reviews its first emails, so `make run` shows an approval queue.
JENGU["DEMO_REVIEW"] = env.bool("JENGU_DEMO_REVIEW", default=False)
if JENGU["DEMO"]:
    _DEMO_OVERRIDES = {  # JENGU key: (environment variable, demo value)
        "SEND_HOURS": ("JENGU_SEND_HOURS", "0-24"),
        "SEND_DAYS": ("JENGU_SEND_DAYS", "mon-sun"),
        "SEND_GAP_SECONDS": ("JENGU_SEND_GAP_SECONDS", "5-10"),
        "SKIP_HOLIDAYS": ("JENGU_SKIP_HOLIDAYS", False),  # a demo on 25 December still sends
        "CRAWL_PROXY": ("JENGU_CRAWL_PROXY", JENGU["DEMO_SITE_URL"]),
        "CRAWL_DELAY": ("JENGU_CRAWL_DELAY", 0.2),
        # A demo sequence's three steps go out within minutes: one "day" for the domain cap.
        "DOMAIN_DAILY_CAP": ("JENGU_DOMAIN_DAILY_CAP", 0),
    }
    for _key, (_variable, _value) in _DEMO_OVERRIDES.items():
        if _variable not in os.environ:
            JENGU[_key] = _value

# Secrets and endpoints named by the Cloudflare edition (``wrangler secret put X`` -> env X).
GROK_API_KEY = secret("GROK_API_KEY")
ANTHROPIC_API_KEY = secret("ANTHROPIC_API_KEY")
OPENAI_API_KEY = secret("OPENAI_API_KEY")
GROK_BASE_URL = env.str("GROK_BASE_URL", default="https://api.x.ai/v1")
ANTHROPIC_BASE_URL = env.str("ANTHROPIC_BASE_URL", default="") or None
OPENAI_BASE_URL = env.str("OPENAI_BASE_URL", default="") or None
GROK_MODEL = env.str("GROK_MODEL", default="grok-3-mini")
ANTHROPIC_MODEL = env.str("ANTHROPIC_MODEL", default="claude-haiku-4-5")
OPENAI_MODEL = env.str("OPENAI_MODEL", default="gpt-4o-mini")
AZURE_TENANT_ID = secret("AZURE_TENANT_ID")
AZURE_CLIENT_ID = secret("AZURE_CLIENT_ID")
AZURE_CLIENT_SECRET = secret("AZURE_CLIENT_SECRET")
AZURE_MAIL_FROM = secret("AZURE_MAIL_FROM")
HUNTER_API_KEY = secret("HUNTER_API_KEY")
APOLLO_API_KEY = secret("APOLLO_API_KEY")
MILLIONVERIFIER_API_KEY = secret("MILLIONVERIFIER_API_KEY")
GOOGLE_PLACES_API_KEY = secret("GOOGLE_PLACES_API_KEY")
HUNTER_BASE_URL = env.str("HUNTER_BASE_URL", default="https://api.hunter.io")
APOLLO_BASE_URL = env.str("APOLLO_BASE_URL", default="https://api.apollo.io")
MILLIONVERIFIER_BASE_URL = env.str(
    "MILLIONVERIFIER_BASE_URL", default="https://api.millionverifier.com"
)
GOOGLE_PLACES_BASE_URL = env.str("GOOGLE_PLACES_BASE_URL", default="https://places.googleapis.com")
