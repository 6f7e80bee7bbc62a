"""Reply classification in seven languages, on the labelled corpus of tests/aiengine/corpus.

Prints the offline rules' accuracy per language and per intent (tuning and held-out apart),
the unsubscribes missed and the refusals taken for meetings, the delegates and return dates
extracted, and the quoted-text removers side by side (hand rules, mail-parser-reply). Then the
same corpus through the LLM path: the configured providers when a key is set, otherwise the
local fake OpenAI server, whose figure shows the plumbing, not a model.

    .venv/bin/python bench/classifier.py [--llm auto|fake|off]

The LLM part records usage rows, so it needs a database: DATABASE_URL defaults to
postgres://postgres@127.0.0.1:5432/jengu_bench (created and migrated when missing).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiengine.rules import Classification, Intent, needs_llm
from aiengine.rules.classify import classify_text
from aiengine.rules.quoting import STRATEGIES
from tests.aiengine.reply_corpus import (
    LANGUAGES,
    SPLITS,
    Sample,
    Score,
    classify_offline,
    load,
    score,
    score_quoting,
)

KEYS = ("GROK_API_KEY", "ANTHROPIC_API_KEY", "OPENAI_API_KEY")
FAKE_ANSWER = {  # what the fake says to every reply: it cannot read
    "intent": "unclear",
    "confidence": 0.5,
    "reason": "local fake",
    "return_date": None,
    "delegate_email": None,
    "delegate_name": None,
}


def pct(right: int, total: int) -> str:
    return f"{100 * right / total:5.1f}% ({right:>3}/{total:<3})" if total else "    -"


def offline(samples: dict[str, list[Sample]]) -> dict[str, Score]:
    scores = {split: score(rows) for split, rows in samples.items()}
    scores["all"] = score(samples["tuning"] + samples["heldout"])
    names = {"tuning": "tuning", "heldout": "held-out", "all": "all"}
    print("Offline rules (what inspect_message reports as intent)")
    print(f"{'':22}" + "".join(f"{names[k]:>20}" for k in scores))
    for lang in LANGUAGES:
        print(f"  {lang:20}" + "".join(f"{pct(*s.by_lang[lang]):>20}" for s in scores.values()))
    print(f"  {'overall':20}" + "".join(f"{pct(s.right, s.total):>20}" for s in scores.values()))
    print()
    for intent in Intent:
        cells = [pct(*s.by_intent[intent.value]) for s in scores.values()]
        print(f"  {intent.value:20}" + "".join(f"{c:>20}" for c in cells))
    print()
    counts: list[tuple[str, Callable[[Score], int]]] = [
        ("unsubscribes missed", lambda s: len(s.unsubscribes_missed)),
        ("refusals as meetings", lambda s: len(s.refusals_as_meetings)),
    ]
    for label, count in counts:
        print(f"  {label:20}" + "".join(f"{count(s):>20}" for s in scores.values()))
    details(samples)
    return scores


def details(samples: dict[str, list[Sample]]) -> None:
    """Delegate addresses and return dates extracted, per split."""
    cells: dict[str, list[str]] = {"delegate addresses": [], "return dates": []}
    for rows in (samples["tuning"], samples["heldout"], samples["tuning"] + samples["heldout"]):
        delegates = [s for s in rows if s.delegate]
        backs = [s for s in rows if s.back]
        got_delegate = sum(_delegate(classify_offline(s)) == s.delegate for s in delegates)
        got_back = sum(classify_offline(s).return_date == s.back for s in backs)
        cells["delegate addresses"].append(pct(got_delegate, len(delegates)))
        cells["return dates"].append(pct(got_back, len(backs)))
    for label, row in cells.items():
        print(f"  {label:20}" + "".join(f"{c:>20}" for c in row))
    print()


def _delegate(verdict: Classification) -> str | None:
    return verdict.delegate_email.lower() if verdict.delegate_email else None


def quoting(samples: list[Sample]) -> None:
    print(f"Quoted-text removal, whole corpus ({len(samples)} replies)")
    head = ("accuracy", "quoted text left", "footer left", "reply text cut")
    print(f"  {'':26}" + "".join(f"{h:>20}" for h in head))
    for name, strip in STRATEGIES.items():
        result = score(samples, partial(_with_strip, strip=strip))
        q = score_quoting(samples, strip)
        cells = (f"{100 * result.accuracy:.1f}%", q.quoted_left, q.footers_left, q.reply_cut)
        print(f"  {name:26}" + "".join(f"{c:>20}" for c in cells))
    print()


def _with_strip(sample: Sample, strip: Callable[[str], str]) -> Classification:
    text = strip(sample.body)
    return classify_text(
        subject=sample.subject, text=text, headers=sample.headers, today=sample.today
    )


def llm(samples: list[Sample], mode: str, offline_all: Score) -> None:
    configured = any(os.environ.get(key) for key in KEYS)
    if mode == "off":
        print("LLM: not run (--llm off)")
        return
    if mode == "fake" or not configured:
        from tests.servers.llm import OpenAIFake

        with OpenAIFake(api_key="bench-key") as fake:
            _configure(fake.base_url, fake.api_key)
            print("LLM: the local fake OpenAI server (answers 'unclear' to everything; the")
            print("figures show that the corpus goes through the LLM path, not a model's skill)")
            _llm_figures(samples, offline_all, lambda: fake.reply_json(FAKE_ANSWER))
        return
    from bench._django import setup

    setup("jengu_bench")
    print("LLM: the configured providers")
    _llm_figures(samples, offline_all, lambda: None)


def _configure(base_url: str, api_key: str) -> None:
    os.environ.update(
        OPENAI_API_KEY=api_key,
        OPENAI_BASE_URL=base_url,
        OPENAI_MODEL="gpt-4o-mini",
        GROK_API_KEY="",
        ANTHROPIC_API_KEY="",
        AI_PROVIDER_ORDER="openai",
        AI_DAILY_BUDGET_USD="1000000",
        AI_LIMITS_OPENAI="-/-/-",  # every reply gets its call
        LOG_LEVEL="WARNING",
    )
    from bench._django import setup

    setup("jengu_bench")


def _llm_figures(samples: list[Sample], offline_all: Score, script: Callable[[], Any]) -> None:
    from aiengine.services.classifying import classify_reply_llm, classify_reply_text

    calls = {"every": 0, "unsure": 0}

    def every(sample: Sample) -> Classification:
        rules = classify_offline(sample)
        script()
        calls["every"] += 1
        verdict = classify_reply_llm(
            subject=sample.subject, body=sample.body, today=sample.today, rules=rules
        )
        return verdict or Classification(Intent.UNCLEAR, 0.0, "no provider answered")

    def hybrid(sample: Sample) -> Classification:
        if needs_llm(classify_offline(sample)):
            script()
            calls["unsure"] += 1
        return classify_reply_text(
            subject=sample.subject, body=sample.body, headers=sample.headers, today=sample.today
        )

    rows = [("offline rules", offline_all, "-")]
    rows.append(("LLM on every reply", score(samples, every), str(calls["every"])))
    rows.append(("rules, LLM when unsure", score(samples, hybrid), str(calls["unsure"])))
    print(f"  {'':26}{'accuracy':>12}{'unsub missed':>14}{'refusal->meeting':>18}{'LLM calls':>11}")
    for name, result, n in rows:
        print(
            f"  {name:26}{100 * result.accuracy:>11.1f}%{len(result.unsubscribes_missed):>14}"
            f"{len(result.refusals_as_meetings):>18}{n:>11}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--llm", choices=("auto", "fake", "off"), default="auto")
    args = parser.parse_args()
    samples = {split: load(split) for split in SPLITS}
    everything = samples["tuning"] + samples["heldout"]
    counts = ", ".join(f"{split} {len(rows)}" for split, rows in samples.items())
    print(f"Labelled replies: {len(everything)} ({counts})\n")
    scores = offline(samples)
    quoting(everything)
    llm(everything, args.llm, scores["all"])


if __name__ == "__main__":
    main()
