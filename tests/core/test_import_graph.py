"""The backend's modules import each other without cycles: features depend on the core, never the reverse
in a loop, and no import is hidden inside a function to dodge one (every import counts, wherever it is)."""
import ast
from pathlib import Path

from tests.support import import_cycles

BACKEND = Path(__file__).resolve().parents[2] / "backend"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(BACKEND.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def resolve(current: str, is_package: bool, level: int, name: str | None) -> str:
    base = current.split(".") if is_package else current.split(".")[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join(base + ([name] if name else []))


def import_graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in BACKEND.rglob("*.py")}
    graph = {name: set() for name in modules}
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            targets = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = resolve(name, is_package, node.level, node.module) if node.level else node.module
                targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
            for target in targets:
                while target and target not in modules:        # `from .x import func` -> module .x
                    target = target.rpartition(".")[0]
                if target and target != name and not name.startswith(target + "."):
                    graph[name].add(target)                     # a package importing its own parent is fine
    return graph


def test_the_backend_has_no_import_cycle():
    cycles = import_cycles(import_graph())
    assert not cycles, f"import cycles in backend/ (move what both need into a module both import): {cycles}"


def test_the_cycle_finder_finds_a_cycle_through_three_modules():
    assert import_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
