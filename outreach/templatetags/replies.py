"""``{% load replies %}{% unread_replies %}``: the unified inbox's unread count (admin home)."""

from __future__ import annotations

from django import template

from outreach.services.replies import unread_count

register = template.Library()


@register.simple_tag
def unread_replies() -> int:
    return unread_count()
