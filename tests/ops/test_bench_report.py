"""docs/benchmarks.md: running one benchmark replaces its own rows and notes and keeps every
other row, note and section (another tool's load-test section, free text)."""

from __future__ import annotations

from bench import Result
from bench.__main__ import merge, render

OTHER = Result("audit verify", "sha256 loop", 0.5, 1.5, 0.5, ["2 CPUs"])


def test_one_benchmark_replaces_its_rows_and_keeps_the_rest():
    old_csv = Result("CSV export", "CSV small", 1.0, 2.0, 0.8, ["old figure"])
    text = (
        render([OTHER, old_csv])
        + "\n<!-- loadtest -->\n## Load test\n| page | n |\n<!-- /loadtest -->\n\nFree text.\n"
    )
    new_csv = Result("CSV export", "CSV small", 1.0, 1.1, 0.8, ["new figure"])
    pdf = Result("PDF export", "PDF small", 3.0, 3.0, 0.8, ["pdf figure"])
    merged = merge(text, [new_csv, pdf])
    lines = merged.splitlines()
    rows = [line for line in lines if line.startswith("| ") and "export" in line]
    assert len(rows) == 2
    assert "| 1.10 s |" in rows[0]
    assert rows[1].startswith("| PDF export |")
    assert "| audit verify |" in merged
    assert "- audit verify: 2 CPUs" in merged
    assert "old figure" not in merged
    assert "- CSV export: new figure" in merged
    assert "- PDF export: pdf figure" in merged
    assert "<!-- loadtest -->\n## Load test" in merged
    assert merged.rstrip().endswith("Free text.")


def test_a_report_without_a_table_is_written_afresh():
    assert merge("", [OTHER]) is None
