"""Object permissions of jury work (django-rules): a jury verifies a submission only when it is
assigned to the unit and not in conflict with it (``penjurian.assignment.jury_may_judge``)."""

import rules

from penjurian.assignment import jury_may_judge


@rules.predicate
def is_assigned_jury(user, submission) -> bool:
    if not user.is_authenticated or submission is None:
        return False
    return jury_may_judge(jury=user, submission=submission)


rules.add_perm("penjurian.verify_submission", is_assigned_jury)
