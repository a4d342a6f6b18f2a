"""The report files: CSV (one file per table), JSON (one document) and PDF (one competency
record per trainee and one cohort summary), each written while the cohort is streamed."""

from __future__ import annotations

import csv
import gc
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app

from trainer.content.schema import RUBRIC_LABELS, ProfessionWide
from trainer.record.models import OBSERVATION_LABELS

from .contents import (
    CohortSummary,
    Scope,
    TraineeReport,
    competency_index,
    program_modules,
    pwc_label,
    trainee_reports,
)
from .tables import (
    COHORT_TABLES,
    COLUMNS,
    TRAINEE_TABLES,
    cohort_rows,
    text,
    trainee_rows,
)

FORMATS = ("csv", "json", "pdf")
PAPERS = {"a4": "A4", "letter": "letter"}
REPORT_TYPE = "ebtr-trainer/accreditation-report/v1"


@dataclass(frozen=True)
class Stamp:
    """What every file shows of its export: header and footer of each PDF page."""

    export_id: str
    generated_at: str
    checkpoint_seq: int
    checkpoint_hash: str
    key_fingerprint: str
    paper: str = "a4"


Progress = Callable[[int], None] | None


def _counted(
    reports: Iterator[TraineeReport], progress: Progress
) -> Iterator[TraineeReport]:
    """The reports, telling ``progress`` how many trainees are written once each is."""
    for done, report in enumerate(reports, 1):
        yield report
        if progress is not None:
            progress(done)


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def write_csv(
    scope: Scope, folder: Path, stamp: Stamp, *, progress: Progress = None
) -> list[str]:
    names = [f"{table}.csv" for table in (*TRAINEE_TABLES, *COHORT_TABLES)]
    handles = {
        table: (folder / f"{table}.csv").open("w", newline="", encoding="utf-8")
        for table in (*TRAINEE_TABLES, *COHORT_TABLES)
    }
    try:
        writers = {table: csv.writer(handle) for table, handle in handles.items()}
        for table, writer in writers.items():
            writer.writerow(COLUMNS[table])

        def emit(table: str, row: dict) -> None:
            writers[table].writerow([_csv_value(row[c]) for c in COLUMNS[table]])

        summary = CohortSummary()
        modules = program_modules(scope)
        for report in _counted(trainee_reports(scope, summary), progress):
            for table, row in trainee_rows(report, modules):
                emit(table, row)
        for table, row in cohort_rows(scope, summary, modules):
            emit(table, row)
    finally:
        for handle in handles.values():
            handle.close()
    return names


def scope_document(scope: Scope) -> dict[str, Any]:
    return {
        "program": {"id": scope.program.id, "name": scope.program.name},
        "cohort": {"id": scope.cohort.id, "name": scope.cohort.name},
        "periods": [
            {
                "id": p.id,
                "name": p.name,
                "starts_on": text(p.starts_on),
                "ends_on": text(p.ends_on),
                "closed": scope.is_closed(p),
            }
            for p in scope.periods
        ],
    }


def write_json(
    scope: Scope, folder: Path, stamp: Stamp, *, progress: Progress = None
) -> list[str]:
    """report.json, written trainee by trainee (see schemas/report.schema.json)."""
    name = "report.json"
    head = {
        "type": REPORT_TYPE,
        "export_id": stamp.export_id,
        "generated_at": stamp.generated_at,
        **scope_document(scope),
        "checkpoint": {"seq": stamp.checkpoint_seq, "hash": stamp.checkpoint_hash},
    }
    summary = CohortSummary()
    modules = program_modules(scope)
    with (folder / name).open("w", encoding="utf-8") as out:
        out.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "trainees": [')
        for i, report in enumerate(_counted(trainee_reports(scope, summary), progress)):
            item: dict[str, Any] = {
                "id": report.trainee.id,
                "name": report.trainee.name,
                "email": report.trainee.email,
                **{table: [] for table in TRAINEE_TABLES},
            }
            for table, row in trainee_rows(report, modules):
                item[table].append(row)
            out.write(("," if i else "") + "\n" + json.dumps(item, ensure_ascii=False))
        cohort: dict[str, list] = {table: [] for table in COHORT_TABLES}
        for table, row in cohort_rows(scope, summary, modules):
            cohort[table].append(row)
        out.write("\n]")
        for table in COHORT_TABLES:
            out.write(f', "{table}": ' + json.dumps(cohort[table], ensure_ascii=False))
        out.write("}\n")
    return [name]


def _refuse_remote(url: str, *args, **kwargs):
    """WeasyPrint's URL fetcher: nothing is ever fetched (the stylesheet is inlined)."""
    raise ValueError(f"Exports fetch nothing; refused {url[:80]!r}.")


def font_configuration():
    """One WeasyPrint font configuration for every PDF of an export: each new one loads
    fontconfig and pango's font map again, costing time and memory per trainee."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def render_pdf(html: str, target: Path, fonts=None) -> None:
    from weasyprint import HTML  # imported here: loading pango costs time at start-up

    document = HTML(string=html, base_url=None, url_fetcher=_refuse_remote).render(
        font_config=fonts
    )
    try:
        document.write_pdf(target)
    finally:
        # a laid-out document's boxes hold reference cycles: free this trainee's pages now,
        # not whenever the collector next runs, so memory does not pile up across the cohort
        del document
        gc.collect()


def render_template(name: str, **context: Any) -> str:
    """The app's own template, rendered without a request (the command line has none)."""
    context.setdefault("RUBRIC_LABELS", RUBRIC_LABELS)
    context.setdefault("OBSERVATION_LABELS", OBSERVATION_LABELS)
    return current_app.jinja_env.get_template(name).render(**context)


def _stylesheet(scope: Scope, stamp: Stamp) -> str:
    return render_template(
        "exports/pdf/_style.css",
        stamp=stamp,
        scope=scope,
        page_size=PAPERS[stamp.paper],
    )


def write_pdf(
    scope: Scope, folder: Path, stamp: Stamp, *, progress: Progress = None
) -> list[str]:
    names = []
    summary = CohortSummary()
    modules = program_modules(scope)
    index = competency_index(modules)
    style = _stylesheet(scope, stamp)
    fonts = font_configuration()
    common = {
        "scope": scope,
        "stamp": stamp,
        "style": style,
        "pwc_label": pwc_label,
        "pwc_label_of": lambda value: pwc_label(ProfessionWide(value)) if value else "",
        "text": text,
    }
    for report in _counted(trainee_reports(scope, summary), progress):
        name = f"record-{report.trainee.id}.pdf"
        render_pdf(
            render_template(
                "exports/pdf/trainee.html", report=report, index=index, **common
            ),
            folder / name,
            fonts,
        )
        names.append(name)
    rows = {table: [] for table in COHORT_TABLES}
    for table, row in cohort_rows(scope, summary, modules):
        rows[table].append(row)
    render_pdf(
        render_template(
            "exports/pdf/cohort.html",
            rows=rows["cohort_summary"],
            shortfalls=rows["shortfalls"],
            summary=summary,
            **common,
        ),
        folder / "cohort-summary.pdf",
        fonts,
    )
    names.append("cohort-summary.pdf")
    return names


WRITERS: dict[str, Callable[..., list[str]]] = {
    "csv": write_csv,
    "json": write_json,
    "pdf": write_pdf,
}
