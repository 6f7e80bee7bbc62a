"""A fake Microsoft identity platform + Microsoft Graph mail API on one HTTPS test server.

msal only accepts https authorities, so both live on one ``HTTPTestServer(tls=True)``; point the
app at ``authority_host`` (``AZURE_AUTHORITY_HOST``) and ``graph_base_url`` (``GRAPH_BASE_URL``)
and make its HTTP clients trust ``certs.ca_file()`` (see ``msal_http_client``). msal fetches
``/{tenant}/v2.0/.well-known/openid-configuration`` then POSTs ``/{tenant}/oauth2/v2.0/token``.

Mail: ``sendMail`` in its MIME form lands in the user's Sent Items; ``deliver_to_inbox`` puts a
reply in the Inbox; listing supports ``$filter`` (``eq ne gt ge lt le`` joined by ``and``),
``$select``, ``$orderby``, ``$top``/``$skip`` and ``@odata.nextLink``. Errors use Graph's shape.
"""

from __future__ import annotations

import base64
import binascii
import email
import email.policy
import json
import re
import secrets
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import getaddresses
from typing import Any, Self, cast
from urllib.parse import parse_qs, quote, unquote, urlencode

import requests

from tests.servers import certs
from tests.servers.http import HTTPTestServer, Request, Response

GRAPH_SCOPE = "https://graph.microsoft.com/.default"
FOLDERS = ("inbox", "sentitems", "drafts", "deleteditems", "junkemail", "archive")
_USER = r"/v1\.0/users/(?P<user>[^/]+)"

# Graph's answer for each status when a test scripts a failure without a body
DEFAULT_ERRORS = {
    400: ("BadRequest", "Invalid request."),
    401: ("InvalidAuthenticationToken", "Lifetime validation failed, the token is expired."),
    403: ("ErrorAccessDenied", "Access is denied. Check credentials and try again."),
    404: ("ErrorItemNotFound", "The specified object was not found in the store."),
    429: ("ApplicationThrottled", "Application is over its MailboxConcurrency limit."),
    500: ("InternalServerError", "An internal server error occurred."),
    503: ("ServiceUnavailable", "The service is temporarily unavailable."),
}


