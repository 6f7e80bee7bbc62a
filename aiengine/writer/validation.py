"""Checks every draft passes before it becomes an outbound email, whoever wrote it."""

from __future__ import annotations

import re

from aiengine.writer.draft import Draft

SUBJECT_MAX_CHARS = 120
BODY_MIN_CHARS = 40  # shorter is a fragment, not an email
BODY_MAX_CHARS = 1800  # longer is not a cold email anyone reads

# Template leftovers: {first_name}, {{ hotel }}, {% if %}, ${name}, %(name)s, [First Name].
_PLACEHOLDERS = (
    re.compile(r"\{\{?\s*[A-Za-z_][\w .-]{0,40}\}\}?|\{%.{0,60}?%\}"),
    re.compile(r"\$\{[^}\n]{1,40}\}|%\([A-Za-z_]\w*\)[sd]"),
    re.compile(r"\[\s*(?:[A-Z][A-Za-z]*|[a-z]+)(?:[ _-][A-Za-z]+){0,3}\s*\]"),
)
# Angle-bracket placeholders only count in plain text: HTML is made of tags.
_ANGLE_PLACEHOLDER = re.compile(r"<\s*[A-Za-z][A-Za-z _-]{0,30}\s*>")
_AI_DISCLOSURE = re.compile(
    r"\bas an? (?:ai|artificial intelligence|(?:large )?language model)\b"
    r"|\bi(?:'m|\u2019m| am) (?:just |only )?an? (?:ai|language model)\b",
    re.IGNORECASE,
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class DraftInvalid(Exception):
    """A draft failed validation; `problems` says why, in words an operator reads."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def validate_draft(d: Draft) -> list[str]:
    """Every problem with the draft; an empty list means it may be sent."""
    return [
        *_subject_problems(d.subject),
        *_body_problems(d.body),
        *_placeholder_problems("html", d.html or "", angle=False),
        *_disclosure_problems(d),
    ]


def ensure_valid(d: Draft) -> Draft:
    """The draft itself, or DraftInvalid with its problems."""
    problems = validate_draft(d)
    if problems:
        raise DraftInvalid(problems)
    return d


def _subject_problems(subject: str) -> list[str]:
    problems = []
    if not subject.strip():
        problems.append("subject is empty")
    if len(subject) > SUBJECT_MAX_CHARS:
        problems.append(f"subject is {len(subject)} characters (max {SUBJECT_MAX_CHARS})")
    if "\r" in subject or "\n" in subject:
        problems.append("subject contains a line break")
    if _CONTROL.search(subject):
        problems.append("subject contains a control character")
    return problems + _placeholder_problems("subject", subject, angle=True)


def _body_problems(body: str) -> list[str]:
    size = len(body.strip())
    problems = []
    if size < BODY_MIN_CHARS:
        problems.append(f"body is {size} characters (min {BODY_MIN_CHARS})")
    if size > BODY_MAX_CHARS:
        problems.append(f"body is {size} characters (max {BODY_MAX_CHARS})")
    return problems + _placeholder_problems("body", body, angle=True)


def _placeholder_problems(part: str, text: str, *, angle: bool) -> list[str]:
    patterns = (*_PLACEHOLDERS, _ANGLE_PLACEHOLDER) if angle else _PLACEHOLDERS
    found = [m.group(0) for p in patterns for m in p.finditer(text)]
    if not found:
        return []
    return [f"{part} has an unresolved placeholder: {', '.join(dict.fromkeys(found))}"]


def _disclosure_problems(d: Draft) -> list[str]:
    text = f"{d.subject}\n{d.body}\n{d.html or ''}"
    match = _AI_DISCLOSURE.search(text)
    return [f"draft talks about being an AI: {match.group(0)!r}"] if match else []
