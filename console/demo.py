"""Demo data and demo-mode tasks for ``make run``: fictional hotels (reserved .example domains,
their websites served by ``console.demo_site``), four Maildir inboxes, a demo campaign whose
delays are minutes, and the tasks the demo schedules run (``console.schedules.demo_specs``).
Nothing here can reach a real person: .example never resolves, and Maildir never leaves the disk.
"""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from inboxes.models import Inbox
from outreach.models import Campaign, Enrollment, OutboundEmail, SequenceStep, StepVariant
from prospects.services import ProspectInput, contact_vouch, prospect_create

log = logging.getLogger(__name__)
DEMO_CAMPAIGN = "Demo: hotels (delays in minutes)"
DEMO_STEPS = [(1, 0), (2, 3), (3, 7)]  # (step, delay): minutes in demo mode, as days elsewhere
# An A/B test on the first email: two subject lines, the writer's body. Its results fill the
# campaign's admin page as the demo responder answers (README "A/B tests").
DEMO_VARIANTS = {
    "A": "A quick question about guest emails at {prospect_name}",
    "B": "{prospect_name}: every guest answered in their own language",
}
PASS_SECONDS = 40  # a demo send pass runs every minute: it must end before the next one


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    return "".join(c for c in folded if c.isalnum())


@dataclass(frozen=True)
class DemoHotel:
    name: str
    city: str
    country: str
    person: str
    title: str
    description: str
    phone: str
    reply: str = ""  # what the demo responder answers (console.demo_responder.REPLIES)
    reply_step: int = 1  # to which email of the sequence

    @property
    def domain(self) -> str:
        return _ascii(self.name)[:30] + ".example"

    @property
    def email(self) -> str:
        words = self.person.split()
        return f"{_ascii(words[0])}.{_ascii(words[-1])}@{self.domain}"

    @property
    def website(self) -> str:
        # http: the crawler reaches the demo site as its HTTP proxy (see console.demo_site).
        return f"http://{self.domain}"


HOTELS = [
    DemoHotel("Casa do Limoeiro", "Lisbon", "Portugal", "Marta Sousa", "General Manager",
              "Eight-room boutique guesthouse under a lemon tree in Alfama.", "+351 21 000 0101",
              "meeting_request"),
    DemoHotel("Hotel Azulejo Boutique", "Porto", "Portugal", "Rui Almeida", "Owner",
              "Boutique hotel in a tiled 19th-century house by the Douro.", "+351 22 000 0202",
              "out_of_office"),
    DemoHotel("The Saltmarsh Inn", "Aldeburgh", "United Kingdom", "Hannah Pryce", "Owner",
              "Seaside inn with nine rooms and a fish restaurant.", "+44 1728 000303", "bounce"),
    DemoHotel("Villa Ginestra", "Ravello", "Italy", "Giulia Esposito", "Revenue Manager",
              "Boutique hotel with a terrace over the Amalfi coast.", "+39 089 000 0404",
              "unsubscribe"),
    DemoHotel("Hôtel des Tilleuls", "Annecy", "France", "Claire Dubois", "Directrice",
              "Boutique hotel by the lake, twelve rooms and a garden.", "+33 4 50 00 05 05",
              "interested"),
    DemoHotel("Posada del Río", "Ronda", "Spain", "Javier Ortega", "Director",
              "Boutique hotel in a restored posada above the gorge.", "+34 952 000 606",
              "not_interested", 2),
    DemoHotel("Landhaus am See", "Hallstatt", "Austria", "Lena Gruber", "Gastgeberin",
              "Family-run lakeside guesthouse with ten rooms.", "+43 6134 000707",
              "meeting_request", 2),
    DemoHotel("Pension Sonnenhof", "Bamberg", "Germany", "Tobias Weber", "Inhaber",
              "Guesthouse with fourteen rooms in the old town.", "+49 951 000 0808",
              "delegation"),
    DemoHotel("Kasbah Tamazirt", "Ouarzazate", "Morocco", "Youssef Amrani", "Manager",
              "Boutique hotel in a restored kasbah at the edge of the desert.",
              "+212 524 000 909"),
    DemoHotel("Harbour Light Lodge", "Kinsale", "Ireland", "Aoife Byrne", "General Manager",
              "Harbour-front boutique hotel with eleven rooms.", "+353 21 000 1010"),
    DemoHotel("Quinta da Ribeira", "Funchal", "Portugal", "Inês Carvalho", "Owner",
              "Manor house hotel among banana terraces above Funchal.", "+351 291 000 111"),
    DemoHotel("Maison Lumière", "Arles", "France", "Julien Marchand", "Gérant",
              "Boutique hotel in an 18th-century townhouse near the arena.",
              "+33 4 90 00 12 12"),
]  # fmt: skip


def hotel_for_domain(domain: str) -> DemoHotel | None:
    return next((h for h in HOTELS if h.domain == domain.lower()), None)


