"""The bounce classifier: one verdict for SMTP, Graph and DSN rejections, decided by reason.

The corpus in tests/fixtures/bounces holds one message per file (SOURCES.md says what each one
imitates); BOUNCES below is what a reader of each bounce must conclude.
"""

from __future__ import annotations

import smtplib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import NamedTuple

import pytest

from inboxes.bounces import (
    CONSEQUENCES,
    SOFT_BOUNCE_DAYS,
    SOFT_BOUNCE_LIMIT,
    Consequence,
    MessageKind,
    Reason,
    analyze_message,
    classify,
    classify_graph_error,
    classify_smtp_error,
    soft_bounce_escalates,
)
from tests.servers.smtp import DROP, SMTPTestServer

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "bounces"


class Bounce(NamedTuple):
    reason: str
    consequence: str
    recipient: str
    original_message_id: str


# One row per fixture: reason, consequence, failed recipient, Message-ID of our original.
# fmt: off
BOUNCES: dict[str, Bounce] = {
    "courier-01-unknown-user.eml": Bounce("user_unknown", "address_bad", "hotel@gasthaus-krone.example", "<174193687701.4411.5463728156@brightpath.example>"),
    "courier-02-no-such-domain.eml": Bounce("host_unknown", "address_bad", "frontoffice@hotell-fjellro.example", "<174193800004.4411.6574839267@brightpath.example>"),
    "courier-03-maildir-over-quota.eml": Bounce("mailbox_full", "try_later", "chalet@chalet-edelweiss.example", "<174193936302.4411.7685940378@brightpath.example>"),
    "domino-01-not-listed.eml": Bounce("user_unknown", "address_bad", "f.bauer@hotel-imperial.example", "<174195092101.3051.5791368024@brightpath.example>"),
    "domino-02-mail-file-full.eml": Bounce("mailbox_full", "try_later", "bankett@hotel-imperial.example", "<174195110009.3051.6802479135@brightpath.example>"),
    "domino-03-plain-not-listed.eml": Bounce("user_unknown", "address_bad", "okami@ryokan-sakura.example", "<174195270702.3051.7913580246@brightpath.example>"),
    "exchange-01-group-restricted.eml": Bounce("not_accepting", "address_bad", "alle-mitarbeiter@kongresshotel-nord.example", "<EX16-1741950301-3ABC@brightpath.example>"),
    "exchange-02-german-ndr.eml": Bounce("user_unknown", "address_bad", "buchhaltung@seehotel-ammersee.example", "<5D3A2C1B0E9F8A7B6C5D4E3F2A1B0C9D@brightpath.example>"),
    "exim-01-user-unknown.eml": Bounce("user_unknown", "address_bad", "guestservices@seaview-hotel.example", "<174185715893.11204.3340918273@brightpath.example>"),
    "exim-02-retry-timeout.eml": Bounce("expired", "try_later", "manager@old-mill-inn.example", "<174185716011.11204.5501928374@brightpath.example>"),
    "exim-03-mailbox-full.eml": Bounce("mailbox_full", "try_later", "tagung@kurhaus-bad-ems.example", "<174185412202.11204.6610293842@brightpath.example>"),
    "exim-04-sender-verify.eml": Bounce("policy", "sender_problem", "groups@kingsway-hotel.example", "<174187364311.11204.4058697123@brightpath.example>"),
    "exim-05-unrouteable.eml": Bounce("host_unknown", "address_bad", "stay@lodge-typo.example", "<174186184907.11204.7720394856@brightpath.example>"),
    "exim-06-cpanel-spamcop.eml": Bounce("blocked", "sender_problem", "bookings@desert-rose-resort.example", "<174188192500.11204.8830192847@brightpath.example>"),
    "fastmail-01-spf-fail.eml": Bounce("policy", "sender_problem", "frontdesk@maple-inn.example", "<174197536802.3051.8830291746@brightpath.example>"),
    "fastmail-02-buzon-lleno-es.eml": Bounce("mailbox_full", "try_later", "reservas@hostal-las-palmeras.example", "<174197701004.3051.4402918374@brightpath.example>"),
    "gmail-01-does-not-exist.eml": Bounce("user_unknown", "address_bad", "casa.girasole.umbria@gmail.com", "<CAGx8b2Yq1pZ3=nF5vK0aQ8sT2rU6wX4yZ1bC3dE5fG7hI9jK@mail.gmail.com>"),
    "gmail-02-over-quota.eml": Bounce("mailbox_full", "try_later", "agriturismo.la.quercia@gmail.com", "<CAGx8b2Zr2qA4=oG6wL1bR9tU3sV7xY5zA2cD4eF6gH8iJ0kL@mail.gmail.com>"),
    "gmail-03-disabled.eml": Bounce("suspended", "try_later", "pousada.sol.nascente@gmail.com", "<CAGx8b2As3rB5=pH7xM2cS0uV4tW8yZ6aB3dE5fG7hI9jK1lM@mail.gmail.com>"),
    "gmail-04-dmarc-5-7-26.eml": Bounce("policy", "sender_problem", "the.old.rectory.bnb@gmail.com", "<174195300011.3051.1122334455@brightpath.example>"),
    "gmail-05-unsolicited.eml": Bounce("spam_detected", "sender_problem", "finca.los.olivos@gmail.com", "<CAGx8b2Bt4sC6=qI8yN3dT1vW5uX9zA7bC4eF6gH8iJ0kL2mN@mail.gmail.com>"),
    "gmail-06-nxdomain.eml": Bounce("host_unknown", "address_bad", "hello@hotel-seerose-typo.example", "<CAGx8b2Cu5tD7=rJ9zO4eU2wX6vY0aB8cD5fG7hI9jK1lM3nO@mail.gmail.com>"),
    "gmail-07-yahoo-tss04.eml": Bounce("rate_limited", "try_later", "sunnyside.cabins@yahoo.com", "<CAGx8b2Dv6uE8=sK0aP5fV3xY7wZ1bC9dE6gH8iJ0kL2mN4oP@mail.gmail.com>"),
    "gmail-08-low-reputation.eml": Bounce("blocked", "sender_problem", "lakehouse.retreats@gmail.com", "<CAGx8b2Ew7vF9=tL1bQ6gW4yZ8xA2cD0eF7hI9jK1lM3nO5pQ@mail.gmail.com>"),
    "gmx-01-webde-benutzer-unbekannt.eml": Bounce("user_unknown", "address_bad", "hotel.zur.post@example-dorf.example", "<trinity-8d1e6f4a-2b3c-4d5e-9f60-7a8b9c0d1e2f-1741956000123@3c-app-webde-bap12>"),
    "gmx-02-mailbox-full.eml": Bounce("mailbox_full", "try_later", "kontakt@landhaus-birke.example", "<trinity-1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d-1741956600456@3c-app-gmx-bs55>"),
    "graph-01-html-only-ndr.eml": Bounce("user_unknown", "address_bad", "reservations@hotel-kastell.example", "<AM0PR10MB3025ABABABABCDCDCDCDEFEFEFEF@AM0PR10MB3025.EURPRD10.PROD.OUTLOOK.COM>"),
    "graph-02-report-without-dsn-pt.eml": Bounce("mailbox_full", "try_later", "joao.pereira@quinta-do-douro.example", "<AM0PR10MB30250102030405060708090A0B0C@AM0PR10MB3025.EURPRD10.PROD.OUTLOOK.COM>"),
    "mailru-01-user-unknown-ru.eml": Bounce("user_unknown", "address_bad", "director@gostinitsa-volga.example", "<174197108402.11204.1029384756@brightpath.example>"),
    "mailru-02-mailbox-full-ru.eml": Bounce("mailbox_full", "try_later", "buh@sanatoriy-sosny.example", "<174197220105.11204.2039485761@brightpath.example>"),
    "mailru-03-yandex-spam.eml": Bounce("spam_detected", "sender_problem", "hotel.baikal@yandex.ru", "<174197350302.11204.3049586712@brightpath.example>"),
    "malformed-01-broken-boundary-bounce.eml": Bounce("user_unknown", "address_bad", "k.sato@hotel-fuji.example", "<174202560004.3051.8913580247@brightpath.example>"),
    "mdaemon-01-user-unknown.eml": Bounce("user_unknown", "address_bad", "reception@hotel-bristol-bay.example", "<174195451105.3051.8024691357@brightpath.example>"),
    "mdaemon-02-message-too-big.eml": Bounce("message_too_big", "try_later", "events@hotel-bristol-bay.example", "<174195480001.3051.9135702468@brightpath.example>"),
    "mimecast-01-invalid-recipient.eml": Bounce("user_unknown", "address_bad", "h.jones@cotswold-manor.example", "<174195600007.3051.1246813579@brightpath.example>"),
    "mimecast-02-anti-spoofing.eml": Bounce("policy", "sender_problem", "events@cotswold-manor.example", "<174195612004.3051.2357924681@brightpath.example>"),
    "mimecast-03-envelope-blocked.eml": Bounce("blocked", "sender_problem", "gm@cotswold-manor.example", "<174195624001.3051.3468035792@brightpath.example>"),
    "o365-01-recipient-not-found.eml": Bounce("user_unknown", "address_bad", "p.novak@hotel-vltava.example", "<AM0PR10MB30251F2A6C9B1E2D3F4A5B6C7D8E9@AM0PR10MB3025.EURPRD10.PROD.OUTLOOK.COM>"),
    "o365-02-dbeb-access-denied.eml": Bounce("user_unknown", "address_bad", "sales@nordlicht-resort.example", "<AM0PR10MB30253B4C5D6E7F8091A2B3C4D5E6F7@AM0PR10MB3025.EURPRD10.PROD.OUTLOOK.COM>"),
    "o365-03-dmarc-5-7-509.eml": Bounce("policy", "sender_problem", "riverside.guesthouse@hotmail.com", "<AM0PR10MB3025AA11BB22CC33DD44EE55FF66@AM0PR10MB3025.EURPRD10.PROD.OUTLOOK.COM>"),
    "o365-04-mailbox-full.eml": Bounce("mailbox_full", "try_later", "e.lindqvist@skargard-hotell.example", "<AM0PR10MB3025991188227733664455EEDDCC@AM0PR10MB3025.EURPRD10.PROD.OUTLOOK.COM>"),
    "o365-05-spam-5-7-350.eml": Bounce("spam_detected", "sender_problem", "bookings@coral-bay-resort.example", "<AM0PR10MB302577AA88BB99CC00DD11EE22FF@AM0PR10MB3025.EURPRD10.PROD.OUTLOOK.COM>"),
    "o365-06-expired.eml": Bounce("expired", "try_later", "office@hotel-donau.example", "<AM0PR10MB3025123412341234ABCDABCDABCD@AM0PR10MB3025.EURPRD10.PROD.OUTLOOK.COM>"),
    "o365-07-french-disabled.eml": Bounce("suspended", "try_later", "accueil.domaine.des.vignes@gmail.com", "<AM0PR10MB3025FEDCBA9876543210FEDCBA98@AM0PR10MB3025.EURPRD10.PROD.OUTLOOK.COM>"),
    "postfix-01-user-unknown.eml": Bounce("user_unknown", "address_bad", "m.keller@hotel-alpenrose.example", "<174168084412.3051.1182736401@brightpath.example>"),
    "postfix-02-4xx-user-unknown.eml": Bounce("user_unknown", "address_bad", "reservations@casa-do-rio.example", "<174166290001.3051.2231904417@brightpath.example>"),
    "postfix-03-mailbox-full.eml": Bounce("mailbox_full", "try_later", "info@pension-seeblick.example", "<174168961877.3051.9012873321@brightpath.example>"),
    "postfix-04-spamhaus.eml": Bounce("blocked", "sender_problem", "booking@hotel-lindenhof.example", "<174169114990.3051.5512093847@brightpath.example>"),
    "postfix-05-host-not-found.eml": Bounce("host_unknown", "address_bad", "hello@hotel-nowhere.example", "<174169572203.3051.7730192846@brightpath.example>"),
    "postfix-06-expired.eml": Bounce("expired", "try_later", "direction@chateau-lavande.example", "<174141060011.3051.6620019384@brightpath.example>"),
    "postfix-07-dmarc-reject.eml": Bounce("policy", "sender_problem", "events@grandhotel-riva.example", "<174170091500.3051.1000293847@brightpath.example>"),
    "postfix-08-message-too-big.eml": Bounce("message_too_big", "try_later", "sales@hotel-meridian.example", "<174170222001.3051.4419920031@brightpath.example>"),
    "postfix-09-two-recipients.eml": Bounce("user_unknown", "address_bad", "anna.berg@fjordhotel.example", "<174170362804.3051.7782910034@brightpath.example>"),
    "postfix-10-yahoo-tss09.eml": Bounce("blocked", "sender_problem", "villa.sole.b_and_b@yahoo.com", "<174176647703.3051.5520183746@brightpath.example>"),
    "postfix-11-aol-policy.eml": Bounce("policy", "sender_problem", "harbourview.inn@aol.com", "<174176765201.3051.8812093340@brightpath.example>"),
    "postfix-12-gmx-ptr.eml": Bounce("policy", "sender_problem", "gasthof.adler@gmx.de", "<174177068809.3051.3390012847@brightpath.example>"),
    "postfix-13-orange-invalid-fr.eml": Bounce("user_unknown", "address_bad", "hotel.les.pins@orange.fr", "<174177270903.3051.1209384756@brightpath.example>"),
    "postfix-14-outlook-s3150.eml": Bounce("blocked", "sender_problem", "lakeside.lodge@outlook.com", "<174177375807.3051.6654019283@brightpath.example>"),
    "postfix-15-user-moved.eml": Bounce("has_moved", "address_bad", "k.huber@alpenrose-group.example", "<174177540002.3051.9901827364@brightpath.example>"),
    "postfix-16-null-mx.eml": Bounce("not_accepting", "address_bad", "contact@hotel-closed.example", "<174177808501.3051.4410293847@brightpath.example>"),
    "proofpoint-01-ip-blocked.eml": Bounce("blocked", "sender_problem", "sales@harborfront-hotel.example", "<174195636008.3051.4579146803@brightpath.example>"),
    "proofpoint-02-spam.eml": Bounce("spam_detected", "sender_problem", "groups@harborfront-hotel.example", "<174195648005.3051.5680257914@brightpath.example>"),
    "qmail-01-user-unknown.eml": Bounce("user_unknown", "address_bad", "info@albergo-del-lago.example", "<174187920903.8812.1029384712@brightpath.example>"),
    "qmail-02-no-mailbox.eml": Bounce("user_unknown", "address_bad", "eventos@hotel-sunset-strip.example", "<174188049702.8812.2130495823@brightpath.example>"),
    "qmail-03-over-quota.eml": Bounce("mailbox_full", "try_later", "reservas@pousada-azul.example", "<174188177801.8812.3241506934@brightpath.example>"),
    "qmail-04-queue-too-long.eml": Bounce("expired", "try_later", "manager@motel-route66.example", "<174188250005.8812.4352617045@brightpath.example>"),
    "sendmail-01-user-unknown.eml": Bounce("user_unknown", "address_bad", "office@villa-magnolia.example", "<174187590102.20931.5069781234@brightpath.example>"),
    "sendmail-02-host-unknown.eml": Bounce("host_unknown", "address_bad", "info@hotel-zzyzx.example", "<174187630004.20931.6170892345@brightpath.example>"),
    "sendmail-03-expired.eml": Bounce("expired", "try_later", "sales@cliffside-resort.example", "<174187680807.20931.7281903456@brightpath.example>"),
    "sendmail-04-spf-reject.eml": Bounce("policy", "sender_problem", "gm@pine-valley-lodge.example", "<174187754901.20931.8392014567@brightpath.example>"),
    "sendmail-05-relay-denied.eml": Bounce("policy", "sender_problem", "reception@the-lighthouse.example", "<174187819203.20931.9403125678@brightpath.example>"),
    "ses-01-user-unknown.eml": Bounce("user_unknown", "address_bad", "info@hotel-miramar.example", "<174195001012.3051.1357924680@brightpath.example>"),
    "ses-02-suppression-list.eml": Bounce("user_unknown", "address_bad", "old.contact@hotel-miramar.example", "<174195006008.3051.2468035791@brightpath.example>"),
    "ses-03-over-quota.eml": Bounce("mailbox_full", "try_later", "reservations@hotel-astoria-lago.example", "<174195012005.3051.3579146802@brightpath.example>"),
    "ses-04-content-security.eml": Bounce("content_rejected", "try_later", "events.seaside.hotel@gmail.com", "<174195018003.3051.4680257913@brightpath.example>"),
    "yahoo-01-user-unknown.eml": Bounce("user_unknown", "address_bad", "info@locanda-verde.example", "<1741950900.12345.brightpath.sales@yahoo.com>"),
    "yahoo-02-no-yahoo-account.eml": Bounce("user_unknown", "address_bad", "grand.pier.hotel@yahoo.com", "<1741951020.23456.brightpath.sales@yahoo.com>"),
    "yahoo-03-mailbox-size-limit.eml": Bounce("mailbox_full", "try_later", "stay@bergblick-lodge.example", "<1741951140.34567.brightpath.sales@yahoo.com>"),
    "zimbra-01-over-quota.eml": Bounce("mailbox_full", "try_later", "eventi@hotel-bellavista.example", "<174184950201.3051.2203948571@brightpath.example>"),
    "zimbra-02-account-locked.eml": Bounce("suspended", "try_later", "m.rossi@gruppo-aurora.example", "<174185160107.3051.7720394851@brightpath.example>"),
}
# fmt: on


