from __future__ import annotations

import re

import pytest

from aiengine.writer import (
    OFFLINE_VERSION,
    STRATEGIES,
    Draft,
    EmailContext,
    validate_draft,
    write_offline,
)

CONTEXTS = {
    "full": EmailContext(
        prospect_name="Casa Azul Boutique Hotel",
        city="Lisbon",
        country="Portugal",
        website="https://casa-azul.pt",
        property_type="Boutique Hotel",
        contact_name="Maria Lopez",
        contact_title="General Manager",
        sender_name="Ana Ribeiro",
        notes="Owner met us at ITB; prefers Portuguese.",
    ),
    "no-contact": EmailContext(prospect_name="The Harbour Inn", city="Cobh"),
    "bare": EmailContext(prospect_name="Pension Seeblick"),
    "japanese": EmailContext(
        prospect_name="ホテル京都 嵐山", city="京都", property_type="旅館", contact_name="山田 太郎"
    ),
    "cyrillic": EmailContext(prospect_name="Гостиница Байкал", country="Россия"),
    "greek": EmailContext(
        prospect_name="Ξενοδοχείο Αθήνα", contact_name="Νίκος Παπαδόπουλος", sender_name="Ana"
    ),
    "long-name": EmailContext(
        prospect_name="The Grand Victorian Spa & Conference Resort at Lake Windermere "
        "Formerly Known As The Old Boathouse Hotel And Cottages",
        property_type="B&B",
    ),
    "messy": EmailContext(
        prospect_name="  Hotel\r\nAdler  ",
        city=" Innsbruck\n",
        contact_name="HERR KLAUS WEBER",
        sender_name="Ana\tRibeiro",
        sender_company="",
    ),
}


@pytest.mark.parametrize("context_id", CONTEXTS)
@pytest.mark.parametrize("strategy", STRATEGIES)
@pytest.mark.parametrize("step", [1, 2, 3, 4])
def test_every_strategy_and_step_writes_a_valid_draft(
    context_id: str, strategy: str, step: int
) -> None:
    previous = "Guest email for Casa Azul" if step > 1 else None

    draft = write_offline(
        context=CONTEXTS[context_id], strategy=strategy, step=step, previous_subject=previous
    )

    assert validate_draft(draft) == []
    assert (draft.provider, draft.model, draft.prompt_version) == (
        "offline",
        "templates",
        OFFLINE_VERSION,
    )


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_same_inputs_give_the_same_draft(strategy: str) -> None:
    context = CONTEXTS["full"]

    first = write_offline(context=context, strategy=strategy, step=1)
    again = write_offline(context=context, strategy=strategy, step=1)

    assert first == again


def test_wording_varies_between_prospects() -> None:
    names = [f"Hotel Number {n}" for n in range(12)]

    bodies = {
        write_offline(
            context=EmailContext(prospect_name=name), strategy="cold_direct", step=1
        ).body.replace(name, "X")
        for name in names
    }

    assert len(bodies) > 1


def test_strategies_write_different_first_emails() -> None:
    context = CONTEXTS["full"]

    bodies = {write_offline(context=context, strategy=s, step=1).body for s in STRATEGIES}

    assert len(bodies) == len(STRATEGIES)


def test_first_email_uses_the_prospect_contact_and_sender() -> None:
    draft = write_offline(context=CONTEXTS["full"], strategy="cold_direct", step=1)

    assert "Casa Azul Boutique Hotel" in draft.subject + draft.body
    assert re.match(r"(Hi|Hello|Dear) Maria,", draft.body)
    assert draft.body.rstrip().endswith("Ana Ribeiro\nJengu")


def test_operator_notes_never_reach_the_email() -> None:
    for strategy in STRATEGIES:
        draft = write_offline(context=CONTEXTS["full"], strategy=strategy, step=1)

        assert "ITB" not in draft.body


def test_without_a_contact_name_the_greeting_names_nobody() -> None:
    draft = write_offline(context=CONTEXTS["no-contact"], strategy="cold_direct", step=1)

    assert draft.body.splitlines()[0] in ("Hello,", "Hi there,")


def test_honorifics_and_shouting_are_dropped_from_the_greeting() -> None:
    draft = write_offline(context=CONTEXTS["messy"], strategy="curiosity_value", step=1)

    assert draft.body.splitlines()[0].endswith(" Klaus,")
    assert "Hotel Adler" in draft.subject + draft.body
    assert "\n" not in draft.subject and "\r" not in draft.subject


def test_japanese_contacts_are_greeted_by_their_full_name() -> None:
    draft = write_offline(context=CONTEXTS["japanese"], strategy="cold_direct", step=1)

    assert draft.body.splitlines()[0].endswith(" 山田 太郎,")
    assert "ホテル京都 嵐山" in draft.subject + draft.body


def test_long_prospect_names_are_shortened_in_the_subject() -> None:
    for strategy in STRATEGIES:
        draft = write_offline(context=CONTEXTS["long-name"], strategy=strategy, step=1)

        assert len(draft.subject) <= 80


@pytest.mark.parametrize("step", [2, 3, 4, 7])
def test_follow_ups_refer_back_to_the_earlier_email(step: int) -> None:
    draft = write_offline(
        context=CONTEXTS["full"],
        strategy="authority_scarcity",
        step=step,
        previous_subject="Re: RE: Guest email for Casa Azul",
    )

    assert '"Guest email for Casa Azul"' in draft.body
    assert re.search(r"\bmy (earlier|last) (email|note)s?\b", draft.body)
    assert draft.subject == "Re: Guest email for Casa Azul"


def test_follow_up_without_the_previous_subject_still_refers_back() -> None:
    draft = write_offline(context=CONTEXTS["bare"], strategy="cold_direct", step=2)

    assert re.search(r"\bmy (earlier|last) (email|note)s?\b", draft.body)
    assert draft.subject
    assert validate_draft(draft) == []


def test_follow_ups_differ_from_the_first_email_and_each_other() -> None:
    context = CONTEXTS["full"]

    bodies = [
        write_offline(context=context, strategy="cold_direct", step=s, previous_subject="Hi")
        for s in (1, 2, 3, 4)
    ]

    assert len({d.body for d in bodies}) == 4


@pytest.mark.parametrize(
    ("strategy", "step"), [("spray_and_pray", 1), ("cold_direct", 0), ("cold_direct", -1)]
)
def test_unknown_strategy_or_bad_step_is_refused(strategy: str, step: int) -> None:
    with pytest.raises(ValueError, match=r"strategy|step"):
        write_offline(context=CONTEXTS["bare"], strategy=strategy, step=step)


def test_draft_is_plain_text_by_default() -> None:
    draft = write_offline(context=CONTEXTS["full"], strategy="cold_direct", step=1)

    assert isinstance(draft, Draft)
    assert draft.html is None
    assert "<" not in draft.body
