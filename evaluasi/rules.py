"""Object permissions of the SAQ (django-rules)."""

import rules

from award.rules import is_admin, user_facts


@rules.predicate
def is_operator_of_submission(user, submission) -> bool:
    if not user.is_authenticated or submission is None:
        return False
    return submission.unit_id in user_facts(user).operator_units


rules.add_perm("evaluasi.fill_submission", is_operator_of_submission)
rules.add_perm("evaluasi.view_submission", is_admin | is_operator_of_submission)