@pytest.mark.parametrize("name", sorted(BOUNCES))
def test_corpus_bounce_is_classified(name: str) -> None:
    expected = BOUNCES[name]

    analysis = analyze_message((FIXTURES / name).read_bytes())

    assert analysis.kind == MessageKind.BOUNCE
    verdict = analysis.verdicts[0]
    assert (verdict.reason, verdict.consequence) == (expected.reason, expected.consequence)
    assert verdict.recipient == analysis.recipient == expected.recipient
    assert analysis.original_message_id == expected.original_message_id
    assert verdict.diagnostic, "the remote server's words are kept for the operator"


def test_corpus_covers_many_systems_and_both_line_endings() -> None:
    systems = {name.split("-")[0] for name in BOUNCES} - {"malformed"}
    crlf = [name for name in BOUNCES if b"\r\n" in (FIXTURES / name).read_bytes()]
    lf = [name for name in BOUNCES if b"\r\n" not in (FIXTURES / name).read_bytes()]

    assert len(BOUNCES) >= 60
    assert len(systems) >= 12, systems
    assert len(crlf) >= 5 and len(lf) >= 5


def test_every_fixture_names_its_source() -> None:
    sources = (FIXTURES / "SOURCES.md").read_text(encoding="utf-8")

    missing = [p.name for p in FIXTURES.glob("*.eml") if f"`{p.name}`" not in sources]

    assert missing == []


