"""An answers bundle (DESIGN.md §4 "Answers bundle"): a ZIP holding the answers workbook and
the evidence files its column ``bukti_berkas`` names, for a desa that fills everything offline.

The archive is hostile until proven otherwise. Nothing is ever extracted to disk: entries are
read into memory one at a time, never more than the single-upload limit each. Refused, with
the entry named: a corrupt or encrypted archive, too many entries, more unpacked than the
bundle limit, an entry compressed suspiciously well (a zip bomb), a name that leaves the
archive (``../``, an absolute path, a drive letter) or a symbolic link. Each evidence file then
goes through the same check as a single upload (``evidence_file_check``: type from content,
size, active content) in ``evaluasi.saq.offline``.
"""

from __future__ import annotations

import io
import posixpath
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from common.formats import decimal_text
from common.workbooks import MAX_RATIO, Problems, workbook_sheet_names

BUNDLE_SHEET = ""  # problems about the archive itself name no sheet
MAX_ENTRIES = 500
BOMB_MIN_BYTES = 1024 * 1024
_DRIVE = re.compile(r"^[A-Za-z]:")


class BundleDamaged(Exception):
    """An entry that cannot be unpacked (bad data, wrong checksum); the message says which."""


def bundle_is_zip(data: bytes) -> bool:
    """Whether an upload is an answers bundle (a ZIP that is not itself an Office file)."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        return False
    return "[Content_Types].xml" not in names


@dataclass
class Bundle:
    archive: zipfile.ZipFile
    workbook_name: str = ""
    workbook: bytes = b""
    entries: dict[str, zipfile.ZipInfo] = field(default_factory=dict)  # path → entry
    used: set[str] = field(default_factory=set)

    def find(self, name: str) -> list[str]:
        """The entries a name in ``bukti_berkas`` may mean: its exact path, else every entry
        with that file name in any folder (case ignored)."""
        wanted = name.replace("\\", "/").strip().strip("/")
        if wanted in self.entries:
            return [wanted]
        base = posixpath.basename(wanted).casefold()
        return sorted(p for p in self.entries if posixpath.basename(p).casefold() == base)

    def read(self, path: str) -> bytes:
        """An entry's content, never more than one byte over the single-upload limit (a
        declared size can lie; the caller's size check then refuses it)."""
        self.used.add(path)
        try:
            with self.archive.open(self.entries[path]) as handle:
                return handle.read(settings.UPLOAD_MAX_BYTES + 1)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as error:
            raise BundleDamaged(
                _("“%(name)s” in the ZIP is damaged and cannot be read.") % {"name": path}
            ) from error

    def unused(self) -> list[str]:
        return sorted(p for p in self.entries if p not in self.used and p != self.workbook_name)


def _entry_problem(entry: zipfile.ZipInfo) -> str | None:
    name = entry.filename
    parts = name.replace("\\", "/").split("/")
    if name.startswith(("/", "\\")) or _DRIVE.match(name) or ".." in parts:
        return _("“%(name)s” points outside the ZIP (a path with .. or an absolute path).") % {
            "name": name
        }
    if stat.S_ISLNK(entry.external_attr >> 16):
        return _("“%(name)s” is a symbolic link; put the file itself in the ZIP.") % {"name": name}
    if entry.flag_bits & 0x1:
        return _("“%(name)s” is protected with a password; make the ZIP without a password.") % {
            "name": name
        }
    ratio = entry.file_size / entry.compress_size if entry.compress_size else 0
    if entry.file_size > BOMB_MIN_BYTES and ratio > MAX_RATIO:
        return _("“%(name)s” is compressed suspiciously well; it is not read.") % {"name": name}
    return None


def bundle_open(data: bytes, problems: Problems) -> Bundle | None:
    """Open and vet a bundle and find its answers workbook; None (with every problem in
    ``problems``) when it cannot be used."""
    limit = settings.ANSWERS_BUNDLE_MAX_BYTES
    if len(data) > limit:
        problems.error(BUNDLE_SHEET, _("ZIP"), _too_large(len(data), limit))
        return None
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = [e for e in archive.infolist() if not e.is_dir()]
    except (zipfile.BadZipFile, ValueError):
        problems.error(BUNDLE_SHEET, _("ZIP"), _("The ZIP file is damaged and cannot be read."))
        return None
    if len(entries) > MAX_ENTRIES:
        problems.error(
            BUNDLE_SHEET,
            _("ZIP"),
            _("The ZIP holds %(count)s files; at most %(limit)s are read.")
            % {"count": len(entries), "limit": MAX_ENTRIES},
        )
        return None
    unpacked = sum(e.file_size for e in entries)
    if unpacked > 2 * limit:
        problems.error(BUNDLE_SHEET, _("ZIP"), _too_large(unpacked, 2 * limit, unpacked=True))
        return None
    bundle = Bundle(archive=archive)
    for entry in entries:
        problem = _entry_problem(entry)
        if problem:
            problems.error(BUNDLE_SHEET, _("ZIP"), problem)
        else:
            bundle.entries[entry.filename] = entry
    if problems.errors:
        return None
    return bundle if _workbook_find(bundle, problems) else None


def _workbook_find(bundle: Bundle, problems: Problems) -> bool:
    """The answers workbook: the one .xlsx in the ZIP with sheets ``jawaban`` and
    ``pengaturan`` (evidence may be .xlsx files too)."""
    found = []
    for path, entry in bundle.entries.items():
        if not path.lower().endswith(".xlsx") or entry.file_size > settings.UPLOAD_MAX_BYTES:
            continue
        try:
            data = bundle.read(path)
        except BundleDamaged as damaged:
            problems.error(BUNDLE_SHEET, _("ZIP"), str(damaged))
            continue
        if {"jawaban", "pengaturan"} <= set(workbook_sheet_names(data)):
            found.append((path, data))
    bundle.used.clear()
    if problems.errors:
        return False
    if len(found) == 1:
        bundle.workbook_name, bundle.workbook = found[0]
        return True
    if not found:
        problems.error(
            BUNDLE_SHEET,
            _("ZIP"),
            _(
                "The ZIP holds no answers workbook (an .xlsx file with the sheets jawaban and "
                "pengaturan). Put the unit's filled answers workbook in it."
            ),
        )
    else:
        problems.error(
            BUNDLE_SHEET,
            _("ZIP"),
            _("The ZIP holds several answers workbooks (%(names)s); keep only one.")
            % {"names": ", ".join(p for p, _data in found)},
        )
    return False


def _too_large(size: int, limit: int, unpacked: bool = False) -> str:
    values = {
        "size": decimal_text(size / 1048576, 1),
        "limit": limit // (1024 * 1024),
    }
    if unpacked:
        return _("The ZIP unpacks to %(size)s MB; at most %(limit)s MB are read.") % values
    return _("The ZIP is %(size)s MB; the limit is %(limit)s MB.") % values
