"""The admin's forms: they validate with the services' rules, so a save cannot break them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import ValidationError

from core.admin_display import TagListField
from core.errors import JenguError
from prospects.models import Prospect
from prospects.services.contacts import contact_clean_email
from prospects.services.create import prospect_keys_checked


class ContactForm(forms.ModelForm):
    """The address is checked as an import's: normalized, and one contact per address."""

    def clean_email(self) -> str:
        try:
            return contact_clean_email(
                email=self.cleaned_data.get("email", ""), contact_id=self.instance.pk
            )
        except JenguError as exc:
            raise ValidationError(exc.message, code=exc.code) from exc


class ProspectForm(forms.ModelForm):
    """A new website, name or city must not be another prospect's (the dedup keys). Tags are
    typed comma-separated and stored as the list an import stores."""

    tags = TagListField(required=False, help_text="Comma-separated, e.g. boutique, sea view.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        try:
            prospect_keys_checked(
                name=cleaned.get("name", self.instance.name),
                city=cleaned.get("city", self.instance.city),
                website=cleaned.get("website", self.instance.website),
                prospect_id=self.instance.pk,
                changed=self.changed_data,
            )
        except JenguError as exc:
            raise ValidationError(exc.message, code=exc.code) from exc
        return cleaned


class StageActionForm(ActionForm):
    stage = forms.ChoiceField(
        choices=[("", "---------"), *Prospect.Stage.choices], required=False, label="Stage:"
    )
