"""The Suppression admin writes through the outreach service: running sequences stop."""

from __future__ import annotations

import pytest
import time_machine

from compliance.models import Suppression
from outreach.models import Enrollment, OutboundEmail
from outreach.services import email_prepare
from tests.outreach.helpers import TUESDAY_10, enrolled

pytestmark = pytest.mark.django_db
FORM = {
    "email": "",
    "domain": "",
    "reason": "manual",
    "source": "",
    "detail": "",
    "created_by": "system",
}


def _queued() -> OutboundEmail:
    with time_machine.travel(TUESDAY_10, tick=False):
        (enrollment,) = enrolled()
        email = email_prepare(enrollment=enrollment, now=TUESDAY_10)
    assert email is not None and email.status == OutboundEmail.Status.QUEUED
    return email


def test_a_suppression_added_in_the_admin_cancels_queued_email_and_stops_the_sequence(
    admin_client,
) -> None:
    email = _queued()
    form = {**FORM, "email": email.recipient.upper(), "detail": "asked by phone"}
    response = admin_client.post("/admin/compliance/suppression/add/", form)
    assert response.status_code == 302
    row = Suppression.objects.get()
    assert (row.email, row.source, row.created_by) == (email.recipient, "admin", "admin")
    assert response["Location"] == "/admin/compliance/suppression/"
    assert OutboundEmail.objects.get(pk=email.pk).status == OutboundEmail.Status.CANCELLED
    enrollment = Enrollment.objects.get(pk=email.enrollment_id)
    assert (enrollment.status, enrollment.stopped_reason) == ("stopped", "suppressed")


def test_a_domain_suppression_added_in_the_admin_stops_everyone_there(admin_client) -> None:
    email = _queued()
    domain = email.recipient.rpartition("@")[2]
    form = {**FORM, "domain": f"@{domain.upper()}", "reason": "complaint"}
    assert admin_client.post("/admin/compliance/suppression/add/", form).status_code == 302
    assert Suppression.objects.get().domain == domain
    assert OutboundEmail.objects.get(pk=email.pk).status == OutboundEmail.Status.CANCELLED
    assert Enrollment.objects.get(pk=email.enrollment_id).status == "unsubscribed"


def test_changing_a_suppression_in_the_admin_stops_the_new_address(admin_client) -> None:
    email = _queued()
    row = Suppression.objects.create(email="someone.else@elsewhere.example", reason="manual")
    form = {**FORM, "email": f" {email.recipient} ", "created_by": "system"}
    response = admin_client.post(f"/admin/compliance/suppression/{row.pk}/change/", form)
    assert response.status_code == 302
    assert Suppression.objects.get(pk=row.pk).email == email.recipient
    assert OutboundEmail.objects.get(pk=email.pk).status == OutboundEmail.Status.CANCELLED


def test_a_duplicate_is_refused_by_the_form_and_changes_nothing(admin_client) -> None:
    email = _queued()
    Suppression.objects.create(domain="other.example", reason="manual")
    Suppression.objects.create(email=email.recipient, reason="bounce")
    Enrollment.objects.filter(pk=email.enrollment_id).update(status="active")
    form = {**FORM, "email": email.recipient.upper()}
    response = admin_client.post("/admin/compliance/suppression/add/", form)
    assert response.status_code == 200  # the form again, with the error
    assert Suppression.objects.count() == 2
    assert OutboundEmail.objects.get(pk=email.pk).status == OutboundEmail.Status.QUEUED
