"""SQL dumps of the old D1 database (``wrangler d1 export``, ``sqlite3 .dump``).

Understood: ``CREATE TABLE`` (for the column order), ``INSERT [OR ...] INTO t [(cols)] VALUES
(...), (...)`` and ``REPLACE INTO``; every other statement (``PRAGMA``, ``CREATE INDEX``,
triggers, ``BEGIN``/``COMMIT``, ``DELETE`` ...) is skipped. Values: string literals with
``''`` escapes, numbers (kept as written), ``NULL`` (the column is left out of the row),
``TRUE``/``FALSE`` (``1``/``0``), ``X'..'`` blobs (hex text), and the helpers sqlite's dump uses
for special characters: ``char(10)``, ``replace(...)``, ``unistr(...)``. A tuple with anything
else is an error for that tuple only.

Table and column names come back unquoted, table names lower-cased. Rows are produced one
tuple at a time, so a single ``INSERT`` with 100,000 tuples is never held as a token list.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from prospects.sources.base import Row, RowError

_TOKEN_RE = re.compile(
    r"""(?P<space>\s+)
    |(?P<comment>--[^\n]*|/\*.*?(?:\*/|\Z))
    |(?P<blob>[xX]'[0-9a-fA-F]*')
    |(?P<string>'[^']*(?:''[^']*)*')
    |(?P<badstring>'.*)
    |(?P<ident>"[^"]*(?:""[^"]*)*"|`[^`]*(?:``[^`]*)*`|\[[^\]]*\])
    |(?P<word>[A-Za-z_][A-Za-z0-9_$]*)
    |(?P<number>[-+]?(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?))
    |(?P<other>.)""",
    re.S | re.X,
)
_UNISTR_RE = re.compile(
    r"\\(?:u([0-9a-fA-F]{4})|\+([0-9a-fA-F]{6})|U([0-9a-fA-F]{8})|"
    r"([0-9a-fA-F]{4})|(\\))"
)
_CONSTRAINTS = frozenset({"CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"})


class Token(NamedTuple):
    kind: str
    text: str
    line: int


class SqlValueError(ValueError):
    pass


class SqlDump(dict[str, list[Row]]):
    """``{table: [Row, ...]}`` plus the ``errors`` met on the way."""

    def __init__(self) -> None:
        super().__init__()
        self.errors: list[RowError] = []


def tokenize(text: str) -> Iterator[Token]:
    line = 1
    for match in _TOKEN_RE.finditer(text):
        kind = match.lastgroup or "other"
        if kind not in ("space", "comment"):
            yield Token(kind, match.group(), line)
        line += text.count("\n", match.start(), match.end())


def unquote(token: Token) -> str:
    text = token.text
    if token.kind != "ident":
        return text
    if text[0] == "[":
        return text[1:-1]
    return text[1:-1].replace(text[0] * 2, text[0])


def _unistr(text: str) -> str:
    def sub(match: re.Match[str]) -> str:
        if match.group(5):
            return "\\"
        return chr(int(next(group for group in match.groups() if group), 16))

    return _UNISTR_RE.sub(sub, text)


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.ahead: Token | None = None
        self.depth = 0  # parentheses open among the tokens taken so far

    def peek(self) -> Token | None:
        if self.ahead is None:
            self.ahead = next(self.tokens, None)
        return self.ahead

    def take(self) -> Token | None:
        token = self.peek()
        self.ahead = None
        if token is not None and token.kind == "other":
            self.depth += {"(": 1, ")": -1}.get(token.text, 0)
        return token

    def word(self) -> str:
        """The next token upper-cased when it is a bare word, else ""."""
        token = self.peek()
        return token.text.upper() if token and token.kind == "word" else ""

    def accept(self, *texts: str) -> bool:
        token = self.peek()
        if token and token.kind in ("word", "other") and token.text.upper() in texts:
            self.take()
            return True
        return False

    def skip_statement(self, until_end: bool = False) -> None:
        """Consume through the next top-level ``;`` (through ``END;`` for a trigger body)."""
        depth = self.depth
        while (token := self.take()) is not None:
            if token.kind == "word" and token.text.upper() == "END":
                until_end = False
            elif token.text == ";" and self.depth <= depth and not until_end:
                self.depth = 0
                return

    def skip_to_depth(self, depth: int) -> None:
        """Consume tokens until only ``depth`` parentheses are open."""
        while self.depth > depth and self.take() is not None:
            pass

    def name(self) -> str:
        """A possibly schema-qualified table name, unquoted, last part only."""
        token = self.take()
        name = unquote(token) if token else ""
        while (dot := self.peek()) is not None and dot.text == ".":
            self.take()
            token = self.take()
            name = unquote(token) if token else ""
        return name

    def value(self) -> str | None:
        token = self.take()
        if token is None:
            raise SqlValueError("unexpected end of file")
        if token.kind == "string":
            return token.text[1:-1].replace("''", "'")
        if token.kind == "badstring":
            raise SqlValueError("unterminated string literal")
        if token.kind == "ident" and token.text[0] == '"':
            return unquote(token)  # sqlite reads a double-quoted value as a string here
        if token.kind == "number":
            return token.text
        if token.kind == "blob":
            return token.text[2:-1].lower()
        upper = token.text.upper() if token.kind == "word" else ""
        constants = {"NULL": None, "TRUE": "1", "FALSE": "0"}
        if upper in constants:
            return constants[upper]
        if upper in ("CHAR", "REPLACE", "UNISTR") and self.accept("("):
            return self.call(upper)
        raise SqlValueError(f"unsupported value {token.text[:40]!r}")

    def call(self, function: str) -> str:
        args = [self.value()]
        while self.accept(","):
            args.append(self.value())
        if not self.accept(")"):
            raise SqlValueError(f"malformed {function.lower()}(...)")
        text = [arg or "" for arg in args]
        if function == "CHAR":
            return "".join(chr(int(code, 16 if code[:2].lower() == "0x" else 10)) for code in text)
        if function == "REPLACE" and len(text) == 3:
            return text[0].replace(text[1], text[2]) if text[1] else text[0]
        if function == "UNISTR" and len(text) == 1:
            return _unistr(text[0])
        raise SqlValueError(f"{function.lower()}() with {len(text)} arguments")

    def tuple_values(self) -> list[str | None]:
        """Values of one ``( ... )`` whose ``(`` was already taken."""
        values = [self.value()]
        while self.accept(","):
            values.append(self.value())
        if not self.accept(")"):
            raise SqlValueError("expected ',' or ')' between values")
        return values


def _create_table(parser: _Parser) -> tuple[str, list[str]] | None:
    parser.accept("TEMP", "TEMPORARY")
    if not parser.accept("TABLE"):
        parser.skip_statement(until_end=parser.word() == "TRIGGER")
        return None
    if parser.accept("IF"):
        parser.accept("NOT")
        parser.accept("EXISTS")
    table = parser.name().lower()
    if not parser.accept("("):
        parser.skip_statement()  # CREATE TABLE ... AS SELECT
        return None
    columns: list[str] = []
    while (token := parser.take()) is not None and token.text != ")":
        if token.kind in ("word", "ident") and token.text.upper() not in _CONSTRAINTS:
            columns.append(unquote(token))
        while (part := parser.peek()) is not None and part.text not in (",", ")"):
            parser.take()
            if part.text == "(":
                parser.skip_to_depth(parser.depth - 1)
        parser.accept(",")
    parser.skip_statement()
    return table, columns


def _column_list(parser: _Parser) -> list[str]:
    columns: list[str] = []
    while (token := parser.take()) is not None and token.text != ")":
        if token.text != ",":
            columns.append(unquote(token))
    return columns


def _insert(parser: _Parser, schemas: dict[str, list[str]]) -> Iterator[tuple[str, Row | RowError]]:
    start = parser.take()
    line = start.line if start else 0
    if parser.accept("OR"):
        parser.take()
    parser.accept("INTO")
    table = parser.name().lower()
    if parser.accept("AS"):
        parser.take()
    columns = _column_list(parser) if parser.accept("(") else schemas.get(table, [])
    if not parser.accept("VALUES"):
        yield table, RowError(line, f"{table}: only VALUES (...) inserts are understood")
        parser.skip_statement()
        return
    if not columns:
        yield table, RowError(line, f"{table}: no column list and no CREATE TABLE for it")
        parser.skip_statement()
        return
    yield from _tuples(parser, table, columns)
    parser.skip_statement()  # ON CONFLICT / RETURNING tails, and the ";"


def _tuples(
    parser: _Parser, table: str, columns: list[str]
) -> Iterator[tuple[str, Row | RowError]]:
    while (opening := parser.peek()) is not None and opening.text == "(":
        depth = parser.depth
        parser.take()
        try:
            values = parser.tuple_values()
        except (ValueError, OverflowError) as exc:  # SqlValueError, or char() out of range
            parser.skip_to_depth(depth)
            yield table, RowError(opening.line, f"{table}: {exc}")
        else:
            if len(values) != len(columns):
                detail = f"{table}: {len(values)} values for {len(columns)} columns"
                yield table, RowError(opening.line, detail)
            else:
                data = {
                    col: val for col, val in zip(columns, values, strict=True) if val is not None
                }
                yield table, Row(opening.line, data)
        if not parser.accept(","):
            return


def iter_sql_dump(text: str) -> Iterator[tuple[str, Row | RowError]]:
    """(table, Row or RowError) for every tuple inserted, in file order; table "" for errors
    that belong to no table (an unterminated string literal)."""
    parser = _Parser(text)
    schemas: dict[str, list[str]] = {}
    while (token := parser.peek()) is not None:
        keyword = parser.word()
        if token.kind == "badstring":
            yield "", RowError(token.line, "unterminated string literal; the rest is ignored")
            return
        if keyword == "CREATE":
            parser.take()
            created = _create_table(parser)
            if created:
                schemas[created[0]] = created[1]
        elif keyword in ("INSERT", "REPLACE"):
            yield from _insert(parser, schemas)
        else:
            parser.skip_statement()


def parse_sql_dump(text: str) -> SqlDump:
    """Every table's rows, ``{"prospects": [Row, ...], "emails": [...], ...}``; errors are on
    the result's ``errors`` attribute."""
    dump = SqlDump()
    for table, item in iter_sql_dump(text):
        if isinstance(item, RowError):
            dump.errors.append(item)
        else:
            dump.setdefault(table, []).append(item)
    return dump
