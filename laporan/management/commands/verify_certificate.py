"""Check a certificate PDF someone received: its signature, that it is unchanged since signing,
and that its codes are of published, not superseded certificates (exit status 1 if not)."""

from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from award.scoping import PlatformCommand
from laporan import verification


class Command(PlatformCommand):
    help = __doc__

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("file", type=Path)

    def handle(self, *args, **options):
        path = options["file"]
        if not path.is_file():
            raise CommandError(_("%(path)s: no such file.") % {"path": path})
        check = verification.certificate_pdf_check(data=path.read_bytes())
        yes, no = _("yes"), _("no")
        lines = [
            _("Signed: %(answer)s") % {"answer": f"{yes} ({check.signer})" if check.signed else no},
            _("Intact: %(answer)s") % {"answer": yes if check.intact else no},
            _("Unchanged since signing: %(answer)s") % {"answer": yes if check.unchanged else no},
            _("Signer trusted: %(answer)s") % {"answer": yes if check.trusted else no},
        ]
        lines += [f"{c.code}: {c.message}" for c in check.codes]
        lines += [_("Problem: %(problem)s") % {"problem": problem} for problem in check.problems]
        self.stdout.write("\n".join(lines))
        if not check.ok:
            raise CommandError(_("The certificate did NOT pass the check."))
        self.stdout.write(self.style.SUCCESS(_("The certificate is genuine and valid.")))
