"""Replies understood in seven languages: the labelled corpus, and the tricky cases per language.

The corpus (tests/aiengine/corpus) has a held-out third written before any rule was tuned;
bench/classifier.py prints the same figures in full.
"""

from __future__ import annotations

import datetime
import json
from collections import Counter

import pytest
from django.core.management import call_command

from aiengine.rules import Intent, classify_reply
from aiengine.rules.quoting import strip_with_library
from aiengine.rules.text import strip_quoted
from tests.aiengine.reply_corpus import (
    CORPUS,
    LANGUAGES,
    Sample,
    classify_offline,
    load,
    score,
    score_quoting,
)

TODAY = datetime.date(2026, 11, 25)


@pytest.fixture(scope="module")
def corpus() -> list[Sample]:
    return load()


def test_corpus_has_300_replies_40_per_language_and_every_intent_in_every_language(
    corpus: list[Sample],
) -> None:
    assert len(corpus) >= 300
    per_language = Counter(s.lang for s in corpus)
    assert set(per_language) == set(LANGUAGES)
    assert min(per_language.values()) >= 40
    pairs = {(s.lang, s.intent) for s in corpus}
    assert {(lang, intent) for lang in LANGUAGES for intent in Intent} <= pairs
    assert len([s for s in corpus if s.split == "heldout"]) * 3 >= len(corpus) - 10
    assert any(s.mixed for s in corpus)


def test_held_out_accuracy_is_at_least_90_percent(corpus: list[Sample]) -> None:
    held_out = score(s for s in corpus if s.split == "heldout")
    assert held_out.accuracy >= 0.90, held_out.wrong


def test_no_unsubscribe_missed_and_no_refusal_taken_for_a_meeting(corpus: list[Sample]) -> None:
    result = score(corpus)
    assert result.unsubscribes_missed == []
    assert result.refusals_as_meetings == []


def test_delegates_addresses_and_return_dates_are_extracted(corpus: list[Sample]) -> None:
    delegations = [s for s in corpus if s.delegate]
    absences = [s for s in corpus if s.back]
    assert len(delegations) >= 35 and len(absences) >= 35
    for sample in delegations:
        verdict = classify_offline(sample)
        assert (verdict.delegate_email or "").lower() == sample.delegate, sample.id
    for sample in absences:
        assert classify_offline(sample).return_date == sample.back, sample.id


def test_the_hand_rules_strip_quotes_and_footers_better_than_mail_parser_reply(
    corpus: list[Sample],
) -> None:
    ours, library = score_quoting(corpus, strip_quoted), score_quoting(corpus, strip_with_library)
    assert ours.quoted_left == 0 and ours.footers_left == 0 and ours.reply_cut == 0
    assert library.quoted_left > ours.quoted_left  # why the classifier keeps its own rules


@pytest.mark.django_db
def test_inspect_message_reads_corpus_files(
    capsys: pytest.CaptureFixture[str], no_keys: None
) -> None:
    names = ("heldout-de-009", "heldout-it-009", "heldout-fr-013", "tuning-nl-011")
    files = [CORPUS / name.split("-")[0] / f"{name}.eml" for name in names]
    call_command("inspect_message", *map(str, files), "--json")
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [row["intent"] for row in rows] == [
        "unsubscribe",  # "Bitte keine weiteren E-Mails an diese Adresse."
        "unsubscribe",  # "Non scriveteci più, grazie."
        "out_of_office",
        "not_interested",  # "Geen interesse, bedankt."
    ]


