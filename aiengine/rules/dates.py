"""The return date stated in an out-of-office reply ("back on 12 January", "bis zum 14.01.").

Input is folded text (lower case, no accents; see text.fold). Dates without a year take the first year
that does not put them far in the past; numeric dates are day-first, as hotels write them,
unless only month-first makes sense (01/14).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

_MONTH_NAMES = {
    1: "january jan januar januari janvier enero ene janeiro gennaio gen janner",
    2: "february feb februar februari fevrier fev febrero febr fevereiro febbraio",
    3: "march mar marz mrz maart mrt mars marzo marco",
    4: "april apr avril avr abril aprile",
    5: "may mai mei mayo maio maggio mag",
    6: "june jun juni juin junio junho giugno giu",
    7: "july jul juli juillet juil julio julho luglio lug",
    8: "august aug augustus aout agosto ago",
    9: "september sep sept septembre septiembre setembro settembre",
    10: "october oct oktober okt octobre octubre outubro ottobre ott",
    11: "november nov novembre noviembre novembro",
    12: "december dec dezember dez decembre diciembre dic dezembro dicembre",
}
MONTHS = {name: num for num, names in _MONTH_NAMES.items() for name in names.split()}
_WEEKDAY_NAMES = (
    "monday mon montag maandag lundi lunes segunda lunedi",
    "tuesday tue tues dienstag dinsdag mardi martes terca martedi",
    "wednesday wed mittwoch woensdag mercredi miercoles quarta mercoledi",
    "thursday thu thurs donnerstag donderdag jeudi jueves quinta giovedi",
    "friday fri freitag vrijdag vendredi viernes sexta venerdi",
    "saturday sat samstag zaterdag samedi sabado sabato",
    "sunday sun sonntag zondag dimanche domingo domenica",
)
WEEKDAYS = {name: num for num, names in enumerate(_WEEKDAY_NAMES) for name in names.split()}

_MONTH = "(?P<month>" + "|".join(sorted(map(re.escape, MONTHS), key=len, reverse=True)) + r")\b\.?"
_WEEKDAY = "(?P<weekday>" + "|".join(sorted(WEEKDAYS, key=len, reverse=True)) + r")(?:-feira)?"
_YEAR = r"(?:,?\s+(?:de\s+)?(?P<year>\d{4}))?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th|er|o|º|°|\.)?"
_PATTERNS = (
    re.compile(r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"),
    re.compile(rf"(?:{_WEEKDAY},?\s+)?(?:the\s+)?{_DAY}\s*(?:of\s+|de\s+)?{_MONTH}{_YEAR}"),
    re.compile(rf"(?:{_WEEKDAY},?\s+)?{_MONTH}\s+(?:the\s+)?{_DAY}\b{_YEAR}"),
    re.compile(
        r"(?<![\d:])(?P<day>\d{1,2})(?P<sep>[./-])(?P<month>\d{1,2})"
        r"(?:(?P=sep)(?P<year>\d{4}|\d{2}))?(?![\d:])(?!\s?(?:am|pm|h\b|uhr))"
    ),
    re.compile(rf"\b{_WEEKDAY}\b"),
    re.compile(r"\b(?:the\s+)?(?P<day>\d{1,2})(?:st|nd|rd|th)\b"),
    re.compile(r"\b(?P<tomorrow>tomorrow|morgen|demain|manana|amanha|domani)\b"),
)
# Triggers in order of trust: a stated return beats "until", which beats "from".
_TRIGGERS = (
    r"\b(back|return|returning|returns|wieder|zuruck|retour|de retour|reviens|regreso|regresare|"
    r"vuelvo|volvere|retorno|retornarei|regresso|volto|rientro|rientrero|torno|tornero|"
    r"di ritorno|terug|weer op kantoor|reopen(s|ing)?|rouvr\w+|reabr\w+|riapr\w+|heropen\w*)\b",
    r"\b(until|till|til|through|thru|bis|jusqu'?(au|a|le)?|hasta|ate|fino (al|a)|al(?= \d)|"
    r"to(?= (the )?\d)|tot( en met)?)\b",
    r"(\bab\b|\ba partir d[eu]s?\b|\ba partir del\b|\bdal\b|\bdesde\b|\bvanaf\b)",
)
# "ben 9 december terug", "ab 7.1. wieder da": the date stands before the word.
_BACK_AFTER = re.compile(r"\b(terug|zuruck|wieder (da|im (buro|haus)|erreichbar))\b")
_WINDOW = 48


def parse_return_date(folded: str, today: date) -> date | None:
    """The first return date stated after a return/until/from word, or None."""
    for trigger in _TRIGGERS:
        for match in re.finditer(trigger, folded):
            found = _date_after(folded[match.end() : match.end() + _WINDOW], today)
            if found:
                return found
    for match in _BACK_AFTER.finditer(folded):
        before = folded[max(0, match.start() - 24) : match.start()]
        found = _date_after(re.split(r"[.!?\n;]\s", before)[-1], today)
        if found:
            return found
    return None


def _date_after(window: str, today: date) -> date | None:
    candidates = []
    for pattern in _PATTERNS:
        for match in pattern.finditer(window):
            if re.search(r"[!?\n]|\.\s|;", window[: match.start()]):
                break  # the date belongs to another sentence
            value = _to_date(match, today)
            if value:
                candidates.append((match.start(), -(match.end() - match.start()), value))
                break
    return min(candidates)[2] if candidates else None


def _to_date(match: re.Match[str], today: date) -> date | None:
    parts = match.groupdict()
    if parts.get("tomorrow"):
        return today + timedelta(days=1)
    if parts.get("weekday") and not parts.get("day"):
        ahead = (WEEKDAYS[parts["weekday"]] - today.weekday() - 1) % 7 + 1
        return today + timedelta(days=ahead)
    day = int(parts["day"])
    month_text = parts.get("month")
    if month_text is None:
        return _infer_year(day, today.month, None, today, roll_month=True)
    month = MONTHS[month_text] if month_text in MONTHS else int(month_text)
    if month > 12 and parts.get("sep") == "/" and day <= 12:
        day, month = month, day  # US style 01/14
    return _infer_year(day, month, parts.get("year"), today)


def _infer_year(
    day: int, month: int, year: str | None, today: date, *, roll_month: bool = False
) -> date | None:
    try:
        if year:
            return date(int(year) + (2000 if len(year) == 2 else 0), month, day)
        candidate = date(today.year, month, day)
    except ValueError:
        return None
    if roll_month and candidate < today:  # "until the 3rd" said on the 20th: next month
        return _infer_year(day, month % 12 + 1, str(today.year + (month == 12)), today)
    # A few weeks in the past is a stale auto-reply; further back means next year.
    if candidate < today - timedelta(days=30):
        return candidate.replace(year=today.year + 1)
    return candidate
