"""Microsoft Graph: msal client-credentials token (cached until expiry), then httpx.

We send MIME (``sendMail`` with the base64 RFC 5322 message) so our Message-ID, threading and
List-Unsubscribe headers survive, and reconcile by ``internetMessageId``.
"""

from __future__ import annotations

import base64
import dataclasses
import ssl
import threading
from datetime import datetime
from typing import Any

import httpx
import msal
import requests
from django.conf import settings

from inboxes.bounces import classify_graph_error
from inboxes.clients.base import Batch, Fetched, SendResult
from inboxes.models import Inbox

_apps: dict[tuple[str, str], msal.ConfidentialClientApplication] = {}
_apps_lock = threading.Lock()


class GraphAuthError(Exception):
    pass


def _verify() -> str | bool:
    return settings.JENGU.get("GRAPH_CA_FILE") or True


def _httpx_verify() -> ssl.SSLContext | bool:
    # httpx deprecates verify=<path>; a context built from the CA file verifies the same way
    ca_file = settings.JENGU.get("GRAPH_CA_FILE")
    return ssl.create_default_context(cafile=ca_file) if ca_file else True


def _msal_http() -> requests.Session:
    # trust_env off: REQUESTS_CA_BUNDLE in the environment would override ``verify`` silently.
    session = requests.Session()
    session.trust_env = False
    session.verify = _verify()
    return session


def msal_app() -> msal.ConfidentialClientApplication:
    authority = f"{settings.JENGU['AZURE_AUTHORITY_HOST'].rstrip('/')}/{settings.AZURE_TENANT_ID}"
    key = (authority, settings.AZURE_CLIENT_ID)
    with _apps_lock:
        if key not in _apps:
            _apps[key] = msal.ConfidentialClientApplication(
                settings.AZURE_CLIENT_ID,
                client_credential=settings.AZURE_CLIENT_SECRET,
                authority=authority,
                instance_discovery=False,
                http_client=_msal_http(),
                timeout=15,
            )
        return _apps[key]


def access_token() -> str:
    """msal keeps the token in its cache and only asks again near expiry."""
    result = msal_app().acquire_token_for_client(scopes=["https://graph.microsoft.com/.default"])
    if "access_token" not in result:
        raise GraphAuthError(f"{result.get('error')}: {result.get('error_description', '')[:300]}")
    return str(result["access_token"])


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    return float(value) if value.replace(".", "", 1).isdigit() else None


class GraphTransport:
    def __init__(self, inbox: Inbox) -> None:
        self.inbox = inbox
        self.http = httpx.Client(
            base_url=settings.JENGU["GRAPH_BASE_URL"].rstrip("/"),
            timeout=30,
            verify=_httpx_verify(),
        )

    def _headers(self, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {access_token()}", **extra}

    def _request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """One call; a 401 drops msal's cached token and tries once more with a fresh one.

        msal serves a cached token until its own expiry, so a token revoked on the server side
        would otherwise fail every call for up to an hour.
        """
        headers = kwargs.pop("headers", {})
        response = self.http.request(method, url, headers=self._headers(**headers), **kwargs)
        if response.status_code == 401:
            msal_app().remove_tokens_for_client()
            response = self.http.request(method, url, headers=self._headers(**headers), **kwargs)
        return response

    def send(self, *, raw: bytes, mail_from: str, recipients: list[str]) -> SendResult:
        try:
            response = self._request(
                "POST",
                f"/users/{self.inbox.address}/sendMail",
                content=base64.b64encode(raw),
                headers={"Content-Type": "text/plain"},
            )
        except GraphAuthError as exc:
            return SendResult("auth", message=str(exc))
        except (httpx.TimeoutException, httpx.TransportError) as exc:
            return SendResult("unavailable", message=f"{type(exc).__name__}: {exc}", temporary=True)
        if response.status_code == 202:
            return SendResult("accepted")
        return self._failure(response, recipients[0])

    @staticmethod
    def _failure(response: httpx.Response, recipient: str) -> SendResult:
        status = response.status_code
        try:
            error: dict[str, Any] = response.json().get("error", {})
        except ValueError:
            error = {}
        code, text = error.get("code"), error.get("message") or response.text[:500]
        if status in (401, 403):
            return SendResult("auth", code=status, message=f"{code}: {text}")
        verdict = classify_graph_error(status, code, text)
        if verdict.recipient is None and recipient:
            verdict = dataclasses.replace(verdict, recipient=recipient)
        return SendResult(
            "rejected",
            code=status,
            message=f"{code}: {text}",
            temporary=status == 429 or status >= 500,
            retry_after=_retry_after(response),
            verdict=verdict,
        )

    def find_sent(self, message_id: str) -> bool | None:
        escaped = message_id.replace("'", "''")
        try:
            response = self._request(
                "GET",
                f"/users/{self.inbox.address}/mailFolders/sentitems/messages",
                params={"$filter": f"internetMessageId eq '{escaped}'", "$select": "id"},
            )
        except (GraphAuthError, httpx.HTTPError):
            return None
        if response.status_code != 200:
            return None
        return bool(response.json().get("value"))

    def fetch_since(self, since: datetime | None, limit: int) -> Batch:
        """Messages received at or after ``since`` (oldest first), with their MIME bytes."""
        params = {
            "$select": "id,receivedDateTime,internetMessageId",
            "$orderby": "receivedDateTime asc",
            "$top": "50",
        }
        if since:
            params["$filter"] = f"receivedDateTime ge {since.strftime('%Y-%m-%dT%H:%M:%SZ')}"
        url: str | None = f"/users/{self.inbox.address}/mailFolders/inbox/messages"
        batch, newest = Batch(), since
        while url and len(batch.messages) < limit:
            response = self.http.get(url, params=params, headers=self._headers())
            response.raise_for_status()
            page = response.json()
            for item in page.get("value", []):
                raw = self.http.get(
                    f"/users/{self.inbox.address}/messages/{item['id']}/$value",
                    headers=self._headers(),
                )
                raw.raise_for_status()
                received = datetime.fromisoformat(item["receivedDateTime"].replace("Z", "+00:00"))
                batch.messages.append(Fetched(raw.content, item["id"], received))
                newest = max(newest, received) if newest else received
            url, params = page.get("@odata.nextLink"), {}
        batch.cursor = {"graph_last_received_at": newest} if newest else {}
        return batch

    def close(self) -> None:
        self.http.close()
