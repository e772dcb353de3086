"""The models of evaluasi, defined per subdomain: questionnaires (versioned weighted rubrics)
and the SAQ (submissions, answers, evidence). Django finds them through this module."""

from .questionnaires.models import (  # noqa: F401
    Aspect,
    EvidenceRule,
    Indicator,
    IndicatorType,
    Option,
    Questionnaire,
)
from .saq.models import (  # noqa: F401
    Answer,
    Evidence,
    ReminderLog,
    Submission,
    SubmissionEvent,
    evidence_path,
)
