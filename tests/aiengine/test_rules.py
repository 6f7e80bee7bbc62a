from __future__ import annotations

import datetime

import pytest

from aiengine.rules import Classification, Intent, classify_reply, needs_llm

TODAY = datetime.date(2026, 11, 28)  # a Saturday
OUR_EMAIL = """

On Tue, 24 Nov 2026 at 09:12, Ana Ribeiro <ana@jengu.ai> wrote:
> Hi, would you like to set up a quick call to see how Jengu answers guest
> enquiries for you? Happy to send pricing and more information.
> Not interested? Just reply and I won't follow up.
"""

# (id, subject, body, expected intent). Bodies are what hotel staff actually send: often short,
# often in their own language, always above our quoted email (added by the test).
REPLIES = [
    (
        "gm-yes-call",
        "Re: Guest enquiries at Casa Azul",
        "Hi Ana,\n\nYes, let's set up a call. Tuesday at 3pm works for me.\n\nBest,\nJorge",
        Intent.MEETING_REQUEST,
    ),
    (
        "owner-phone",
        "Re: Quick question",
        "Sounds good. Give me a call on +44 20 7946 0958 tomorrow morning.",
        Intent.MEETING_REQUEST,
    ),
    (
        "rm-invite",
        "Re: Direct bookings",
        "Hello,\nthis is timely - we were just discussing response times. Send me a calendar "
        "invite for next week and I'll bring our front office manager.\nThanks\nPriya Shah\n"
        "Revenue Manager",
        Intent.MEETING_REQUEST,
    ),
    (
        "gm-free-thursday",
        "Re: The Harbour Inn",
        "Are you free Thursday afternoon? I could do 20 minutes after 2.",
        Intent.MEETING_REQUEST,
    ),
    (
        "how-about-monday",
        "Re: A question",
        "Hi - how about Monday 10am? I'm in the office all morning.",
        Intent.MEETING_REQUEST,
    ),
    (
        "de-termin",
        "AW: Gästeanfragen im Hotel Adler",
        "Hallo Frau Ribeiro,\n\ngerne können wir einen Termin vereinbaren. Passt Ihnen Mittwoch "
        "um 10 Uhr?\n\nMit freundlichen Grüßen\nKlaus Weber\nDirektor",
        Intent.MEETING_REQUEST,
    ),
    (
        "fr-rdv",
        "RE: Hôtel des Arts",
        "Bonjour,\n\nVolontiers pour un rendez-vous la semaine prochaine. Appelez-moi au "
        "06 12 34 56 78.\n\nCordialement,\nSophie Martin",
        Intent.MEETING_REQUEST,
    ),
    (
        "es-llamada",
        "RE: Hotel Sol y Mar",
        "Hola Ana, podemos hablar el jueves. ¿Te va bien una llamada a las 11?\nSaludos",
        Intent.MEETING_REQUEST,
    ),
    (
        "pt-reuniao",
        "Re: Pousada do Rio",
        "Olá! Podemos marcar uma reunião na próxima semana? Tenho interesse.\nObrigado",
        Intent.MEETING_REQUEST,
    ),
    (
        "it-chiamata",
        "R: Albergo Roma",
        "Buongiorno, possiamo sentirci giovedì per una chiamata veloce?\nCordiali saluti\nMarco",
        Intent.MEETING_REQUEST,
    ),
    (
        "assistant-schedules",
        "Re: Casa Azul",
        "Happy to learn more. Please contact my assistant Laura (laura.g@casa-azul.pt) to "
        "schedule a time.",
        Intent.MEETING_REQUEST,
    ),
    ("interested-short", "Re: Quick question", "This sounds interesting.", Intent.INTERESTED),
    (
        "interested-owner",
        "Re: Villa Serena",
        "Hi,\n\nWe'd be interested, we get a lot of emails in high season and my team can't keep "
        "up. What's the next step?\n\nRegards\nElena",
        Intent.INTERESTED,
    ),
    (
        "de-interessant",
        "AW: Pension Seeblick",
        "Klingt interessant. Ich melde mich nach der Saison noch einmal.\nViele Grüße",
        Intent.INTERESTED,
    ),
    (
        "fr-interesse",
        "RE: Le Petit Hôtel",
        "Bonjour, c'est intéressant, je suis intéressée. Merci !",
        Intent.INTERESTED,
    ),
    ("es-interesa", "RE: Hostal Luna", "Me interesa, gracias por escribir.", Intent.INTERESTED),
    (
        "it-interessati",
        "R: Hotel Lago",
        "Siamo interessati, grazie.\n\nInviato da iPhone",
        Intent.INTERESTED,
    ),
    (
        "pricing",
        "Re: Guest enquiries",
        "How much does it cost for a 24-room hotel? We're a small family business.",
        Intent.NEEDS_INFO,
    ),
    (
        "send-info",
        "Re: The Old Mill",
        "Hi Ana, could you send me some more information and a few examples? I'll share it with "
        "the owners before we decide anything.\nThanks,\nTom",
        Intent.NEEDS_INFO,
    ),
    (
        "integration",
        "Re: Direct bookings",
        "Does it integrate with Mews? That's our PMS and the channel manager.",
        Intent.NEEDS_INFO,
    ),
    (
        "de-unterlagen",
        "AW: Hotel Adler",
        "Schicken Sie mir bitte Unterlagen und Preise per E-Mail.",
        Intent.NEEDS_INFO,
    ),
    (
        "fr-tarifs",
        "RE: Hôtel des Arts",
        "Pouvez-vous m'envoyer vos tarifs et plus d'informations ?",
        Intent.NEEDS_INFO,
    ),
    (
        "es-precio",
        "RE: Hotel Sol",
        "¿Cuánto cuesta y cómo funciona exactamente?",
        Intent.NEEDS_INFO,
    ),
    (
        "not-interested-dont-call",
        "Re: Quick question",
        "Not interested, don't call me.",
        Intent.NOT_INTERESTED,
    ),
    (
        "no-thanks-polite",
        "Re: Casa Azul",
        "Thanks Ana but no thanks - we handle all our emails in-house and are happy with it.",
        Intent.NOT_INTERESTED,
    ),
    (
        "already-have",
        "Re: Guest messaging",
        "We already have a provider for this and we're happy with our current setup.",
        Intent.NOT_INTERESTED,
    ),
    (
        "not-now",
        "Re: The Harbour Inn",
        "Not right now. We are renovating until spring.",
        Intent.NOT_INTERESTED,
    ),
    ("de-kein-interesse", "AW: Hotel Adler", "Kein Interesse. MfG", Intent.NOT_INTERESTED),
    (
        "fr-pas-interesse",
        "RE: Hôtel des Arts",
        "Nous ne sommes pas intéressés, merci.",
        Intent.NOT_INTERESTED,
    ),
    ("es-no-interesa", "RE: Hostal Luna", "No nos interesa, gracias.", Intent.NOT_INTERESTED),
    ("pt-nao-interesse", "Re: Pousada", "Não temos interesse, obrigado.", Intent.NOT_INTERESTED),
    ("it-non-interessa", "R: Albergo", "Non ci interessa, grazie.", Intent.NOT_INTERESTED),
    (
        "delegate-revenue",
        "Re: Direct bookings",
        "Hi Ana,\n\nI'm not the right person for this. Please reach out to our Revenue Manager, "
        "João Silva, at joao.silva@pousadadorio.pt.\n\nBest\nCarla",
        Intent.DELEGATION,
    ),
    (
        "delegate-forwarded",
        "Re: Villa Serena",
        "I've forwarded your email to our owner, Mr. Rossi. He decides on these things.",
        Intent.DELEGATION,
    ),
    (
        "de-delegate",
        "AW: Hotel Adler",
        "Bitte wenden Sie sich an meine Kollegin Frau Huber (huber@hotel-adler.at).",
        Intent.DELEGATION,
    ),
    (
        "left-company-auto",
        "Automatic reply: Guest enquiries",
        "Thank you for your email. Nina no longer works at the Harbour Inn. Please write to "
        "manager@harbourinn.co.uk for anything related to the hotel.",
        Intent.DELEGATION,
    ),
    (
        "ooo-english",
        "Automatic reply: Quick question",
        "I am out of the office with limited access to email until 12 January. For urgent "
        "matters please contact reception@oldmill.ie.",
        Intent.OUT_OF_OFFICE,
    ),
    (
        "ooo-german",
        "Abwesenheitsnotiz: Gästeanfragen",
        "Vielen Dank für Ihre Nachricht. Ich bin bis zum 14.01. nicht im Büro und habe keinen "
        "Zugriff auf meine E-Mails.",
        Intent.OUT_OF_OFFICE,
    ),
    (
        "ooo-french",
        "Réponse automatique : Hôtel des Arts",
        "Je suis absente du bureau, de retour le 5 janvier.",
        Intent.OUT_OF_OFFICE,
    ),
    (
        "ooo-spanish",
        "RE: Hotel Sol",
        "Estoy de vacaciones hasta el 7 de enero. Responderé a su correo a mi regreso.",
        Intent.OUT_OF_OFFICE,
    ),
    (
        "unsubscribe",
        "Re: Quick question",
        "Please remove me from your mailing list.",
        Intent.UNSUBSCRIBE,
    ),
    (
        "unsub-stop",
        "Re: Casa Azul",
        "Stop emailing me. This is the third message. Not interested.",
        Intent.UNSUBSCRIBE,
    ),
    ("de-abmelden", "AW: Hotel Adler", "Bitte aus dem Verteiler austragen.", Intent.UNSUBSCRIBE),
    (
        "es-baja",
        "RE: Hostal Luna",
        "Por favor, denme de baja. No me escriban más.",
        Intent.UNSUBSCRIBE,
    ),
    (
        "long-owner-call",
        "Re: Villa Serena",
        "Hello Ana,\n\nThanks for your note. Timing is funny - last August we lost at least a "
        "dozen group enquiries because nobody answered over the weekend, and my reservations "
        "lady is retiring in the spring. I have no idea whether software can fix that, but I'd "
        "like to understand what you do.\n\nCall me when you have a moment, I'm usually at the "
        "property in the mornings: +39 0577 123456.\n\nGiulia Benedetti\nOwner",
        Intent.MEETING_REQUEST,
    ),
    (
        "maybe-next-year",
        "Re: Quick question",
        "Maybe next year, we just signed a two-year contract with another company.",
        Intent.NOT_INTERESTED,
    ),
    (
        "de-derzeit-nicht",
        "AW: Hotel Adler",
        "Derzeit nicht, wir sind bis März im Umbau.\nGruß",
        Intent.NOT_INTERESTED,
    ),
    (
        "it-info",
        "R: Hotel Lago",
        "Buongiorno, potete mandarmi maggiori informazioni sui prezzi?",
        Intent.NEEDS_INFO,
    ),
    (
        "pt-info",
        "Re: Pousada do Rio",
        "Bom dia, podem enviar mais informações e o preço?",
        Intent.NEEDS_INFO,
    ),
    (
        "cc-revenue",
        "Re: Direct bookings",
        "I've cc'd our revenue manager Tom Price who looks after distribution for the group.",
        Intent.DELEGATION,
    ),
    (
        "fr-unsub",
        "RE: Le Petit Hôtel",
        "Merci de me désinscrire de votre liste.",
        Intent.UNSUBSCRIBE,
    ),
    ("it-unsub", "R: Albergo Roma", "Non mi scriva più, grazie.", Intent.UNSUBSCRIBE),
    (
        "pt-ooo",
        "Re: Pousada do Rio",
        "Estou de férias até 10 de janeiro, com acesso limitado ao e-mail.",
        Intent.OUT_OF_OFFICE,
    ),
    (
        "shared-director",
        "Re: Hotel Atlântico",
        "Good morning,\n\nI have shared your email with our Director of Sales, Marta Nunes "
        "(marta.nunes@hotelatlantico.pt), who will be in touch if relevant.\n\nKind regards,\nRui",
        Intent.DELEGATION,
    ),
    (
        "es-recepcion",
        "RE: Hotel Sol",
        "Hola, soy la recepcionista. Le paso su correo a la gerente, Laura Gómez "
        "(laura@hotelsol.es).",
        Intent.DELEGATION,
    ),
    (
        "free-trial",
        "Re: Quick question",
        "What's the catch? Is there a free trial?",
        Intent.NEEDS_INFO,
    ),
    (
        "kindly-remove",
        "Re: Guest enquiries",
        "Kindly remove this email address from your database.",
        Intent.UNSUBSCRIBE,
    ),
    (
        "de-kein-budget",
        "AW: Pension Seeblick",
        "Danke für Ihre Nachricht. Wir haben kein Budget dafür.",
        Intent.NOT_INTERESTED,
    ),
    (
        "auto-ack",
        "Re: Quick question",
        "Dear Sir/Madam, thank you for contacting Hotel Miramar. We have received your enquiry "
        "and will reply within 24 hours.",
        Intent.OUT_OF_OFFICE,
    ),
    (
        "it-call-me",
        "R: Albergo Roma",
        "Salve, mi può chiamare domani mattina al 333 1234567?",
        Intent.MEETING_REQUEST,
    ),
    ("unclear-emoji", "Re: Quick question", "👍", Intent.UNCLEAR),
    ("unclear-who", "Re: Guest enquiries", "Received, thank you.", Intent.UNCLEAR),
]


