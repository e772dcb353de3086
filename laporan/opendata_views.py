"""Open data URLs (issue #23): public, read-only, cacheable and open to any origin.

data/katalog.jsonld                         DCAT catalogue of every published dataset
data/<year>/datapackage.json                the current version's data package
data/<year>/<level>.csv|json                the current version's files
data/<year>/v<run>/datapackage.json         one version's package, forever
data/<year>/v<run>/<level>.csv|json         one version's files, forever
"""

from __future__ import annotations

import hashlib
import json

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.views import View

from award.mixins import PeriodMixin
from award.models import Level, Period, organiser_current
from penilaian.models import ScoringRun
from penilaian.selectors import scoring_run_published

from . import opendata
from .models import OpenDataFile

MEDIA = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


def _respond(request, body: bytes, media: str, etag: str, modified, name: str = ""):
    """The body with its ETag and Last-Modified, answering a conditional GET with 304
    (Django's own rules), and readable by any origin (a portal harvesting from a browser)."""
    quoted = f'"{etag}"'
    response = HttpResponse(body, content_type=media)
    if name:
        response["Content-Disposition"] = f'inline; filename="{name}"'
    response["ETag"] = quoted
    response["Last-Modified"] = http_date(modified.timestamp())
    response["Cache-Control"] = "public, max-age=300"
    response = get_conditional_response(
        request, etag=quoted, last_modified=int(modified.timestamp()), response=response
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


class VersionMixin(PeriodMixin):
    """The published run a URL names: ``v<run>`` or, without it, the current one."""

    def run(self, version: int | None) -> ScoringRun:
        run = opendata.opendata_run(period=self.period, version=version)
        if run is None:
            raise Http404
        return run


class OpenDataFileView(VersionMixin, View):
    def get(self, request, year, level, fmt, version=None):
        run = self.run(version)
        level = get_object_or_404(Level, code=level)
        stored = opendata.opendata_file(run=run, level=level, fmt=fmt)
        if stored is None:
            raise Http404
        name = f"ppid-award-{year}-v{run.number}-{level.code}.{fmt}"
        return _respond(
            request, bytes(stored.content), MEDIA[fmt], stored.sha256, stored.created_at, name
        )


class DataPackageView(VersionMixin, View):
    def get(self, request, year, version=None):
        run = self.run(version)
        package = opendata.datapackage(
            run=run,
            publisher=organiser_current().name,
            base="" if version is not None else f"v{run.number}/",
        )
        body = json.dumps(package, ensure_ascii=False, indent=1).encode()
        return _respond(
            request, body, "application/json", hashlib.sha256(body).hexdigest(), run.finalised_at
        )


class CatalogueView(View):
    def get(self, request):
        organiser = organiser_current()
        datasets, modified = [], None
        for period in Period.objects.filter(finalised_at__isnull=False).order_by("-year"):
            run = scoring_run_published(period=period)
            if run is None:
                continue
            first = opendata.opendata_versions(period=period)[0]
            modified = max(modified or run.finalised_at, run.finalised_at)
            for level in opendata.selectors.run_levels(run=run):
                datasets.append(_dataset(request, period, level, first, run))
        body = json.dumps(
            opendata.catalogue(organiser=organiser, datasets=datasets),
            ensure_ascii=False,
            indent=1,
        ).encode()
        stored = OpenDataFile.objects.order_by("-created_at").first()
        modified = max(filter(None, [modified, stored and stored.created_at]), default=None)
        if modified is None:  # an empty catalogue: now is as good as any
            modified = timezone.now()
        return _respond(
            request, body, "application/ld+json", hashlib.sha256(body).hexdigest(), modified
        )


def _dataset(request, period, level, first: ScoringRun, run: ScoringRun) -> dict:
    def url(name, **kwargs):
        return request.build_absolute_uri(reverse(name, kwargs=kwargs))

    year = period.year
    return {
        "identifier": f"{organiser_current().slug}-{year}-{level.code}",
        "title": f"{period.name}: {level.name}",
        "description": f"Peringkat dan nilai PPID tingkat {level.name}, {period.name}.",
        "issued": opendata.utc_stamp(first.finalised_at),
        "modified": opendata.utc_stamp(run.finalised_at),
        "level": level.code,
        "page": url("laporan:public_ranking", year=year) + f"?tingkat={level.code}",
        "distributions": [
            ("CSV", url("laporan:opendata_csv", year=year, level=level.code), "text/csv"),
            ("JSON", url("laporan:opendata_json", year=year, level=level.code), "application/json"),
            (
                "Frictionless Data Package",
                url("laporan:opendata_package", year=year),
                "application/json",
            ),
        ],
    }
