"""The signed evaluation reads in words: evidence named by date, module and score, the
breadcrumb by period, no internal ids; ratings follow the catalogue's order."""

from __future__ import annotations

import re

from tests.factories.supervision import draft, log_practice, sign, take_attempt
from tests.pagetools import check_page
from trainer.core.clock import long_date
from trainer.program.catalogue import competency_key


def signed_with_evidence(supervisor, trainee, period, module):
    log = log_practice(trainee, module)
    attempt = take_attempt(trainee, module, right=True)
    for competency in module.meta.competencies:
        draft(
            supervisor,
            trainee,
            period,
            module,
            competency.id,
            4,
            evidence_log_ids=[log.id],
            evidence_attempt_ids=[attempt.id],
        )
    return sign(supervisor, trainee, period), log, attempt


class TestEvidenceInWords:
    def test_the_trainee_reads_dates_and_scores_not_ids(
        self, client, auth, supervisor, trainee, assigned, mid_year, module
    ):
        sign_off, log, _attempt = signed_with_evidence(
            supervisor, trainee, mid_year, module
        )
        auth.login(trainee)
        page = check_page(client.get(f"/supervision/sign-offs/{sign_off.id}").text)
        text = " ".join(page.text.split())
        assert f"Practice log of {long_date(log.practised_on)}" in text
        assert f"Quiz attempt 1 on {module.title}, 100%" in text
        assert page.find("li", class_="active").text.strip() == (
            f"Evaluation, {mid_year.name}"
        )
        assert not re.search(r"\bid \d+|Sign-off \d+|Log \d+", text)

    def test_the_supervisor_follows_each_piece_of_evidence(
        self, client, auth, supervisor, trainee, assigned, mid_year, module
    ):
        sign_off, log, attempt = signed_with_evidence(
            supervisor, trainee, mid_year, module
        )
        auth.login(supervisor)
        page = check_page(client.get(f"/supervision/sign-offs/{sign_off.id}").text)
        links = {a.attrs.get("href") for a in page.find_all("a")}
        assert f"/practice/{log.id}" in links
        assert f"/supervision/trainees/{trainee.id}/attempts/{attempt.id}" in links


class TestCatalogueOrder:
    def test_elements_come_before_adaptations_and_competencies_keep_their_order(
        self, curriculum
    ):
        modules = list(curriculum)
        kinds = [module.kind.value for module in modules]
        assert kinds == sorted(kinds, key=lambda kind: kind != "element")
        pairs = [
            (module.slug, competency.id)
            for module in modules
            for competency in module.meta.competencies
        ]
        backwards = pairs[::-1]
        assert sorted(backwards, key=lambda pair: competency_key(*pair)) == pairs

    def test_an_unknown_module_sorts_last(self, curriculum):
        first = next(iter(curriculum))
        known = (first.slug, first.meta.competencies[0].id)
        assert sorted([("gone", "c1"), known], key=lambda p: competency_key(*p)) == [
            known,
            ("gone", "c1"),
        ]