@pytest.mark.parametrize(
    ("subject", "body", "expected"),
    [(s, b, e) for _, s, b, e in REPLIES],
    ids=[case[0] for case in REPLIES],
)
def test_realistic_replies_are_classified_offline(
    subject: str, body: str, expected: Intent
) -> None:
    verdict = classify_reply(subject=subject, body=body + OUR_EMAIL, today=TODAY)

    assert verdict.intent == expected, verdict.reason
    assert verdict.decided_by == "rules"
    assert 0.0 <= verdict.confidence <= 1.0


def test_table_covers_every_intent_and_enough_replies() -> None:
    assert len(REPLIES) >= 40
    assert {case[3] for case in REPLIES} == set(Intent)


@pytest.mark.parametrize(
    "body",
    [
        "Not interested, don't call me.",
        "I'm not interested in a meeting. Please don't call.",
        "No thanks. We don't need a call about this.",
        "We are not looking for this. No calls please.",
    ],
)
def test_refusals_that_mention_calls_are_never_meeting_requests(body: str) -> None:
    verdict = classify_reply(subject="Re: Quick question", body=body, today=TODAY)

    assert verdict.intent == Intent.NOT_INTERESTED


def test_declining_a_call_alone_is_not_a_meeting_request_and_asks_for_a_model() -> None:
    verdict = classify_reply(subject="Re: x", body="I'm not available for a call.", today=TODAY)

    assert verdict.intent != Intent.MEETING_REQUEST
    assert needs_llm(verdict)


