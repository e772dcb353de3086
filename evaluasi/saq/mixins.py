"""Shared view helpers of the screens that open one SAQ submission (the operator's, the
jury's, the admin's): the submission of the URL with its permission checked, and an evidence
file sent after that check."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import get_object_or_404

from common.storage import private_file_response
from evaluasi.models import Evidence, Submission
from evaluasi.saq import selectors as saq_selectors

# Evidence types a browser shows inline (the jury's preview); everything else is an attachment.
INLINE_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp"})


def submission_for(request, pk, perm="evaluasi.view_submission") -> Submission:
    """The submission ``pk`` (with its period shared), or 403 unless ``perm`` holds on it."""
    submission = saq_selectors.submission_share_period(
        get_object_or_404(saq_selectors.submission_rows(), pk=pk)
    )
    if not request.user.has_perm(perm, submission):
        raise PermissionDenied
    return submission


def evidence_file_response(evidence: Evidence, *, inline_types=frozenset()) -> FileResponse:
    """An evidence file, after the caller's permission check (``private_file_response``)."""
    return private_file_response(
        evidence.file,
        name=evidence.original_name,
        content_type=evidence.content_type,
        inline_types=inline_types,
    )