def graph_error(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> Response:
    """A Graph error response: ``{"error": {"code", "message", "innerError": {...}}}``."""
    request_id = str(uuid.uuid4())
    inner = {"date": _iso(datetime.now(UTC)), "request-id": request_id}
    body = {"error": {"code": code, "message": message, "innerError": inner}}
    return Response(status, body, {"request-id": request_id, **(headers or {})})


def msal_http_client() -> requests.Session:
    """A requests session trusting the test CA, for msal's ``http_client=``.

    When ``REQUESTS_CA_BUNDLE`` or ``CURL_CA_BUNDLE`` is set (CI images often do) requests ignores
    ``Session.verify`` and so msal's ``verify=`` (psf/requests#3829); this session ignores the
    environment instead.
    """
    session = requests.Session()
    session.verify = certs.ca_file()
    session.trust_env = False
    return session


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class GraphMessage:
    id: str
    raw: bytes
    folder: str
    internet_message_id: str
    received_at: datetime
    is_read: bool = False

    @property
    def parsed(self) -> EmailMessage:
        return cast(EmailMessage, email.message_from_bytes(self.raw, policy=email.policy.default))

    def resource(self) -> dict[str, Any]:
        """The message as Graph's JSON ``message`` resource."""
        msg = self.parsed
        body_part = msg.get_body(preferencelist=("plain", "html"))
        text = body_part.get_content() if body_part is not None else ""
        sender = _recipients(msg, "From")
        return {
            "@odata.etag": f'W/"{self.id[-12:]}"',
            "id": self.id,
            "createdDateTime": _iso(self.received_at),
            "receivedDateTime": _iso(self.received_at),
            "sentDateTime": _iso(self.received_at),
            "internetMessageId": self.internet_message_id,
            "subject": str(msg["Subject"] or ""),
            "bodyPreview": " ".join(text.split())[:255],
            "body": {"contentType": "text", "content": text},
            "from": sender[0] if sender else None,
            "sender": sender[0] if sender else None,
            "toRecipients": _recipients(msg, "To"),
            "ccRecipients": _recipients(msg, "Cc"),
            "replyTo": _recipients(msg, "Reply-To"),
            "isRead": self.is_read,
            "isDraft": False,
            # Graph returns the headers only when $select names them (see _project)
            "internetMessageHeaders": [{"name": k, "value": str(v)} for k, v in msg.items()],
        }


def _recipients(msg: EmailMessage, header: str) -> list[dict[str, Any]]:
    pairs = getaddresses([str(v) for v in msg.get_all(header, [])])
    return [{"emailAddress": {"name": n or a, "address": a}} for n, a in pairs if a]


@dataclass
class GraphTestServer:
    """``with GraphTestServer() as graph: app = msal...(authority=graph.authority)``."""

    tenant_id: str = "5f1c2a9e-0b7d-4e4b-9c53-6a2f8d1e7b40"
    client_id: str = "0a6d3c52-8e1f-4f2a-b7c9-3d5e6f7a8b90"
    client_secret: str = "test-client-secret~value"
    mail_from: str = "outreach@jengu.test"
    page_size: int = 10  # Graph's default $top for messages
    http: HTTPTestServer = field(default_factory=lambda: HTTPTestServer(tls=True))
    mailboxes: dict[str, list[GraphMessage]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._failures: list[tuple[re.Pattern[str], Response]] = []  # scripted, in order
        self._tokens: dict[str, bool] = {}  # token -> still valid
        routes: list[tuple[str, str, Callable[[Request], Response]]] = [
            ("GET", r"/(?P<tenant>[^/]+)/v2\.0/\.well-known/openid-configuration", self._oidc),
            ("POST", r"/(?P<tenant>[^/]+)/oauth2/v2\.0/token", self._token),
            ("POST", _USER + r"/sendMail", self._send_mail),
            ("GET", _USER + r"/mailFolders/(?P<folder>[^/]+)/messages", self._list),
            ("GET", _USER + r"/messages", self._list),
            ("GET", _USER + r"/messages/(?P<id>[^/]+)", self._get),
            ("GET", _USER + r"/messages/(?P<id>[^/]+)/\$value", self._get_mime),
        ]
        for method, pattern, handler in routes:
            self.http.route(method, pattern, self._guarded(handler))

    # -- lifecycle and addresses ---------------------------------------------------------
    def start(self) -> Self:
        self.http.start()
        return self

    def stop(self) -> None:
        self.http.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def authority_host(self) -> str:
        return self.http.url

    @property
    def authority(self) -> str:
        return f"{self.http.url}/{self.tenant_id}"

    @property
    def graph_base_url(self) -> str:
        return f"{self.http.url}/v1.0"

    @property
    def ca_file(self) -> str:
        return certs.ca_file()

    def env(self) -> dict[str, str]:
        """Settings that point the app at this server (its HTTP clients must trust ca_file)."""
        return {
            "AZURE_AUTHORITY_HOST": self.authority_host,
            "GRAPH_BASE_URL": self.graph_base_url,
            "AZURE_TENANT_ID": self.tenant_id,
            "AZURE_CLIENT_ID": self.client_id,
            "AZURE_CLIENT_SECRET": self.client_secret,
            "AZURE_MAIL_FROM": self.mail_from,
        }

    @property
    def token_requests(self) -> int:
        return sum(1 for r in self.http.requests if r.path.endswith("/oauth2/v2.0/token"))

    # -- test helpers ----------------------------------------------------------------------
    def fail_next(
        self,
        status: int,
        body: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        *,
        times: int = 1,
        path: str = r"^/v1\.0/",
    ) -> None:
        """The next ``times`` requests whose path matches ``path`` get this answer instead.

        ``body=None`` uses Graph's usual error for the status; a 429 gets ``Retry-After: 1``.
        """
        if headers is None and status == 429:
            headers = {"Retry-After": "1"}
        if body is None:
            code, message = DEFAULT_ERRORS.get(status, ("UnknownError", ""))
            response = graph_error(status, code, message, headers)
        else:
            response = Response(status, body, dict(headers or {}))
        with self._lock:
            self._failures.extend([(re.compile(path), response)] * times)

    def expire_tokens(self) -> None:
        """Every token issued so far now gets 401 ``InvalidAuthenticationToken``."""
        with self._lock:
            self._tokens = dict.fromkeys(self._tokens, False)

    def deliver_to_inbox(
        self, user: str, raw: bytes, received_at: datetime | None = None
    ) -> GraphMessage:
        return self._store(user, "inbox", raw, received_at or datetime.now(UTC))

    def sent_items(self, user: str) -> list[GraphMessage]:
        return self._folder(user, "sentitems")

    def inbox(self, user: str) -> list[GraphMessage]:
        return self._folder(user, "inbox")

    def _folder(self, user: str, folder: str) -> list[GraphMessage]:
        with self._lock:
            return [m for m in self.mailboxes.get(user.lower(), []) if m.folder == folder]

    def _store(self, user: str, folder: str, raw: bytes, when: datetime) -> GraphMessage:
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        # Exchange stamps its own Message-ID only when the MIME has none
        message_id = str(parsed["Message-ID"] or "").strip() or f"<{uuid.uuid4().hex}@jengu.test>"
        item_id = "AAMkAG" + base64.urlsafe_b64encode(secrets.token_bytes(42)).decode() + "AAA="
        message = GraphMessage(item_id, raw, folder, message_id, when)
        with self._lock:
            self.mailboxes.setdefault(user.lower(), []).append(message)
        return message

    # -- identity platform ---------------------------------------------------------------
    def _guarded(self, handler: Callable[[Request], Response]) -> Callable[[Request], Response]:
        def guarded(req: Request) -> Response:
            with self._lock:
                for index, (path, response) in enumerate(self._failures):
                    if path.search(req.path):
                        del self._failures[index]
                        return response
            return handler(req)

        return guarded

    def _tenant_error(self, req: Request) -> Response | None:
        assert req.match is not None
        if req.match["tenant"] == self.tenant_id:
            return None
        return _aad_error(
            400, "invalid_tenant", 90002, f"Tenant '{req.match['tenant']}' not found."
        )

    def _oidc(self, req: Request) -> Response:
        if error := self._tenant_error(req):
            return error
        base = f"{self.http.url}/{self.tenant_id}"
        document = {
            "issuer": f"{base}/v2.0",
            "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
            "token_endpoint": f"{base}/oauth2/v2.0/token",
            "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
            "jwks_uri": f"{base}/discovery/v2.0/keys",
            "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt"],
            "cloud_instance_name": "microsoftonline.com",
        }
        return Response(200, document)

    def _token(self, req: Request) -> Response:
        if error := self._tenant_error(req):
            return error
        form = {k: v[0] for k, v in parse_qs(req.body.decode()).items()}
        if form.get("grant_type") != "client_credentials":
            return _aad_error(400, "unsupported_grant_type", 70003, "Unsupported grant type.")
        if form.get("client_id") != self.client_id:
            message = f"Application with identifier '{form.get('client_id')}' was not found."
            return _aad_error(400, "unauthorized_client", 700016, message)
        if form.get("client_secret") != self.client_secret:
            return _aad_error(401, "invalid_client", 7000215, "Invalid client secret provided.")
        scope = form.get("scope", "")
        if not scope.endswith("/.default"):
            message = f"The provided value for scope {scope} is not valid."
            return _aad_error(400, "invalid_scope", 1002012, message)
        token = self._new_token()
        body = {"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599}
        return Response(200, {**body, "access_token": token})

    def _new_token(self) -> str:
        claims = {"aud": "https://graph.microsoft.com", "tid": self.tenant_id}
        parts = [{"typ": "JWT", "alg": "RS256"}, {**claims, "appid": self.client_id}]
        encoded = [
            base64.urlsafe_b64encode(json.dumps(p).encode()).decode().rstrip("=") for p in parts
        ]
        token = ".".join([*encoded, secrets.token_urlsafe(32)])
        with self._lock:
            self._tokens[token] = True
        return token

    def _auth_error(self, req: Request) -> Response | None:
        header = req.headers.get("authorization", "")
        if not header.startswith("Bearer ") or not header[7:].strip():
            return graph_error(401, "InvalidAuthenticationToken", "Access token is empty.")
        valid = self._tokens.get(header[7:].strip())
        if valid is None:
            message = "Access token validation failure."
            return graph_error(401, "InvalidAuthenticationToken", message)
        if not valid:
            return graph_error(401, *DEFAULT_ERRORS[401])
        return None

    # -- Graph mail ------------------------------------------------------------------------
    def _send_mail(self, req: Request) -> Response:
        if error := self._auth_error(req):
            return error
        if not req.headers.get("content-type", "").startswith("text/plain"):
            return graph_error(400, "BadRequest", "This fake supports only the MIME sendMail.")
        try:
            raw = base64.b64decode(b"".join(req.body.split()), validate=True)
        except (binascii.Error, ValueError):
            message = "Invalid base64 string for MIME content."
            return graph_error(400, "ErrorMimeContentInvalidBase64String", message)
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        if not any(parsed.get_all(h) for h in ("To", "Cc", "Bcc")):
            message = "At least one recipient isn't valid., A message can't be sent because it "
            message += "contains no recipients."
            return graph_error(400, "ErrorInvalidRecipients", message)
        self._store(_user(req), "sentitems", raw, datetime.now(UTC))
        return Response(202, b"", {"request-id": str(uuid.uuid4())})

    def _list(self, req: Request) -> Response:
        if error := self._auth_error(req):
            return error
        assert req.match is not None
        folder = (req.match.groupdict().get("folder") or "").lower()
        if folder and folder not in FOLDERS:
            return graph_error(400, "ErrorInvalidIdMalformed", "Id is malformed.")
        q = {k: v[0] for k, v in req.query.items()}
        items = [m for m in self._messages(req) if not folder or m.folder == folder]
        try:
            rows = _query([m.resource() for m in items], q)
        except _QueryError as exc:
            return graph_error(400, exc.code, exc.message)
        top, skip = int(q.get("$top", self.page_size)), int(q.get("$skip", 0))
        page = [_project(row, q.get("$select")) for row in rows[skip : skip + top]]
        context = f"{self.graph_base_url}/$metadata#users('{_user(req)}')/messages"
        body: dict[str, Any] = {"@odata.context": context, "value": page}
        if skip + top < len(rows):
            next_query = urlencode({**q, "$top": top, "$skip": skip + top}, quote_via=quote)
            body["@odata.nextLink"] = f"{self.http.url}{req.path}?{next_query}"
        return Response(200, body)

    def _messages(self, req: Request) -> list[GraphMessage]:
        with self._lock:
            return list(self.mailboxes.get(_user(req), []))

    def _find(self, req: Request) -> GraphMessage | Response:
        if error := self._auth_error(req):
            return error
        assert req.match is not None
        wanted = unquote(req.match["id"])
        for message in self._messages(req):
            if message.id == wanted:
                return message
        return graph_error(404, *DEFAULT_ERRORS[404])

    def _get(self, req: Request) -> Response:
        found = self._find(req)
        if isinstance(found, Response):
            return found
        return Response(200, _project(found.resource(), req.query.get("$select", [""])[0]))

    def _get_mime(self, req: Request) -> Response:
        found = self._find(req)
        if isinstance(found, Response):
            return found
        return Response(200, found.raw, {"Content-Type": "text/plain"})


def _aad_error(status: int, error: str, code: int, description: str) -> Response:
    trace = str(uuid.uuid4())
    body = {
        "error": error,
        "error_description": f"AADSTS{code}: {description}\r\nTrace ID: {trace}",
        "error_codes": [code],
        "timestamp": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%SZ"),
        "trace_id": trace,
        "correlation_id": str(uuid.uuid4()),
        "error_uri": f"https://login.microsoftonline.com/error?code={code}",
    }
    return Response(status, body)


def _user(req: Request) -> str:
    assert req.match is not None
    return unquote(req.match["user"]).lower()


def _project(full: dict[str, Any], select: str | None) -> dict[str, Any]:
    if not select:
        return {k: v for k, v in full.items() if k != "internetMessageHeaders"}
    names = [f.strip() for f in select.split(",") if f.strip()]
    return {k: v for k, v in full.items() if k in ("@odata.etag", "id", *names)}


class _QueryError(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


_CLAUSE = re.compile(
    r"\s*(?P<field>[A-Za-z/]+)\s+(?P<op>eq|ne|gt|ge|lt|le)\s+"
    r"(?P<value>'(?:[^']|'')*'|[^\s']+)\s*(?:\band\b|$)",
    re.IGNORECASE,
)
_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "gt": lambda a, b: a is not None and a > b,
    "ge": lambda a, b: a is not None and a >= b,
    "lt": lambda a, b: a is not None and a < b,
    "le": lambda a, b: a is not None and a <= b,
}


def _literal(text: str) -> Any:
    if text.startswith("'"):
        return text[1:-1].replace("''", "'")
    if re.fullmatch(r"\d{4}-\d\d-\d\dT[\d:.]+(Z|[+-]\d\d:\d\d)?", text):
        return datetime.fromisoformat(text)
    return {"true": True, "false": False, "null": None}.get(text.lower(), text)


def _field(row: dict[str, Any], path: str, like: Any) -> Any:
    value: Any = row
    for part in path.split("/"):
        value = value.get(part) if isinstance(value, dict) else None
    if isinstance(like, datetime) and isinstance(value, str):
        return datetime.fromisoformat(value)
    return value


def _parse_filter(text: str) -> list[tuple[str, str, Any]]:
    clauses, pos = [], 0
    while pos < len(text):
        m = _CLAUSE.match(text, pos)
        if m is None:
            raise _QueryError("BadRequest", f"Invalid filter clause: {text[pos:]}")
        clauses.append((m["field"], m["op"].lower(), _literal(m["value"])))
        pos = m.end()
    return clauses


def _query(rows: list[dict[str, Any]], q: dict[str, str]) -> list[dict[str, Any]]:
    """Apply ``$filter`` and ``$orderby`` as Exchange does (default: newest first)."""
    clauses = _parse_filter(q.get("$filter", ""))
    order = [part.split() for part in q.get("$orderby", "receivedDateTime desc").split(",")]
    # Exchange's rule: ordered properties must lead the filter, in the same order
    leading = [c[0] for c in clauses[: len(order)]]
    if clauses and "$orderby" in q and leading != [o[0] for o in order]:
        message = "The restriction or sort order is too complex for this operation."
        raise _QueryError("InefficientFilter", message)
    picked = [r for r in rows if all(_OPS[op](_field(r, f, v), v) for f, op, v in clauses)]
    for name, *direction in reversed(order):
        descending = bool(direction) and direction[0].lower() == "desc"
        picked.sort(key=lambda r: str(r.get(name) or ""), reverse=descending)
    return picked
