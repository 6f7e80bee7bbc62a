"""Login security and TLS: lockout (django-axes), two-factor (django-otp), cookies, HTTPS.

README "Login security" documents every variable read here.
"""

from __future__ import annotations

from datetime import timedelta

from jengu.settings.environment import env

_PRODUCTION = env.str("JENGU_ENV", default="development") == "production"

# --- cookies and TLS ------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # the admin's JavaScript reads it
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Behind TLS (production's default): cookies only over HTTPS, plain HTTP redirected, HSTS. The
# demo (`make run`, http://127.0.0.1) is not behind TLS and keeps plain cookies.
BEHIND_TLS = env.bool("JENGU_BEHIND_TLS", default=_PRODUCTION)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("JENGU_SECURE_COOKIES", default=BEHIND_TLS)
if BEHIND_TLS:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # The proxy terminates TLS and must set (overwrite) X-Forwarded-Proto on every request.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_REDIRECT_EXEMPT = [r"^health$"]

# --- authentication -------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out login before any check
    "django.contrib.auth.backends.ModelBackend",
]

# Lockout: N failures for one username from one client address lock that pair out for the
# cool-off (a stranger elsewhere cannot lock the real user out). 0 minutes = until unlocked.
AXES_ENABLED = True
AXES_FAILURE_LIMIT = env.int("JENGU_LOGIN_FAILURE_LIMIT", default=5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
_COOLOFF_MINUTES = env.int("JENGU_LOGIN_COOLOFF_MINUTES", default=30)
AXES_COOLOFF_TIME = timedelta(minutes=_COOLOFF_MINUTES) if _COOLOFF_MINUTES > 0 else None
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_CALLABLE = "core.security.lockout.lockout_response"
# The client address: REMOTE_ADDR, or, behind JENGU_PROXY_COUNT reverse proxies that each append
# to X-Forwarded-For, the address the outermost of them saw (never a client-supplied entry).
AXES_CLIENT_IP_CALLABLE = "core.security.lockout.client_ip"
JENGU_PROXY_COUNT = env.int("JENGU_PROXY_COUNT", default=0)
AXES_VERBOSE = False

# Two-factor: optional for everyone; required of the admin role when JENGU_REQUIRE_2FA is set.
JENGU_REQUIRE_2FA = env.bool("JENGU_REQUIRE_2FA", default=False)
OTP_TOTP_ISSUER = env.str("JENGU_2FA_ISSUER", default="Jengu")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # a device's key is shown once, to its owner, at setup