def test_two_failed_recipients_give_two_verdicts() -> None:
    analysis = analyze_message((FIXTURES / "postfix-09-two-recipients.eml").read_bytes())

    verdicts = {v.recipient: (v.reason, v.status) for v in analysis.verdicts}

    assert verdicts == {
        "anna.berg@fjordhotel.example": (Reason.USER_UNKNOWN, "5.1.1"),
        "post@fjordhotel.example": (Reason.MAILBOX_FULL, "4.2.2"),
    }


@pytest.mark.parametrize(
    ("status", "diagnostic", "reason", "cause"),
    [
        (
            None,
            "550 5.7.1 Service unavailable; Client host [192.0.2.10] blocked using "
            "zen.spamhaus.org; https://www.spamhaus.org/query/ip/192.0.2.10",
            Reason.BLOCKED,
            "IP on a blocklist (Spamhaus)",
        ),
        (
            None,
            "450 4.1.1 <a@hotel.example>: Recipient address rejected: User unknown in local "
            "recipient table",
            Reason.USER_UNKNOWN,
            "the mailbox does not exist",
        ),
        (None, "552 5.2.2 <a@hotel.example>: mailbox full", Reason.MAILBOX_FULL, None),
        (
            None,
            "550-5.7.26 Unauthenticated email from brightpath.example is not accepted due to "
            "domain's DMARC policy.",
            Reason.POLICY,
            "DMARC alignment",
        ),
        ("5.7.26", "smtp; 550 message rejected", Reason.POLICY, "DMARC alignment"),
        (None, "550 5.7.1 Rejected: SPF check failed", Reason.POLICY, "SPF failure"),
        (None, "550 5.7.1 DKIM signature did not verify", Reason.POLICY, "DKIM failure"),
        (None, "421 4.7.0 Try again later, closing connection.", Reason.RATE_LIMITED, None),
        (None, "550 Requested action not taken: mailbox unavailable", Reason.USER_UNKNOWN, None),
        (None, "450 Requested action not taken: mailbox unavailable", Reason.NETWORK_ERROR, None),
        ("4.2.2", "", Reason.MAILBOX_FULL, None),
        (
            None,
            "554 5.7.1 Blocked - see https://ipcheck.proofpoint.com/?ip=192.0.2.10",
            Reason.BLOCKED,
            "IP on a blocklist (Proofpoint)",
        ),
        (None, "550 5.1.1 <x@hotel.example>: Benutzer unbekannt", Reason.USER_UNKNOWN, None),
        (None, "552 Postfach voll", Reason.MAILBOX_FULL, None),
        (None, "550 destinataire inconnu", Reason.USER_UNKNOWN, None),
        (None, "550 usuario desconocido", Reason.USER_UNKNOWN, None),
        (None, "550 caixa postal está cheia", Reason.MAILBOX_FULL, None),
        (None, "550 Пользователь не найден", Reason.USER_UNKNOWN, None),
        (None, "550 the moon is made of cheese", Reason.UNDEFINED, None),
    ],
)
def test_classify_decides_by_reason_not_status_class(
    status: str | None, diagnostic: str, reason: Reason, cause: str | None
) -> None:
    verdict = classify(status, diagnostic, recipient="A@Hotel.example")

    assert verdict.reason == reason
    assert verdict.consequence == CONSEQUENCES[reason]
    assert verdict.recipient == "a@hotel.example"
    if cause:
        assert verdict.cause == cause


