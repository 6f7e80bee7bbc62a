"""Inbound message kinds: complaints, auto-replies, opt-outs, replies and reports that are not bounces.

analyze_message must never raise: the inbox reader calls it on whatever arrives.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inboxes.bounces import MessageKind, analyze_message
from tests.inboxes.test_bounces import BOUNCES

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bounces"
CORPUS = sorted(FIXTURES.glob("*.eml"))


class Kind(NamedTuple):
    kind: str
    recipient: str | None
    original_message_id: str | None
    flags: frozenset[str] = frozenset()


OTHERS: dict[str, Kind] = {
    "arf-01-yahoo-abuse.eml": Kind(
        "complaint",
        "lena.fischer@yahoo.com",
        "<174220650003.3051.6791368025@brightpath.example>",
        frozenset({"feedback:abuse"}),
    ),
    "arf-02-headers-only.eml": Kind(
        "complaint",
        "d.owens@cablemail.example",
        "<174220710001.3051.7802479136@brightpath.example>",
        frozenset({"feedback:abuse"}),
    ),
    "complaint-01-jmrp-outlook.eml": Kind(
        "complaint",
        "rafael.mendes@outlook.com",
        "<174228136104.3051.5190283746@brightpath.example>",
        frozenset({"feedback:abuse", "not_arf"}),
    ),
    "complaint-02-aol-client-tos.eml": Kind(  # redacted recipient: found by the Message-ID
        "complaint",
        None,
        "<174239271902.3051.6602918374@brightpath.example>",
        frozenset({"not_arf"}),
    ),
    "complaint-03-yahoo-mixed-no-arf.eml": Kind(
        "complaint",
        "j.oliveira@yahoo.com",
        "<174245941205.3051.8812093746@brightpath.example>",
        frozenset({"not_arf"}),
    ),
    "complaint-04-spamcop.eml": Kind(  # SpamCop munges the recipient to "x"
        "complaint",
        None,
        "<174257160001.3051.3320918475@brightpath.example>",
        frozenset({"not_arf"}),
    ),
    "complaint-05-abuse-desk-forward.eml": Kind(
        "complaint",
        "info@quinta-das-flores.example",
        "<174280752004.3051.4471829301@brightpath.example>",
        frozenset({"not_arf"}),
    ),
    "complaint-06-reported-as-spam-notice.eml": Kind(
        "complaint",
        "henrik@fjordlys-hotel.example",
        "<174289680007.3051.9081726354@brightpath.example>",
        frozenset({"not_arf"}),
    ),
    "complaint-07-missbrauchsmeldung-de.eml": Kind(
        "complaint",
        "k.wagner@provider-de.example",
        "<174298441202.3051.2219384756@brightpath.example>",
        frozenset({"not_arf"}),
    ),
    "lookalike-01-reply-dont-mark-spam.eml": Kind(
        "reply", None, "<174306660003.3051.1029384756@brightpath.example>"
    ),
    "lookalike-02-newsletter-spam-filters.eml": Kind("other", None, None),
    "lookalike-03-forward-as-attachment.eml": Kind("reply", None, None),
    "lookalike-04-reported-by-mistake.eml": Kind(
        "reply", None, "<174220650003.3051.6791368025@brightpath.example>"
    ),
    "autoreply-01-outlook-ooo.eml": Kind(
        "auto_reply", None, "<174168100001.3051.1111111111@brightpath.example>"
    ),
    "autoreply-02-x-autoreply-ru.eml": Kind(
        "auto_reply", None, "<174197108499.11204.9999999999@brightpath.example>"
    ),
    "autoreply-03-precedence-auto-reply.eml": Kind(
        "auto_reply", None, "<174185715893.11204.8888888888@brightpath.example>"
    ),
    "autoreply-04-abwesenheitsnotiz-de.eml": Kind(
        "auto_reply", None, "<174177068899.3051.7777777777@brightpath.example>"
    ),
    "autoreply-05-zimbra-vacation-it.eml": Kind(
        "auto_reply", None, "<174184950299.3051.6666666666@brightpath.example>"
    ),
    "autoreply-06-bulk-absent-fr.eml": Kind(
        "auto_reply", None, "<174177270999.3051.5555555555@brightpath.example>"
    ),
    "exim-07-delay-warning.eml": Kind(
        "other",
        None,
        "<174185715901.11204.9940182736@brightpath.example>",
        frozenset({"delivery_report", "delayed"}),
    ),
    "postfix-17-delayed.eml": Kind(
        "other",
        None,
        "<174177808601.3051.5520394857@brightpath.example>",
        frozenset({"delivery_report", "delayed"}),
    ),
    "postfix-18-relayed.eml": Kind(
        "other",
        None,
        "<174177840003.3051.6610293845@brightpath.example>",
        frozenset({"delivery_report", "relayed"}),
    ),
    "sendmail-06-warning-4-hours.eml": Kind(
        "other",
        None,
        "<174187863807.20931.1514236789@brightpath.example>",
        frozenset({"delivery_report", "delayed"}),
    ),
    "o365-08-delivered.eml": Kind(
        "other",
        None,
        "<AM0PR10MB3025D0D0D0D0E1E1E1E1F2F2F2F2@AM0PR10MB3025.EURPRD10.PROD.OUTLOOK.COM>",
        frozenset({"delivery_report", "delivered"}),
    ),
    "reply-01-interested.eml": Kind(
        "reply", None, "<174168100001.3051.1111111111@brightpath.example>"
    ),
    "reply-02-remove-me.eml": Kind(
        "unsubscribe", None, "<174185715893.11204.3340918273@brightpath.example>"
    ),
    "reply-03-subject-unsubscribe.eml": Kind(
        "unsubscribe", None, "<174168961877.3051.9012873321@brightpath.example>"
    ),
    "reply-04-not-interested.eml": Kind(
        "reply", None, "<174197701004.3051.4402918374@brightpath.example>"
    ),
    "reply-05-outlook-html.eml": Kind(
        "reply", None, "<174177540002.3051.9901827364@brightpath.example>"
    ),
    "malformed-02-bad-charset-reply.eml": Kind(
        "reply",
        None,
        "<174202600008.3051.9024691358@brightpath.example>",
        frozenset({"malformed"}),
    ),
    "malformed-03-garbage.eml": Kind("other", None, None, frozenset({"malformed"})),
}


@pytest.mark.parametrize("name", sorted(OTHERS))
def test_corpus_message_kind(name: str) -> None:
    expected = OTHERS[name]

    analysis = analyze_message((FIXTURES / name).read_bytes())

    assert analysis.kind == expected.kind
    assert analysis.verdicts == [], "only bounces carry verdicts"
    assert analysis.recipient == expected.recipient
    assert analysis.original_message_id == expected.original_message_id
    assert expected.flags <= set(analysis.flags)


def test_the_corpus_holds_non_arf_complaints_of_several_shapes_and_look_alikes() -> None:
    complaints = [n for n, k in OTHERS.items() if "not_arf" in k.flags]
    look_alikes = [n for n in OTHERS if n.startswith("lookalike-")]
    shapes = {_shape((FIXTURES / n).read_bytes()) for n in complaints}

    assert len(complaints) >= 6 and len(look_alikes) >= 3
    assert all(OTHERS[n].kind != "complaint" for n in look_alikes)
    # attached original, attached headers only, quoted inline in a single text part
    assert shapes == {"message/rfc822", "text/rfc822-headers", "quoted"}


def _shape(raw: bytes) -> str:
    for kind in ("message/rfc822", "text/rfc822-headers"):
        if f"Content-Type: {kind}".encode() in raw:
            return kind
    return "quoted"


def test_every_fixture_has_an_expectation() -> None:
    assert {p.name for p in CORPUS} == set(BOUNCES) | set(OTHERS)
    assert not set(BOUNCES) & set(OTHERS)


def test_broken_bounce_is_still_a_bounce_and_says_it_was_broken() -> None:
    analysis = analyze_message((FIXTURES / "malformed-01-broken-boundary-bounce.eml").read_bytes())

    assert analysis.kind == MessageKind.BOUNCE
    assert "malformed" in analysis.flags


def test_summary_has_the_inspect_message_fields() -> None:
    analysis = analyze_message((FIXTURES / "postfix-02-4xx-user-unknown.eml").read_bytes())

    assert analysis.summary() == {
        "kind": "bounce",
        "reason": "user_unknown",
        "consequence": "address_bad",
        "recipient": "reservations@casa-do-rio.example",
        "status": "4.1.1",
        "diagnostic": "450 4.1.1 <reservations@casa-do-rio.example>: Recipient address "
        "rejected: User unknown in local recipient table",
        "original_message_id": "<174166290001.3051.2231904417@brightpath.example>",
    }


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_line_endings_do_not_change_the_result(path: Path) -> None:
    raw = path.read_bytes()
    lf = raw.replace(b"\r\n", b"\n")
    crlf = lf.replace(b"\n", b"\r\n")

    assert analyze_message(lf).summary() == analyze_message(crlf).summary()


def _message(subject: str, body: str, **headers: str) -> bytes:
    lines = [
        "From: Anna Berg <anna@fjordhotel.example>",
        "To: Sofia Marin <sofia@brightpath.example>",
        f"Subject: {subject}",
        "Message-ID: <reply.1@fjordhotel.example>",
        "In-Reply-To: <174170362804.3051.7782910034@brightpath.example>",
        *(f"{name.replace('_', '-')}: {value}" for name, value in headers.items()),
        "Content-Type: text/plain; charset=utf-8",
        "",
        body,
    ]
    return "\r\n".join(lines).encode("utf-8")


@pytest.mark.parametrize(
    ("subject", "body", "headers", "kind"),
    [
        ("Re: Kickoff", "Back on Monday.", {"Auto_Submitted": "auto-replied"}, "auto_reply"),
        ("Re: Kickoff", "Sounds good, call me.", {"Auto_Submitted": "no"}, "reply"),
        ("Re: Kickoff", "Back on Monday.", {"X_Autoreply": "yes"}, "auto_reply"),
        ("Re: Kickoff", "Back on Monday.", {"X_Autorespond": "vacation"}, "auto_reply"),
        ("Re: Kickoff", "Thanks for writing.", {"Precedence": "auto_reply"}, "auto_reply"),
        ("Re: Kickoff", "I am out of the office this week.", {"Precedence": "bulk"}, "auto_reply"),
        ("Re: Kickoff", "Our spring newsletter is here.", {"Precedence": "bulk"}, "other"),
        ("Out of Office: Re: Kickoff", "Back on Monday.", {}, "auto_reply"),
        ("Respuesta automática: Kickoff", "Vuelvo el lunes.", {}, "auto_reply"),
        ("Réponse automatique : Kickoff", "De retour lundi.", {}, "auto_reply"),
        ("Автоответ: Kickoff", "Вернусь в понедельник.", {}, "auto_reply"),
        ("Re: vacation packages for your team", "Yes, send the brochure.", {}, "reply"),
        ("Spring news", "Read more.", {"List_Unsubscribe": "<https://x.example/u>"}, "other"),
    ],
)
def test_auto_reply_signals(subject: str, body: str, headers: dict[str, str], kind: str) -> None:
    assert analyze_message(_message(subject, body, **headers)).kind == kind


@pytest.mark.parametrize(
    ("subject", "body", "kind"),
    [
        ("Re: Kickoff in Bergen", "Unsubscribe", "unsubscribe"),
        ("Re: Kickoff in Bergen", "STOP", "unsubscribe"),
        (
            "Re: Kickoff in Bergen",
            "Please take me off your mailing list.\n\nThanks,\nAnna",
            "unsubscribe",
        ),
        ("Re: Kickoff in Bergen", "Bitte abmelden.\n\nAnna Berg", "unsubscribe"),
        ("Re: Kickoff in Bergen", "Don't email me again!", "unsubscribe"),
        ("unsubscribe", "", "unsubscribe"),
        ("unsubscribe", "What are your prices for 40 people?", "reply"),
        ("Re: Kickoff in Bergen", "Can you stop by on Tuesday to see the rooms?", "reply"),
        ("Re: Kickoff in Bergen", "Stop. Actually, send me the prices.", "reply"),
        ("Re: Kickoff in Bergen", "Remove me from the cc and add my colleague Per.", "reply"),
        ("Re: Kickoff in Bergen", "Unsubscribe me, and who gave you my address?", "reply"),
        ("Re: Kickoff in Bergen", "Great!\n\n> Reply stop or unsubscribe any time", "reply"),
    ],
)
def test_opt_out_replies_are_recognised_conservatively(subject: str, body: str, kind: str) -> None:
    assert analyze_message(_message(subject, body)).kind == kind


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\x00\xff\xfe",
        b"Content-Type: multipart/report; report-type=delivery-status\r\n\r\n--x--",
        b"From: MAILER-DAEMON@x.example\nContent-Type: message/delivery-status\n\nAction: failed",
        b"Subject: =?unknown-8bit?Q?=FF?=\nContent-Type: text/plain; charset=\x00bad\n\n\xff",
        b"Content-Type: multipart/mixed; boundary=a\n\n" + b"--a\n" * 5000,
    ],
)
def test_odd_bytes_never_raise(raw: bytes) -> None:
    analysis = analyze_message(raw)

    assert analysis.kind in set(MessageKind)
    json.dumps(analysis.summary(), ensure_ascii=False).encode("utf-8")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=st.binary(max_size=3000))
def test_random_bytes_never_raise(raw: bytes) -> None:
    analysis = analyze_message(raw)

    assert analysis.kind in set(MessageKind)
    json.dumps(analysis.summary(), ensure_ascii=False).encode("utf-8")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    path=st.sampled_from(CORPUS),
    cut=st.floats(min_value=0.0, max_value=1.0),
    noise=st.lists(st.tuples(st.floats(0.0, 1.0), st.binary(min_size=1, max_size=8)), max_size=8),
)
def test_damaged_corpus_never_raises(
    path: Path, cut: float, noise: list[tuple[float, bytes]]
) -> None:
    data = bytearray(path.read_bytes())
    data = data[: max(1, int(len(data) * cut))]
    for where, junk in noise:
        at = int(len(data) * where)
        data[at : at + len(junk)] = junk

    analysis = analyze_message(bytes(data))

    assert analysis.kind in set(MessageKind)
    json.dumps(analysis.summary(), ensure_ascii=False).encode("utf-8")
    for verdict in analysis.verdicts:
        assert verdict.recipient is None or "@" in verdict.recipient
