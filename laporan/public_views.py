"""Public pages (no login): published results only, certificate verification, badges."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django_scopes import scopes_disabled

from award.mixins import PeriodMixin
from award.models import Organiser, Unit, organiser_current_or_none
from award.scoping import installation_prefix, organiser_scope, organiser_url
from award.views import HomeView
from common.net import client_ip
from common.views import page_of
from laporan.models import code_normalise
from penilaian.selectors import scoring_run_published

from . import documents, selectors, verification
from .forms import CertificatePdfForm


def _published(period):
    run = scoring_run_published(period=period)
    if run is None:
        raise Http404
    return period, run


class StartView(View):
    """``/``: under an organiser's prefix its start page; on the platform straight to the only
    organiser, else every organiser with its published results."""

    def get(self, request):
        if organiser_current_or_none() is not None:
            return HomeView.as_view()(request)
        organisers = list(Organiser.objects.order_by("name"))
        if len(organisers) == 1:
            return redirect(organiser_url(organisers[0], "home"))
        if request.user.is_authenticated:
            return redirect("award:dashboard")
        rows = [
            {
                "organiser": organiser,
                "home": organiser_url(organiser, "home"),
                "results": [
                    (period.year, organiser_url(organiser, "laporan:public_ranking", period.year))
                    for period in periods
                ],
            }
            for organiser, periods in selectors.organisers_published(organisers=organisers)
        ]
        return render(request, "laporan/public/platform_home.html", {"rows": rows})


class PublicHomeView(View):
    def get(self, request):
        query = request.GET.get("q", "").strip()[:100]
        return render(
            request,
            "laporan/public/home.html",
            {
                "published": selectors.published_periods(),
                "query": query,
                "units": selectors.public_unit_search(query=query) if query else None,
            },
        )


class PublicRankingView(PeriodMixin, View):
    def get(self, request, year):
        period, run = _published(self.period)
        levels = selectors.run_levels(run=run)
        code = request.GET.get("tingkat") or (levels[0].code if levels else "")
        level = next((lv for lv in levels if lv.code == code), None)
        query = request.GET.get("q", "").strip()[:100]
        scores = selectors.public_ranking(run=run, level=level, query=query)
        page, keep = page_of(request, scores)
        return render(
            request,
            "laporan/public/ranking.html",
            {
                "period": period,
                "run": run,
                "levels": levels,
                "level": level,
                "query": query,
                "page": page,
                "keep": keep,
                "distribution": selectors.qualification_distribution(run=run, level=level),
            },
        )


class PublicUnitView(View):
    def get(self, request, code):
        unit = get_object_or_404(Unit.objects.select_related("level", "parent"), code=code)
        history = list(selectors.public_unit_history(unit=unit))
        if not history:
            raise Http404
        latest = history[0]
        badge_url = request.build_absolute_uri(
            reverse("laporan:badge", args=[unit.code, latest.run.period.year])
        )
        page_url = request.build_absolute_uri(reverse("laporan:public_unit", args=[unit.code]))
        snippet = (
            f'<a href="{page_url}"><img src="{badge_url}" '
            f'alt="PPID Award {latest.run.period.year}: {latest.qualification}"></a>'
        )
        return render(
            request,
            "laporan/public/unit.html",
            {"unit": unit, "history": history, "latest": latest, "snippet": snippet},
        )


class CertificateLookupView(View):
    """The box to type a code from a certificate; it opens the code's page."""

    def get(self, request):
        typed = request.GET.get("kode", "").strip()[:40]
        if typed:
            return redirect("laporan:verify", code=code_normalise(typed) or typed)
        return render(request, "laporan/public/verify_lookup.html")