def test_four_hundred_user_unknown_is_address_bad_and_full_mailbox_is_not() -> None:
    unknown = classify(None, "450 4.1.1 <a@hotel.example>: User unknown")
    full = classify(None, "552 5.2.2 <a@hotel.example>: mailbox full")
    blocked = classify(None, "550 5.7.1 Client host [192.0.2.10] blocked using Spamhaus")

    assert unknown.consequence == Consequence.ADDRESS_BAD
    assert full.consequence == Consequence.TRY_LATER
    assert blocked.consequence == Consequence.SENDER_PROBLEM


def test_multiline_reply_reads_as_one_sentence() -> None:
    verdict = classify(
        None,
        "550-5.1.1 The email account that you tried to reach does not exist. Please try\n"
        "550-5.1.1 double-checking the recipient's email address for typos or\n"
        "550 5.1.1 unnecessary spaces.",
    )

    assert verdict.diagnostic == (
        "550-5.1.1 The email account that you tried to reach does not exist. Please try "
        "double-checking the recipient's email address for typos or unnecessary spaces."
    )
    assert (verdict.status, verdict.smtp_code) == ("5.1.1", 550)


def test_vague_dsn_status_gives_way_to_the_servers_own_code() -> None:
    verdict = classify("5.0.0 (permanent failure)", "550 5.1.1 <a@hotel.example>... User unknown")

    assert verdict.status == "5.1.1"


