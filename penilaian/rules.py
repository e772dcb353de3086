"""Object permissions of scores and results (django-rules)."""

import rules

from award.rules import is_admin, user_facts


@rules.predicate
def is_operator_of_published_score(user, score) -> bool:
    """An operator sees its unit's explained result once the run is finalised and published."""
    if not user.is_authenticated or score is None or not score.run.is_published:
        return False
    return score.unit_id in user_facts(user).operator_units


rules.add_perm("penilaian.view_score", is_admin | is_operator_of_published_score)
