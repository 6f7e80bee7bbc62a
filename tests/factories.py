"""factory_boy factories for the whole project."""

from __future__ import annotations

import factory
from django.utils import timezone

from inboxes.models import Inbox
from outreach.models import Campaign, Enrollment, SequenceStep
from prospects.models import Contact, Prospect
from prospects.normalize import normalize_city, normalize_domain, normalize_name


class ProspectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Prospect

    name = factory.Sequence(lambda n: f"Test Hotel {n}")
    city = "Lisbon"
    country = "Portugal"
    website = factory.Sequence(lambda n: f"https://hotel{n}.example")
    stage = Prospect.Stage.READY
    name_key = factory.LazyAttribute(lambda o: normalize_name(o.name))
    city_key = factory.LazyAttribute(lambda o: normalize_city(o.city))
    domain = factory.LazyAttribute(lambda o: normalize_domain(o.website))


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    prospect = factory.SubFactory(ProspectFactory)
    name = factory.Sequence(lambda n: f"Ana Person{n}")
    email = factory.LazyAttributeSequence(
        lambda o, n: f"{o.name.split()[0].lower()}.{n}@{o.prospect.domain or 'hotel.example'}"
    )
    verification = Contact.Verification.VALID


class InboxFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inbox

    key = factory.Sequence(lambda n: f"inbox-{n}")
    provider = Inbox.Provider.MAILDIR
    address = factory.Sequence(lambda n: f"sender{n}@sender.example")
    display_name = "Jengu Sender"
    timezone = "UTC"
    warmup_start = factory.LazyFunction(lambda: timezone.now().date())


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Campaign {n}")
    strategy = "cold_direct"

    @factory.post_generation
    def steps(self, create: bool, extracted: list[int] | None, **kwargs: object) -> None:
        if create:
            for number, delay in enumerate(extracted or [0, 3, 7], start=1):
                SequenceStep.objects.create(campaign=self, number=number, delay_days=delay)


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    campaign = factory.SubFactory(CampaignFactory)
    contact = factory.SubFactory(ContactFactory)
    prospect = factory.LazyAttribute(lambda o: o.contact.prospect)
