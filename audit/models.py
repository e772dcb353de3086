"""What the audit trail tracks: every change to these models, written by PostgreSQL triggers
(django-pghistory), so that even writes that bypass the ORM (COPY, raw SQL, a DBA's psql) are
recorded with the old and the new row. The event tables live in this app; the request's user,
address and path come from ``audit.middleware`` (Celery tasks: ``audit.signals``).

On the embedded SQLite default there are no triggers (pgtrigger installs them on PostgreSQL
only) and the audit page says so."""

import pghistory
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from award.models import DeadlineExtension, JuryMembership, Level, OperatorMembership, Period, Unit
from evaluasi.models import Answer, Aspect, Evidence, Indicator, Option, Questionnaire, Submission
from penilaian.models import FinalisationOverride, ScoringRun
from penjurian.models import (
    Assignment,
    Objection,
    PresentationCriterion,
    PresentationScore,
    PresentationSlot,
    Verification,
)

# kind (the filter's value) → (model, label)
TRACKED = {
    "period": (Period, _("Period and its settings")),
    "level": (Level, _("Level")),
    "unit": (Unit, _("Unit")),
    "operator": (OperatorMembership, _("Operator of a unit")),
    "jury": (JuryMembership, _("Jury of a period")),
    "jury_levels": (JuryMembership.levels.through, _("Jury levels")),
    "jury_conflicts": (JuryMembership.conflicts.through, _("Jury conflicts")),
    "roles": (get_user_model().groups.through, _("Roles of an account")),
    "extension": (DeadlineExtension, _("Deadline extension")),
    "questionnaire": (Questionnaire, _("Questionnaire")),
    "aspect": (Aspect, _("Aspect")),
    "indicator": (Indicator, _("Indicator")),
    "option": (Option, _("Answer option")),
    "submission": (Submission, _("SAQ (submitted, reopened)")),
    "answer": (Answer, _("Answer")),
    "evidence": (Evidence, _("Evidence")),
    "assignment": (Assignment, _("Jury assignment")),
    "verification": (Verification, _("Verification")),
    "objection": (Objection, _("Objection and its answer")),
    "criterion": (PresentationCriterion, _("Presentation criterion")),
    "slot": (PresentationSlot, _("Presentation schedule")),
    "presentation": (PresentationScore, _("Presentation score")),
    "run": (ScoringRun, _("Scoring run, penetapan and correction")),
    "override": (FinalisationOverride, _("Penetapan override")),
}

for _kind, (model, _label) in TRACKED.items():
    name = model.__name__.replace("_", "")
    pghistory.track(
        pghistory.InsertEvent(),
        pghistory.UpdateEvent(),
        pghistory.DeleteEvent(),
        app_label="audit",
        model_name=f"{name}Audit",
        # One trigger call per statement over its transition table, not one per row: a bulk
        # write (166,000 assignments, an 83,000-unit import) pays once.
        level=pghistory.Statement,
        obj_field=pghistory.ObjForeignKey(related_name="audit_events", db_index=True),
        # Progress counters and heartbeats change every second of a run: not an audit matter.
        exclude=[
            f for f in ("progress", "heartbeat_at", "chunks_done", "stats") if hasattr(model, f)
        ]
        or None,
    )(model)