def _client(server: SMTPTestServer) -> smtplib.SMTP:
    client = smtplib.SMTP(server.host, server.port, timeout=10)
    client.login(server.username or "", server.password or "")
    return client


def test_rejections_from_a_real_smtp_server_are_classified() -> None:
    message = b"From: sofia@brightpath.example\r\nSubject: Hello\r\n\r\nHi there\r\n"
    with SMTPTestServer(mode="plain") as server:
        server.fail_recipient(
            "gone@hotel.example", "550 5.1.1 <gone@hotel.example>: Recipient address rejected"
        )
        server.fail_recipient("full@hotel.example", "452 4.2.2 <full@hotel.example>: Mailbox full")
        with _client(server) as client:
            refused = client.sendmail(
                "sofia@brightpath.example",
                ["gone@hotel.example", "full@hotel.example", "ok@hotel.example"],
                message,
            )

    verdicts = {
        address: classify_smtp_error(code, text, recipient=address)
        for address, (code, text) in refused.items()
    }
    assert verdicts["gone@hotel.example"].consequence == Consequence.ADDRESS_BAD
    assert verdicts["full@hotel.example"].reason == Reason.MAILBOX_FULL
    assert verdicts["full@hotel.example"].smtp_code == 452
    assert "ok@hotel.example" not in verdicts


