"""The labelled reply corpus (tests/aiengine/corpus) and how it is scored.

Shared by the tests and ``bench/classifier.py`` so both measure the same thing the same way.
Stdlib only (plus ``aiengine.rules``), so the offline benchmark needs no database.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from pathlib import Path

from aiengine.rules import Classification, Intent, classify_reply
from aiengine.rules.text import html_to_text

CORPUS = Path(__file__).resolve().parent / "corpus"
SPLITS = ("tuning", "heldout")
LANGUAGES = ("en", "fr", "de", "es", "it", "pt", "nl")
REFUSALS = {Intent.NOT_INTERESTED, Intent.UNSUBSCRIBE}


@dataclass(frozen=True)
class Sample:
    id: str
    split: str
    path: Path
    lang: str
    intent: Intent
    subject: str
    body: str
    headers: dict[str, str]
    today: datetime.date
    delegate: str | None = None
    back: datetime.date | None = None
    mixed: bool = False


def load(split: str | None = None) -> list[Sample]:
    """Every sample of one split (or both), in file order."""
    splits = [split] if split else list(SPLITS)
    return [read(path, name) for name in splits for path in sorted((CORPUS / name).glob("*.eml"))]


def read(path: Path, split: str) -> Sample:
    msg = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    assert isinstance(msg, EmailMessage)
    part = msg.get_body(preferencelist=("plain", "html"))
    back = msg.get("X-Corpus-Return")
    return Sample(
        id=path.stem,
        split=split,
        path=path,
        lang=str(msg["X-Corpus-Lang"]),
        intent=Intent(str(msg["X-Corpus-Intent"])),
        subject=str(msg.get("Subject", "")),
        body=part.get_content() if part is not None else "",
        headers={k: str(v) for k, v in msg.items() if not k.lower().startswith("x-corpus")},
        today=parsedate_to_datetime(str(msg["Date"])).date(),
        delegate=str(msg["X-Corpus-Delegate"]) if msg.get("X-Corpus-Delegate") else None,
        back=datetime.date.fromisoformat(str(back)) if back else None,
        mixed=msg.get("X-Corpus-Mixed") == "yes",
    )


def classify_offline(
    sample: Sample, prestrip: Callable[[str], str] | None = None
) -> Classification:
    body = prestrip(sample.body) if prestrip else sample.body
    return classify_reply(
        subject=sample.subject, body=body, headers=sample.headers, today=sample.today
    )


@dataclass
class Score:
    """Accuracy and the two errors that must never happen."""

    total: int = 0
    right: int = 0
    by_lang: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    by_intent: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    unsubscribes_missed: list[str] = field(default_factory=list)
    refusals_as_meetings: list[str] = field(default_factory=list)
    wrong: list[tuple[str, str, str]] = field(default_factory=list)  # id, expected, got
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 0.0

    def add(self, sample: Sample, got: Classification) -> None:
        ok = got.intent == sample.intent
        self.total += 1
        self.right += ok
        for table, key in ((self.by_lang, sample.lang), (self.by_intent, sample.intent.value)):
            table[key][0] += ok
            table[key][1] += 1
        if not ok:
            self.wrong.append((sample.id, sample.intent.value, got.intent.value))
            self.confusion[(sample.intent.value, got.intent.value)] += 1
        if sample.intent == Intent.UNSUBSCRIBE and got.intent != Intent.UNSUBSCRIBE:
            self.unsubscribes_missed.append(sample.id)
        if sample.intent in REFUSALS and got.intent == Intent.MEETING_REQUEST:
            self.refusals_as_meetings.append(sample.id)


def score(
    samples: Iterable[Sample], classify: Callable[[Sample], Classification] = classify_offline
) -> Score:
    result = Score()
    for sample in samples:
        result.add(sample, classify(sample))
    return result


# Distinctive words of the corpus's legal footers and newsletter notices, in seven languages.
FOOTER_MARKS = re.compile(
    r"confidential|vertrauliche|confidenciales|riservate|confidencialidade|uitsluitend bestemd|"
    r"consider the environment|an die umwelt|aan het milieu|medio ambiente|l'environnement|"
    r"pensa all'ambiente|pense no ambiente|newsletter|lettre d'information|registered in|kvk |"
    r"nipc|p\. iva|rcs |fn \d",
    re.IGNORECASE,
)


@dataclass
class QuotingScore:
    """How well a quoted-text remover keeps the author's words and drops everything else."""

    quoted_left: int = 0  # our quoted pitch (or its attribution) still in the text
    footers_left: int = 0
    reply_cut: int = 0  # the reply's first line lost


def score_quoting(samples: Iterable[Sample], strip: Callable[[str], str]) -> QuotingScore:
    result = QuotingScore()
    for sample in samples:
        text = strip(sample.body)
        result.quoted_left += "jengu" in text.lower()
        result.footers_left += bool(FOOTER_MARKS.search(text))
        typed = html_to_text(sample.body)
        first = next((line.strip() for line in typed.splitlines() if line.strip()), "")
        result.reply_cut += first not in text
    return result
