"""The quiz flow: one step at a time, answers checked, progress carried in a signed token."""

from __future__ import annotations

import copy
import json
import time

import pytest
from itsdangerous import URLSafeTimedSerializer
from itsdangerous.timed import TimestampSigner

from tests.factories.content import build, module_data
from trainer.learning import quizflow
from trainer.learning.quizflow import AnswerInvalid, ProgressInvalid

SECRET = "quizflow-test-secret"
TRAINEE = 7


@pytest.fixture(scope="module")
def module():
    return build()


def play(module, progress, *answers):
    """Apply ``answers`` in order; return the step after the last one."""
    step = None
    for chosen in answers:
        step = quizflow.apply_answer(module, progress, chosen)
    return step


#: q1-q3 (single), q4 (multiple, select 2), q5 (multiple, select all), q6, q7 (single)
BEFORE_SCENARIO = [["a"], ["a"], ["a"], ["a", "b"], ["a", "b", "c"], ["a"], ["a"]]


class TestSteps:
    def test_a_new_attempt_starts_at_the_first_item_with_its_own_seed(self, module):
        first, second = (
            quizflow.start(module, 1, trainee_id=TRAINEE),
            quizflow.start(module, 2, trainee_id=TRAINEE),
        )
        assert (first.slug, first.version, first.number, first.answers) == (
            "sample",
            module.version,
            1,
            {},
        )
        assert len(first.seed) == 16
        assert first.seed != second.seed
        step = quizflow.current_step(module, first)
        assert (step.index, step.total, step.item.id, step.point) == (0, 8, "q1", None)

    def test_answers_advance_item_by_item(self, module):
        progress = quizflow.start(module, 1, trainee_id=TRAINEE)
        seen = []
        for chosen in BEFORE_SCENARIO:
            seen.append(quizflow.current_step(module, progress).item.id)
            quizflow.apply_answer(module, progress, chosen)
        assert seen == ["q1", "q2", "q3", "q4", "q5", "q6", "q7"]
        assert progress.answers["q1"] == {"chosen": ["a"]}
        assert progress.answers["q4"] == {"chosen": ["a", "b"]}
        assert quizflow.current_step(module, progress).item.id == "q8"

    def test_a_multiple_item_is_one_step_and_stores_its_choices_sorted(self, module):
        progress = quizflow.start(module, 1, trainee_id=TRAINEE)
        step = play(module, progress, ["a"], ["a"], ["a"], ["b", "a"])
        assert progress.answers["q4"] == {"chosen": ["a", "b"]}
        assert step.item.id == "q5"
        assert step.is_multiple

    def test_a_branching_item_takes_one_step_per_decision_and_ends_at_an_ending(
        self, module
    ):
        progress = quizflow.start(module, 1, trainee_id=TRAINEE)
        step = play(module, progress, *BEFORE_SCENARIO)
        assert (step.item.id, step.point.id, step.path) == ("q8", "p1", ())
        assert not step.is_multiple

        step = quizflow.apply_answer(module, progress, ["a"])
        assert (step.index, step.item.id, step.point.id) == (7, "q8", "p2")
        assert step.path == (("p1", "a"),)
        assert "end" not in progress.answers["q8"]
        assert not quizflow.is_complete(module, progress)

        assert quizflow.apply_answer(module, progress, ["b"]) is None
        assert progress.answers["q8"] == {
            "path": [["p1", "a"], ["p2", "b"]],
            "end": "end-ok",
        }
        assert quizflow.is_complete(module, progress)

    def test_a_poor_first_choice_can_end_the_scenario_after_one_decision(self, module):
        progress = quizflow.start(module, 1, trainee_id=TRAINEE)
        assert play(module, progress, *BEFORE_SCENARIO, ["b"]) is None
        assert progress.answers["q8"] == {"path": [["p1", "b"]], "end": "end-poor"}


