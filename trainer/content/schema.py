"""The written schema of module and quiz files (see docs/content-format.md).

Pydantic models with ``extra="forbid"`` so a misspelt field is an error that names it,
not a value silently ignored.
"""

from __future__ import annotations

import enum
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

Identifier = Annotated[
    str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", min_length=1, max_length=60)
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Kind(enum.StrEnum):
    ELEMENT = "element"
    ADAPTATION = "adaptation"


class Level(enum.StrEnum):
    DEMONSTRABLY = "demonstrably"
    PROBABLY = "probably"
    PROMISING = "promising"
    INSUFFICIENT = "insufficient"


class Framework(enum.StrEnum):
    APA_2011 = "apa-2011"
    APA_2019 = "apa-2019"


class ProfessionWide(enum.StrEnum):
    """The APA profession-wide competencies that accreditation reports are organised by."""

    RESEARCH = "research"
    ETHICAL_LEGAL = "ethical-legal-standards"
    DIVERSITY = "individual-cultural-diversity"
    PROFESSIONAL_VALUES = "professional-values-attitudes-behaviors"
    COMMUNICATION = "communication-interpersonal-skills"
    ASSESSMENT = "assessment"
    INTERVENTION = "intervention"
    SUPERVISION = "supervision"
    CONSULTATION = "consultation-interprofessional"


KIND_LABELS = {
    Kind.ELEMENT: "Elements of the relationship",
    Kind.ADAPTATION: "Methods of adapting therapy",
}
LEVEL_LABELS = {
    Level.DEMONSTRABLY: "Demonstrably effective",
    Level.PROBABLY: "Probably effective",
    Level.PROMISING: "Promising but insufficient research",
    Level.INSUFFICIENT: "Important but not yet investigated",
}
FRAMEWORK_LABELS = {
    Framework.APA_2011: "APA task force 2011 (second interdivisional task force)",
    Framework.APA_2019: "APA task force 2019 (third interdivisional task force)",
}
PROFESSION_WIDE_LABELS = {
    ProfessionWide.RESEARCH: "Research",
    ProfessionWide.ETHICAL_LEGAL: "Ethical and legal standards",
    ProfessionWide.DIVERSITY: "Individual and cultural diversity",
    ProfessionWide.PROFESSIONAL_VALUES: "Professional values, attitudes and behaviors",
    ProfessionWide.COMMUNICATION: "Communication and interpersonal skills",
    ProfessionWide.ASSESSMENT: "Assessment",
    ProfessionWide.INTERVENTION: "Intervention",
    ProfessionWide.SUPERVISION: "Supervision",
    ProfessionWide.CONSULTATION: "Consultation and interprofessional/interdisciplinary skills",
}
RUBRIC_LABELS = {
    1: "Not demonstrated",
    2: "Emerging",
    3: "Developing",
    4: "Competent",
    5: "Advanced",
}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Objective(Strict):
    id: Identifier
    text: Text


class Anchors(Strict):
    """One behavioural anchor per rubric level, written for the competency."""

    not_demonstrated: Text = Field(alias="1")
    emerging: Text = Field(alias="2")
    developing: Text = Field(alias="3")
    competent: Text = Field(alias="4")
    advanced: Text = Field(alias="5")

    @model_validator(mode="before")
    @classmethod
    def _levels_as_strings(cls, data):
        # YAML reads the keys 1-5 as integers; the rubric levels are the same either way.
        if isinstance(data, dict):
            return {str(key): value for key, value in data.items()}
        return data

    def by_level(self) -> dict[int, str]:
        return {
            1: self.not_demonstrated,
            2: self.emerging,
            3: self.developing,
            4: self.competent,
            5: self.advanced,
        }


class Competency(Strict):
    id: Identifier
    statement: Text
    profession_wide: list[ProfessionWide] = Field(min_length=1)
    anchors: Anchors


class Statistic(Strict):
    label: Text
    #: the metric the source reports: k, N, r, d, g, OR, CI, ...; metrics are not interchangeable
    metric: Text
    #: the figure exactly as the evidence reference gives it, or "not reported"
    value: Text
    #: id of the reference (in ``references``) the figure comes from
    source: Identifier
    note: str | None = None


class Evidence(Strict):
    framework: Framework
    summary: Text
    statistics: list[Statistic] = Field(min_length=1)
    interpretation: Text


class Reference(Strict):
    id: Identifier
    #: APA-style reference; Markdown emphasis allowed for the journal and volume
    citation: Text
    doi: str | None = None


class ModuleFile(Strict):
    slug: Identifier
    title: Text
    kind: Kind
    levels: dict[Framework, Level] = Field(min_length=1)
    summary: Text
    order: int = Field(default=100, ge=0, le=1000)
    ce_minutes: int = Field(ge=5, le=600)
    objectives: list[Objective] = Field(min_length=3, max_length=5)
    competencies: list[Competency] = Field(min_length=3, max_length=5)
    evidence: Evidence
    references: list[Reference] = Field(min_length=1)


class Option(Strict):
    id: Identifier
    text: Text
    correct: bool = False
    feedback: Text


class ItemBase(Strict):
    id: Identifier
    competency: Identifier
    objective: Identifier
    vignette: Text
    rationale: Text


class SingleItem(ItemBase):
    type: Literal["single"]
    question: Text
    options: list[Option] = Field(min_length=4, max_length=5)

    @field_validator("options")
    @classmethod
    def _one_keyed_option(cls, options: list[Option]) -> list[Option]:
        keyed = sum(option.correct for option in options)
        if keyed != 1:
            raise ValueError(
                f"a single-best-answer item keys exactly 1 option, found {keyed}"
            )
        return options


class MultipleItem(ItemBase):
    type: Literal["multiple"]
    question: Text
    # options come before select, which is checked against the keyed options
    options: list[Option] = Field(min_length=5, max_length=6)
    #: how many options the trainee is asked to choose, or "all" for "select all that apply"
    select: int | Literal["all"]

    @field_validator("options")
    @classmethod
    def _two_or_three_keyed(cls, options: list[Option]) -> list[Option]:
        keyed = sum(option.correct for option in options)
        if not 2 <= keyed <= 3:
            raise ValueError(
                f"a multiple-select item keys 2 or 3 options, found {keyed}"
            )
        return options

    @field_validator("select", mode="before")
    @classmethod
    def _number_or_all(cls, select):
        if select != "all" and (
            isinstance(select, bool) or not isinstance(select, int)
        ):
            raise ValueError("must be the number of options to choose, or 'all'")
        return select

    @field_validator("select")
    @classmethod
    def _select_equals_keyed(cls, select: int | str, info: ValidationInfo) -> int | str:
        options = info.data.get("options")
        if select != "all" and options is not None:
            keyed = sum(option.correct for option in options)
            if select != keyed:
                raise ValueError(f"select is {select} but {keyed} options are keyed")
        return select


class Quality(enum.StrEnum):
    BEST = "best"
    ACCEPTABLE = "acceptable"
    POOR = "poor"


QUALITY_CREDIT = {Quality.BEST: 1.0, Quality.ACCEPTABLE: 0.5, Quality.POOR: 0.0}


class BranchOption(Strict):
    id: Identifier
    text: Text
    quality: Quality
    feedback: Text
    #: the id of the decision point or ending this choice leads to
    next: Identifier


class Point(Strict):
    id: Identifier
    #: what the trainee sees happen: the client's words or reaction
    situation: Text
    # end comes before question and options: what they must hold depends on it
    end: bool = False
    question: str | None = Field(default=None, validate_default=True)
    options: list[BranchOption] = Field(default_factory=list, validate_default=True)

    @field_validator("question")
    @classmethod
    def _decision_has_question(
        cls, question: str | None, info: ValidationInfo
    ) -> str | None:
        if not info.data.get("end") and not (question or "").strip():
            raise ValueError("a decision point needs a question")
        return question

    @field_validator("options")
    @classmethod
    def _decision_or_end(
        cls, options: list[BranchOption], info: ValidationInfo
    ) -> list[BranchOption]:
        if info.data.get("end"):
            if options:
                raise ValueError("an ending (end: true) has no options")
            return options
        if len(options) < 2:
            raise ValueError("a decision point needs at least 2 options (or end: true)")
        if not any(option.quality is Quality.BEST for option in options):
            raise ValueError(
                "a decision point needs at least one option of quality best"
            )
        return options


class BranchingItem(ItemBase):
    type: Literal["branching"]
    start: Identifier
    points: list[Point] = Field(min_length=2)


Item = Annotated[SingleItem | MultipleItem | BranchingItem, Field(discriminator="type")]


class QuizFile(Strict):
    module: Identifier
    #: percentage of the total score needed to pass
    pass_mark: int = Field(ge=50, le=100)
    multiple_select_scoring: Literal["all-or-nothing", "partial"] = "all-or-nothing"
    instructions: str | None = None
    items: list[Item] = Field(min_length=8)
