"""``make faults``: four faults, each during a Locust load on two app servers, then proof that
nothing acknowledged was lost and that the audit chain verifies.

    python -m bench.faults [--users 20] [--duration 70] [--fault-at 25] [--no-report]

(a) ``kill -9`` of a gunicorn worker; (b) a restart of PostgreSQL; (c) Redis stopped; (d) one
of the two app servers stopped. PostgreSQL and Redis are restarted and stopped, so the run
starts its OWN: a private PostgreSQL 15 cluster (initdb into a temporary folder, port
``FAULT_PG_PORT``, 55432) and its own redis-server (``FAULT_REDIS_PORT``, 56379), both stopped
and deleted at the end; the shared services other people's tests use are never touched. The
app servers, the Locust run and the lost-records check are bench.loadtest's.

Each scenario's figures go to docs/benchmarks.md between ``<!-- faults -->`` markers.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bench import loadtest
from bench.private_services import PrivateServices

_APP_PORT = int(os.environ.get("FAULT_APP_PORT", "8311"))
APP_PORTS = (_APP_PORT, _APP_PORT + 1)
#: how long PostgreSQL stays down in scenario (b), and Redis in (c)
PG_OUTAGE_SECONDS = 8
REDIS_OUTAGE_SECONDS = 20
FALLBACK_MESSAGE = "falling back to in-memory storage"


@dataclass
class Fault:
    """When a fault began and when it was undone (both ``time.time()``), and what was seen."""

    began: float
    undone: float
    ready_after: float | None = None
    notes: list[str] = field(default_factory=list)


def wait_until_ready(stack: loadtest.Stack, since: float, timeout: float = 90) -> float:
    """Seconds from ``since`` until every running server's /readyz answers 200."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(stack.ready(port) for port in stack.servers):
            return time.time() - since
        time.sleep(0.2)
    return float("nan")


def kill_a_worker(stack: loadtest.Stack, services: PrivateServices) -> Fault:
    port = stack.ports[0]
    victim = stack.worker_pids(port)[0]
    began = time.time()
    os.kill(victim, signal.SIGKILL)
    # the gunicorn master notices and forks a replacement
    while len([p for p in stack.worker_pids(port) if p != victim]) < stack.workers:
        time.sleep(0.05)
    fault = Fault(began, time.time())
    fault.ready_after = wait_until_ready(stack, began)
    fault.notes.append(
        f"worker {victim} of the server on :{port} killed; its replacement was forked "
        f"{fault.undone - began:.1f} s later"
    )
    return fault


def restart_postgres(stack: loadtest.Stack, services: PrivateServices) -> Fault:
    began = time.time()
    services.stop_postgres()
    time.sleep(PG_OUTAGE_SECONDS)
    services.start_postgres()
    fault = Fault(began, time.time())
    fault.ready_after = wait_until_ready(stack, fault.undone)
    fault.notes.append(
        f"PostgreSQL stopped (fast) and started again {fault.undone - began:.1f} s later"
    )
    return fault


def stop_redis(stack: loadtest.Stack, services: PrivateServices) -> Fault:
    before = fallback_lines(stack)
    began = time.time()
    services.stop_redis()
    time.sleep(2)
    # sign-ins are rate-limited: each server must still answer them (a wrong password: 401)
    statuses = [
        wrong_sign_in(host) for host in stack.hosts for _ in range(stack.workers + 1)
    ]
    time.sleep(REDIS_OUTAGE_SECONDS - 2)
    services.start_redis()
    fault = Fault(began, time.time())
    logged = {
        port: n - before.get(port, 0) for port, n in fallback_lines(stack).items()
    }
    fault.notes.append(
        f"Redis stopped for {fault.undone - began:.0f} s; wrong-password sign-ins during the "
        f"outage answered {dict(sorted(Counter(statuses).items()))}; "
        f"'{FALLBACK_MESSAGE}' logged {sum(logged.values())} time(s) across "
        f"{len(stack.servers) * stack.workers} worker processes "
        f"({', '.join(f':{port} {n}' for port, n in logged.items())}; at most once each)"
    )
    return fault


def stop_a_server(stack: loadtest.Stack, services: PrivateServices) -> Fault:
    port = stack.ports[1]
    began = time.time()
    stack.stop(port)
    fault = Fault(began, time.time())
    fault.notes.append(
        f"the server on :{port} stopped (SIGTERM) and left stopped; its users moved to "
        f":{stack.ports[0]} on their first unanswered request"
    )
    return fault


