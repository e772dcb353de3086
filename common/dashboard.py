"""The dashboard is put together by the apps: each registers a contribution in its
``AppConfig.ready()`` (``dashboard_contribution_register``), called in order with the context
built so far. So the core app's dashboard view shows SAQ cards and published results without
importing the apps that compute them (imports run one way: laporan → penilaian → penjurian →
evaluasi → award → common)."""

from __future__ import annotations

from collections.abc import Callable

_CONTRIBUTIONS: list[tuple[int, Callable]] = []


def dashboard_contribution_register(*, order: int, contribute: Callable) -> None:
    """``contribute(context, request)`` adds to or enriches the dashboard's context."""
    _CONTRIBUTIONS.append((order, contribute))
    _CONTRIBUTIONS.sort(key=lambda item: item[0])


def dashboard_context(*, context: dict, request) -> dict:
    for _order, contribute in _CONTRIBUTIONS:
        contribute(context, request)
    return context
