"""The login-security settings as README "Login security" documents them: production behind TLS
passes `check --deploy` with secure cookies, the demo over plain HTTP keeps plain ones."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings

from tests.ops.test_deploy import manage, production_env

PRINT = (
    "import json; from django.conf import settings as s; print(json.dumps({k: str(getattr(s, k))"
    " for k in ['SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY',"
    " 'SESSION_COOKIE_SAMESITE', 'CSRF_COOKIE_SAMESITE', 'SECURE_PROXY_SSL_HEADER',"
    " 'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', 'AXES_FAILURE_LIMIT', 'AXES_COOLOFF_TIME',"
    " 'JENGU_REQUIRE_2FA', 'JENGU_PROXY_COUNT']}))"
)


def effective(env: dict[str, str]) -> dict[str, str]:
    done = manage(env, "shell", "-c", PRINT)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_check_deploy_passes_with_the_documented_login_security_env(tmp_path: Any) -> None:
    env = production_env(
        tmp_path,
        JENGU_REQUIRE_2FA="1",
        JENGU_LOGIN_FAILURE_LIMIT="7",
        JENGU_LOGIN_COOLOFF_MINUTES="15",
        JENGU_PROXY_COUNT="1",
    )
    done = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout
    assert effective(env) == {
        "SESSION_COOKIE_SECURE": "True",
        "CSRF_COOKIE_SECURE": "True",
        "SESSION_COOKIE_HTTPONLY": "True",
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SAMESITE": "Lax",
        "SECURE_PROXY_SSL_HEADER": "('HTTP_X_FORWARDED_PROTO', 'https')",
        "SECURE_SSL_REDIRECT": "True",
        "SECURE_HSTS_SECONDS": "31536000",
        "AXES_FAILURE_LIMIT": "7",
        "AXES_COOLOFF_TIME": "0:15:00",
        "JENGU_REQUIRE_2FA": "True",
        "JENGU_PROXY_COUNT": "1",
    }


def test_production_without_tls_fails_the_deploy_check(tmp_path: Any) -> None:
    # Someone who turns TLS off in production is told so by check --deploy.
    env = production_env(tmp_path, JENGU_BEHIND_TLS="false")
    done = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode != 0
    assert "SESSION_COOKIE_SECURE" in done.stdout + done.stderr


def test_the_demo_over_plain_http_keeps_plain_cookies(client: Any) -> None:
    assert settings.SESSION_COOKIE_SECURE is False and settings.CSRF_COOKIE_SECURE is False
    assert settings.AXES_FAILURE_LIMIT == 5 and settings.JENGU_REQUIRE_2FA is False
    page = client.get("/admin/login/")
    cookie = page.cookies["csrftoken"]
    assert not cookie["secure"] and cookie["samesite"] == "Lax"
