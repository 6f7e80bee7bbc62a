from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prospects.extract import emails_in_text, extract_contacts, normalize_phone, phones_in_text

HOTEL_PAGE = """<!DOCTYPE html>
<html lang="pt"><head>
<meta charset="utf-8">
<title>Hotel Alfama Azul &middot; Boutique hotel in Lisbon</title>
<meta name="description" content="A 32-room boutique hotel   above the Tagus.">
<meta property="og:description" content="Stay above the river.">
<meta property="og:site_name" content="Alfama Azul">
<style>.logo{background:url(logo@2x.png)} /* design@alfama-azul.pt */</style>
<script>var dsn = "abc123@o4505.ingest.sentry.io"; var dev = "webdev@alfama-azul.pt";</script>
<script type="application/ld+json">
{"@context": "https://schema.org", "@type": "Hotel", "name": "Hotel Alfama Azul",
 "email": "mailto:booking@alfama-azul.pt", "telephone": "+351 21 886 0100",
 "sameAs": ["https://www.tripadvisor.com/Hotel_Review-g189158-d2-Reviews-Alfama_Azul.html",
            "https://www.instagram.com/alfamaazul/"]}
</script>
</head><body>
<header><nav>
  <a href="/en/contact-us/">Contact us</a>
  <a href="quem-somos.html">Sobre nós</a>
  <a href="https://engine.bookingsuite.example/alfama/contact">Book now</a>
  <a href="/rooms">Rooms</a> <a href="/impressum#top">Legal</a> <a href="/rooms">Rooms again</a>
</nav></header>
<p>Write to <a href="mailto:Reservas@Alfama-Azul.pt?subject=Booking%20request">our team</a>
or info&#64;alfama-azul.pt. Events: events [at] alfama-azul [dot] pt,
groups(at)alfama-azul.pt and press at alfama-azul dot pt.</p>
<p>Meet us at the river dot com? Stay at Lisbon's best hotel.</p>
<img src="/img/logo@2x.png" alt="logo@2x.png">
<form><input placeholder="name@example.com"></form>
<footer>
  Tel.: +351 (0)21 886 0100 | Fax: +351 21 886 0199 | Mobile 912 345 678
  | Open 2023-2024 | VAT 509876543
  <a href="tel:+351%20912%20000%20111">Call us</a>
  <a href="https://www.facebook.com/sharer/sharer.php?u=alfama">Share</a>
  <a href="https://www.facebook.com/alfamaazul">Facebook</a>
  <a href="https://twitter.com/intent/tweet?text=hi">Tweet</a>
  <a href="https://x.com/alfamaazul">X</a>
  <a href="https://www.linkedin.com/company/alfama-azul/">LinkedIn</a>
  <a href="https://www.instagram.com/p/C1a2b3/">our latest post</a>
</footer>
</body></html>"""
BASE = "https://www.alfama-azul.pt/pt/"


def test_page_metadata() -> None:
    info = extract_contacts(HOTEL_PAGE, BASE)
    assert info.title == "Hotel Alfama Azul · Boutique hotel in Lisbon"
    assert info.description == "A 32-room boutique hotel above the Tagus."
    assert info.site_name == "Alfama Azul"


def test_og_description_is_the_fallback() -> None:
    page = '<meta property="og:description" content="Stay above the river.">'
    assert extract_contacts(page, BASE).description == "Stay above the river."


def test_emails_from_links_structured_data_and_text_in_that_order() -> None:
    assert extract_contacts(HOTEL_PAGE, BASE).emails == [
        "reservas@alfama-azul.pt",
        "booking@alfama-azul.pt",
        "info@alfama-azul.pt",
        "events@alfama-azul.pt",
        "groups@alfama-azul.pt",
        "press@alfama-azul.pt",
    ]


def test_scripts_styles_images_and_placeholders_yield_no_email() -> None:
    emails = extract_contacts(HOTEL_PAGE, BASE).emails
    assert "webdev@alfama-azul.pt" not in emails
    assert "design@alfama-azul.pt" not in emails
    assert not [e for e in emails if "sentry" in e or "example" in e or e.endswith(".png")]


@pytest.mark.parametrize(
    ("text", "emails"),
    [
        ("info [at] hotel-sol [dot] pt", ["info@hotel-sol.pt"]),
        ("info(at)hotel-sol.pt", ["info@hotel-sol.pt"]),
        ("info {at} hotel-sol {dot} co {dot} uk", ["info@hotel-sol.co.uk"]),
        ("INFO AT HOTEL-SOL DOT PT", ["info@hotel-sol.pt"]),
        ("Email: ana.ribeiro@hotel-sol.pt.", ["ana.ribeiro@hotel-sol.pt"]),
        ("rooms at the hotel, dinner at eight", []),
        ("we are at hotel dot 5", []),
        ("see logo@2x.png and app@3x.webp", []),
        ("ask at reception", []),
        ("joséphine@hotel-sol.pt", []),  # never the truncated "phine@hotel-sol.pt"
    ],
)
def test_obfuscated_addresses_in_text(text: str, emails: list[str]) -> None:
    assert emails_in_text(text) == emails