class TestInvalidAnswers:
    @pytest.mark.parametrize(
        ("before", "chosen", "message"),
        [
            ([], [], "Choose one option."),
            ([], ["a", "b"], "Choose one option."),
            ([], ["z"], "Choose from the options shown."),
            ([["a"]] * 3, [], "Choose at least one option."),
            ([["a"]] * 3, ["a"], "Choose exactly 2 options (you chose 1)."),
            ([["a"]] * 3, ["a", "b", "c"], "Choose exactly 2 options (you chose 3)."),
            ([["a"]] * 3, ["a", "z"], "Choose from the options shown."),
            ([["a"]] * 3 + [["a", "b"]], [], "Choose at least one option."),
            (BEFORE_SCENARIO, [], "Choose one option."),
            (BEFORE_SCENARIO, ["a", "b"], "Choose one option."),
            (BEFORE_SCENARIO, ["end-good"], "Choose from the options shown."),
            ([*BEFORE_SCENARIO, ["a"]], ["c"], "Choose from the options shown."),
        ],
        ids=[
            "single-nothing",
            "single-two",
            "single-unknown",
            "multiple-nothing",
            "multiple-too-few",
            "multiple-too-many",
            "multiple-unknown",
            "select-all-nothing",
            "decision-nothing",
            "decision-two",
            "decision-a-point-id",
            "second-decision-unknown",
        ],
    )
    def test_it_is_refused_with_a_clear_message_and_progress_unchanged(
        self, module, before, chosen, message
    ):
        progress = quizflow.start(module, 1, trainee_id=TRAINEE)
        play(module, progress, *before)
        snapshot = copy.deepcopy(progress.to_data())
        with pytest.raises(AnswerInvalid) as refused:
            quizflow.apply_answer(module, progress, chosen)
        assert str(refused.value) == message
        assert progress.to_data() == snapshot

    def test_a_repeated_option_counts_once(self, module):
        progress = quizflow.start(module, 1, trainee_id=TRAINEE)
        quizflow.apply_answer(module, progress, ["a", "a"])
        assert progress.answers["q1"] == {"chosen": ["a"]}

    def test_no_answer_is_taken_after_the_last_step(self, module):
        progress = quizflow.start(module, 1, trainee_id=TRAINEE)
        play(module, progress, *BEFORE_SCENARIO, ["b"])
        snapshot = copy.deepcopy(progress.to_data())
        with pytest.raises(
            AnswerInvalid, match=r"Every item is answered; submit your attempt\."
        ):
            quizflow.apply_answer(module, progress, ["a"])
        assert progress.to_data() == snapshot


class TestToken:
    def test_progress_round_trips_through_the_token(self, module):
        progress = quizflow.start(module, 3, trainee_id=TRAINEE)
        play(module, progress, *BEFORE_SCENARIO, ["a"])
        decoded = quizflow.decode(
            quizflow.encode(progress, SECRET), SECRET, module, trainee_id=TRAINEE
        )
        assert decoded == progress
        assert quizflow.current_step(module, decoded).point.id == "p2"

    def test_a_tampered_token_is_refused(self, module):
        token = quizflow.encode(quizflow.start(module, 1, trainee_id=TRAINEE), SECRET)
        # the token is encrypted and authenticated as a whole: change one character of it
        middle = len(token) // 2
        forged = f"{token[:middle]}{'A' if token[middle] != 'A' else 'B'}{token[middle + 1 :]}"
        with pytest.raises(ProgressInvalid, match="This quiz page has expired"):
            quizflow.decode(forged, SECRET, module, trainee_id=TRAINEE)

    def test_a_token_signed_with_another_key_is_refused(self, module):
        token = quizflow.encode(
            quizflow.start(module, 1, trainee_id=TRAINEE), "another-secret"
        )
        with pytest.raises(ProgressInvalid, match="This quiz page has expired"):
            quizflow.decode(token, SECRET, module, trainee_id=TRAINEE)

    def test_an_expired_token_is_refused(self, module, monkeypatch):
        stale = int(time.time()) - quizflow.TOKEN_MAX_AGE - 60
        monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: stale)
        token = quizflow.encode(quizflow.start(module, 1, trainee_id=TRAINEE), SECRET)
        monkeypatch.undo()
        with pytest.raises(ProgressInvalid, match="This quiz page has expired"):
            quizflow.decode(token, SECRET, module, trainee_id=TRAINEE)

    def test_a_token_just_inside_its_lifetime_is_accepted(self, module, monkeypatch):
        recent = int(time.time()) - quizflow.TOKEN_MAX_AGE + 60
        monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: recent)
        token = quizflow.encode(quizflow.start(module, 1, trainee_id=TRAINEE), SECRET)
        monkeypatch.undo()
        assert quizflow.decode(token, SECRET, module, trainee_id=TRAINEE).number == 1

    def test_a_signed_token_with_a_malformed_payload_is_refused(self, module):
        serializer = URLSafeTimedSerializer(SECRET, salt=quizflow.TOKEN_SALT)
        valid = quizflow.start(module, 1, trainee_id=TRAINEE).to_data()
        for payload in (
            {"slug": "sample"},
            ["not", "a", "mapping"],
            {**valid, "number": "x"},
        ):
            # signed and encrypted as encode() does, so only the payload is wrong
            token = quizflow._cipher(SECRET).encrypt(serializer.dumps(payload).encode())
            with pytest.raises(ProgressInvalid, match="This quiz page has expired"):
                quizflow.decode(token.decode(), SECRET, module, trainee_id=TRAINEE)

    def test_a_token_for_another_quiz_is_refused(self, module):
        other = build(slug="other")
        token = quizflow.encode(quizflow.start(other, 1, trainee_id=TRAINEE), SECRET)
        with pytest.raises(
            ProgressInvalid, match=r"This answer belongs to another quiz\."
        ):
            quizflow.decode(token, SECRET, module, trainee_id=TRAINEE)

    def test_a_token_for_another_version_of_the_module_is_refused(self, module):
        edited = module_data()
        edited["title"] = "Sample module, revised"
        newer = build(edited)
        assert newer.version != module.version
        token = quizflow.encode(quizflow.start(module, 1, trainee_id=TRAINEE), SECRET)
        with pytest.raises(
            ProgressInvalid, match="The module was updated while you were taking"
        ):
            quizflow.decode(token, SECRET, newer, trainee_id=TRAINEE)

    def test_a_token_issued_to_another_trainee_is_refused(self, module):
        token = quizflow.encode(quizflow.start(module, 1, trainee_id=TRAINEE), SECRET)
        with pytest.raises(ProgressInvalid, match="opened by another account"):
            quizflow.decode(token, SECRET, module, trainee_id=TRAINEE + 1)


