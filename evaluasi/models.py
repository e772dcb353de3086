"""The models of evaluasi, defined per subdomain: questionnaires (versioned weighted rubrics),
the SAQ (submissions, answers, evidence) and the evidence checks. Django finds them here."""

from .checks.models import (  # noqa: F401
    ContentBand,
    EvidenceCheck,
    EvidenceContent,
)
from .questionnaires.models import (  # noqa: F401
    Aspect,
    EvidenceRule,
    Indicator,
    IndicatorType,
    Option,
    Questionnaire,
    SharedQuestionnaire,
)
from .saq.models import (  # noqa: F401
    Answer,
    Evidence,
    ReminderLog,
    Submission,
    SubmissionEvent,
    evidence_path,
)
