"""Locust users of a real program: trainees who read, take quizzes to the end and log practice;
supervisors who rate and sign (with a second-factor code); a director on the /program pages.

Run by ``python -m bench.loadtest`` (``make loadtest``), which seeds the accounts with
``flask --app app demo-data`` and passes them in the environment:

- ``LOAD_HOSTS``: comma-separated base URLs; each user picks one (two app servers);
- ``LOAD_PROGRAM_ID``, ``LOAD_TRAINEES``, ``LOAD_SUPERVISORS``: the synthetic accounts;
- ``LOAD_ACKS``: a file where each user process writes what the servers acknowledged (quiz
  submissions, practice logs and signatures answered with a 2xx/3xx), so the run can prove
  afterwards that each is in the database exactly once;
- ``LOAD_EVENTS`` (bench.faults): a file where every request's end time, status (0: no
  answer), server and Retry-After go, so a fault's window can be counted apart.

A user whose server stops answering (connection refused or reset) moves to another of
``LOAD_HOSTS``, as a load balancer's health check would move it.

The app's cookies are Secure outside development; locust talks plain HTTP to the app servers
(as the TLS-terminating proxy of a deployment does), so its cookie policy sends them anyway.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import threading
import time
from datetime import date, timedelta
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pyotp
from locust import HttpUser, between, events, task

PASSWORD = "demo-password"
SECOND_FACTOR_KEY = "EBTRDEMOSECONDFACTORKEY234567ABC"
PROGRAM_ID = int(os.environ.get("LOAD_PROGRAM_ID", "1"))
TRAINEES = int(os.environ.get("LOAD_TRAINEES", "100"))
SUPERVISORS = int(os.environ.get("LOAD_SUPERVISORS", "12"))
HOSTS = [h for h in os.environ.get("LOAD_HOSTS", "").split(",") if h]

_numbers = {role: itertools.count(1) for role in ("trainee", "supervisor", "director")}
_lock = threading.Lock()
ACKS: dict[str, list] = {"attempts": [], "logs": [], "signatures": []}
EVENTS: list[tuple[float, int, str, str, str]] = []


def email(role: str, number: int) -> str:
    return f"{role}-{number}@p{PROGRAM_ID}.example.org"


def next_account(role: str, limit: int) -> str:
    with _lock:
        return email(role, (next(_numbers[role]) - 1) % limit + 1)


class Forms(HTMLParser):
    """Every form of a page: its action and its fields (inputs, selects, textareas)."""

    def __init__(self, html: str):
        super().__init__()
        self.forms: list[dict] = []
        self._select: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append(
                {
                    "action": a.get("action", ""),
                    "method": a.get("method", "get").lower(),
                    "fields": [],
                }
            )
        elif not self.forms:
            return
        elif tag == "input":
            self.forms[-1]["fields"].append(
                (
                    a.get("name"),
                    a.get("type", "text"),
                    a.get("value", ""),
                    "checked" in a,
                )
            )
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select:
            self.forms[-1]["fields"].append(
                (self._select, "option", a.get("value", ""), "selected" in a)
            )
        elif tag == "textarea":
            self.forms[-1]["fields"].append((a.get("name"), "textarea", "", False))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None

    def form(self, action_part: str) -> dict | None:
        """The first POST form whose action contains ``action_part`` ("" for a form that
        posts back to its own page)."""
        return next(
            (
                f
                for f in self.forms
                if f["method"] == "post"
                and (action_part in f["action"] if action_part else not f["action"])
            ),
            None,
        )


def hidden(form: dict) -> dict[str, str]:
    return {
        name: value
        for name, kind, value, _ in form["fields"]
        if kind == "hidden" and name
    }


def choices(form: dict, name: str) -> list[tuple[str, str]]:
    return [(kind, value) for n, kind, value, _ in form["fields"] if n == name]


def yesterday() -> str:
    """A practice or observation date no program refuses: "today" on this machine (UTC) can
    be tomorrow in the program's time zone, and a date in the future is refused (422)."""
    return (date.today() - timedelta(days=1)).isoformat()


def page_name(url: str) -> str:
    """A URL as a statistics row: ids and attempt numbers become [id]."""
    return re.sub(r"/\d+", "/[id]", urlsplit(url).path)


