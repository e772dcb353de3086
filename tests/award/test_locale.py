"""The Bahasa Indonesia catalogue is complete and its compiled form is current."""

from pathlib import Path

import polib
from django.conf import settings
from django.utils import translation

PO = Path(settings.BASE_DIR) / "locale" / "id" / "LC_MESSAGES" / "django.po"


def test_every_msgid_is_translated():
    po = polib.pofile(str(PO))
    missing = [e.msgid for e in po if not e.obsolete and (not e.translated() or e.fuzzy)]
    assert not missing, f"untranslated: {missing}"


def test_compiled_catalogue_matches_the_po():
    po = polib.pofile(str(PO))
    mo = polib.mofile(str(PO.with_suffix(".mo")))
    compiled = {(e.msgctxt, e.msgid): (e.msgstr or e.msgstr_plural.get(0)) for e in mo}
    for entry in po.translated_entries():
        got = compiled.get((entry.msgctxt, entry.msgid))
        want = entry.msgstr or entry.msgstr_plural.get(0)
        assert got == want, f"run `make messages`: {entry.msgid!r} is stale in django.mo"


def test_indonesian_is_the_default_language():
    assert settings.LANGUAGE_CODE == "id"
    assert settings.TIME_ZONE == "Asia/Makassar"
    with translation.override(settings.LANGUAGE_CODE):
        assert translation.gettext("Sign in") == "Masuk"


def test_every_field_an_admin_sees_has_a_translated_label():
    """Django admin speaks Indonesian: every model and field of ours carries a gettext
    label (internal bookkeeping tables of the scoring engine aside)."""
    from django.apps import apps
    from django.utils.functional import Promise

    internal = {"ScoringChunk", "AnswerSnapshot", "VerificationSnapshot", "ScorePresentation"}
    missing = []
    for config in apps.get_app_configs():
        if config.name not in {"award", "common", "evaluasi", "penjurian", "penilaian", "laporan"}:
            continue
        for model in config.get_models():
            if model.__name__ in internal:
                continue
            if not isinstance(model._meta.verbose_name, Promise):
                missing.append(model.__name__)
            for field in model._meta.get_fields():
                if field.auto_created or not field.concrete or field.name == "id":
                    continue
                if not isinstance(field.verbose_name, Promise):
                    missing.append(f"{model.__name__}.{field.name}")
    assert not missing, missing
