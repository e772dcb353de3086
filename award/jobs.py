"""The long jobs of the core domain, run by ``common.jobs``: their kind names, for code that
starts or filters them (``AwardConfig.ready`` registers them)."""

UNITS_IMPORT = "units_import"
