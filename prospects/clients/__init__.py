"""The only code that speaks the protocols the prospects pipeline uses: websites (HTTP and
robots.txt), DNS (MX), Google Places, Hunter, Apollo and MillionVerifier."""

from __future__ import annotations


class VendorError(Exception):
    """A vendor answered with an error, or could not be reached. ``retryable`` errors (timeouts,
    5xx) may succeed later; the others (bad key, no credits) will not until an operator acts."""

    def __init__(self, vendor: str, detail: str, *, retryable: bool = False) -> None:
        super().__init__(f"{vendor}: {detail}")
        self.vendor = vendor
        self.detail = detail
        self.retryable = retryable
