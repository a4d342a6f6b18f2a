"""Run every benchmark under bench/ (each ``bench/bench_<name>.py`` exposes ``run()``) and
write docs/benchmarks.md. ``python -m bench NAME ...`` runs only those (e.g. ``audit_verify``)."""

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
    for result in results:
        target = (
            "—"
            if result.target is None
            else f"≥ {result.target:g} ({'met' if result.meets_target else 'not met'})"
        )
        lines.append(
            f"| {result.name} | {result.baseline} | {result.baseline_seconds:.2f} s | {result.seconds:.2f} s "
            f"| {result.ratio:.2f} | {target} |"
        )
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


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT))
    results = []
    for name in discover(argv):
        print(f"Running {name} ...", flush=True)
        result: Result = importlib.import_module(f"bench.{name}").run()
        print(
            f"  {result.name}: {result.seconds:.2f} s vs {result.baseline_seconds:.2f} s, ratio {result.ratio:.2f}"
        )
        results.append(result)
    REPORT.write_text(render(results) + kept_sections())
    print(f"Results written to {REPORT.relative_to(ROOT)}.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
