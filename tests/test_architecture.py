"""The shape of the code: imports point down the layers, modules stay small, and one module
writes an outbound email's status.

A short AST walk rather than import-linter: the rules are few, and the test names the file and
line of every offence. Imports inside functions count (they are dependencies all the same);
``if TYPE_CHECKING:`` blocks do not.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 300
TRANSITIONS = ROOT / "outreach" / "transitions.py"

# The layers of README "Architecture", top to bottom. An app may import the apps listed for it.
FLOOR = {"core"}
SHARED_RULES = FLOOR | {"compliance"}
DOMAIN_LEAVES = {"prospects", "inboxes", "aiengine"}
ALLOWED: dict[str, set[str]] = {
    "core": set(),
    "compliance": FLOOR,
    "prospects": SHARED_RULES,
    "inboxes": SHARED_RULES,
    "aiengine": SHARED_RULES,
    "outreach": SHARED_RULES | DOMAIN_LEAVES,
    "console": SHARED_RULES | DOMAIN_LEAVES | {"outreach"},
    "migration": SHARED_RULES | DOMAIN_LEAVES | {"outreach"},
    "privacy": SHARED_RULES | DOMAIN_LEAVES | {"outreach"},
    "jengu": SHARED_RULES | DOMAIN_LEAVES | {"outreach", "console", "migration", "privacy"},
}
APPS = set(ALLOWED)


def _sources() -> Iterator[Path]:
    for app in sorted(APPS):
        if not (ROOT / app).is_dir():
            continue
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def _type_checking_lines(tree: ast.AST) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def _imports(path: Path) -> Iterator[tuple[int, str]]:
    tree = ast.parse(path.read_text(), filename=str(path))
    skip = _type_checking_lines(tree)
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) in skip:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module


def _app_of(path: Path) -> str:
    return path.relative_to(ROOT).parts[0]


def _edges() -> dict[tuple[str, str], list[str]]:
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    for path in _sources():
        app = _app_of(path)
        for line, module in _imports(path):
            target = module.split(".")[0]
            if target in APPS and target != app:
                edges[(app, target)].append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    return edges


def test_every_app_is_placed_in_a_layer() -> None:
    packages = {
        p.name
        for p in ROOT.iterdir()
        if (p / "__init__.py").exists() and p.name not in {"tests", "bench"}
    }
    assert packages <= APPS, f"place these packages in ALLOWED: {sorted(packages - APPS)}"


def test_imports_point_down_the_layers() -> None:
    against = [
        where
        for (app, target), lines in sorted(_edges().items())
        if target not in ALLOWED[app]
        for where in lines
    ]
    assert not against, "imports against the layers:\n" + "\n".join(against)


def test_nothing_imports_the_project_package() -> None:
    users = [
        where for (app, target), lines in _edges().items() if target == "jengu" for where in lines
    ]
    assert not users, "jengu is settings and URLs only:\n" + "\n".join(users)


def test_no_import_cycle_between_apps() -> None:
    graph: dict[str, set[str]] = defaultdict(set)
    for app, target in _edges():
        graph[app].add(target)

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(nxt == goal or reaches(nxt, goal, seen | {nxt}) for nxt in graph[start] - seen)

    cycles = sorted(app for app in APPS if reaches(app, app, set()))
    assert not cycles, f"apps on an import cycle: {cycles}"


def test_the_layer_rules_catch_an_upward_import(tmp_path: Path) -> None:
    """The checker itself: an import from core into outreach is reported with its line."""
    offender = tmp_path / "offender.py"
    offender.write_text("import os\n\ndef f():\n    from outreach.models import OutboundEmail\n")
    assert list(_imports(offender)) == [(1, "os"), (4, "outreach.models")]
    assert "outreach" not in ALLOWED["core"]


def test_modules_stay_under_300_lines() -> None:
    big = [
        f"{path.relative_to(ROOT)}: {n} lines"
        for path in _sources()
        if (n := len(path.read_text().splitlines())) > MAX_LINES
    ]
    assert not big, "split these into packages:\n" + "\n".join(big)


def _mentions_outbound(node: ast.AST) -> bool:
    text = ast.unparse(node)
    return "OutboundEmail" in text or "emails" in text


def _where(path: Path, line: int) -> str:
    return f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name}:{line}"


def _status_writes(path: Path) -> Iterator[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        name, target = node.func.attr, node.func.value
        if name == "update" and any(k.arg == "status" for k in node.keywords):
            if _mentions_outbound(target):
                yield f"{_where(path, node.lineno)} {ast.unparse(node)[:90]}"
        elif name == "bulk_update" and "status" in ast.unparse(node) and _mentions_outbound(node):
            yield f"{_where(path, node.lineno)} {ast.unparse(node)[:90]}"
    for node in ast.walk(tree):  # email.status = ... followed by a save()
        targets = node.targets if isinstance(node, ast.Assign) else []
        for t in targets:
            if (
                isinstance(t, ast.Attribute)
                and t.attr == "status"
                and "email" in ast.unparse(t.value)
            ):
                yield f"{_where(path, node.lineno)} {ast.unparse(node)[:90]}"


def test_only_the_transitions_module_writes_an_outbound_status() -> None:
    assert TRANSITIONS.exists()
    writes = [w for p in _sources() if p != TRANSITIONS for w in _status_writes(p)]
    assert not writes, "write OutboundEmail.status through outreach.transitions:\n" + "\n".join(
        writes
    )


def test_the_status_rule_catches_raw_writes(tmp_path: Path) -> None:
    module = tmp_path / "probe.py"
    module.write_text(
        "def f(enrollment, email):\n"
        "    OutboundEmail.objects.filter(pk=1).update(status='sent')\n"
        "    enrollment.emails.update(status='cancelled')\n"
        "    Enrollment.objects.update(status='stopped')\n"
        "    email.status = 'sent'\n"
    )
    found = [w.split(" ")[0] for w in _status_writes(module)]
    assert found == ["probe.py:2", "probe.py:3", "probe.py:5"]
