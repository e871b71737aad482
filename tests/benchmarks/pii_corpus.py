"""The chat's hold and flag rules on the labelled corpus tests/data/chat_corpus.jsonl.

    .venv/bin/python tests/benchmarks/pii_corpus.py [--all]

Each corpus line is {"lang", "expect": phone|email|hetu|address|handle|ok, "flag": bool, "text", "set"?}.
Lines with "set": "unseen" were written after the rules were tuned and first run untouched (their
first-run figures are in docs/benchmarks.md); the "unseen" row shows how they do now.
Prints, per language and per kind, how many personal details were held (goal >= 97 %), how many
ordinary questions were held (goal <= 3 %) and how many flagged lines were flagged; then names every
miss (a detail published, an ordinary question held, a flag missed or added). Not a test: the
thresholds are asserted by tests/chat/test_pii_corpus.py.
"""
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from backend.chat.moderation import flag_reason, hold_reason  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "chat_corpus.jsonl"
LANGS = ("fi", "sv", "da", "uk", "en")
KINDS = ("phone", "email", "hetu", "address", "handle")


def load() -> list[dict]:
    return [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]


def judge(rows):
    """Each row with `held` (the hold reason or None) and `flagged`."""
    for row in rows:
        row["held"] = hold_reason(row["text"])
        row["flagged"] = flag_reason(row["text"]) is not None
    return rows


def pct(part, whole):
    return f"{100 * part / whole:5.1f} % ({part}/{whole})" if whole else "    –"


def table(rows):
    pii = [r for r in rows if r["expect"] != "ok"]
    ok = [r for r in rows if r["expect"] == "ok"]
    print(f"{'':10} {'PII held':>18} {'ordinary held':>18} {'flags found':>18} {'flags added':>18}")
    picks = [(lang, lambda r, lang=lang: r["lang"] == lang) for lang in LANGS] + [
        ("all", lambda r: True), ("unseen", lambda r: r.get("set") == "unseen")]
    for name, pick in picks:
        p, o = [r for r in pii if pick(r)], [r for r in ok if pick(r)]
        want = [r for r in o if r["flag"]]
        unwanted = [r for r in o if not r["flag"]]
        print(f"{name:10} {pct(sum(bool(r['held']) for r in p), len(p)):>18} "
              f"{pct(sum(bool(r['held']) for r in o), len(o)):>18} "
              f"{pct(sum(r['flagged'] for r in want), len(want)):>18} "
              f"{pct(sum(r['flagged'] for r in unwanted), len(unwanted)):>18}")
    print()
    print(f"{'kind':10} {'held':>18} {'held as this kind':>18}")
    for kind in KINDS:
        k = [r for r in pii if r["expect"] == kind]
        print(f"{kind:10} {pct(sum(bool(r['held']) for r in k), len(k)):>18} "
              f"{pct(sum(r['held'] == kind for r in k), len(k)):>18}")


def misses(rows, show_all=False):
    found = defaultdict(list)
    for r in rows:
        if r["expect"] != "ok" and not r["held"]:
            found["personal detail published"].append(r)
        elif r["expect"] == "ok" and r["held"]:
            found["ordinary question held"].append(r)
        if r["expect"] == "ok" and r["flag"] and not r["flagged"]:
            found["flag missed"].append(r)
        if r["expect"] == "ok" and not r["flag"] and r["flagged"]:
            found["flag added"].append(r)
        if show_all and r["expect"] != "ok" and r["held"] and r["held"] != r["expect"]:
            found["held as another kind"].append(r)
    return found


def main():
    rows = load()
    started = time.perf_counter()
    judge(rows)
    elapsed = time.perf_counter() - started
    print(f"{len(rows)} lines, {elapsed * 1000 / len(rows):.2f} ms a line\n")
    table(rows)
    for title, items in misses(rows, "--all" in sys.argv).items():
        print(f"\n{title}:")
        for r in items:
            print(f"  [{r['lang']} {r['expect']}] {r['text']!r} -> held {r['held']}, flagged {r['flagged']}")


if __name__ == "__main__":
    main()