def test_declining_a_call_but_asking_for_information_is_needs_info() -> None:
    body = "I'm not interested in a call, but please send me some information by email."

    verdict = classify_reply(subject="Re: x", body=body, today=TODAY)

    assert verdict.intent == Intent.NEEDS_INFO


def test_another_day_offered_after_declining_one_is_a_meeting_request() -> None:
    body = "I'm not available for a call on Monday, but Wednesday afternoon works."

    verdict = classify_reply(subject="Re: x", body=body, today=TODAY)

    assert verdict.intent == Intent.MEETING_REQUEST


def test_someone_away_who_wants_to_talk_is_a_meeting_request_with_their_return_date() -> None:
    body = "I'm out of the office until Monday 7 December, but yes, let's set up a call after."

    verdict = classify_reply(subject="Re: x", body=body, today=TODAY)

    assert verdict.intent == Intent.MEETING_REQUEST
    assert verdict.return_date == datetime.date(2026, 12, 7)
    assert needs_llm(verdict)  # it could also be an auto-reply footer: worth a second opinion


def test_a_brush_off_with_a_clear_positive_keeps_the_positive_but_is_unsure() -> None:
    body = "We already have a system for this, but I'd be happy to talk next week."

    verdict = classify_reply(subject="Re: x", body=body, today=TODAY)

    assert verdict.intent == Intent.MEETING_REQUEST
    assert needs_llm(verdict)


