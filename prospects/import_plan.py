"""One chunk of an import: what already exists, what each row does, and the writes.

Prospects are handled as plain dicts (``{attname: value}``, ``"id"`` None until inserted)
rather than model instances: building 100,000 Django models costs more than parsing the file.
The dedup rules are ``prospect_create``'s (services): contact email, then website domain, then
normalized name + city, each checked against the database and the rows before in the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from prospects.bulk import insert_rows
from prospects.emails import is_role_address
from prospects.lookups import cheap_pages, email_owners, prospects_by
from prospects.models import Contact, Prospect, ProspectEvent
from prospects.normalize import normalize_city, normalize_email
from prospects.services.keys import FILLABLE, ProspectInput

Target = dict[str, Any]  # a prospect's columns; "id" is None until it is inserted
LOADED = ("id", "name_key", "city_key", "domain", "merged_into_id", *FILLABLE)
city_key = lru_cache(maxsize=8192)(normalize_city)  # a file names few cities, many times


@dataclass
class Entry:
    line: int
    data: ProspectInput
    domain: str
    name_key: str
    email: str = ""
    city_key: str = ""

    def __post_init__(self) -> None:
        # The sources normalized it already (base.finish_row); this only guards other callers.
        email = self.data.contact_email
        self.email = email if email.islower() or not email else normalize_email(email)
        self.city_key = city_key(self.data.city)[:120]

    @property
    def emails(self) -> list[str]:
        return [e for e in (self.email, *self.data.other_emails) if e]


def _new_target(entry: Entry) -> Target:
    data, extra = entry.data, entry.data.extra
    return {
        "id": None,
        "name": data.name.strip(),
        "name_key": entry.name_key,
        "city": data.city.strip(),
        "city_key": entry.city_key,
        "country": data.country.strip(),
        "website": data.website,
        "domain": entry.domain,
        "phone": data.phone,
        "property_type": data.property_type,
        "lead_source": data.lead_source,
        "source_url": data.source_url,
        "notes": data.notes,
        "tags": list(data.tags),
        "legacy_id": data.legacy_id,
        "stage": extra.get("stage", Prospect.Stage.NEW),
        "tier": extra.get("tier", Prospect.Tier.COLD),
        "score": extra.get("score", 0),
        "archived": bool(extra.get("archived", False)),
    }


class Chunk:
    def __init__(self, entries: list[Entry], now: datetime) -> None:
        self.entries = entries
        self.now = now
        self.by_email: dict[str, Target] = {}
        self.by_domain: dict[str, Target] = {}
        self.by_name: dict[tuple[str, str], Target] = {}
        self.names: dict[int, set[str]] = {}  # id(target) -> its contacts' names
        self.with_contacts: set[int] = set()
        self.new: list[tuple[Target, int]] = []  # (target, line)
        self.contacts: list[tuple[Target, dict[str, Any]]] = []
        self.dirty: dict[int, tuple[Target, set[str]]] = {}
        self.outcomes: list[str] = []

    # -- what exists --------------------------------------------------------------------
    def load(self) -> None:
        emails = {e for entry in self.entries for e in entry.emails}
        domains = {entry.domain for entry in self.entries if entry.domain}
        names = {entry.name_key for entry in self.entries}
        with cheap_pages():
            owners = email_owners(emails)
            raw = {r["id"]: r for r in prospects_by("domain", domains, LOADED)}
            raw |= {r["id"]: r for r in prospects_by("name_key", names - {""}, LOADED)}
            owned = set(owners.values()) - raw.keys()
            raw |= {r["id"]: r for r in prospects_by("id", owned, LOADED)}
            resolved = self._survivors(raw)
        for row in raw.values():
            self._register(row, resolved[row["id"]])
        for email, prospect_id in owners.items():
            self.by_email[email] = resolved[prospect_id]
        self._load_contacts({id(t): t["id"] for t in resolved.values()})

    @staticmethod
    def _survivors(raw: dict[int, Target]) -> dict[int, Target]:
        """Each loaded prospect's target: itself, or the prospect it was merged into."""
        known = dict(raw)
        for _hop in range(10):
            missing = {r["merged_into_id"] for r in known.values()} - known.keys() - {None}
            if not missing:
                break
            known |= {r["id"]: r for r in prospects_by("id", missing, LOADED)}
        resolved = {}
        for pk, row in known.items():
            target = row
            for _hop in range(10):
                if target["merged_into_id"] not in known:
                    break
                target = known[target["merged_into_id"]]
            resolved[pk] = target
        return resolved

    def _register(self, row: Target, target: Target) -> None:
        if row["domain"]:
            self.by_domain[row["domain"]] = target
        if row["name_key"]:
            self.by_name[(row["name_key"], row["city_key"])] = target

    def _load_contacts(self, targets: dict[int, int]) -> None:
        by_pk = {pk: key for key, pk in targets.items()}
        contacts = Contact.objects.filter(prospect_id__in=by_pk).order_by()
        rows = contacts.values_list("prospect_id", "name")
        for prospect_id, name in rows:
            self.with_contacts.add(by_pk[prospect_id])
            self.names.setdefault(by_pk[prospect_id], set()).add(name)

    # -- deciding each row --------------------------------------------------------------
    def plan(self) -> None:
        for entry in self.entries:
            target = self._match(entry)
            if target is None:
                target = _new_target(entry)
                self.new.append((target, entry.line))
                self._register(target, target)
                self._contacts(target, entry)
                self.outcomes.append("created")
                continue
            changed = self._fill(target, entry)
            added = self._contacts(target, entry)
            self.outcomes.append("updated" if changed or added else "duplicate")

    def _match(self, entry: Entry) -> Target | None:
        if entry.email and entry.email in self.by_email:
            return self.by_email[entry.email]
        if entry.domain and entry.domain in self.by_domain:
            return self.by_domain[entry.domain]
        return self.by_name.get((entry.name_key, entry.city_key))

    def _fill(self, target: Target, entry: Entry) -> bool:
        changed = {n for n in FILLABLE if getattr(entry.data, n) and not target[n]}
        for name in changed:
            target[name] = getattr(entry.data, name)
        if "website" in changed and entry.domain and entry.domain not in self.by_domain:
            target["domain"] = entry.domain
            self.by_domain[entry.domain] = target
            changed.add("domain")
        if changed and target["id"]:
            self.dirty.setdefault(id(target), (target, set()))[1].update(changed)
        return bool(changed)

    def _contacts(self, target: Target, entry: Entry) -> bool:
        data, key = entry.data, id(target)
        name = data.contact_name.strip()
        wanted: list[tuple[str, str]] = []  # (email, name)
        if entry.email:
            if entry.email not in self.by_email:
                wanted.append((entry.email, name))
        elif name and name not in self.names.get(key, ()):
            wanted.append(("", name))
        wanted += [
            (e, "") for e in data.other_emails if e not in self.by_email and e != entry.email
        ]
        for email, person in wanted:
            self.contacts.append((target, self._contact(key, entry, email, person)))
            if email:
                self.by_email[email] = target
            self.names.setdefault(key, set()).add(person)
            self.with_contacts.add(key)
        return bool(wanted)

    def _contact(self, key: int, entry: Entry, email: str, name: str) -> dict[str, Any]:
        verified = bool(entry.data.extra.get("email_verified"))
        return {
            "email": email,
            "name": name,
            "title": entry.data.contact_title.strip() if name else "",
            "linkedin_url": entry.data.linkedin_url if name else "",
            "is_primary": key not in self.with_contacts,
            "is_role": is_role_address(email) if email else False,
            "source": entry.data.lead_source,
            "verification_evidence": {"legacy": {"email_verified": True}} if verified else {},
        }

    # -- writing ------------------------------------------------------------------------
    def write(self) -> list[int]:
        """Insert and update; returns the new prospects' ids (call inside a transaction)."""
        ids = insert_rows(Prospect, [target for target, _line in self.new])
        events = [
            {
                "prospect_id": target["id"],
                "kind": "created",
                "message": f"Created from {target['lead_source'] or 'import'}"[:500],
                "data": {"line": line},
            }
            for target, line in self.new
        ]
        insert_rows(ProspectEvent, events, ids=False)
        contacts = [{**row, "prospect_id": target["id"]} for target, row in self.contacts]
        insert_rows(Contact, contacts, ids=False)
        self._update_dirty()
        return ids

    def created_keys(self) -> list[tuple[int, str, str]]:
        """(id, name key, city key) of the prospects inserted, archived ones left out."""
        return [(t["id"], t["name_key"], t["city_key"]) for t, _ in self.new if not t["archived"]]

    def _update_dirty(self) -> None:
        by_fields: dict[frozenset[str], list[Prospect]] = {}
        for target, fields in self.dirty.values():
            values = {name: target[name] for name in fields}
            prospect = Prospect(id=target["id"], updated_at=self.now, **values)
            by_fields.setdefault(frozenset(fields), []).append(prospect)
        for names, prospects in by_fields.items():
            Prospect.objects.bulk_update(prospects, [*sorted(names), "updated_at"])
