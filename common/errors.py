"""Error pages in Bahasa Indonesia, rendered with the site layout."""

from django.shortcuts import render


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def locked_out(request, original_response=None, credentials=None):
    """django-axes lockout page: how long to wait, in minutes (axes says "PT30M")."""
    from django.conf import settings

    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    return render(request, "registration/locked_out.html", {"cooloff_minutes": minutes}, status=429)
