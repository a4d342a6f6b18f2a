"""Run every benchmark under bench/ (each ``bench/bench_<name>.py`` exposes ``run()``, which
returns a Result or a list of them) and write docs/benchmarks.md. ``python -m bench NAME ...``
runs only those (e.g. ``audit_verify``): their rows and notes replace the rows and notes of the
same name, and every other row, note and section of the report is kept."""

from __future__ import annotations

import importlib
import pkgutil
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

from bench import Result

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "benchmarks.md"


def discover(names: list[str]) -> list[str]:
    found = sorted(
        module.name
        for module in pkgutil.iter_modules([str(Path(__file__).parent)])
        if module.name.startswith("bench_")
    )
    if not names:
        return found
    wanted = [f"bench_{name.removeprefix('bench_')}" for name in names]
    unknown = sorted(set(wanted) - set(found))
    if unknown:
        raise SystemExit(
            f"Unknown benchmark(s): {', '.join(unknown)}. Known: {', '.join(found)}."
        )
    return wanted


TABLE_HEADER = "| benchmark | baseline | baseline time | time | ratio | target |"


def row(result: Result) -> str:
    target = (
        "—"
        if result.target is None
        else f"≥ {result.target:g} ({'met' if result.meets_target else 'not met'})"
    )
    return (
        f"| {result.name} | {result.baseline} | {result.baseline_seconds:.2f} s | {result.seconds:.2f} s "
        f"| {result.ratio:.2f} | {target} |"
    )


def render(results: list[Result]) -> str:
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`python -m bench`); do not edit by hand. Each benchmark is timed",
        "against a baseline measured in the same run on the same machine; the ratio is baseline time",
        "divided by measured time (higher is better; 1.0 means as fast as the baseline). Times are the",
        "best of three runs.",
        "",
        f"Last run: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.",
        "",
        "| benchmark | baseline | baseline time | time | ratio | target |",
        "|---|---|---:|---:|---:|---|",
    ]
    lines += [row(result) for result in results]
    notes = [(result.name, note) for result in results for note in result.notes]
    if notes:
        lines += ["", "Notes:", ""]
        lines += [f"- {name}: {note}" for name, note in notes]
    return "\n".join(lines) + "\n"


def kept_sections() -> str:
    """Sections other tools write between ``<!-- name -->`` and ``<!-- /name -->`` markers
    (``make loadtest``'s figures), kept when the benches rewrite the report."""
    if not REPORT.exists():
        return ""
    text = REPORT.read_text(encoding="utf-8")
    blocks = re.findall(r"(<!-- ([a-z-]+) -->.*?<!-- /\2 -->)", text, flags=re.S)
    return "".join(f"\n{block}\n" for block, _name in blocks)


def _name_of(line: str) -> str:
    return line.split("|")[1].strip()


def merge(text: str, results: list[Result]) -> str | None:
    """The report ``text`` with the rows and notes of ``results`` replacing those of the same
    benchmark name (new ones appended) and the "Last run" line renewed; everything else kept.
    None when ``text`` has no results table."""
    lines = text.splitlines()
    try:
        header = lines.index(TABLE_HEADER)
    except ValueError:
        return None
    end = header + 2
    while end < len(lines) and lines[end].startswith("| "):
        end += 1
    fresh = {result.name: row(result) for result in results}
    rows = [fresh.pop(_name_of(line), line) for line in lines[header + 2 : end]]
    rows += list(fresh.values())
    names = {result.name for result in results}
    rest = lines[end:]
    notes_at = next((i for i, line in enumerate(rest) if line == "Notes:"), None)
    new_notes = [f"- {r.name}: {note}" for r in results for note in r.notes]
    if notes_at is None:
        rest = ["", "Notes:", "", *new_notes, *rest] if new_notes else rest
    else:
        start = notes_at + 2
        stop = start
        while stop < len(rest) and rest[stop].startswith("- "):
            stop += 1
        kept = [
            line
            for line in rest[start:stop]
            if not any(line.startswith(f"- {name}: ") for name in names)
        ]
        rest = [*rest[:start], *kept, *new_notes, *rest[stop:]]
    head = [
        f"Last run: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC."
        if line.startswith("Last run: ")
        else line
        for line in lines[:header]
    ]
    return "\n".join([*head, *lines[header : header + 2], *rows, *rest]) + "\n"


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT))
    results = []
    for name in discover(argv):
        print(f"Running {name} ...", flush=True)
        outcome = importlib.import_module(f"bench.{name}").run()
        for result in outcome if isinstance(outcome, list) else [outcome]:
            print(
                f"  {result.name}: {result.seconds:.2f} s vs {result.baseline_seconds:.2f} s, ratio {result.ratio:.2f}"
            )
            results.append(result)
    old = REPORT.read_text(encoding="utf-8") if REPORT.exists() else ""
    merged = merge(old, results)
    REPORT.write_text(
        merged if merged is not None else render(results) + kept_sections()
    )
    print(f"Results written to {REPORT.relative_to(ROOT)}.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