class AppUser(HttpUser):
    abstract = True
    role = ""

    def on_start(self):
        if HOSTS:
            self.client.base_url = random.choice(HOSTS)
        self.signed_in = False

    def request(
        self,
        method: str,
        path: str,
        name: str | None = None,
        *,
        allow_redirects: bool = True,
        **kwargs,
    ):
        """One request, then its redirects one by one: after each response the app's
        cookies lose their Secure flag, so that they travel over loopback's plain HTTP as
        they do behind the TLS-terminating proxy of a deployment."""
        response = self.client.request(
            method, path, name=name or page_name(path), allow_redirects=False, **kwargs
        )
        if response.status_code == 0 and len(HOSTS) > 1:
            self.fail_over()
        for _ in range(5):
            for cookie in self.client.cookies:
                cookie.secure = False
            location = response.headers.get("Location")
            if (
                not allow_redirects
                or location is None
                or response.status_code
                not in (
                    301,
                    302,
                    303,
                )
            ):
                break
            response = self.client.request(
                "GET", location, name=page_name(location), allow_redirects=False
            )
        return response

    def fail_over(self) -> None:
        """No answer from this server: the next request goes to another one (the session
        cookie is the same for every server on 127.0.0.1)."""
        others = [host for host in HOSTS if host != self.client.base_url]
        if others:
            self.client.base_url = random.choice(others)

    def get(self, path: str, name: str | None = None, **kwargs):
        return self.request("GET", path, name, **kwargs)

    def post(self, path: str, data: dict, name: str | None = None, **kwargs):
        return self.request("POST", path, name, data=data, **kwargs)

    def sign_in(self, account: str, *, code: bool) -> bool:
        page = Forms(self.get("/login").text).form("")
        if page is None:
            return False
        response = self.post(
            "/login", {**hidden(page), "email": account, "password": PASSWORD}
        )
        if code and urlsplit(response.url).path == "/login/code":
            form = Forms(response.text).form("")
            if form is None:
                return False
            response = self.post(
                "/login/code", {**hidden(form), "code": self.fresh_code()}
            )
        self.signed_in = response.ok and "/login" not in urlsplit(response.url).path
        return self.signed_in

    def fresh_code(self) -> str:
        """A code of a time step this account has not used (a code is accepted once)."""
        totp = pyotp.TOTP(SECOND_FACTOR_KEY)
        step = int(time.time()) // 30
        last = getattr(self, "last_step", None)
        if last is not None and step <= last:
            time.sleep((last + 1) * 30 - time.time() + 0.5)
            step = int(time.time()) // 30
        self.last_step = step
        return totp.at(step * 30)


class Trainee(AppUser):
    weight = 40
    wait_time = between(1, 4)

    def on_start(self):
        super().on_start()
        self.sign_in(next_account("trainee", TRAINEES), code=False)
        text = self.get("/modules", name="/modules").text
        self.slugs = sorted(set(re.findall(r'href="/modules/([a-z0-9-]+)"', text)))

    @task(4)
    def read_module(self):
        if self.slugs:
            self.get(f"/modules/{random.choice(self.slugs)}", name="/modules/[slug]")

    @task(2)
    def catalogue_and_progress(self):
        self.get("/modules", name="/modules")
        self.get("/progress", name="/progress")

    @task(3)
    def take_quiz(self):
        if not self.slugs:
            return
        slug = random.choice(self.slugs)
        base = f"/modules/{slug}/quiz"
        start = Forms(self.get(base, name="/modules/[slug]/quiz").text).form("/begin")
        if start is None:
            return
        response = self.post(f"{base}/begin", hidden(start), name="quiz begin")
        for _ in range(60):
            forms = Forms(response.text)
            submit = forms.form(f"{base}/submit")
            if submit is not None:
                response = self.post(
                    f"{base}/submit",
                    hidden(submit),
                    name="quiz submit",
                    allow_redirects=False,
                )
                match = re.search(
                    r"/attempts/(\d+)$", response.headers.get("Location", "")
                )
                if response.status_code in (302, 303) and match:
                    ACKS["attempts"].append([self.account, slug, int(match.group(1))])
                    self.get(response.headers["Location"], name="quiz result")
                return
            step = forms.form(f"{base}/step")
            if step is None:
                return
            response = self.post(
                f"{base}/step",
                {**hidden(step), "chosen": self.answer(step, response.text)},
                name="quiz step",
            )
        return

    @staticmethod
    def answer(step: dict, html: str) -> list[str]:
        """Opaque option values read from the page, chosen at random (the right count)."""
        options = choices(step, "chosen")
        values = [value for _kind, value in options]
        if not options or options[0][0] != "checkbox":
            return [random.choice(values)] if values else []
        wanted = re.search(r"Choose (\d+)\.", html)
        count = int(wanted.group(1)) if wanted else random.randint(1, len(values))
        return random.sample(values, min(count, len(values)))

    @task(1)
    def log_practice(self):
        page = Forms(self.get("/practice", name="/practice").text)
        chooser = next(
            (
                f
                for f in page.forms
                if f["method"] == "get" and choices(f, "competency")
            ),
            None,
        )
        if chooser is None:
            return
        keys = [
            value
            for kind, value in choices(chooser, "competency")
            if kind == "option" and value
        ]
        if not keys:
            return
        key = random.choice(keys)
        form = Forms(
            self.get(f"/practice?competency={key}", name="/practice?competency").text
        ).form("/practice")
        if form is None:
            return
        data = {
            **hidden(form),
            "practised_on": yesterday(),
            # the settings offered by the form (the lists change with the product)
            "modality": self.pick(form, "modality"),
            "clinic_type": self.pick(form, "clinic_type"),
            "what_i_did": "Reflected the client's feelings and checked my understanding.",
            "client_response": "The client elaborated and said they felt understood.",
            "reflection": "I will pause more before offering an interpretation.",
            "self_rating": str(random.randint(2, 5)),
        }
        response = self.post(
            "/practice", data, name="practice log", allow_redirects=False
        )
        if response.status_code in (302, 303):
            ACKS["logs"].append([self.account, data["token"]])

    @staticmethod
    def pick(form: dict, name: str) -> str:
        values = [value for kind, value in choices(form, name) if value]
        return random.choice(values) if values else ""

    @property
    def account(self) -> str:
        return self._account

    def sign_in(self, account: str, *, code: bool) -> bool:
        self._account = account
        return super().sign_in(account, code=code)


