"""The PDFs: every page's footer carries the export and its signed checkpoint, every page is
numbered, signature blocks show name, time and meaning; both paper sizes; nothing fetched."""

from __future__ import annotations

import pytest
from weasyprint import HTML

from trainer.exports.contents import (
    CohortSummary,
    competency_index,
    program_modules,
    pwc_label,
    scope_for,
    trainee_reports,
)
from trainer.exports.formats import (
    Stamp,
    _refuse_remote,
    _stylesheet,
    render_pdf,
    render_template,
)
from trainer.exports.tables import text

STAMP = Stamp("0123456789abcdef", "2026-12-02T10:00:00Z", 7, "c" * 64, "d" * 64)


def page_texts(document) -> list[str]:
    def texts(box):
        if hasattr(box, "text"):
            yield box.text
        for child in getattr(box, "children", []) or []:
            yield from texts(child)

    return [" ".join(texts(page._page_box)) for page in document.pages]


@pytest.mark.parametrize(("paper", "width_mm"), [("a4", 210), ("letter", 215.9)])
def test_every_page_has_the_checkpoint_footer_and_a_page_number(
    cohort, paper, width_mm
):
    stamp = Stamp(**{**STAMP.__dict__, "paper": paper})
    scope = scope_for(cohort.cohort)
    report = next(iter(trainee_reports(scope, CohortSummary())))
    html = render_template(
        "exports/pdf/trainee.html",
        report=report,
        index=competency_index(program_modules(scope)),
        scope=scope,
        stamp=stamp,
        style=_stylesheet(scope, stamp),
        pwc_label=pwc_label,
        text=text,
    )
    document = HTML(string=html, url_fetcher=_refuse_remote).render()
    assert len(document.pages) >= 2
    assert document.pages[0].width == pytest.approx(width_mm / 25.4 * 96, rel=0.01)
    pages = page_texts(document)
    for number, page in enumerate(pages, start=1):
        assert f"checkpoint event 7, hash {'c' * 64}" in page
        assert f"Page {number} of {len(pages)}" in page
        assert "Export 0123456789abcdef" in page
    whole = " ".join(pages)
    assert "Sam Supervisor" in whole
    assert "I attest that I observed" in whole
    assert "I agree; I am working on pacing." in whole


def test_nothing_is_fetched(tmp_path):
    html = '<html><body><img src="https://example.org/x.png"><link rel="stylesheet" href="http://example.org/s.css"></body></html>'
    with pytest.raises(ValueError, match="fetch nothing"):
        _refuse_remote("https://example.org/x.png")
    render_pdf(html, tmp_path / "x.pdf")  # the refused fetches are skipped, not fatal
    assert (tmp_path / "x.pdf").read_bytes().startswith(b"%PDF")
