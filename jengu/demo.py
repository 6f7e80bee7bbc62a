"""Demo data for ``make run``: fictional hotels (reserved .example domains) and four Maildir
inboxes. Nothing here can reach a real person: .example never resolves."""

from __future__ import annotations

from django.db import transaction

from inboxes.models import Inbox
from prospects.models import Contact, Prospect
from prospects.services import ProspectInput, prospect_create

HOTELS = [
    ("Casa do Limoeiro", "Lisbon", "Portugal", "Marta Sousa", "General Manager"),
    ("Hotel Azulejo Boutique", "Porto", "Portugal", "Rui Almeida", "Owner"),
    ("The Saltmarsh Inn", "Aldeburgh", "United Kingdom", "Hannah Pryce", "Owner"),
    ("Villa Ginestra", "Ravello", "Italy", "Giulia Esposito", "Revenue Manager"),
    ("Hôtel des Tilleuls", "Annecy", "France", "Claire Dubois", "Directrice"),
    ("Posada del Río", "Ronda", "Spain", "Javier Ortega", "Director"),
    ("Landhaus am See", "Hallstatt", "Austria", "Lena Gruber", "Gastgeberin"),
    ("Pension Sonnenhof", "Bamberg", "Germany", "Tobias Weber", "Inhaber"),
    ("Kasbah Tamazirt", "Ouarzazate", "Morocco", "Youssef Amrani", "Manager"),
    ("Harbour Light Lodge", "Kinsale", "Ireland", "Aoife Byrne", "General Manager"),
    ("Quinta da Ribeira", "Funchal", "Portugal", "Inês Carvalho", "Owner"),
    ("Maison Lumière", "Arles", "France", "Julien Marchand", "Gérant"),
]


def _slug(name: str) -> str:
    return "".join(c for c in name.lower() if c.isalnum())[:30]


@transaction.atomic
def load_demo() -> dict[str, int]:
    created = 0
    for name, city, country, person, title in HOTELS:
        domain = f"{_slug(name)}.example"
        first, last = person.lower().split()[0], person.lower().split()[-1]
        result = prospect_create(
            data=ProspectInput(
                name=name,
                city=city,
                country=country,
                website=f"https://{domain}",
                contact_name=person,
                contact_title=title,
                contact_email=f"{first}.{last}@{domain}",
                lead_source="demo",
                property_type="boutique_hotel",
            )
        )
        created += result.created
        Contact.objects.filter(prospect=result.prospect).update(verification="valid")
        Prospect.objects.filter(pk=result.prospect.pk, stage="new").update(
            stage="ready", tier="warm", score=55
        )
    inboxes = 0
    for n in range(1, 5):
        _, made = Inbox.objects.get_or_create(
            key=f"demo-{n}",
            defaults={
                "provider": Inbox.Provider.MAILDIR,
                "source": Inbox.Source.ADMIN,
                "address": f"outreach{n}@jengu-demo.example",
                "display_name": f"Jengu Demo {n}",
                "timezone": "Europe/Lisbon",
            },
        )
        inboxes += made
    return {"prospects_created": created, "inboxes_created": inboxes}