SCENARIOS: dict[str, tuple[str, Callable[..., Fault]]] = {
    "worker": ("(a) `kill -9` of a gunicorn worker", kill_a_worker),
    "postgres": ("(b) PostgreSQL restarted", restart_postgres),
    "redis": ("(c) Redis stopped", stop_redis),
    "server": ("(d) one of the two app servers stopped", stop_a_server),
}


def wrong_sign_in(host: str) -> int:
    import requests

    with requests.Session() as session:
        page = session.get(f"{host}/login", timeout=10)
        tag = re.search(r'<input[^>]*name="csrf_token"[^>]*>', page.text)
        token = re.search(r'value="([^"]*)"', tag.group(0)).group(1) if tag else ""
        for cookie in session.cookies:
            cookie.secure = False  # plain HTTP on loopback, as behind the TLS proxy
        answer = session.post(
            f"{host}/login",
            data={
                "csrf_token": token,
                "email": "nobody@example.org",
                "password": "not-the-password",
            },
            allow_redirects=False,
            timeout=10,
        )
        return answer.status_code


def fallback_lines(stack: loadtest.Stack) -> dict[int, int]:
    counts = {}
    for port in stack.ports:
        log = stack.tmp / f"server-{port}.log"
        text = log.read_text(errors="replace") if log.exists() else ""
        counts[port] = text.count(FALLBACK_MESSAGE)
    return counts


def figures(events: list, fault: Fault) -> dict:
    """The requests from the fault's start until the last failed one (or the fault's end)."""
    after = [e for e in events if e[0] >= fault.began]
    failed = [e for e in after if e[1] == 0 or e[1] >= 500]
    last_failure = max((e[0] for e in failed), default=None)
    end = max(fault.undone, last_failure or fault.began)
    during = [e for e in after if e[0] <= end]
    statuses = Counter(
        "no answer" if e[1] == 0 else f"{e[1] // 100}xx" if e[1] < 400 else str(e[1])
        for e in during
    )
    unavailable = [e for e in during if e[1] == 503]
    return {
        "requests": len(events),
        "during": len(during),
        "statuses": dict(sorted(statuses.items())),
        "503": len(unavailable),
        "503_retry_after": sum(1 for e in unavailable if e[4]),
        "other_5xx": sum(1 for e in during if e[1] >= 500 and e[1] != 503),
        "errors_for": (last_failure - fault.began) if last_failure else 0.0,
        "after": len(after) - len(during),
        "after_failed": sum(
            1 for e in after if e[0] > end and (e[1] == 0 or e[1] >= 500)
        ),
    }


def run_scenario(
    stack: loadtest.Stack,
    services: PrivateServices,
    key: str,
    *,
    users: int,
    duration: int,
    fault_at: int,
) -> dict:
    for port in stack.ports:
        if port not in stack.servers:
            stack.start(port)
    out = stack.tmp / key
    out.mkdir()
    before = stack.high_water()
    env = {
        "LOAD_PROGRAM_ID": str(stack.program_id),
        "LOAD_TRAINEES": str(stack.trainees),
        "LOAD_SUPERVISORS": str(stack.supervisors),
        "LOAD_EVENTS": str(out / "events.json"),
    }
    done: dict = {}
    load = threading.Thread(
        target=lambda: done.update(
            locust=loadtest.run_locust(stack.hosts, users, f"{duration}s", out, env)
        )
    )
    load.start()
    time.sleep(fault_at)
    fault = SCENARIOS[key][1](stack, services)
    load.join()
    if not (out / "events.json").exists():
        raise RuntimeError(f"locust wrote nothing:\n{done['locust'].stderr[-3000:]}")
    events = json.loads((out / "events.json").read_text())
    check = stack.check(loadtest.read_acks(out), before)
    return {"fault": fault, "figures": figures(events, fault), "check": check}


def lost(check: dict) -> bool:
    """An acknowledged record missing or twice, a record without its audit event, or a chain
    that does not verify. (A record stored whose answer never arrived, a worker killed after
    its commit, is not lost: the user sees it on their next page.)"""
    return (
        any(check["missing_or_duplicated"].values())
        or check["audited"] != check["stored"]
        or not check["audit_verify"]
    )