# --- data ---------------------------------------------------------------------------------------
def _demo_prospect(hotel: DemoHotel, now: datetime) -> bool:
    result = prospect_create(
        data=ProspectInput(
            name=hotel.name,
            city=hotel.city,
            country=hotel.country,
            website=hotel.website,
            contact_name=hotel.person,
            contact_title=hotel.title,
            contact_email=hotel.email,
            lead_source="demo",
        )
    )
    # .example has no mail servers, so no check could confirm these addresses: the demo vouches
    # for them, and the pipeline leaves verified contacts alone.
    for contact in result.prospect.contacts.filter(email=hotel.email):
        contact_vouch(
            contact_id=contact.pk,
            evidence={"demo": "fictional address on a reserved .example domain"},
            at=now,
            unless="checked",
        )
    return result.created


def demo_campaign() -> Campaign:
    """The campaign the demo's pipeline enrolls into: the default while the demo data is loaded."""
    campaign, _ = Campaign.objects.get_or_create(
        name=DEMO_CAMPAIGN,
        defaults={
            "strategy": "curiosity_value",
            "description": "Demo: a 3-step sequence whose "
            "delays (3 and 7) are minutes instead of days in demo mode, with an A/B test of "
            "two subject lines on the first email.",
        },
    )
    for number, delay in DEMO_STEPS:
        SequenceStep.objects.get_or_create(
            campaign=campaign, number=number, defaults={"delay_days": delay}
        )
    for label, subject in DEMO_VARIANTS.items():
        StepVariant.objects.get_or_create(
            campaign=campaign, step=1, label=label, defaults={"subject": subject}
        )
    Campaign.objects.filter(is_default=True).exclude(pk=campaign.pk).update(is_default=False)
    Campaign.objects.filter(pk=campaign.pk).update(
        is_default=True,
        status=Campaign.Status.ACTIVE,
        review_first_emails=settings.JENGU["DEMO_REVIEW"],  # JENGU_DEMO_REVIEW: a queue to approve
    )
    return campaign


def _demo_inboxes() -> int:
    made = 0
    for n in range(1, 5):
        _, created = Inbox.objects.get_or_create(
            key=f"demo-{n}",
            defaults={
                "provider": Inbox.Provider.MAILDIR,
                "source": Inbox.Source.ADMIN,
                "address": f"outreach{n}@jengu-demo.example",
                "display_name": f"Jengu Demo {n}",
                "timezone": "Europe/Lisbon",
            },
        )
        made += created
    return made


@transaction.atomic
def load_demo() -> dict[str, int]:
    """Idempotent. The prospects start as ``new``: the pipeline enriches them from the demo
    site, scores them ready and enrolls them in the demo campaign."""
    now = timezone.now()
    created = sum(_demo_prospect(hotel, now) for hotel in HOTELS)
    demo_campaign()
    return {"prospects_created": created, "inboxes_created": _demo_inboxes()}


# --- the compressed clock -------------------------------------------------------------------------
def compress_delays() -> int:
    """Demo campaigns wait minutes where a real one waits days: move each next step that is
    exactly "N days after the last send" to N minutes after it. Anything else (an
    out-of-office postponement, an operator's change) is left alone."""
    changed = 0
    active = Enrollment.objects.filter(
        campaign__name=DEMO_CAMPAIGN, status=Enrollment.Status.ACTIVE, current_step__gte=1
    ).select_related("campaign")
    for enrollment in active:
        last = OutboundEmail.objects.filter(enrollment=enrollment, step=enrollment.current_step)
        sent_at = last.values_list("sent_at", flat=True).first()
        step = enrollment.campaign.steps.filter(number=enrollment.current_step + 1).first()
        if sent_at is None or step is None:
            continue
        in_days = sent_at + timedelta(days=step.delay_days)
        in_minutes = sent_at + timedelta(minutes=step.delay_days)
        changed += Enrollment.objects.filter(pk=enrollment.pk, next_send_at=in_days).update(
            next_send_at=in_minutes
        )
        changed += OutboundEmail.objects.filter(
            enrollment=enrollment,
            step=step.number,
            status=OutboundEmail.Status.QUEUED,
            send_after=in_days,
        ).update(send_after=in_minutes)
    return changed


def _demo_mode() -> bool:
    # The demo schedules can outlive a demo (a database copied elsewhere): they do nothing then.
    return bool(settings.JENGU["DEMO"])


def send_pass() -> str:
    """The demo's send schedule (every minute): compress the delays, write what is due, send."""
    if not _demo_mode():
        return "not in demo mode (JENGU_DEMO is off): nothing done"
    from outreach.services import prepare_due, run_send_pass

    compress_delays()
    prepare_due(now=timezone.now())
    compress_delays()
    report = run_send_pass(max_seconds=PASS_SECONDS)
    return f"sent {report.sent}, failed {report.failed}, skipped {len(report.skipped)}"


def pipeline() -> str:
    """The demo's pipeline schedule: the daily pipeline, right after start and then often."""
    if not _demo_mode():
        return "not in demo mode (JENGU_DEMO is off): nothing done"
    from prospects.tasks import daily_pipeline

    return daily_pipeline()