# The tricky cases, one reply per language each: written for this test, not in the corpus.
REFUSAL_WITH_MEETING = {
    "en": "Thanks for the invitation for a call, but we're not interested.",
    "fr": "Merci pour l'invitation à un rendez-vous, mais ça ne nous intéresse pas.",
    "de": "Danke für das Angebot, aber an einem Termin haben wir kein Interesse.",
    "es": "Gracias por la invitación a una reunión, pero no nos interesa.",
    "it": "Grazie per l'invito a una call, ma non siamo interessati.",
    "pt": "Obrigado pelo convite para uma reunião, mas não temos interesse.",
    "nl": "Bedankt voor de uitnodiging voor een gesprek, maar we hebben geen interesse.",
}
NOT_NOW = {
    "en": "Not at the moment, thanks. We're happy with our current setup.",
    "fr": "Pas pour l'instant, merci. Nous avons déjà un prestataire.",
    "de": "Derzeit nicht, danke. Wir arbeiten bereits mit einer Agentur.",
    "es": "De momento no, gracias. Ya trabajamos con una empresa.",
    "it": "Per il momento no, grazie. Lavoriamo già con un'agenzia.",
    "pt": "De momento não, obrigado. Já trabalhamos com uma agência.",
    "nl": "Op dit moment niet, bedankt. We werken al met een bureau.",
}
REMOVE_ME = {
    "en": "Please remove me from your list.",
    "fr": "Merci de ne plus m'écrire.",
    "de": "Bitte keine weiteren E-Mails.",
    "es": "No me escriban más, por favor.",
    "it": "Non scriveteci più.",
    "pt": "Por favor não enviem mais emails.",
    "nl": "Stuur mij geen e-mails meer.",
}
# Each language's "On ... wrote:" line and Outlook header block, above a quoted pitch that
# says "unsubscribe" and offers a meeting: none of it is the prospect's.
ON_WROTE = {
    "en": "On Tue, 24 Nov 2026 at 09:12, Léa Martin <lea@jengu.example> wrote:",
    "fr": "Le mar. 24 nov. 2026 à 09:12, Léa Martin <lea@jengu.example> a écrit :",
    "de": "Am Di., 24. Nov. 2026 um 09:12 Uhr schrieb Léa Martin <lea@jengu.example>:",
    "es": "El mar, 24 nov 2026 a las 9:12, Léa Martin (<lea@jengu.example>) escribió:",
    "it": "Il giorno mar 24 nov 2026 alle ore 09:12 Léa Martin <lea@jengu.example> ha scritto:",
    "pt": "Em ter., 24 de nov. de 2026 às 09:12, Léa Martin <lea@jengu.example> escreveu:",
    "nl": "Op di 24 nov. 2026 om 09:12 schreef Léa Martin <lea@jengu.example>:",
}
OUTLOOK = {
    "en": ("From:", "Sent:", "To:", "Subject:"),
    "fr": ("De :", "Envoyé :", "À :", "Objet :"),
    "de": ("Von:", "Gesendet:", "An:", "Betreff:"),
    "es": ("De:", "Enviado el:", "Para:", "Asunto:"),
    "it": ("Da:", "Inviato:", "A:", "Oggetto:"),
    "pt": ("De:", "Enviado:", "Para:", "Assunto:"),
    "nl": ("Van:", "Verzonden:", "Aan:", "Onderwerp:"),
}
PITCH = "Would you like a meeting next week?\nNot interested? Unsubscribe here.\n\nLéa"
FOOTERS = {
    "en": "Registered in England No. 0451. To unsubscribe from our newsletter, click here.",
    "fr": "Ce message et ses pièces jointes sont confidentiels. Pour vous désinscrire, cliquez.",
    "de": "Diese E-Mail enthält vertrauliche Informationen. Newsletter abmelden: hier.",
    "es": "AVISO LEGAL: este mensaje es confidencial. Para darse de baja, escriba a lopd@h.es.",
    "it": "Ai sensi del GDPR può chiedere la cancellazione dei suoi dati. Disiscriviti qui.",
    "pt": "Para deixar de receber a nossa newsletter, cancele a subscrição aqui.",
    "nl": "Dit e-mailbericht is uitsluitend bestemd voor de geadresseerde. Afmelden: klik hier.",
}
QUESTION = {
    "en": "How much does it cost for 30 rooms?",
    "fr": "Combien ça coûte pour 30 chambres ?",
    "de": "Was kostet das für 30 Zimmer?",
    "es": "¿Cuánto cuesta para 30 habitaciones?",
    "it": "Quanto costa per 30 camere?",
    "pt": "Quanto custa para 30 quartos?",
    "nl": "Wat kost het voor 30 kamers?",
}


def _classify(body: str) -> Intent:
    return classify_reply(subject="Re: Quick question", body=body, today=TODAY).intent


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_polite_refusal_that_mentions_a_meeting_is_a_refusal(lang: str) -> None:
    assert _classify(REFUSAL_WITH_MEETING[lang]) == Intent.NOT_INTERESTED


@pytest.mark.parametrize("lang", LANGUAGES)
def test_not_now_is_a_refusal(lang: str) -> None:
    assert _classify(NOT_NOW[lang]) == Intent.NOT_INTERESTED


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_unsubscribe_without_the_word_is_an_unsubscribe(lang: str) -> None:
    assert _classify(REMOVE_ME[lang]) == Intent.UNSUBSCRIBE


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_quoted_pitch_under_on_wrote_is_not_read(lang: str) -> None:
    quoted = "\n".join(f"> {line}" for line in PITCH.splitlines())
    body = f"{QUESTION[lang]}\n\n{ON_WROTE[lang]}\n\n{quoted}\n"
    assert _classify(body) == Intent.NEEDS_INFO


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_quoted_pitch_under_an_outlook_header_block_is_not_read(lang: str) -> None:
    frm, sent, to, subject = OUTLOOK[lang]
    block = (
        f"{frm} Léa Martin <lea@jengu.example>\n{sent} 24.11.2026 09:12\n"
        f"{to} info@hotel.example\n{subject} Quick question\n"
    )
    body = f"{QUESTION[lang]}\n\n________________________________\n{block}\n{PITCH}\n"
    assert _classify(body) == Intent.NEEDS_INFO


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_legal_footer_that_offers_an_unsubscribe_is_not_an_unsubscribe(lang: str) -> None:
    body = f"{QUESTION[lang]}\n\nMarta\nHotel Mirador\n\n{FOOTERS[lang]}\n"
    assert _classify(body) == Intent.NEEDS_INFO
