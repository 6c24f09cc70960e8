"""The layer rules of docs/architecture.md, checked on the source: each test names the rule
it enforces, and fails with the offending module and line."""

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import fabricloop

PACKAGE = Path(fabricloop.__file__).parent
# Not domains: the shared foundation, and tools that load or copy whole databases.
FOUNDATION = {"core"}
TOOLS = {"demo", "ops"}
# Statement builders: a module that imports one writes SQL.
SQL_BUILDERS = {
    "select",
    "insert",
    "update",
    "delete",
    "text",
    "exists",
    "union_all",
    "table",
    "literal_column",
}
# Methods of a session that run or queue SQL.
SESSION_SQL = {
    "execute",
    "scalar",
    "scalars",
    "stream",
    "add",
    "add_all",
    "flush",
    "delete",
    "get",
    "refresh",
    "merge",
}
# The HTTP layer of a domain: its routes, their dependencies, and the streaming reader of an
# upload's body.
HTTP_MODULES = {"router", "deps", "upload"}
HTTP_NAMES = {"Request", "Scope", "QueryParams", "Response", "JSONResponse", "HTTPException"}


@dataclass(frozen=True)
class Module:
    path: Path
    name: str  # fabricloop.materials.repository.search
    tree: ast.Module

    @property
    def package(self) -> str | None:
        parts = self.name.split(".")
        if len(parts) > 2 or (len(parts) == 2 and self.path.name == "__init__.py"):
            return parts[1]
        return None

    @property
    def layer(self) -> str:
        """repository, router, service (any other module of a domain), or models/schemas."""
        parts = self.name.split(".")[2:]
        if "repository" in parts:
            return "repository"
        if parts and parts[0] in HTTP_MODULES:
            return "router"
        if parts and parts[0] in ("models", "schemas"):
            return parts[0]
        return "service"

    def imports(self) -> Iterator[tuple[int, str, list[str]]]:
        """(line, module, names) of every import of this project."""
        for node in ast.walk(self.tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                yield node.lineno, node.module, [a.name for a in node.names]
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    yield node.lineno, alias.name, []

    def where(self, line: int) -> str:
        return f"{self.path.relative_to(PACKAGE.parent)}:{line}"


def _modules() -> list[Module]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = list(relative.parts)
        if parts[-1] == "__init__":
            parts.pop()
        found.append(Module(path, ".".join(parts), ast.parse(path.read_text(), str(path))))
    return found


MODULES = _modules()
DOMAINS = {m.package for m in MODULES if m.package} - FOUNDATION - TOOLS


def _target(module: str, names: list[str]) -> list[str]:
    """The project modules an import statement reaches (`from fabricloop.x import y` may name a
    module `y` or an attribute of `x`)."""
    if not module.startswith("fabricloop"):
        return []
    return [module, *(f"{module}.{name}" for name in names)]


def test_core_imports_no_domain() -> None:
    wrong = [
        f"{m.where(line)} imports {target}"
        for m in MODULES
        if m.package in FOUNDATION or m.name in ("fabricloop.config",)
        for line, target, _ in m.imports()
        if target.startswith("fabricloop.") and target.split(".")[1] in DOMAINS | TOOLS
    ]
    assert wrong == []


def test_a_domain_never_imports_another_domains_repository_or_router() -> None:
    wrong = []
    for m in MODULES:
        if m.package not in DOMAINS | TOOLS:
            continue
        for line, module, names in m.imports():
            for target in _target(module, names):
                parts = target.split(".")
                if len(parts) < 3 or parts[1] == m.package or parts[1] not in DOMAINS:
                    continue
                if parts[2] in ("repository", "router"):
                    wrong.append(f"{m.where(line)} imports {target}")
    assert wrong == []


def _runs_sql(m: Module) -> list[str]:
    found = []
    for line, module, names in m.imports():
        if module.split(".")[0] == "sqlalchemy" and SQL_BUILDERS & set(names):
            found.append(f"{m.where(line)} imports {sorted(SQL_BUILDERS & set(names))}")
    for node in ast.walk(m.tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in SESSION_SQL
            and "session" in ast.unparse(node.func.value).lower()
        ):
            found.append(f"{m.where(node.lineno)} runs {ast.unparse(node.func)}")
    return found


def test_only_repositories_run_sql() -> None:
    """Routers and services (and every other module of a domain) go through a repository.py
    (or a repository/ package); models may use SQL expressions for column defaults."""
    wrong = [
        finding
        for m in MODULES
        if m.package in DOMAINS and m.layer not in ("repository", "models")
        for finding in _runs_sql(m)
    ]
    assert wrong == []


def test_services_know_no_http() -> None:
    """Services take no request, ASGI scope or query string and build no response."""
    wrong = []
    for m in MODULES:
        if m.package not in DOMAINS or m.layer != "service":
            continue
        for line, module, names in m.imports():
            if module.split(".")[0] in ("fastapi", "starlette") and HTTP_NAMES & set(names):
                wrong.append(f"{m.where(line)} imports {sorted(HTTP_NAMES & set(names))}")
    assert wrong == []


def _package_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {name: set() for name in DOMAINS}
    for m in MODULES:
        if m.package not in DOMAINS:
            continue
        for _, module, _ in m.imports():
            parts = module.split(".")
            if parts[0] == "fabricloop" and len(parts) > 1 and parts[1] in DOMAINS - {m.package}:
                graph[m.package].add(parts[1])
    return graph


# Imports that close a cycle today, to be inverted (the seller's cancel of a paid order calls
# the refund and payment services from transactions). No other edge may join them.
KNOWN_CYCLE_EDGES = {("transactions", "payments"), ("transactions", "refunds")}


def test_no_package_cycle() -> None:
    graph = _package_graph()
    for source, target in KNOWN_CYCLE_EDGES:
        graph.get(source, set()).discard(target)
    cycles = []

    def visit(node: str, path: list[str]) -> None:
        for after in sorted(graph[node]):
            if after in path:
                cycles.append(" -> ".join([*path[path.index(after) :], after]))
            elif len(path) < len(graph):
                visit(after, [*path, after])

    for start in sorted(graph):
        visit(start, [start])
    assert cycles == []


def test_the_checks_see_the_packages() -> None:
    """The rules above would pass vacuously if the walk found nothing."""
    assert {"auth", "materials", "passports", "transactions", "payments"} <= DOMAINS
    assert any(m.layer == "repository" for m in MODULES)
    assert _package_graph()["passports"] >= {"materials"}
