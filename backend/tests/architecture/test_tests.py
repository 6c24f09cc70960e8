"""Rules for the tests themselves, checked on their source: a test module is only collected,
never imported (shared builders live in tests/factories.py, tests/asserts.py, a directory's
helpers.py or conftest.py), and nothing patches app.state through monkeypatch (its undo
restores only what an object keeps in __dict__; Starlette's State keeps nothing there, so the
undo deleted the attribute for every later test)."""

import ast
import re
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
TEST_MODULE = re.compile(r"^tests(\.\w+)*\.test_\w+$")


def sources() -> list[tuple[Path, ast.Module]]:
    return [(path, ast.parse(path.read_text(), str(path))) for path in TESTS.rglob("*.py")]


def where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(TESTS.parent)}:{getattr(node, 'lineno', 0)}"


def test_no_test_module_imports_a_test_module() -> None:
    found = []
    for path, tree in sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and TEST_MODULE.match(node.module or ""):
                found.append(f"{where(path, node)} imports {node.module}")
            elif isinstance(node, ast.Import):
                found += [
                    f"{where(path, node)} imports {alias.name}"
                    for alias in node.names
                    if TEST_MODULE.match(alias.name)
                ]
    assert found == []


def test_app_state_is_not_monkeypatched() -> None:
    found = []
    for path, tree in sources():
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("setattr", "delattr")
                and ast.unparse(node.func.value) == "monkeypatch"
                and node.args
                and ast.unparse(node.args[0]).endswith(".state")
            ):
                found.append(f"{where(path, node)}: {ast.unparse(node)}")
    assert found == []