class TestOptionOrder:
    def orders(self, module, seed):
        progress = quizflow.start(module, 1, trainee_id=TRAINEE)
        progress.seed = seed
        orders = []
        for chosen in [*BEFORE_SCENARIO, ["a"], None]:
            step = quizflow.current_step(module, progress)
            orders.append([option.id for option in step.options])
            if chosen is not None:
                quizflow.apply_answer(module, progress, chosen)
        return orders

    def test_it_is_stable_for_the_same_seed(self, module):
        assert self.orders(module, "0123456789abcdef") == self.orders(
            module, "0123456789abcdef"
        )

    def test_it_is_shuffled_per_attempt_seed(self, module):
        first_items = {tuple(self.orders(module, f"seed-{n}")[0]) for n in range(20)}
        assert len(first_items) > 1
        assert all(sorted(order) == ["a", "b", "c", "d"] for order in first_items)

    def test_every_option_is_shown_exactly_once(self, module):
        orders = self.orders(module, "fedcba9876543210")
        expected = (
            [list("abcd")] * 3
            + [list("abcde")] * 2
            + [list("abcd")] * 2
            + [["a", "b"]] * 2
        )
        assert [sorted(order) for order in orders] == expected


class TestReplay:
    def test_replay_and_ending_reproduce_a_stored_path(self, module):
        progress = quizflow.start(module, 1, trainee_id=TRAINEE)
        play(module, progress, *BEFORE_SCENARIO, ["a"], ["b"])
        stored = json.loads(
            json.dumps(progress.answers["q8"])
        )  # as the database returns it
        scenario = module.quiz.items[7]
        steps = quizflow.replay(scenario, stored)
        assert [(point.id, option.id) for point, option in steps] == [
            ("p1", "a"),
            ("p2", "b"),
        ]
        assert [option.feedback for _, option in steps] == [
            "Feedback on a.",
            "Feedback on b.",
        ]
        assert [option.quality for _, option in steps] == ["best", "acceptable"]
        ending = quizflow.ending(scenario, stored)
        assert (ending.id, ending.situation) == (
            "end-ok",
            "The client shrugs and stays.",
        )

    def test_a_path_without_an_ending_has_no_ending(self, module):
        scenario = module.quiz.items[7]
        assert quizflow.ending(scenario, {"path": [["p1", "a"]]}) is None
        assert quizflow.replay(scenario, {}) == []
