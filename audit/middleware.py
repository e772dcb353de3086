"""Who and from where: every change a request makes is recorded with the signed-in user, the
client's address (``common.net.client_ip``: behind the documented proxy, the address it saw)
and the path — django-pghistory's context, one per request. PostgreSQL only: the context is
set with ``set_config`` before each statement, and SQLite (the embedded demo) has no trail."""

from django.db import connection
from pghistory.middleware import HistoryMiddleware

from common.net import client_ip


class AuditContextMiddleware(HistoryMiddleware):
    def get_context(self, request):
        context = super().get_context(request)
        context["ip"] = client_ip(request)
        return context

    def __call__(self, request):
        if connection.vendor != "postgresql":
            return self.get_response(request)
        return super().__call__(request)
