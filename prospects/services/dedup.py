"""Near-duplicates: review hints, and the operator's merge and dismiss.

Exact duplicates never get in (normalized keys with unique constraints, see ``keys``). What
is left are similar names in one city ("Casa do Largo" / "Casa de Largo"): a pair whose
``normalize.similarity`` reaches ``DUPLICATE_THRESHOLD`` (default 88) becomes a
``DuplicateHint`` with the newer prospect as ``prospect`` and the older as ``other``. Which
names are compared: ``blocking`` (blocks of a city, a window in each, a few hints per name).

Merging keeps ``other`` and folds ``prospect`` into it: every row that points at the dropped
prospect (contacts, timeline events, enrollments, outbound emails, inbound messages, earlier
merges) is moved, blank fields are filled from it, and the dropped prospect is archived with
``merged_into`` set, so a later import that names it lands on the survivor.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from itertools import islice
from typing import Any

from django.db import transaction

from core.errors import Conflict
from core.services import actor_label, audit_record
from prospects.conf import knob
from prospects.models import DuplicateHint, Prospect, ProspectEvent
from prospects.services.blocking import similar_pairs
from prospects.services.keys import FILLABLE, survivor

IN_BATCH = 2000  # ids / keys per IN (...) query: well under SQLite's variable limit
MERGE_FILLABLE = (*FILLABLE, "description", "timezone")


def _batches(values: Iterable[Any], size: int = IN_BATCH) -> Iterable[list[Any]]:
    iterator = iter(values)
    while batch := list(islice(iterator, size)):
        yield batch


def hints_for_keys(fresh_keys: Iterable[tuple[int, str, str]]) -> int:
    """Create the review hints of new prospects, given as (id, name key, city key), against
    their city (compared within blocks, ``prospects.services.blocking``); returns how many
    pairs were found (existing and dismissed hints stay)."""
    threshold = float(knob("DUPLICATE_THRESHOLD"))
    fresh: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for pk, name_key, city_key in fresh_keys:
        if city_key:
            fresh[city_key].append((pk, name_key))
    pairs: dict[tuple[int, int], float] = {}
    for cities in _batches(fresh):
        everyone: dict[str, list[tuple[int, str]]] = defaultdict(list)
        rows = Prospect.objects.filter(city_key__in=cities, archived=False).order_by()
        for pk, name_key, city_key in rows.values_list("pk", "name_key", "city_key"):
            everyone[city_key].append((pk, name_key))
        for city in cities:
            for newer, older, score in similar_pairs(fresh[city], everyone[city], threshold):
                pairs[(newer, older)] = score
    hints = [DuplicateHint(prospect_id=a, other_id=b, similarity=s) for (a, b), s in pairs.items()]
    DuplicateHint.objects.bulk_create(hints, batch_size=1000, ignore_conflicts=True)
    return len(hints)


def hints_for_prospects(prospect_ids: Iterable[int]) -> int:
    """``hints_for_keys`` for prospects given by id (archived ones are skipped)."""
    keys: list[tuple[int, str, str]] = []
    for batch in _batches(prospect_ids):
        rows = Prospect.objects.filter(pk__in=batch, archived=False).order_by()
        keys += rows.values_list("pk", "name_key", "city_key")
    return hints_for_keys(keys)


# --- merge and dismiss --------------------------------------------------------------------
def _move_related(keep: Prospect, drop: Prospect) -> dict[str, int]:
    """Point every row that references ``drop`` at ``keep``; counts by model."""
    moved: dict[str, int] = {}
    for relation in Prospect._meta.related_objects:
        if not relation.one_to_many or relation.related_model is DuplicateHint:
            continue
        model = relation.related_model
        name = relation.field.name
        count = model._base_manager.filter(**{name: drop}).update(**{name: keep})
        if count:
            moved[model._meta.label_lower] = count
    return moved


def _fill_from(keep: Prospect, drop: Prospect) -> list[str]:
    changed = [f for f in MERGE_FILLABLE if not getattr(keep, f) and getattr(drop, f)]
    for name in changed:
        setattr(keep, name, getattr(drop, name))
    if not keep.domain and drop.domain:
        keep.domain, drop.domain = drop.domain, ""
        Prospect.objects.filter(pk=drop.pk).update(domain="")  # free the unique key first
        changed.append("domain")
    social = {**drop.social, **keep.social}
    if social != keep.social:
        keep.social = social
        changed.append("social")
    tags = list(dict.fromkeys([*keep.tags, *drop.tags]))
    if tags != keep.tags:
        keep.tags = tags
        changed.append("tags")
    return changed


def prospects_merge(*, keep: Prospect, drop: Prospect, actor: Any = None) -> dict[str, Any]:
    """Fold ``drop`` into ``keep`` (call inside a transaction)."""
    if keep.contacts.filter(is_primary=True).exists():
        drop.contacts.filter(is_primary=True).update(is_primary=False)
    filled = _fill_from(keep, drop)
    moved = _move_related(keep, drop)
    if filled:
        keep.save(update_fields=[*filled, "updated_at"])
    drop.archived, drop.merged_into = True, keep
    drop.archived_reason = f"merged into #{keep.pk}"
    drop.save(update_fields=["archived", "archived_reason", "merged_into", "updated_at"])
    detail = {"kept": keep.pk, "merged": drop.pk, "moved": moved, "filled": filled}
    ProspectEvent.objects.create(
        prospect=keep,
        kind="merged",
        actor=actor_label(actor)[:150],
        message=f"Merged #{drop.pk} {drop.name} into this prospect"[:500],
        data=detail,
    )
    audit_record(action="prospect_merged", actor=actor, obj=keep, detail=detail)
    return detail


def duplicate_merge(*, hint_id: int, actor: Any = None) -> Prospect:
    """Merge a hint's newer prospect into its older one; returns the survivor."""
    with transaction.atomic():
        hint = DuplicateHint.objects.select_for_update().filter(pk=hint_id).first()
        if hint is None or hint.status != DuplicateHint.Status.OPEN:
            raise Conflict(f"duplicate hint {hint_id} is not open", code="hint_closed")
        keep, drop = survivor(hint.other), survivor(hint.prospect)
        if keep.pk != drop.pk:
            if drop.pk < keep.pk:  # both were merged elsewhere: the older one still wins
                keep, drop = drop, keep
            prospects_merge(keep=keep, drop=drop, actor=actor)
        hint.status = DuplicateHint.Status.MERGED
        hint.save(update_fields=["status"])
    return keep


def duplicate_dismiss(*, hint_id: int, actor: Any = None) -> DuplicateHint:
    with transaction.atomic():
        hint = DuplicateHint.objects.select_for_update().filter(pk=hint_id).first()
        if hint is None or hint.status != DuplicateHint.Status.OPEN:
            raise Conflict(f"duplicate hint {hint_id} is not open", code="hint_closed")
        hint.status = DuplicateHint.Status.DISMISSED
        hint.save(update_fields=["status"])
        audit_record(action="duplicate_dismissed", actor=actor, obj=hint)
    return hint
