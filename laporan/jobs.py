"""The long jobs of the reports, run by ``common.jobs``: their kind names
(``LaporanConfig.ready`` registers them)."""

RANKING_EXPORT = "ranking_export"
CERTIFICATES = "certificates"
RECAP = "recap"
