"""Page throughput at size: a real gunicorn server (one worker) on SQLite and on PostgreSQL,
serving a program at the demo's size and then 1,000 trainees (about 50,000 quiz attempts),
both made with ``flask --app app demo-data``.

Each page's throughput is a ratio to /healthz measured on the same server in the same run
(higher is better). Goals: every page at least 0.5× /healthz, a quiz submission at least
0.3×, and each ratio at 1,000 trainees no lower than 80% of its ratio at the demo's size.

    python -m bench pages          (only this benchmark; make bench runs every one)

``BENCH_PAGES_REQUESTS`` (40) requests per page per round, each right after as many of
/healthz, two rounds, the better ratio kept;
``BENCH_PAGES_SIZES`` ("20,1000") the trainee counts; ``BENCH_PAGES_DATABASES``
("sqlite,postgresql"). The figures go to docs/benchmarks.md between ``<!-- pages -->``
markers; ``run()`` also returns the slowest page at the largest size as the summary row.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import Result
from bench.loadtest import write_section
from bench.pageserver import PORT, Browser, Forms, Server, hidden

REQUESTS = int(os.environ.get("BENCH_PAGES_REQUESTS", "40"))
ROUNDS = 2
SUBMISSIONS = int(os.environ.get("BENCH_PAGES_SUBMISSIONS", "12"))
SIZES = [int(n) for n in os.environ.get("BENCH_PAGES_SIZES", "20,1000").split(",")]
DATABASES = os.environ.get("BENCH_PAGES_DATABASES", "sqlite,postgresql").split(",")
PAGE_GOAL, SUBMISSION_GOAL, SIZE_GOAL = 0.5, 0.3, 0.8
#: the pages, in the report's order: (label, who asks)
PAGES = [
    ("the catalogue (`/modules`)", "trainee"),
    ("a module (`/modules/<slug>`)", "trainee"),
    ("the quiz's first step", "trainee"),
    ("a quiz submission", "trainee"),
    ("`/progress`", "trainee"),
    ("the supervisor's workspace (`/supervision/trainees/<id>`)", "supervisor"),
    ("the cohort dashboard (`/program/cohorts/<id>`)", "director"),
    ("`/audit`", "director"),
]
SUBMISSION = PAGES[3][0]


def timed(browser: Browser, path: str, n: int) -> float:
    """Seconds per request over ``n`` GETs of ``path`` (each must answer 200)."""
    start = time.perf_counter()
    for _ in range(n):
        response = browser.request("GET", path)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered {response.status_code}")
    return (time.perf_counter() - start) / n


def submissions(browser: Browser, slugs: list[str], n: int) -> float:
    """Seconds per quiz submission: each quiz is taken to its last step untimed, then only
    its submission (POST, answered with a redirect to the attempt) is timed."""
    spent = 0.0
    for index in range(n):
        slug = slugs[index % len(slugs)]
        base = f"/modules/{slug}/quiz"
        begin = Forms(browser.request("GET", base).text).find("/begin")
        browser.request("POST", f"{base}/begin", data=hidden(begin))
        for _ in range(80):
            page = browser.request("GET", f"{base}/step").text
            forms = Forms(page)
            submit = forms.find("/submit")
            if submit is not None:
                start = time.perf_counter()
                answer = browser.request("POST", f"{base}/submit", data=hidden(submit))
                spent += time.perf_counter() - start
                if not re.search(r"/attempts/\d+$", answer.headers.get("Location", "")):
                    raise RuntimeError(f"the submission of {slug} was not recorded")
                break
            step = forms.find("/step")
            options = [v for name, _kind, v in step["fields"] if name == "chosen"]
            wanted = re.search(r"Choose (\d+)\.", page)
            chosen = options[: int(wanted.group(1)) if wanted else 1]
            browser.request(
                "POST", f"{base}/step", data={**hidden(step), "chosen": chosen}
            )
        else:
            raise RuntimeError(f"the quiz of {slug} never reached its submission")
    return spent / n


def measure(server: Server) -> dict[str, tuple[float, float]]:
    """Per page: seconds per request of /healthz timed just before it, and of the page, in
    the round with the better ratio (pairs, so that a burst of other work on the machine
    slows both sides of a ratio, not one)."""
    program = server.counts()["program"]
    base = f"http://127.0.0.1:{PORT}"
    trainee, supervisor, director = Browser(base), Browser(base), Browser(base)
    trainee.sign_in(f"trainee-1@p{program}.example.org", code=False)
    supervisor.sign_in(f"supervisor-1@p{program}.example.org", code=True)
    director.sign_in(f"director-1@p{program}.example.org", code=True)
    anonymous = Browser(base)

    slugs = re.findall(r'href="/modules/([a-z0-9-]+)"', timed_text(trainee, "/modules"))
    slugs = list(dict.fromkeys(slugs))
    slug = slugs[0]
    begin = Forms(trainee.request("GET", f"/modules/{slug}/quiz").text).find("/begin")
    trainee.request("POST", f"/modules/{slug}/quiz/begin", data=hidden(begin))
    listing = timed_text(supervisor, "/supervision")
    trainee_id = re.search(r"/supervision/trainees/(\d+)", listing).group(1)
    cohort_id = re.search(
        r"/program/cohorts/(\d+)", timed_text(director, "/program")
    ).group(1)
    gets = {
        PAGES[0][0]: (trainee, "/modules"),
        PAGES[1][0]: (trainee, f"/modules/{slug}"),
        PAGES[2][0]: (trainee, f"/modules/{slug}/quiz/step"),
        PAGES[4][0]: (trainee, "/progress"),
        PAGES[5][0]: (supervisor, f"/supervision/trainees/{trainee_id}"),
        PAGES[6][0]: (director, f"/program/cohorts/{cohort_id}"),
        PAGES[7][0]: (director, "/audit"),
    }
    for browser, path in gets.values():  # warm up each page once
        timed(browser, path, 1)
    pairs: dict[str, tuple[float, float]] = {}

    def keep(label: str, healthz: float, page: float) -> None:
        if label not in pairs or healthz / page > pairs[label][0] / pairs[label][1]:
            pairs[label] = (healthz, page)

    for _ in range(ROUNDS):
        for label, (browser, path) in gets.items():
            healthz = timed(anonymous, "/healthz", REQUESTS)
            keep(label, healthz, timed(browser, path, REQUESTS))
    # later modules: the first one's quiz is left begun for "the quiz's first step"
    healthz = timed(anonymous, "/healthz", REQUESTS)
    keep(SUBMISSION, healthz, submissions(trainee, slugs[1:] or slugs, SUBMISSIONS))
    return pairs


def timed_text(browser: Browser, path: str) -> str:
    response = browser.request("GET", path)
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} answered {response.status_code}")
    return response.text


def ratio_of(measured: dict, label: str) -> float:
    healthz, seconds = measured["pairs"][label]
    return healthz / seconds


def goal(label: str) -> float:
    return SUBMISSION_GOAL if label == SUBMISSION else PAGE_GOAL


def mark(ok: bool) -> str:
    return "met" if ok else "**not met**"


def report_lines(measured: dict) -> list[str]:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "## Page throughput at size (`python -m bench pages`)",
        "",
        f"Last run: {stamp}. One gunicorn server with one sync worker, the production",
        f"configuration (deploy/gunicorn.conf.py); each page requested {REQUESTS} times a round",
        f"by one signed-in keep-alive client right after /healthz {REQUESTS} times, two rounds,",
        f"the round with the better ratio kept. A quiz submission: {SUBMISSIONS} quizzes taken to",
        "the end untimed, each submission timed. Ratio: the page's requests per second over",
        "/healthz's just before (higher is better). Goals: each page ≥ 0.5×, a submission",
        "≥ 0.3×, the ratio at the larger size ≥ 80% of the ratio at the demo's size.",
        f"Load average when the run ended: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs",
        "(the machine is shared: compare ratios, not requests per second).",
    ]
    for database, sizes in measured.items():
        small, large = min(sizes), max(sizes)
        lines += [
            "",
            f"### {'PostgreSQL' if database == 'postgresql' else 'SQLite'}",
            "",
        ]
        lines += [
            ", ".join(
                f"{n:,} trainees: {sizes[n]['counts']['attempts']:,} attempts, "
                f"{sizes[n]['counts']['audit_events']:,} audit events, /healthz "
                f"{1 / min(h for h, _ in sizes[n]['pairs'].values()):.0f} req/s at best"
                for n in sorted(sizes)
            )
            + ".",
            "",
            f"| page | goal | {small:,}: req/s | ratio | | {large:,}: req/s | ratio | | "
            f"{large:,} vs {small:,} | |",
            "|---|---|---:|---:|---|---:|---:|---|---:|---|",
        ]
        for label, _who in PAGES:
            cells = []
            for n in (small, large):
                healthz, seconds = sizes[n]["pairs"][label]
                ratio = healthz / seconds
                cells += [
                    f"{1 / seconds:.1f}",
                    f"{ratio:.2f}",
                    mark(ratio >= goal(label)),
                ]
            change = ratio_of(sizes[large], label) / ratio_of(sizes[small], label)
            lines.append(
                f"| {label} | ≥ {goal(label):g}× | {' | '.join(cells)} | "
                f"{change:.2f} | {mark(change >= SIZE_GOAL)} |"
            )
    return lines


def run() -> Result:
    tmp = Path(tempfile.mkdtemp(prefix="ebtr-pages-"))
    measured: dict[str, dict[int, dict]] = {}
    try:
        for database in DATABASES:
            for trainees in SIZES:
                print(f"  pages: {database}, {trainees} trainees", flush=True)
                server = Server(database, trainees, tmp)
                try:
                    server.create()
                    counts = server.counts()
                    server.start()
                    pairs = measure(server)
                finally:
                    server.stop()
                measured.setdefault(database, {})[trainees] = {
                    "pairs": pairs,
                    "counts": counts,
                }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    lines = report_lines(measured)
    print("\n".join(lines))
    write_section("pages", lines)
    database = DATABASES[-1]
    largest = measured[database][max(SIZES)]
    slowest = max(
        (label for label, _ in PAGES if label != SUBMISSION),
        key=lambda label: -ratio_of(largest, label),
    )
    return Result(
        name=f"slowest page at {max(SIZES):,} trainees ({database}): {slowest}",
        baseline="/healthz, same server and run",
        baseline_seconds=largest["pairs"][slowest][0],
        seconds=largest["pairs"][slowest][1],
        target=PAGE_GOAL,
        notes=["every page and size: the <!-- pages --> section below"],
    )