class Supervisor(AppUser):
    weight = 5
    wait_time = between(2, 6)

    def on_start(self):
        super().on_start()
        self.account = next_account("supervisor", SUPERVISORS)
        self.sign_in(self.account, code=True)

    @task(3)
    def workspace(self):
        text = self.get("/supervision", name="/supervision").text
        self.trainees = sorted(set(re.findall(r'/supervision/trainees/(\d+)"', text)))

    @task(1)
    def rate_and_sign(self):
        trainees = getattr(self, "trainees", None) or []
        if not trainees:
            return self.workspace()
        trainee = random.choice(trainees)
        page = self.get(
            f"/supervision/trainees/{trainee}", name="/supervision/trainees/[id]"
        )
        modules = sorted(
            set(
                re.findall(
                    rf"/supervision/trainees/{trainee}/modules/([a-z0-9-]+)", page.text
                )
            )
        )
        if not modules:
            return None
        slug = random.choice(modules)
        rate = self.get(
            f"/supervision/trainees/{trainee}/modules/{slug}", name="rate module"
        )
        # the rating sheet is one form: "<competency>-<field>" for every competency
        sheet = next(
            (f for f in Forms(rate.text).forms if f["action"].endswith("/drafts")), None
        )
        if sheet is None:
            return None
        names = {name for name, *_ in sheet["fields"] if name}
        prefixes = sorted(n[: -len("level")] for n in names if n.endswith("-level"))
        data = {**hidden(sheet)}
        for index, prefix in enumerate(prefixes[:2]):
            data |= {
                f"{prefix}level": str(random.randint(2, 5)),
                f"{prefix}observation": "in-room" if index == 0 else "role-play",
                f"{prefix}observed_on": yesterday(),
                f"{prefix}comment": "Observed in the session; see the evidence.",
            }
        if not prefixes or not self.post(sheet["action"], data, name="save drafts").ok:
            return None
        workspace = self.get(
            f"/supervision/trainees/{trainee}", name="/supervision/trainees/[id]"
        )
        sign = Forms(workspace.text).form(f"/supervision/trainees/{trainee}/sign")
        if sign is None:
            return None
        data = {
            **hidden(sign),
            "attest": "y",
            "password": PASSWORD,
            "code": self.fresh_code(),
        }
        response = self.post(sign["action"], data, name="sign", allow_redirects=False)
        if response.status_code in (302, 303):
            ACKS["signatures"].append([self.account, data["token"]])
        return None


class Director(AppUser):
    fixed_count = 1
    wait_time = between(2, 5)

    def on_start(self):
        super().on_start()
        self.sign_in(email("director", 1), code=True)

    @task
    def program_pages(self):
        for path in ("/program/feedback", "/program/items", "/audit"):
            self.get(path, name=path)


@events.request.add_listener
def _note_the_request(name, response=None, **_kwargs):
    if os.environ.get("LOAD_EVENTS"):
        status = getattr(response, "status_code", 0) or 0
        sent = getattr(response, "request", None)
        url = getattr(response, "url", None) or getattr(sent, "url", None) or ""
        server = urlsplit(url).netloc if url else ""
        retry_after = response.headers.get("Retry-After", "") if status else ""
        EVENTS.append((time.time(), status, name, server, retry_after))


@events.test_stop.add_listener
def _write_acknowledgements(environment, **_kwargs):
    path = os.environ.get("LOAD_ACKS")
    if path:
        with open(path, "w", encoding="utf-8") as out:
            json.dump(ACKS, out)
    events_path = os.environ.get("LOAD_EVENTS")
    if events_path:
        with open(events_path, "w", encoding="utf-8") as out:
            json.dump(EVENTS, out)
