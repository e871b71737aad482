"""The front end's module graph (pwa/js): every import resolves to a file, and no static import cycle.

Native ES modules, no bundler: a cycle makes evaluation order depend on who is imported first (a module
may then see an imported binding before it is initialised), and a missing file stops the whole app.
The imports are read statically, the way tests/benchmarks/shell_size.py reads them.
"""
import re
from pathlib import Path

import pytest

from tests.support import import_cycles

PWA = Path(__file__).resolve().parents[2] / "pwa"
JS = PWA / "js"

# `import x from '...'`, `import {a,\n b} from '...'`, `import '...'`, `export {x} from '...'` at the start of
# a statement; `import('...')` anywhere.
STATIC_IMPORT = re.compile(r"""^[ \t]*(?:import|export)\b(?:[^;'"`]*?\bfrom)?\s*(['"])([^'"]+)\1""", re.M)
DYNAMIC_IMPORT = re.compile(r"""\bimport\s*\(\s*(['"])([^'"]+)\1\s*\)""")

# Staff-only screens: loaded with import() on first use, never part of the initial download.
STAFF_ONLY = ["meetups/organiser.js", "chat/staff.js", "chat/staff-panels.js", "feed/composer.js"]


def strip_comments(source):
    source = re.sub(r"/\*.*?\*/", "", source, flags=re.S)
    return "\n".join(line for line in source.splitlines() if not line.lstrip().startswith("//"))


def modules():
    return sorted(p for p in JS.rglob("*.js") if "vendor" not in p.relative_to(JS).parts)


def resolve(spec, importer):
    """The file a specifier names: relative ('./x.js'), or absolute from the site root ('/js/x.js')."""
    if spec.startswith("/"):
        return (PWA / spec.lstrip("/")).resolve()
    if spec.startswith("."):
        return (importer.parent / spec).resolve()
    return None                                   # a bare specifier: there is no import map, so it is an error


def graph():
    """{module: ([static targets], [dynamic targets])} with targets as (spec, resolved path or None)."""
    out = {}
    for path in modules():
        source = strip_comments(path.read_text(encoding="utf-8"))
        static = [(m.group(2), resolve(m.group(2), path)) for m in STATIC_IMPORT.finditer(source)]
        dynamic = [(m.group(2), resolve(m.group(2), path)) for m in DYNAMIC_IMPORT.finditer(source)]
        out[path.resolve()] = (static, dynamic)
    return out


def name(path):
    return str(path.relative_to(JS.resolve()))


def find_cycles(edges):
    """Import cycles among pwa/js modules, by their names."""
    return import_cycles(edges, label=name)


def reachable(roots, edges):
    seen, todo = set(), list(roots)
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo += edges.get(node, ())
    return seen


@pytest.fixture(scope="module")
def modules_graph():
    found = graph()
    app = (JS / "app.js").resolve()
    assert app in found and (JS / "router.js").resolve() in [t for _, t in found[app][0]], \
        "the parser no longer sees app.js import router.js: fix the test before trusting it"
    return found


def test_every_import_names_an_existing_module(modules_graph):
    broken = [f"{name(path)}: '{spec}'" for path, (static, dynamic) in modules_graph.items()
              for spec, target in static + dynamic if target is None or not target.is_file()]
    assert not broken, f"imports that name no file under pwa/: {broken}"


def test_every_import_stays_inside_pwa_js(modules_graph):
    outside = [f"{name(path)}: '{spec}'" for path, (static, dynamic) in modules_graph.items()
               for spec, target in static + dynamic if target is not None and JS.resolve() not in target.parents]
    assert not outside, f"modules may only import modules under pwa/js: {outside}"


def test_no_static_import_cycle(modules_graph):
    edges = {path: [t for _, t in static if t is not None] for path, (static, _) in modules_graph.items()}
    cycles = find_cycles(edges)
    assert not cycles, f"static import cycles in pwa/js (move what both need into a module both import): {cycles}"


def test_no_cycle_through_lazy_imports_either(modules_graph):
    """import() does not tie evaluation order, but a lazy module importing its loader back is still a tangle."""
    edges = {path: [t for _, t in static + dynamic if t is not None] for path, (static, dynamic) in modules_graph.items()}
    assert not find_cycles(edges)


def test_staff_only_screens_are_not_in_the_initial_download(modules_graph):
    edges = {path: [t for _, t in static if t is not None] for path, (static, _) in modules_graph.items()}
    initial = reachable([(JS / "app.js").resolve()], edges)
    for module in STAFF_ONLY:
        path = (JS / module).resolve()
        assert path in modules_graph, f"{module} is gone: update STAFF_ONLY"
        assert path not in initial, f"{module} is imported statically from app.js: load it with lazy()/import()"
    lazy_targets = {t for _, (_, dynamic) in modules_graph.items() for _, t in dynamic}
    assert (JS / "meetups/organiser.js").resolve() in lazy_targets


def test_the_cycle_finder_finds_cycles():
    a, b, c = (JS / "a.js").resolve(), (JS / "b.js").resolve(), (JS / "c.js").resolve()
    assert find_cycles({a: [b], b: [c], c: [a]}) == [["a.js", "b.js", "c.js"]]
    assert find_cycles({a: [a]}) == [["a.js"]]
    assert find_cycles({a: [b, c], b: [c], c: []}) == []