@pytest.mark.parametrize(
    "quote",
    [
        "On Tue, 24 Nov 2026 at 09:12, Ana <ana@jengu.ai> wrote:\nShall we set up a call?",
        "On Tue, 24 Nov 2026 at 09:12, Ana Ribeiro <ana@jengu.ai>\nwrote:\n\nLet's talk Monday.",
        "> Would you be free for a quick call next week?\n> Ana",
        "-----Original Message-----\nFrom: Ana\nLet's schedule a meeting this week.",
        "From: Ana Ribeiro <ana@jengu.ai>\nSent: Tuesday, November 24, 2026 9:12 AM\n"
        "To: Jorge\nSubject: Quick question\n\nAre you available for a call on Thursday?",
        "________________________________\nDe : Ana\nEnvoyé : mardi\nUn appel la semaine "
        "prochaine ?",
        "Am 24.11.2026 um 09:12 schrieb Ana Ribeiro <ana@jengu.ai>:\nEinen Termin vereinbaren?",
    ],
)
def test_words_in_our_quoted_email_do_not_count(quote: str) -> None:
    body = f"Thanks for reaching out.\n\n{quote}"

    verdict = classify_reply(subject="Re: Quick question", body=body, today=TODAY)

    assert verdict.intent == Intent.UNCLEAR


