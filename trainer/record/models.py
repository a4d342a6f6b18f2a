"""The facts a trainee's record is made of: quiz attempts, practice logs, ratings and
sign-offs. Learning, practice and supervision write them; ``trainer.record`` alone reads them
into the competency ladder."""

from .attempts import Attempt, ContentVersion
from .practice_logs import (
    CLINIC_TYPE_LABELS,
    MODALITY_LABELS,
    ClinicType,
    Modality,
    PracticeLog,
)
from .ratings import (
    DIRECT_OBSERVATION,
    MEANING_AS_STATED,
    OBSERVATION_LABELS,
    SIGNATURE_MEANING,
    Acknowledgement,
    DraftRating,
    Observation,
    RatingFields,
    SignedRating,
    SignOff,
    signature_meaning,
)

__all__ = [
    "CLINIC_TYPE_LABELS",
    "DIRECT_OBSERVATION",
    "MEANING_AS_STATED",
    "MODALITY_LABELS",
    "OBSERVATION_LABELS",
    "SIGNATURE_MEANING",
    "Acknowledgement",
    "Attempt",
    "ClinicType",
    "ContentVersion",
    "DraftRating",
    "Modality",
    "Observation",
    "PracticeLog",
    "RatingFields",
    "SignOff",
    "SignedRating",
    "signature_meaning",
]
