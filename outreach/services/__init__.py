"""Outreach services: enrolment, the send ledger, send passes, suppression."""

from __future__ import annotations

from outreach.services.ledger import Claim, claim_next
from outreach.services.manual import send_email_request
from outreach.services.prepare import email_prepare, enroll, prepare_due
from outreach.services.reconcile import reconcile_expired, resolve_delivery_unknown
from outreach.services.sendpass import PassReport, run_send_pass, send_claimed
from outreach.services.sequences import enrollments_stop
from outreach.services.settle import settle
from outreach.services.suppression import suppress, suppression_change, unsubscribe_by_token

__all__ = [
    "Claim",
    "PassReport",
    "claim_next",
    "email_prepare",
    "enroll",
    "enrollments_stop",
    "prepare_due",
    "reconcile_expired",
    "resolve_delivery_unknown",
    "run_send_pass",
    "send_claimed",
    "send_email_request",
    "settle",
    "suppress",
    "suppression_change",
    "unsubscribe_by_token",
]