def test_phones_from_links_structured_data_and_labelled_text() -> None:
    phones = extract_contacts(HOTEL_PAGE, BASE).phones
    assert phones == ["+351912000111", "+351218860100", "912345678"]


@pytest.mark.parametrize(
    ("text", "phones"),
    [
        ("Telefone: 21 886 0100", ["218860100"]),
        ("Phone number: (212) 555-0142", ["2125550142"]),
        ("Call +44 20 7946 0958 today", ["+442079460958"]),
        ("0033 1 42 68 53 00", ["+33142685300"]),
        ("Fax: +351 21 886 0199", []),
        ("Open 2023-2024, 120 rooms, VAT 509876543", []),
        ("Hotel 1234567 rooms", []),
    ],
)
def test_phone_numbers_in_text(text: str, phones: list[str]) -> None:
    assert phones_in_text(text) == phones


@pytest.mark.parametrize(
    ("raw", "phone"),
    [("+351 (0)21 886 0100", "+351218860100"), ("tel%3A12", ""), ("12345678901234567", "")],
)
def test_phone_normalization(raw: str, phone: str) -> None:
    assert normalize_phone(raw) == phone


def test_social_profiles_skip_share_buttons_and_single_posts() -> None:
    assert extract_contacts(HOTEL_PAGE, BASE).social == {
        "facebook": "https://www.facebook.com/alfamaazul",
        "twitter": "https://x.com/alfamaazul",
        "linkedin": "https://www.linkedin.com/company/alfama-azul/",
        "tripadvisor": "https://www.tripadvisor.com/Hotel_Review-g189158-d2-Reviews-Alfama_Azul.html",
        "instagram": "https://www.instagram.com/alfamaazul/",
    }


def test_contact_pages_are_same_site_absolute_and_unique() -> None:
    assert extract_contacts(HOTEL_PAGE, BASE).contact_pages == [
        "https://www.alfama-azul.pt/en/contact-us/",
        "https://www.alfama-azul.pt/pt/quem-somos.html",
        "https://www.alfama-azul.pt/impressum",
    ]


def test_a_contact_word_inside_a_blog_slug_is_not_a_contact_page() -> None:
    page = (
        '<a href="/blog/what-to-know-about-lisbon">Read more</a>'
        '<a href="/pt/contactos">Fale connosco</a><a href="/kontaktformular.php">Schreiben</a>'
    )
    assert extract_contacts(page, "https://hotel-sol.pt/").contact_pages == [
        "https://hotel-sol.pt/pt/contactos",
        "https://hotel-sol.pt/kontaktformular.php",
    ]


def test_anchor_text_and_base_href_find_contact_pages() -> None:
    page = '<base href="https://hotel-sol.de/de/"><a href="seite-7">Kontakt</a>'
    info = extract_contacts(page, "https://hotel-sol.de/")
    assert info.contact_pages == ["https://hotel-sol.de/de/seite-7"]


def test_broken_html_still_gives_its_contacts() -> None:
    page = (
        "<div><p>Reservas <b>reservas@hotel-sol.pt<p>Tel: 21 000 0000 < 5 stars"
        '<a href="/contacto">Contacto<div></a><table><td><!x><![at]> <!-- unclosed info@gone.pt'
    )
    info = extract_contacts(page, "http://hotel-sol.pt")
    assert info.emails == ["reservas@hotel-sol.pt"]
    assert info.phones == ["210000000"]
    assert info.contact_pages == ["http://hotel-sol.pt/contacto"]


def test_bytes_are_decoded_with_the_declared_charset() -> None:
    page = (
        b'<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
        b"<title>H\xf4tel \x93Sol\x94</title><p>r\xe9servations@h\xf4tel-sol.fr</p>"
    )
    info = extract_contacts(page, "http://hotel-sol.fr")
    assert info.title == "Hôtel “Sol”"
    assert info.emails == []  # a non-ASCII local part is not an address we can use


def test_undeclared_bytes_fall_back_from_utf8_to_windows_1252() -> None:
    assert extract_contacts("<title>Hôtel</title>".encode(), "").title == "Hôtel"
    assert extract_contacts("<title>Hôtel</title>".encode("cp1252"), "").title == "Hôtel"


SOUP_MARKUP = (
    "<",
    ">",
    "<a href='",
    "</a>",
    "<script>",
    "</script>",
    "<!--",
    "-->",
    "<![",
    "<!",
    '<script type="application/ld+json">',
    "<style>",
    "<base href=",
    "<title>",
    "=",
)
SOUP_TEXT = ("mailto:", "tel:", "'", '"', "&#", "64;", "@", "info", ".pt", " at ", " dot ", "[at]",
             "http://[", "+351 ", "21 000 0000", "é", '{"email":', "}")  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*SOUP_MARKUP, *SOUP_TEXT]), max_size=30))
def test_any_markup_soup_is_survived(parts: list[str]) -> None:
    info = extract_contacts("".join(parts), "http://hotel-sol.pt/")
    assert all("@" in email for email in info.emails)
