"""The house rules of the code, checked on its import graph (every import, at module level or
inside a function, read from the source): the library packages never import Prefect, the layers
only import downwards, and no module imports one that imports it back."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("models", "extractors", "outputs", "flows")
# Which of the project's packages each one may import: the data model at the bottom, then the
# extraction library and the analyst outputs, the flows wiring them together on top.
MAY_IMPORT = {
    "models": {"models"},
    "extractors": {"extractors", "models"},
    "outputs": {"outputs", "models"},
    "flows": {"flows", "extractors", "models", "outputs"},
}
NEVER_PREFECT = ("models", "extractors", "outputs")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _type_checking_only(tree: ast.AST) -> set[int]:
    """ids of the import nodes under ``if TYPE_CHECKING:`` (read by type checkers, never run)."""
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(child) for statement in node.body for child in ast.walk(statement))
    return skipped


def imported_modules(path: Path, modules: set[str] = frozenset()) -> set[str]:
    """Absolute names of every module a file imports (relative imports resolved): for
    ``from package import name`` the module ``package.name`` when it is one of ``modules``."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = _type_checking_only(tree)
    found = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module
            submodules = {f"{prefix}.{alias.name}" for alias in node.names} & set(modules)
            found.update(submodules or {prefix})
    return found


def project_graph() -> dict[str, set[str]]:
    files = [path for package in PACKAGES for path in (ROOT / package).rglob("*.py")]
    modules = {module_name(path): path for path in files}
    return {name: {m for m in imported_modules(path, set(modules)) if m in modules and m != name}
            for name, path in modules.items()}


@pytest.mark.parametrize("package", NEVER_PREFECT)
def test_library_packages_never_import_prefect(package):
    offenders = sorted(module_name(path) for path in (ROOT / package).rglob("*.py")
                       if any(m == "prefect" or m.startswith("prefect.") for m in imported_modules(path)))
    assert offenders == []


def test_packages_import_only_the_layers_below_them():
    wrong = sorted(f"{module} imports {target}" for module, targets in project_graph().items()
                   for target in targets if target.split(".")[0] not in MAY_IMPORT[module.split(".")[0]])
    assert wrong == []


def test_no_import_cycles():
    graph = project_graph()
    # Tarjan's strongly connected components: a component of more than one module is a cycle.
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    assert cycles == []


def test_the_graph_sees_imports():
    """The checks above would pass on an empty graph: make sure it is read."""
    graph = project_graph()
    assert "models.vocabulary" in graph["extractors.judgements"]
    assert "extractors.judgements.grades" in graph["extractors.judgements.report_rules"]
    assert "prefect" in {m.split(".")[0] for m in imported_modules(ROOT / "flows" / "ingest.py")}
