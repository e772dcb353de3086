"""Questionnaire workbook import/export (DESIGN.md §4): all or nothing, sheet!cell messages,
round trip, shipped defaults, and nasty files (hand-made and hypothesis-generated)."""

import io
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from evaluasi.exports import QuestionnaireExporter
from evaluasi.models import Aspect, Indicator, Option, Questionnaire
from evaluasi.questionnaires import services as questionnaire_services
from evaluasi.questionnaires.defaults import LEVELS, default_spec, default_workbook_path
from evaluasi.questionnaires.selectors import questionnaire_spec
from evaluasi.questionnaires.workbook import questionnaire_parse
from tests.workbooks import xlsx

LEVEL_CODES = {"desa", "kecamatan", "opd"}

SETTINGS = [["kunci", "nilai"], ["judul", "Kuesioner Uji"], ["tingkat", "desa"], ["versi", "1"]]
ASPECTS = [["kode", "nama", "bobot"], ["A1", "Sarana", 40], ["A2", "Digital", 60]]
INDICATORS = [
    ["aspek", "kode", "pertanyaan", "tipe", "bobot", "bukti", "min", "maks", "kelompok"],
    ["A1", "1.1.1.1", "Ada SK PPID?", "ya_tidak", 2, "wajib", None, None, "Kelembagaan"],
    ["A1", "1.1.1.2", "Petugas?", "angka", 1, "opsional", 0, 3, "Kelembagaan"],
    ["A2", "2.1", "Frekuensi?", "pilihan", 1, "tidak", None, None, None],
    ["A2", "2.2", "Alamat web", "url", 0, "tidak", None, None, None],
]
OPTIONS = [
    ["indikator", "kode", "label", "nilai"],
    ["2.1", "a", "Sering", 100],
    ["2.1", "b", "Jarang", 30],
]


def workbook(settings=SETTINGS, aspects=ASPECTS, indicators=INDICATORS, options=OPTIONS):
    sheets = {"pengaturan": settings, "aspek": aspects, "indikator": indicators}
    if options is not None:
        sheets["opsi"] = options
    return xlsx(sheets)


def errors(data):
    return questionnaire_parse(data, level_codes=LEVEL_CODES).problems.as_lists()["errors"]


def test_a_good_workbook_parses():
    parsed = questionnaire_parse(workbook(), level_codes=LEVEL_CODES)
    assert parsed.problems.errors == []
    spec = parsed.spec
    assert (spec.title, spec.level, spec.version_label) == ("Kuesioner Uji", "desa", "1")
    assert [a.code for a in spec.aspects] == ["A1", "A2"]
    assert [i.code for i in spec.indicators()] == ["1.1.1.1", "1.1.1.2", "2.1", "2.2"]
    assert spec.indicator_map()["1.1.1.2"].max_value == 3
    assert [o.code for o in spec.indicator_map()["2.1"].options] == ["a", "b"]
    assert spec.indicator_map()["1.1.1.1"].group == "Kelembagaan"
    assert parsed.preview()["aspects"][0] == {
        "code": "A1",
        "name": "Sarana",
        "weight": "40",
        "indicators": 2,
        "scored": 2,
    }


@pytest.mark.parametrize("level", LEVELS)
def test_shipped_defaults_import_with_six_aspects_and_30_to_60_indicators(level):
    parsed = questionnaire_parse(default_workbook_path(level).read_bytes(), level_codes=LEVEL_CODES)
    assert parsed.problems.errors == []
    assert parsed.spec == default_spec(level), "run scripts/build_default_questionnaires.py"
    assert [a.name for a in parsed.spec.aspects] == [
        "Sarana dan Prasarana",
        "Kualitas Informasi",
        "Jenis Informasi",
        "Komitmen Organisasi",
        "Digitalisasi",
        "Pelayanan Informasi",
    ]
    # KI Pusat's 2025 Monev weights (issue #22), not 2022's.
    weights = {a.name: a.weight for a in parsed.spec.aspects}
    assert weights == {
        "Jenis Informasi": 40,
        "Digitalisasi": 20,
        "Kualitas Informasi": 10,
        "Pelayanan Informasi": 10,
        "Komitmen Organisasi": 10,
        "Sarana dan Prasarana": 10,
    }
    assert 30 <= len(list(parsed.spec.indicators())) <= 60


