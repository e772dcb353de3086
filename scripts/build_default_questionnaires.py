"""Write evaluasi/data/kuesioner-<level>.xlsx from evaluasi/defaults.py.

DEBUG=1 .venv/bin/python scripts/build_default_questionnaires.py
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from evaluasi.exports import QuestionnaireExporter  # noqa: E402
from evaluasi.questionnaires.defaults import LEVELS, default_spec, default_workbook_path  # noqa: E402
from evaluasi.questionnaires.rubric import spec_problems  # noqa: E402

for level in LEVELS:
    spec = default_spec(level)
    problems = spec_problems(spec)
    if problems:
        sys.exit(f"{level}: {problems}")
    path = default_workbook_path(level)
    path.parent.mkdir(parents=True, exist_ok=True)
    QuestionnaireExporter(spec=spec).xlsx_write(path)
    count = sum(len(a.indicators) for a in spec.aspects)
    print(f"{path}: {len(spec.aspects)} aspects, {count} indicators")
