"""What every app's admin shows the same way: long text cut on one line, structured values as
tables, a list of tags as chips (static/jengu/admin.css draws them)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Q
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

MAX_TAGS = 20
MAX_TAG_LENGTH = 64


def cut(text: Any, *, em: int = 24) -> SafeString:
    """One line at most ``em`` wide, cut with an ellipsis; the whole text is the tooltip."""
    value = "" if text is None else str(text)
    return format_html(
        '<span class="jg-cut" style="max-width: {}em" title="{}">{}</span>', em, value, value
    )


def _cell(value: Any) -> Any:
    if isinstance(value, Mapping):
        return value_table(value)
    if isinstance(value, list | tuple):
        if all(not isinstance(v, Mapping | list | tuple) for v in value):
            return ", ".join(str(v) for v in value) or "-"
        return format_html_join("", "<div>{}</div>", ((_cell(v),) for v in value))
    return "-" if value in (None, "") else str(value)


def value_table(value: Any) -> SafeString | str:
    """A JSON value as a read-only table: keys as row headings, lists as comma lists."""
    if not value:
        return "-"
    if not isinstance(value, Mapping):
        return format_html('<div class="jg-values">{}</div>', _cell(value))
    rows = format_html_join(
        "", "<tr><th>{}</th><td>{}</td></tr>", ((k, _cell(v)) for k, v in value.items())
    )
    return format_html('<table class="jg-values">{}</table>', rows)


def tag_chips(tags: Any) -> SafeString:
    return format_html(
        '<span class="jg-tags">{}</span>',
        format_html_join("", '<span class="jg-tag">{}</span>', ((t,) for t in tags or [])),
    )


class TagListWidget(forms.TextInput):
    """Tags typed as ``a, b, c``; the saved ones are shown as chips under the box."""

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, list | tuple):
            return ", ".join(str(v) for v in value)
        return super().format_value(value)

    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> SafeString:
        box = super().render(name, value, {**(attrs or {}), "class": "vTextField"}, renderer)
        tags = value if isinstance(value, list | tuple) else str(value or "").split(",")
        chips = [t.strip() for t in tags if str(t).strip()]
        return format_html("{}{}", box, tag_chips(chips) if chips else "")


class TagListField(forms.Field):
    """A JSON list of tags edited as comma-separated text: trimmed, de-duplicated (first
    spelling kept), at most ``MAX_TAGS`` of ``MAX_TAG_LENGTH`` characters."""

    widget = TagListWidget

    def to_python(self, value: Any) -> list[str]:
        if isinstance(value, list | tuple):
            parts = [str(v) for v in value]
        else:
            parts = str(value or "").split(",")
        tags: dict[str, str] = {}
        for part in parts:
            tag = " ".join(part.split())[:MAX_TAG_LENGTH]
            if tag and tag.casefold() not in tags:
                tags[tag.casefold()] = tag
        if len(tags) > MAX_TAGS:
            raise forms.ValidationError(f"At most {MAX_TAGS} tags.", code="too_many_tags")
        return list(tags.values())

    def prepare_value(self, value: Any) -> Any:
        return ", ".join(value) if isinstance(value, list | tuple) else value

    def has_changed(self, initial: Any, data: Any) -> bool:
        return self.to_python(initial) != self.to_python(data)


def when(value: Any) -> SafeString | str:
    """A time short enough for a list's column ("01 Dec 10:00"; the year when it is not this
    one), the full time as the tooltip."""
    if value is None:
        return "-"
    local = timezone.localtime(value)
    short = local.strftime("%d %b %H:%M" if local.year == timezone.now().year else "%d %b %Y")
    return format_html('<time datetime="{}" title="{}">{}</time>', local.isoformat(),
                       local.strftime("%Y-%m-%d %H:%M %Z"), short)  # fmt: skip


def _path(obj: Any, path: str) -> Any:
    for name in path.split("__"):
        obj = getattr(obj, name, None) if obj is not None else None
    return obj() if callable(obj) else obj  # a model's method, e.g. django-q2's OrmQ.func()


def when_column(field: str, description: str | None = None) -> Callable[[Any], Any]:
    """A list_display column showing ``field`` (a datetime) with ``when``, sortable by it."""

    @admin.display(description=description or field.replace("_", " "), ordering=field)
    def column(obj: Any) -> Any:
        return when(_path(obj, field))

    column.__name__ = field
    return column


def cut_column(
    field: str, em: int, description: str | None = None, *, sortable: bool = True
) -> Callable[[Any], Any]:
    """A list_display column showing ``field`` (``a__b`` follows relations) with ``cut``."""
    label = description or field.rsplit("__", 1)[0].replace("__", " ").replace("_", " ")

    @admin.display(description=label, ordering=field if sortable else None)
    def column(obj: Any) -> Any:
        value = _path(obj, field)
        return "-" if value in (None, "") else cut(value, em=em)

    column.__name__ = field.replace("__", "_")
    return column


def presence_filter(field: str, title: str, present: str, absent: str) -> type[Any]:
    """A list filter answering "has it a <field>?" in the operator's words (``Replied`` /
    ``No reply yet``) rather than Django's "Empty" / "Not empty"."""

    class PresenceFilter(admin.SimpleListFilter):
        parameter_name = f"{field}_set"

        def lookups(self, request: Any, model_admin: Any) -> list[tuple[str, str]]:
            return [("yes", present), ("no", absent)]

        def queryset(self, request: Any, queryset: Any) -> Any:
            empty = Q(**{f"{field}__isnull": True})
            if queryset.model._meta.get_field(field).empty_strings_allowed:
                empty |= Q(**{field: ""})
            if self.value() == "yes":
                return queryset.exclude(empty)
            if self.value() == "no":
                return queryset.filter(empty)
            return queryset

    PresenceFilter.title = title
    return PresenceFilter


def grouped(groups: Sequence[tuple[str | None, Sequence[str]]], fields: Sequence[Any]) -> Any:
    """Fieldsets from named groups of the page's fields (``ModelAdmin.get_fields``): a name
    that is not on the page is left out, a field no group names lands in a last "More" group,
    so a field added to the model later still shows. A title ending in " (details)" is a
    folded group, shown without that suffix."""
    present = [str(f) for f in fields]
    named = {name for _, names in groups for name in names}
    fieldsets: list[tuple[str | None, dict[str, Any]]] = []
    for title, names in groups:
        shown = [n for n in names if n in present]
        if shown:
            folded = title is not None and title.endswith(" (details)")
            shown_title = title.removesuffix(" (details)") if title is not None else None
            fieldsets.append((shown_title, {"fields": shown, "classes": ["collapse"] * folded}))
    rest = [f for f in present if f not in named]
    return [*fieldsets, ("More", {"fields": rest})] if rest else fieldsets
