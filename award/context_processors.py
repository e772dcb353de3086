from django.utils.functional import SimpleLazyObject

from award.selectors import user_roles


def roles(request):
    """``roles.admin``, ``roles.jury`` and ``roles.operator`` for menus, computed on first use."""
    user = getattr(request, "user", None)
    if user is None:
        return {"roles": {}}
    return {"roles": SimpleLazyObject(lambda: user_roles(user=user))}
