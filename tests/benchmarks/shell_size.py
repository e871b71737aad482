"""Shell size budget: the gzip size of every JS and CSS file the app shell loads, and the total.

    python tests/benchmarks/shell_size.py [--budget-kb 100]

Follows the module graph from pwa/index.html (<script src>, <link rel=stylesheet>, static `import`):
that is what every visit downloads before the first screen, and what the budget limits. Modules only
reached through `import()` (lazy screens, e.g. staff tools) are listed and totalled separately. Other
pwa/ files (HTML, catalogs, manifest, service worker) are listed below for information. Exits 1 over budget.
"""
import argparse
import gzip
import re
import sys
from pathlib import Path

PWA = Path(__file__).resolve().parents[2] / "pwa"
STATIC_IMPORT = re.compile(r"""\bimport\s*(?:[\w*{}\s,$]+\s*from\s*)?['"]([^'"]+)['"]""")
DYNAMIC_IMPORT = re.compile(r"""\bimport\s*\(\s*['"]([^'"]+)['"]""")
HTML_ASSET = re.compile(r"""<(?:script[^>]*\bsrc|link[^>]*rel="(?:stylesheet|modulepreload)"[^>]*\bhref)="([^"]+)\"""")


def gzip_size(path):
    return len(gzip.compress(path.read_bytes(), compresslevel=9, mtime=0))


def resolve(spec, importer):
    """The file an import specifier points at, or None for a bare or remote one."""
    if spec.startswith("/"):
        return PWA / spec.lstrip("/")
    if spec.startswith("."):
        return (importer.parent / spec).resolve()
    return None


def strip_comments(js):
    js = re.sub(r"/\*.*?\*/", "", js, flags=re.S)
    return "\n".join(line for line in js.splitlines() if not line.lstrip().startswith("//"))


def module_graph(roots, follow_dynamic):
    """Files reachable from roots through static imports (and dynamic ones when follow_dynamic)."""
    todo, seen, lazy = list(roots), [], []
    while todo:
        path = todo.pop(0).resolve()
        if path in seen or not path.is_file():
            continue
        seen.append(path)
        if path.suffix != ".js":
            continue
        source = strip_comments(path.read_text(encoding="utf-8"))
        edges = STATIC_IMPORT.findall(source)
        lazy += [t for t in (resolve(spec, path) for spec in DYNAMIC_IMPORT.findall(source)) if t is not None]
        if follow_dynamic:
            edges += DYNAMIC_IMPORT.findall(source)
        todo += [t for t in (resolve(spec, path) for spec in edges) if t is not None]
    return seen, lazy


def shell_assets():
    """(initial, lazy): JS+CSS loaded before the first screen, and modules only reached via import()."""
    html = (PWA / "index.html").read_text(encoding="utf-8")
    roots = [PWA / href.lstrip("/") for href in HTML_ASSET.findall(html)]
    initial, lazy_roots = module_graph(roots, follow_dynamic=False)
    everything, _ = module_graph(roots + lazy_roots, follow_dynamic=True)
    return initial, [p for p in everything if p not in initial]


def table(rows, title):
    width = max([len(name) for name, _, _ in rows] + [len(title)])
    print(f"{title:<{width}}  {'raw B':>8}  {'gzip B':>8}")
    print(f"{'-' * width}  {'-' * 8}  {'-' * 8}")
    for name, raw, gz in rows:
        print(f"{name:<{width}}  {raw:>8}  {gz:>8}")
    return width


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget-kb", type=float, default=100.0, help="gzip budget for JS+CSS in KB (1000 B)")
    args = parser.parse_args(argv)

    assets, lazy = shell_assets()
    rows = [(str(p.relative_to(PWA)), p.stat().st_size, gzip_size(p)) for p in assets]
    width = table(rows, "initial shell asset (JS+CSS)")
    raw_total = sum(r[1] for r in rows)
    gz_total = sum(r[2] for r in rows)
    print(f"{'-' * width}  {'-' * 8}  {'-' * 8}")
    print(f"{'TOTAL (' + str(len(rows)) + ' files)':<{width}}  {raw_total:>8}  {gz_total:>8}")
    budget = args.budget_kb * 1000
    verdict = "within" if gz_total <= budget else "OVER"
    print(f"\nInitial JS+CSS gzip total: {gz_total / 1000:.1f} KB of {args.budget_kb:.0f} KB budget ({verdict} budget)")
    if lazy:
        print()
        lazy_rows = [(str(p.relative_to(PWA)), p.stat().st_size, gzip_size(p)) for p in lazy]
        table(lazy_rows, "lazy module (import(), not in the budget)")
        print(f"lazy total: {sum(r[2] for r in lazy_rows) / 1000:.1f} KB gzip")
    assets = assets + lazy

    others = sorted(p for p in PWA.rglob("*") if p.is_file() and p.resolve() not in assets
                    and p.suffix in (".html", ".json", ".webmanifest", ".js", ".css")
                    and "vendor" not in p.parts)
    if others:
        print()
        table([(str(p.relative_to(PWA)), p.stat().st_size, gzip_size(p)) for p in others],
              "other shell file (not in the budget)")
    return 0 if gz_total <= budget else 1


if __name__ == "__main__":
    sys.exit(main())