def test_a_reply_written_below_the_quote_is_read() -> None:
    body = (
        "On Tue, 24 Nov 2026 at 09:12, Ana <ana@jengu.ai> wrote:\n"
        "> Not interested? Just reply and I won't follow up.\n\n"
        "Quite the opposite - let's set up a call next week.\n"
    )

    verdict = classify_reply(subject="Re: x", body=body, today=TODAY)

    assert verdict.intent == Intent.MEETING_REQUEST


def test_answers_between_quoted_lines_are_read() -> None:
    body = (
        "> Would a 15-minute call next week be useful?\n"
        "No thanks.\n"
        "> Happy to send pricing.\n"
        "Not needed.\n"
    )

    verdict = classify_reply(subject="Re: x", body=body, today=TODAY)

    assert verdict.intent == Intent.NOT_INTERESTED


def test_words_in_the_signature_do_not_count() -> None:
    body = (
        "Received, I'll read it over the weekend.\n\nBest regards,\nLucy Hale\n"
        "Meetings & Events Manager | Book a call with our events team\nThe Old Mill"
    )

    verdict = classify_reply(subject="Re: Quick question", body=body, today=TODAY)

    assert verdict.intent == Intent.UNCLEAR


def test_thanks_under_a_greeting_does_not_hide_the_reply() -> None:
    body = "Hi Ana,\n\nThanks!\n\nYes, let's talk on Tuesday.\n\nJorge"

    verdict = classify_reply(subject="Re: x", body=body, today=TODAY)

    assert verdict.intent == Intent.MEETING_REQUEST


def test_html_reply_with_a_blockquote_is_read_as_text() -> None:
    body = (
        "<html><body><div>Please remove me from your list.</div>"
        "<blockquote>Let's set up a call?</blockquote></body></html>"
    )

    verdict = classify_reply(subject="Re: x", body=body, today=TODAY)

    assert verdict.intent == Intent.UNSUBSCRIBE


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto-Submitted": "auto-replied"},
        {"X-Autoreply": "yes"},
        {"Precedence": "auto_reply"},
    ],
)
def test_auto_reply_headers_mean_out_of_office_whatever_the_text(
    headers: dict[str, str],
) -> None:
    # Hotel auto-replies often carry marketing footers with sales words in them.
    body = "Thank you for your message. Book your stay now and get 10% off! Unsubscribe here."

    verdict = classify_reply(subject="Re: Quick question", body=body, headers=headers, today=TODAY)

    assert verdict.intent == Intent.OUT_OF_OFFICE