def test_data_rejection_and_dropped_connection_are_classified() -> None:
    message = b"From: sofia@brightpath.example\r\nSubject: Hello\r\n\r\nHi there\r\n"
    with SMTPTestServer(mode="plain") as server:
        server.fail_next(
            "data", "550 5.7.26 Unauthenticated email is not accepted due to DMARC policy"
        )
        with _client(server) as client, pytest.raises(smtplib.SMTPDataError) as data_error:
            client.sendmail("sofia@brightpath.example", ["ok@hotel.example"], message)
        server.fail_next("mail", DROP)
        with _client(server) as client, pytest.raises(smtplib.SMTPServerDisconnected) as dropped:
            client.sendmail("sofia@brightpath.example", ["ok@hotel.example"], message)

    dmarc = classify_smtp_error(data_error.value.smtp_code, data_error.value.smtp_error)
    network = classify_smtp_error(-1, str(dropped.value))
    assert (dmarc.consequence, dmarc.cause) == (Consequence.SENDER_PROBLEM, "DMARC alignment")
    assert network.reason == Reason.NETWORK_ERROR


@pytest.mark.parametrize(
    ("http_status", "code", "message", "reason", "recipient"),
    [
        (
            400,
            "ErrorInvalidRecipients",
            "At least one recipient isn't valid., Recipient 'Bob@Nowhere.example' is not "
            "resolved. All recipients must be resolved before a message can be submitted.",
            Reason.USER_UNKNOWN,
            "bob@nowhere.example",
        ),
        (
            403,
            "ErrorAccessDenied",
            "Access is denied. Check credentials and try again.",
            Reason.POLICY,
            None,
        ),
        (
            403,
            "ErrorSendAsDenied",
            "The user account which was used to submit this request "
            "does not have the right to send mail on behalf of the specified sending account.",
            Reason.POLICY,
            None,
        ),
        (
            403,
            "ErrorMessageSubmissionBlocked",
            "Your account has been blocked from sending.",
            Reason.BLOCKED,
            None,
        ),
        (
            429,
            "ApplicationThrottled",
            "Application is over its MailboxConcurrency limit.",
            Reason.RATE_LIMITED,
            None,
        ),
        (413, None, "Request entity too large", Reason.MESSAGE_TOO_BIG, None),
        (503, None, "Service Unavailable", Reason.NETWORK_ERROR, None),
        (401, "InvalidAuthenticationToken", "Access token has expired.", Reason.POLICY, None),
    ],
)
def test_graph_errors_blame_the_sender_unless_about_the_recipient(
    http_status: int, code: str | None, message: str, reason: Reason, recipient: str | None
) -> None:
    verdict = classify_graph_error(http_status, code, message)

    assert (verdict.reason, verdict.recipient) == (reason, recipient)
    assert verdict.smtp_code is None
    assert str(http_status) in verdict.diagnostic


