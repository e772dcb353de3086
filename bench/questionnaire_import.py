"""Questionnaire import speed (Questionnaires issue): a workbook with 1,000 indicators must
import in under 3 s.

    DATABASE_URL=postgres://postgres@127.0.0.1/ppid .venv/bin/python bench/questionnaire_import.py

Prints, for the same workbook and in the same run: the baseline (openpyxl read-only, touching
every cell: the least any reader can do), the check alone (what the preview costs) and the
full import into the database (check + write), each the best of 5, and the ratios.
"""

import io
import platform
import time

from _django import scratch_database

ASPECTS = 10
PER_ASPECT = 100


def build_workbook() -> bytes:
    from tests.workbooks import xlsx

    aspects = [["kode", "nama", "bobot", "deskripsi"]] + [
        [f"A{a}", f"Aspek {a}", 100 // ASPECTS, "Deskripsi aspek"] for a in range(ASPECTS)
    ]
    indicators = [
        [
            "aspek",
            "kode",
            "pertanyaan",
            "tipe",
            "bobot",
            "bukti",
            "petunjuk",
            "min",
            "maks",
            "wajib",
            "kelompok",
        ]
    ]
    options = [["indikator", "kode", "label", "nilai"]]
    kinds = ["ya_tidak", "pilihan", "angka", "ya_tidak", "teks"]
    for a in range(ASPECTS):
        for i in range(PER_ASPECT):
            code = f"{a + 1}.{i // 10 + 1}.{i % 10 + 1}.1"
            kind = kinds[i % len(kinds)]
            weight = 0 if kind == "teks" else 1 + i % 5
            low, high = (0, 100) if kind == "angka" else (None, None)
            indicators.append(
                [
                    f"A{a}",
                    code,
                    f"Pertanyaan nomor {i} tentang layanan informasi?",
                    kind,
                    weight,
                    "wajib",
                    "Unggah dokumen pendukung.",
                    low,
                    high,
                    "ya",
                    f"Kelompok {i // 10}",
                ]
            )
            if kind == "pilihan":
                for o, value in enumerate([100, 60, 30, 0]):
                    options.append([code, chr(97 + o), f"Opsi {o}", value])
    return xlsx(
        {
            "pengaturan": [
                ["kunci", "nilai"],
                ["judul", "Bench"],
                ["tingkat", "desa"],
                ["versi", "1"],
            ],
            "aspek": aspects,
            "indikator": indicators,
            "opsi": options,
        }
    )


def best_of(runs, fn):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main():
    with scratch_database():
        from django.utils import timezone
        from openpyxl import load_workbook

        from award.models import Level
        from award.services import period_create, period_default_dates
        from evaluasi.questionnaires.services import questionnaire_import
        from evaluasi.questionnaires.workbook import questionnaire_parse

        data = build_workbook()
        levels = set(Level.objects.values_list("code", flat=True))
        period = period_create(year=2030, **period_default_dates(saq_open=timezone.now()))

        def baseline():
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            for sheet in wb.worksheets:
                for row in sheet.iter_rows(values_only=True):
                    for _cell in row:
                        pass
            wb.close()

        def check():
            parsed = questionnaire_parse(data, level_codes=levels)
            assert not parsed.problems.errors, parsed.problems.errors[:3]

        def full():
            questionnaire_import(data=data, period=period)

        base = best_of(5, baseline)
        checked = best_of(5, check)
        imported = best_of(5, full)
        count = ASPECTS * PER_ASPECT
        print(f"machine: {platform.node()} {platform.machine()} python {platform.python_version()}")
        print(f"workbook: {count} indicators, {len(data) / 1024:.0f} KiB")
        print(f"baseline openpyxl read-only scan: {base:.3f} s")
        print(
            f"check (preview):                  {checked:.3f} s  ({checked / base:.2f}x baseline)"
        )
        print(
            f"full import into the database:    {imported:.3f} s  ({imported / base:.2f}x baseline)"
        )
        print(f"target: full import < 3 s -> {'PASS' if imported < 3 else 'FAIL'}")


if __name__ == "__main__":
    main()