def test_auto_submitted_no_is_a_human_reply() -> None:
    verdict = classify_reply(
        subject="Re: x",
        body="Let's set up a call.",
        headers={"Auto-Submitted": "no"},
        today=TODAY,
    )

    assert verdict.intent == Intent.MEETING_REQUEST


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I'm out of the office, back on 12 January.", datetime.date(2027, 1, 12)),
        ("Out of office. Returning Monday 3rd March.", datetime.date(2027, 3, 3)),
        ("I am on annual leave until 14/01.", datetime.date(2027, 1, 14)),
        ("Ich bin bis zum 14.01. nicht im Büro.", datetime.date(2027, 1, 14)),
        ("Out of office until 4 December, limited access to email.", datetime.date(2026, 12, 4)),
        ("Out of the office until December 4th, 2026.", datetime.date(2026, 12, 4)),
        ("Out of office, back on Monday.", datetime.date(2026, 11, 30)),
        ("Out of office until the 3rd.", datetime.date(2026, 12, 3)),
        ("Out of office until 2027-02-01.", datetime.date(2027, 2, 1)),
        ("I am on leave from 20 November until 30 November.", datetime.date(2026, 11, 30)),
        ("I am away from 23 December to 4 January.", datetime.date(2027, 1, 4)),
        ("Ich bin ab dem 15.01.2027 wieder im Büro erreichbar.", datetime.date(2027, 1, 15)),
        ("Out of office. Back in the office on Monday, 7 December.", datetime.date(2026, 12, 7)),
        ("Je suis absent du bureau jusqu'au 8 janvier 2027.", datetime.date(2027, 1, 8)),
        ("Estoy fuera de la oficina hasta el 15 de diciembre.", datetime.date(2026, 12, 15)),
        ("Estou de férias até 10 de janeiro.", datetime.date(2027, 1, 10)),
        ("Sono in ferie, rientro il 7 gennaio.", datetime.date(2027, 1, 7)),
        ("Out of office until 01/14.", datetime.date(2027, 1, 14)),
    ],
)
def test_out_of_office_return_date_is_parsed_relative_to_today(
    text: str, expected: datetime.date
) -> None:
    verdict = classify_reply(subject="Out of Office", body=text, today=TODAY)

    assert verdict.intent == Intent.OUT_OF_OFFICE
    assert verdict.return_date == expected


@pytest.mark.parametrize(
    "text",
    [
        "I am out of the office with limited access to email.",
        "Out of office this morning, I will be back at 10.30.",
    ],
)
def test_out_of_office_without_a_date_has_no_return_date(text: str) -> None:
    verdict = classify_reply(subject="Out of Office", body=text, today=TODAY)

    assert verdict.intent == Intent.OUT_OF_OFFICE
    assert verdict.return_date is None


@pytest.mark.parametrize(
    ("body", "email", "name"),
    [
        ("Please contact my colleague Maria (maria@hotel.com).", "maria@hotel.com", "Maria"),
        (
            "Please reach out to our Revenue Manager, João Silva, at joao.silva@pousada.pt.",
            "joao.silva@pousada.pt",
            "João Silva",
        ),
        (
            "I'm not the right person - Anna Berg <anna.berg@seahotel.se> handles marketing.",
            "anna.berg@seahotel.se",
            "Anna Berg",
        ),
        ("Maria has left the hotel. Please write to gm@villaserena.it.", "gm@villaserena.it", None),
        ("I've forwarded your email to our owner, Mr. Rossi.", None, "Rossi"),
    ],
)
def test_delegation_extracts_who_to_write_to(
    body: str, email: str | None, name: str | None
) -> None:
    verdict = classify_reply(subject="Re: x", body=body, today=TODAY)

    assert verdict.intent == Intent.DELEGATION
    assert (verdict.delegate_email, verdict.delegate_name) == (email, name)


def test_delegation_ignores_the_replying_persons_own_address() -> None:
    body = "Please contact my colleague Tom Price at tom@oldmill.ie, not me (lucy@oldmill.ie)."

    verdict = classify_reply(
        subject="Re: x", body=body, headers={"From": "Lucy <lucy@oldmill.ie>"}, today=TODAY
    )

    assert verdict.delegate_email == "tom@oldmill.ie"
    assert verdict.delegate_name == "Tom Price"


def test_needs_llm_follows_confidence() -> None:
    sure = Classification(Intent.INTERESTED, 0.9, "x")
    unsure = Classification(Intent.INTERESTED, 0.5, "x")
    unclear = Classification(Intent.UNCLEAR, 0.95, "x")

    assert (needs_llm(sure), needs_llm(unsure), needs_llm(unclear)) == (False, True, True)


def test_an_empty_reply_is_unclear_and_goes_to_the_model() -> None:
    verdict = classify_reply(subject="Re: x", body=OUR_EMAIL, today=TODAY)

    assert verdict.intent == Intent.UNCLEAR
    assert needs_llm(verdict)