def test_consequences_follow_the_issue() -> None:
    by_consequence: dict[Consequence, set[str]] = {c: set() for c in Consequence}
    for reason, consequence in CONSEQUENCES.items():
        by_consequence[consequence].add(str(reason))

    assert set(CONSEQUENCES) == set(Reason)
    assert by_consequence[Consequence.ADDRESS_BAD] == {
        "user_unknown",
        "host_unknown",
        "has_moved",
        "not_accepting",
    }
    assert by_consequence[Consequence.SENDER_PROBLEM] == {"blocked", "spam_detected", "policy"}


def test_soft_bounces_escalate_only_on_enough_distinct_days() -> None:
    now = datetime(2025, 3, 20, 12, 0, tzinfo=UTC)
    days = [now - timedelta(days=d) for d in range(SOFT_BOUNCE_LIMIT)]
    same_day = [now - timedelta(hours=h) for h in range(SOFT_BOUNCE_LIMIT + 3)]
    too_old = [now - timedelta(days=SOFT_BOUNCE_DAYS + 1), *days[1:]]

    assert soft_bounce_escalates(days, now=now)
    assert not soft_bounce_escalates(same_day, now=now)
    assert not soft_bounce_escalates(days[:-1], now=now)
    assert not soft_bounce_escalates(too_old, now=now)


def test_only_mailbox_trouble_counts_toward_the_soft_bounce_limit() -> None:
    full = classify(None, "552 5.2.2 mailbox full")
    throttled = classify(None, "421 4.7.28 rate limited")
    unknown = classify(None, "550 5.1.1 user unknown")

    assert full.counts_as_soft_bounce
    assert not throttled.counts_as_soft_bounce
    assert not unknown.counts_as_soft_bounce


def test_operator_docs_cover_the_vocabulary_and_the_numbers() -> None:
    docs = (ROOT / "docs" / "bounces.md").read_text(encoding="utf-8")

    assert all(f"`{reason}`" in docs for reason in Reason)
    assert f"SOFT_BOUNCE_LIMIT = {SOFT_BOUNCE_LIMIT}" in docs
    assert f"SOFT_BOUNCE_DAYS = {SOFT_BOUNCE_DAYS}" in docs
