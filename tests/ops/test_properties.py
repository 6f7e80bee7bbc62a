"""Property tests (hypothesis) for the three parsers that read what strangers send us:
the import files, inbound MIME messages, and the headers of the emails we build."""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import traceback
from datetime import UTC, datetime
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from inboxes.bounces import MessageKind, analyze_message
from outreach.services.messages import HeaderInjection, build_message
from prospects.sources import CANONICAL_KEYS, Row, RowError, iter_import, parse_import

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
BOUNCES = sorted((FIXTURES / "bounces").glob("*.eml"))
IMPORTS = sorted((FIXTURES / "imports").iterdir())
NEWLINE = re.compile(r"\r\n|\r|\n")
FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- import files ---------------------------------------------------------------------------
def physical_lines(data: bytes | str) -> int:
    """How many lines an editor shows: \\r\\n, \\r and \\n end a line, nothing else does."""
    if isinstance(data, bytes):
        utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
        # every other encoding the importer accepts writes CR and LF as the bytes 0D and 0A
        data = data.decode("utf-16", "replace") if utf16 else data.decode("latin-1")
    parts = NEWLINE.split(data)
    return len(parts) - (1 if parts[-1] == "" else 0)


cells = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=25)
headers = st.lists(
    st.one_of(st.sampled_from([*sorted(CANONICAL_KEYS), "Company", "E-mail", "Hotel"]), cells),
    min_size=1,
    max_size=8,
)


@st.composite
def csv_files(draw: st.DrawFn) -> tuple[bytes | str, str]:
    """A CSV as spreadsheets write them: any delimiter, quoted cells spanning lines, ragged rows,
    blank lines, a BOM, several encodings."""
    header = draw(headers)
    rows = draw(st.lists(st.lists(cells, max_size=len(header) + 2), max_size=12))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=draw(st.sampled_from(",;\t|")),
                        lineterminator=draw(st.sampled_from(["\r\n", "\n", "\r"])))  # fmt: skip
    writer.writerow(header)
    for row in rows:
        if draw(st.booleans()) and draw(st.booleans()):
            out.write("\n")  # a blank line
        writer.writerow(row)
    text = draw(st.sampled_from(["", "\ufeff"])) + out.getvalue()
    encoding = draw(st.sampled_from(["str", "utf-8", "utf-16", "cp1252"]))
    if encoding == "str":
        return text, draw(st.sampled_from(["", "x.csv"]))
    return text.encode(encoding, "replace"), draw(st.sampled_from(["", "x.csv", "x.tsv"]))


@st.composite
def jsonl_files(draw: st.DrawFn) -> tuple[bytes, str]:
    lines = draw(st.lists(st.one_of(
        st.dictionaries(st.sampled_from(sorted(CANONICAL_KEYS)), st.one_of(cells, st.integers(),
                        st.none(), st.lists(cells, max_size=3))).map(json.dumps),
        cells,  # not JSON at all
        st.just("{\"name\": \"unterminated"),
    ), max_size=12))  # fmt: skip
    return "\n".join(lines).encode(), draw(st.sampled_from(["", "x.jsonl"]))


def _check_import(data: bytes | str, filename: str) -> None:
    lines = physical_lines(data)
    items = list(iter_import(data, filename))
    for item in items:
        assert isinstance(item, Row | RowError), item
        if isinstance(item, Row):
            assert 1 <= item.line <= lines, (item.line, lines)
            assert all(isinstance(v, str) for v in item.data.values())
        else:
            assert 0 <= item.line <= lines, (item.line, lines, item.detail)
            assert item.detail
    parsed = parse_import(data, filename)
    assert [r.line for r in parsed.rows] == [i.line for i in items if isinstance(i, Row)]
    assert len(parsed.errors) == sum(isinstance(i, RowError) for i in items)


@FAST
@given(csv_files())
def test_any_csv_parses_with_line_numbers_inside_the_file(file: tuple[bytes | str, str]) -> None:
    _check_import(*file)


@FAST
@given(jsonl_files())
def test_any_jsonl_parses_with_line_numbers_inside_the_file(file: tuple[bytes, str]) -> None:
    _check_import(*file)


@FAST
@given(
    fixture=st.sampled_from(IMPORTS),
    cuts=st.lists(st.tuples(st.floats(0, 1), st.binary(max_size=6)), max_size=6),
)
def test_damaged_real_import_files_still_parse(fixture: Path, cuts: list) -> None:
    data = bytearray(fixture.read_bytes())
    for where, junk in cuts:
        at = int(len(data) * where)
        data[at : at + len(junk)] = junk
    _check_import(bytes(data), fixture.name)
    _check_import(bytes(data), "")  # and when the format has to be guessed


