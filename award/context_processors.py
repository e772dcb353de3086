from django.utils.functional import SimpleLazyObject

from award.models import organiser_current_or_none
from award.selectors import user_roles


def roles(request):
    """``roles.admin``, ``roles.jury`` and ``roles.operator`` for menus, computed on first use,
    and the ``site_organiser`` whose pages these are (None on the platform's own pages)."""
    organiser = organiser_current_or_none()
    user = getattr(request, "user", None)
    if user is None:
        return {"roles": {}, "site_organiser": organiser}
    return {"roles": SimpleLazyObject(lambda: user_roles(user=user)), "site_organiser": organiser}