class CertificateVerifyView(View):
    """Global (``/verifikasi/<kode>/``: codes are unique across organisers); the page is shown
    as the organiser that issued the certificate, and says which one it is."""

    def get(self, request, code):
        with scopes_disabled():
            certificate = selectors.certificate_by_code(code=code[:32])
            organiser = certificate.run.period.organiser if certificate else None
        active = organiser_current_or_none()
        if organiser is not None and active is not None and active != organiser:
            return redirect(organiser_url(None, "laporan:verify", code))
        if organiser is not None and active is None:
            base = request.META.get("SCRIPT_NAME", "").rstrip("/") + "/"
            with organiser_scope(organiser, base=base):
                return self.page(request, code, certificate, organiser)
        return self.page(request, code, certificate, organiser)

    def page(self, request, code, certificate, organiser):
        replacement = (
            selectors.certificate_replacement(certificate=certificate)
            if certificate and certificate.run.superseded_by_id
            else None
        )
        return render(
            request,
            "laporan/public/verify.html",
            {
                "certificate": certificate,
                "code": code,
                "replacement": replacement,
                "organiser": organiser,
                "stored": verification.certificate_stored_check(certificate=certificate)
                if certificate and certificate.signed_by
                else None,
            },
            status=200 if certificate else 404,
        )


class BadgeView(PeriodMixin, View):
    """An SVG badge of a unit's published qualification in a year; cacheable for a day."""

    def get(self, request, code, year):
        unit = get_object_or_404(Unit, code=code)
        period, run = _published(self.period)
        score = run.scores.filter(unit=unit).first()
        if score is None:
            raise Http404
        svg = documents.badge_svg(qualification=score.qualification, year=year, unit_name=unit.name)
        etag = '"' + hashlib.sha256(svg.encode()).hexdigest()[:32] + '"'
        if request.headers.get("If-None-Match") == etag:
            return HttpResponseNotModified()
        response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
        response["Cache-Control"] = "public, max-age=86400"
        response["ETag"] = etag
        response["Access-Control-Allow-Origin"] = "*"
        response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
        return response


class CertificateFileCheckView(View):
    """The upload box of the verification page: a received PDF checked (signature, unchanged,
    codes published); at most ``CHECKS_PER_WINDOW`` checks per client address per window."""

    CHECKS_PER_WINDOW = 10
    WINDOW_SECONDS = 600
    template_name = "laporan/public/verify_file.html"

    def get(self, request):
        return render(request, self.template_name, {"form": CertificatePdfForm()})

    def post(self, request):
        key = f"verify-file:{client_ip(request)}"
        cache.add(key, 0, self.WINDOW_SECONDS)
        if cache.incr(key) > self.CHECKS_PER_WINDOW:
            refused = _("Too many checks from this address; try again in 10 minutes.")
            context = {"form": CertificatePdfForm(), "refused": refused}
            return render(request, self.template_name, context, status=429)
        form = CertificatePdfForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=400)
        upload = form.cleaned_data["file"]
        if upload.size > verification.PDF_MAX_BYTES:
            form.add_error("file", _("The file is too large (at most 5 MB)."))
            return render(request, self.template_name, {"form": form}, status=400)
        check = verification.certificate_pdf_check(data=upload.read())
        return render(request, self.template_name, {"form": CertificatePdfForm(), "check": check})


class ApiDocsView(View):
    """The API's documentation page: what it answers, how to page and how often to ask, with
    examples built from the first organiser and its latest published period."""

    def get(self, request):
        example = {"slug": "kutim", "year": timezone.now().year, "level": "desa", "code": "6408"}
        organiser = organiser_current_or_none() or Organiser.objects.order_by("pk").first()
        if organiser is not None:
            example["slug"] = organiser.slug
            with organiser_scope(organiser):
                published = selectors.published_periods()
                if published:
                    run = published[0]["run"]
                    example["year"] = published[0]["period"].year
                    score = run.scores.select_related("unit", "level").order_by("rank").first()
                    if score is not None:
                        example |= {"level": score.level.code, "code": score.unit.code}
        base = request.build_absolute_uri(f"{installation_prefix()}api/v1")
        return render(
            request,
            "laporan/public/api_docs.html",
            {"base": base, "example": example, "rate": settings.API_RATE},
        )