# --- inbound MIME ---------------------------------------------------------------------------
def _header_edits(raw: bytes, data: st.DataObject) -> bytes:
    """Damage at the header level: lines dropped, duplicated, swapped, folded, a boundary or a
    charset replaced, the blank line between head and body lost."""
    head, sep, body = raw.partition(b"\n\n") if b"\r\n\r\n" not in raw else raw.partition(
        b"\r\n\r\n"
    )  # fmt: skip
    lines = head.splitlines()
    for _ in range(data.draw(st.integers(0, 4))):
        if not lines:
            break
        i = data.draw(st.integers(0, len(lines) - 1))
        edit = data.draw(st.sampled_from(["drop", "dup", "swap", "fold", "junk"]))
        if edit == "drop":
            del lines[i]
        elif edit == "dup":
            lines.insert(i, lines[i])
        elif edit == "swap":
            j = data.draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif edit == "fold":
            lines.insert(i + 1, b" " + data.draw(st.binary(max_size=20)).replace(b"\n", b""))
        else:
            lines[i] = data.draw(st.binary(max_size=40)).replace(b"\n", b"")
    head = b"\r\n".join(lines)
    for old, new in ((b"boundary=", b"boundary=X"), (b"charset=", b"charset=x-unknown-")):
        if data.draw(st.booleans()) and data.draw(st.booleans()):
            head = head.replace(old, new, 1)
    return head + (sep if data.draw(st.integers(0, 9)) else b"\r\n") + body


def _crash(raw: bytes) -> str:
    """What the safety net swallowed, for the failure message."""
    from inboxes.bounces.kinds import _analyze

    try:
        _analyze(raw)
    except Exception:
        return traceback.format_exc()[-3000:]
    return "no exception?"


@FAST
@given(fixture=st.sampled_from(BOUNCES), data=st.data())
def test_mutated_real_messages_are_analysed_without_the_safety_net(
    fixture: Path, data: st.DataObject
) -> None:
    raw = _header_edits(fixture.read_bytes(), data)
    analysis = analyze_message(raw)
    assert analysis.kind in set(MessageKind)
    # the catch-all in analyze_message logs and returns "unreadable": it must not be needed
    assert "unreadable" not in analysis.flags, _crash(raw)
    assert analyze_message(raw) == analysis  # deterministic
    json.dumps(analysis.summary(), ensure_ascii=False)


@FAST
@given(raw=st.binary(max_size=2000), prefix=st.sampled_from([b"", b"From: a@b.example\r\n"]))
def test_arbitrary_bytes_are_analysed_without_the_safety_net(raw: bytes, prefix: bytes) -> None:
    analysis = analyze_message(prefix + raw)
    assert analysis.kind in set(MessageKind) and "unreadable" not in analysis.flags, _crash(raw)


# --- outgoing headers -----------------------------------------------------------------------
header_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=60)
# What str.splitlines() and so the email package treat as the end of a line, not just CR and LF.
LINE_BREAK = re.compile("[\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


def _build(subject: str, from_name: str, to_name: str) -> bytes:
    return build_message(
        from_name=from_name, from_address="rui@sender.example", to_name=to_name,
        to_address="ana@hotel.example", subject=subject, text="Hello Ana,\n\nA short note.\n",
        message_id="<m1@sender.example>", unsubscribe_token="tok_" + "a" * 30,
        date=datetime(2026, 12, 1, 10, tzinfo=UTC),
    )  # fmt: skip


def _same_text(a: str, b: str) -> bool:
    # RFC 5322 unstructured values are folded on whitespace, so runs of whitespace at the ends
    # and inside are not guaranteed to survive; every other character must.
    return a.split() == b.split()


@settings(max_examples=400, deadline=None)
@given(subject=header_text, from_name=header_text, to_name=header_text)
@example(subject="Rooms\u2028Bcc: x@evil.example", from_name="Rui", to_name="Ana")
@example(subject="Hello", from_name="Rui", to_name="Ana [Front desk] Müller")
@example(subject="Olá, Ana", from_name="Rui (Jengu)", to_name='Zoë "Z" Smith')
def test_any_subject_or_name_is_rejected_for_line_breaks_or_round_trips(
    subject: str, from_name: str, to_name: str
) -> None:
    breaks = any(LINE_BREAK.search(v) for v in (subject, from_name, to_name))
    try:
        raw = _build(subject, from_name, to_name)
    except HeaderInjection:
        assert breaks
        return
    assert not breaks
    head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")  # 8-bit text is always encoded
    parsed = message_from_bytes(raw, policy=default_policy)
    assert _same_text(str(parsed["Subject"]), subject), (subject, parsed["Subject"])
    # a crafted name never adds or changes a recipient
    assert [a.addr_spec for a in parsed["To"].addresses] == ["ana@hotel.example"]
    assert [a.addr_spec for a in parsed["From"].addresses] == ["rui@sender.example"]
    unsubscribe = [line for line in head.split("\r\n") if line.startswith("List-Unsubscribe:")]
    assert unsubscribe == [
        "List-Unsubscribe: <http://127.0.0.1:8000/u/tok_" + "a" * 30 + ">, "
        "<mailto:rui@sender.example?subject=unsubscribe>"
    ]
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in head.split("\r\n")
