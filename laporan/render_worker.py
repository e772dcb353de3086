"""Render one HTML file to PDF in a separate process: ``python -m laporan.render_worker IN OUT``.

Used by ``laporan.documents.render_pdf_parallel`` to spread a large certificate batch over the
machine's cores (a Celery prefork child may not fork multiprocessing children, but it may run
subprocesses). Only data: URIs are fetched, as everywhere else. Django is not loaded.
"""

import sys
from pathlib import Path

from weasyprint import HTML
from weasyprint.urls import URLFetcher


def main() -> None:
    source, target = Path(sys.argv[1]), Path(sys.argv[2])
    fetcher = URLFetcher(allowed_protocols={"data"})
    HTML(string=source.read_text(encoding="utf-8"), url_fetcher=fetcher).write_pdf(target)


if __name__ == "__main__":
    main()