@pytest.mark.django_db
@pytest.mark.parametrize("level", LEVELS)
def test_export_then_import_gives_the_same_questionnaire(period, level):
    first = questionnaire_services.questionnaire_import(
        data=default_workbook_path(level).read_bytes(), period=period
    )
    buffer = io.BytesIO()
    QuestionnaireExporter(spec=questionnaire_spec(questionnaire=first)).xlsx_write(buffer)
    second = questionnaire_services.questionnaire_import(data=buffer.getvalue(), period=period)
    assert second.version == first.version + 1
    assert questionnaire_spec(questionnaire=second) == questionnaire_spec(questionnaire=first)
    assert questionnaire_spec(questionnaire=first) == default_spec(level)


def test_every_problem_is_listed_with_its_cell():
    aspects = [
        ["kode", "nama", "bobot"],
        ["A1", "Sarana", "10%"],
        ["A1", "", 50],
        ["A3", "Lain", 120],
    ]
    indicators = [
        ["aspek", "kode", "pertanyaan", "tipe", "bobot", "bukti", "min", "maks"],
        ["A1", "1", "Q", "ya_tidak", 1, "wajib", None, None],
        ["A9", "1", "Q", "esai", -1, "mungkin", None, None],
        ["A1", "3", "", "angka", "x", "wajib", "a", None],
    ]
    options = [["indikator", "kode", "label", "nilai"], ["99", "a", "A", 150]]
    settings_rows = [["kunci", "nilai"], ["judul", ""], ["tingkat", "kelurahan"]]
    found = errors(workbook(settings_rows, aspects, indicators, options))
    expected = [
        "pengaturan!B2: Kunci 'judul' harus diisi.",
        "pengaturan!B3: Tingkat 'kelurahan' tidak dikenal",
        "aspek!C2: '10%' bukan angka (tulis angka tanpa %).",
        "aspek!A3: Kode aspek 'A1' ganda; sudah ada di baris 2.",
        "aspek!B3: Nilai kosong.",
        "aspek!C4: Nilai harus antara 0 dan 100.",
        "indikator!A3: Aspek 'A9' tidak ada di lembar aspek.",
        "indikator!B3: Kode indikator '1' ganda; sudah ada di baris 2.",
        "indikator!D3: Tipe 'esai' tidak dikenal",
        "indikator!E3: Nilai minimal 0.",
        "indikator!F3: Aturan bukti 'mungkin' tidak dikenal",
        "indikator!C4: Nilai kosong.",
        "indikator!E4: 'x' bukan angka.",
        "indikator!G4: 'a' bukan angka.",
        "opsi!A2: Indikator '99' tidak ada di lembar indikator.",
        "opsi!D2: Nilai harus antara 0 dan 100.",
    ]
    joined = "\n".join(found)
    for item in expected:
        assert item in joined, f"missing {item!r} in\n{joined}"


def test_rubric_invariants_point_at_cells():
    aspects = [["kode", "nama", "bobot"], ["A1", "Sarana", 40], ["A2", "Digital", 50]]
    indicators = [
        ["aspek", "kode", "pertanyaan", "tipe", "bobot", "bukti", "min", "maks"],
        ["A1", "1", "Q", "pilihan", 1, "wajib", None, None],
        ["A1", "2", "Q", "teks", 3, "wajib", None, None],
        ["A2", "3", "Q", "angka", 1, "wajib", 5, 5],
    ]
    found = errors(workbook(aspects=aspects, indicators=indicators, options=None))
    assert found == [
        "aspek!C1: Jumlah bobot aspek harus 100; saat ini 90.",
        "indikator!D2: Indikator 1 berjenis pilihan tetapi tidak memiliki opsi.",
        "indikator!E3: Indikator 2 bertipe teks tidak pernah dinilai; bobotnya harus 0.",
        "indikator!H4: Indikator 3 adalah angka yang dinilai: isi min dan maks dengan min < maks.",
    ]


def test_numbers_with_comma_and_extra_columns():
    aspects = [
        ["kode", "nama", "bobot", "catatan"],
        ["A1", "S", "40,5", "x"],
        ["A2", "D", "59.5", ""],
    ]
    parsed = questionnaire_parse(workbook(aspects=aspects), level_codes=LEVEL_CODES)
    assert parsed.problems.errors == []
    assert [str(a.weight) for a in parsed.spec.aspects] == ["40.5", "59.5"]
    assert parsed.problems.as_lists()["warnings"] == [
        "aspek!D1: Kolom 'catatan' tidak dikenal dan diabaikan."
    ]


