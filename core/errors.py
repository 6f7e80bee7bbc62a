"""Domain errors. One DRF handler (core.api.errors) turns them into the JSON error shape."""

from __future__ import annotations


class JenguError(Exception):
    status = 400
    code = "error"

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        if status:
            self.status = status


class NotFound(JenguError):
    status = 404
    code = "not_found"


class Conflict(JenguError):
    status = 409
    code = "conflict"


class Unprocessable(JenguError):
    status = 422
    code = "unprocessable"


class LimitReached(JenguError):
    status = 429
    code = "limit_reached"
