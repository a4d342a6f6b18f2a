"""A long chain is checked in parallel processes, each on a range of sequence numbers; the
ranges are stitched together, so a break at or between range boundaries is still named."""

from __future__ import annotations

import pytest

from trainer.audit.verify import BAD_LINK, GAP, HASH_MISMATCH

pytestmark = pytest.mark.slow

EVENTS = 40  # with --jobs 3: ranges 1-13, 14-26, 27-40


@pytest.fixture
def chain(scratch, monkeypatch):
    monkeypatch.setattr("trainer.audit.parallel.PARALLEL_MIN_EVENTS", 10)
    scratch.append(EVENTS)
    return scratch


def _verify(chain):
    return chain.invoke("audit", "verify", "--jobs", "3")


def test_an_intact_chain_verifies_in_parallel(chain, monkeypatch):
    import trainer.audit.parallel as parallel

    spans = []
    original = parallel.join_spans
    monkeypatch.setattr(
        parallel, "join_spans", lambda found: spans.extend(found) or original(found)
    )
    result = _verify(chain)
    assert result.exit_code == 0, result.output
    assert f"Audit chain verified: {EVENTS} events" in result.stdout
    assert f"Head: event {EVENTS}, hash {chain.event(EVENTS).hash}" in result.stdout
    assert [(span.first_seq, span.last_seq, span.count) for span in spans] == [
        (1, 13, 13),
        (14, 26, 13),
        (27, 40, 14),
    ]


@pytest.mark.parametrize(
    ("sql", "seq", "kind", "detail"),
    [
        (
            "UPDATE audit_events SET actor = 'x@example.org' WHERE seq = 13",
            13,
            HASH_MISMATCH,
            "changed",
        ),
        ("DELETE FROM audit_events WHERE seq = 14", 15, GAP, "event 14 is missing"),
        (
            f"UPDATE audit_events SET prev_hash = '{'d' * 64}' WHERE seq = 27",
            27,
            BAD_LINK,
            "not the hash of event 26",
        ),
        (
            "DELETE FROM audit_events WHERE seq BETWEEN 14 AND 26",
            27,
            GAP,
            "events 14 to 26 are missing",
        ),
        (
            "UPDATE audit_events SET subject = 'changed' WHERE seq IN (20, 30)",
            20,
            HASH_MISMATCH,
            "changed",
        ),
    ],
    ids=[
        "end-of-first-range",
        "start-of-second-range",
        "link-between-ranges",
        "a-whole-range",
        "first-of-two",
    ],
)
def test_a_break_is_named_wherever_it_falls(chain, sql, seq, kind, detail):
    chain.tamper(sql)
    result = _verify(chain)
    assert result.exit_code == 1
    event = chain.event(seq)
    assert f"Audit chain BROKEN at event {seq} (" in result.stderr
    assert f"{event.action}): {kind}: " in result.stderr
    assert detail in result.stderr