# --- nasty files ---------------------------------------------------------------------------
def _formula_workbook():
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in {
        "pengaturan": SETTINGS,
        "aspek": ASPECTS,
        "indikator": INDICATORS,
        "opsi": OPTIONS,
    }.items():
        sheet = wb.create_sheet(name)
        for row in rows:
            sheet.append(row)
    wb["aspek"]["C3"] = "=100-C2"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _merged_workbook():
    wb = load_workbook(io.BytesIO(workbook()))
    wb["indikator"].merge_cells("I2:I3")
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _zip_without_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "berkas: Berkas kosong."),
        (b"aspek,kode,pertanyaan\nA1,1,Q\n", "berkas: Berkas bukan workbook Excel (.xlsx)."),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1000, "dilindungi kata sandi"),
        (_zip_without_workbook(), "Workbook rusak"),
        (xlsx({"aspek": [["kode"]]}), "Lembar 'pengaturan' tidak ditemukan"),
        (xlsx({"pengaturan": [], "aspek": [], "indikator": []}), "pengaturan!A1: Lembar kosong"),
        (_formula_workbook(), "aspek!C3: Sel berisi rumus tanpa nilai tersimpan"),
    ],
)
def test_nasty_files_get_a_message_that_says_what_and_where(data, message):
    found = errors(data)
    assert any(message in e for e in found), found


def test_merged_cells_are_a_warning():
    parsed = questionnaire_parse(_merged_workbook(), level_codes=LEVEL_CODES)
    assert (
        "indikator!I2: Sel gabungan I2:I3: hanya sel kiri atas yang dibaca."
        in (parsed.problems.as_lists()["warnings"])
    )


@pytest.mark.django_db
def test_ten_thousand_rows_import_and_a_broken_one_saves_nothing(period):
    rows = [INDICATORS[0]] + [
        [
            "A1" if n % 2 else "A2",
            f"K{n}",
            f"Pertanyaan {n}",
            "ya_tidak",
            1,
            "opsional",
            None,
            None,
            None,
        ]
        for n in range(10_000)
    ]
    questionnaire = questionnaire_services.questionnaire_import(
        data=workbook(indicators=rows, options=None), period=period
    )
    assert questionnaire.indicators.count() == 10_000
    rows.append(["A1", "K5", "Ganda", "ya_tidak", 1, "opsional", None, None, None])
    with pytest.raises(questionnaire_services.QuestionnaireRejected) as rejected:
        questionnaire_services.questionnaire_import(
            data=workbook(indicators=rows, options=None), period=period
        )
    assert rejected.value.problems.as_lists()["errors"] == [
        "indikator!B10002: Kode indikator 'K5' ganda; sudah ada di baris 7."
    ]
    assert Questionnaire.objects.count() == 1


cell_values = st.one_of(
    st.none(),
    st.integers(-1000, 1000),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=12),
    st.sampled_from(["ya_tidak", "pilihan", "angka", "teks", "url", "wajib", "A1", "10%", "desa"]),
)
rows = st.lists(st.lists(cell_values, min_size=0, max_size=9), max_size=6)


@pytest.mark.django_db
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    sheets=st.dictionaries(
        st.sampled_from(["pengaturan", "aspek", "indikator", "opsi", "lain"]),
        rows.map(lambda body: body),
        max_size=5,
    ),
    headers=st.booleans(),
)
def test_fuzzed_workbooks_never_crash_and_never_half_import(period, sheets, headers):
    if headers:
        for name, header in {
            "pengaturan": SETTINGS[0],
            "aspek": ASPECTS[0],
            "indikator": INDICATORS[0],
            "opsi": OPTIONS[0],
        }.items():
            if name in sheets:
                sheets[name] = [header, *sheets[name]]
    data = xlsx(sheets or {"kosong": []})
    before = (
        Questionnaire.objects.count(),
        Aspect.objects.count(),
        Indicator.objects.count(),
        Option.objects.count(),
    )
    try:
        questionnaire_services.questionnaire_import(data=data, period=period)
    except questionnaire_services.QuestionnaireRejected as rejected:
        assert rejected.problems.errors
        assert all(str(p) for p in rejected.problems.errors)
        after = (
            Questionnaire.objects.count(),
            Aspect.objects.count(),
            Indicator.objects.count(),
            Option.objects.count(),
        )
        assert after == before