def run(users: int, duration: int, fault_at: int, only: list[str]) -> dict[str, dict]:
    services = PrivateServices()
    results: dict[str, dict] = {}
    stack = None
    try:
        services.init_postgres()
        services.start_redis()
        stack = loadtest.Stack(
            trainees=100,
            base_database_url=services.database_url,
            redis_url=services.redis_url,
            ports=APP_PORTS,
        )
        stack.create()
        for key in only:
            print(f"==> scenario {SCENARIOS[key][0]}", flush=True)
            results[key] = run_scenario(
                stack,
                services,
                key,
                users=users,
                duration=duration,
                fault_at=fault_at,
            )
            print(json.dumps(results[key]["figures"]), flush=True)
    finally:
        if stack is not None:
            for port in list(stack.servers):
                stack.stop(port)
            shutil.rmtree(stack.tmp, ignore_errors=True)
        services.close()
    return results


def _seconds(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} s"


def report_lines(users: int, duration: int, fault_at: int, results: dict) -> list[str]:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "## Faults during load (`make faults`)",
        "",
        f"Last run: {stamp}. Each scenario: {users} Locust users for {duration} s against two",
        "gunicorn servers (2 workers each) sharing a private PostgreSQL 15 cluster and a private",
        f'Redis (a program of 100 trainees); the fault {fault_at} s in. "During the fault": from',
        "its start until the last failed request (or until it was undone, if later). A user",
        "whose server does not answer moves to the other one, as a load balancer would.",
        "",
        "| scenario | requests | during the fault | statuses during the fault | 503 (with Retry-After) | other 5xx | errors for | /readyz 200 again | failed after |",
        "|---|---:|---:|---|---:|---:|---:|---:|---:|",
    ]
    for key, result in results.items():
        f, fault = result["figures"], result["fault"]
        statuses = ", ".join(f"{k}: {v}" for k, v in f["statuses"].items())
        lines.append(
            f"| {SCENARIOS[key][0]} | {f['requests']} | {f['during']} | {statuses} | "
            f"{f['503']} ({f['503_retry_after']}) | {f['other_5xx']} | "
            f"{_seconds(f['errors_for'])} | {_seconds(fault.ready_after)} | "
            f"{f['after_failed']} of {f['after']} |"
        )
    lines += [
        "",
        '"/readyz 200 again": from the worker\'s kill, or from PostgreSQL accepting connections',
        'again, until every running server\'s /readyz answered 200. "Failed after": failed',
        "requests after the fault's window, of all requests then.",
        "",
        "Records: acknowledged (2xx/3xx answered) → stored, per kind (quiz submissions / practice",
        "logs / signatures); missing or duplicated acknowledged records; `audit verify`.",
        "",
        "| scenario | acknowledged | stored | audited | missing or duplicated | audit verify |",
        "|---|---|---|---|---|---|",
    ]
    for key, result in results.items():
        c = result["check"]

        def triple(values: dict) -> str:
            return f"{values['attempts']} / {values['logs']} / {values['signatures']}"

        verdict = "passed" if c["audit_verify"] else "FAILED"
        lines.append(
            f"| {SCENARIOS[key][0]} | {triple(c['acknowledged'])} | {triple(c['stored'])} | "
            f"{triple(c['audited'])} | {triple(c['missing_or_duplicated'])} | {verdict} |"
        )
    lines += ["", "What happened:", ""]
    lines += [
        f"- {SCENARIOS[key][0]}: {'; '.join(result['fault'].notes)}."
        for key, result in results.items()
    ]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--duration", type=int, default=70, help="seconds per scenario")
    parser.add_argument(
        "--fault-at", type=int, default=25, help="seconds into the load"
    )
    parser.add_argument("--only", nargs="*", choices=list(SCENARIOS), default=None)
    parser.add_argument(
        "--no-report", action="store_true", help="do not write docs/benchmarks.md"
    )
    args = parser.parse_args(argv)
    only = args.only or list(SCENARIOS)
    results = run(args.users, args.duration, args.fault_at, only)
    lines = report_lines(args.users, args.duration, args.fault_at, results)
    print("\n".join(lines))
    if not args.no_report:
        loadtest.write_section("faults", lines)
    failed = [
        key
        for key, result in results.items()
        if lost(result["check"]) or result["figures"]["other_5xx"]
    ]
    if failed:
        print(f"Lost records or 500s in: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
