"""Reading the extracted text of evidence (no database): the dates written in it, whether it
names a unit, its MinHash signature and LSH bands (near-identical text across units), the
perceptual hash's bands (near-identical images), and how much it has to do with an indicator
(TF-IDF cosine over Indonesian stems, Sastrawi).

Thresholds, set on the kinds of files desa upload (decrees re-typed with another desa's name,
photos re-saved or resized) and checked by the tests:

- text: word 3-shingles, 128 permutations; ``NEAR_TEXT`` 0.6 estimated Jaccard — a 170-word
  decree with the desa's name (two or three words) changed everywhere keeps about 0.73, a
  300-word one about 0.85, and texts that only share a template fall below 0.4. LSH with 32
  bands of 4 rows makes a candidate of 99 % of pairs at 0.6, which are then compared on their
  signatures;
- images: 64-bit pHash, ``NEAR_IMAGE`` 6 differing bits — a JPEG re-saved at quality 60 or
  resized to half differs by 0–4 bits, two photos of the same kind of meeting by 20 or more.
  Four 16-bit bands: two hashes within 3 bits always share one, within 6 bits usually;
- relevance: ``RELEVANCE_MIN`` 0.05 cosine — on the shipped desa questionnaire a PPID decree
  scores 0.30 against its own indicator and 0.07–0.30 against the others, a recipe that names
  the desa and a date 0.04.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import re
from functools import lru_cache

import numpy as np
from datasketch import MinHash
from Sastrawi.Dictionary.ArrayDictionary import ArrayDictionary
from Sastrawi.Stemmer.Stemmer import Stemmer
from Sastrawi.Stemmer.StemmerFactory import StemmerFactory
from Sastrawi.StopWordRemover.StopWordRemoverFactory import StopWordRemoverFactory
from sklearn.feature_extraction.text import TfidfVectorizer

PERMUTATIONS = 128
BANDS, ROWS = 32, 4
NEAR_TEXT = 0.6
NEAR_IMAGE = 6
IMAGE_BANDS = 4
MIN_TEXT = 40  # characters of text below which a file is "almost empty"
MIN_SHINGLES = 20  # a text shorter than this is not compared for near-copies
RELEVANCE_MIN = 0.05  # cosine below which a text has little to do with its indicator
RELEVANCE_WORDS = 4000

MONTHS = {
    "januari": 1, "februari": 2, "pebruari": 2, "maret": 3, "april": 4, "mei": 5, "juni": 6,
    "juli": 7, "agustus": 8, "september": 9, "oktober": 10, "november": 11, "nopember": 11,
    "desember": 12,
}  # fmt: skip
UNIT_PREFIXES = (
    "desa", "kelurahan", "kecamatan", "dinas", "badan", "kantor", "sekretariat", "inspektorat",
    "satuan", "bagian", "pemerintah", "kabupaten", "kota",
)  # fmt: skip
_WORDS = re.compile(r"[a-z0-9]+")
_LONG_DATE = re.compile(
    r"\b(\d{1,2})\s+(" + "|".join(MONTHS) + r")\s+((?:19|20)\d{2})\b", re.IGNORECASE
)
_SHORT_DATE = re.compile(r"\b(\d{1,2})[/\-.](\d{1,2})[/\-.]((?:19|20)\d{2})\b")
_DECREE_YEAR = re.compile(r"\btahun\s+((?:19|20)\d{2})\b", re.IGNORECASE)


def words(text: str) -> list[str]:
    return _WORDS.findall(text.lower())


def squeezed(text: str) -> str:
    """Letters and digits only, lower case: "Swarga Bara" and "SWARGA-BARA" both "swargabara"."""
    return "".join(words(text))


# --- dates --------------------------------------------------------------------------------
def dates_found(text: str, *, until: int = 2100) -> list[dt.date]:
    """Dates written in the text, Indonesian forms: "2 Januari 2026", "02/01/2026",
    "02-01-2026", and a year in a decree number ("Nomor 12 Tahun 2026", read as 31 December of
    that year). Sorted, without repeats; impossible dates are skipped."""
    found: set[dt.date] = set()
    for day, month, year in _LONG_DATE.findall(text):
        _add(found, int(year), MONTHS[month.lower()], int(day), until)
    for day, month, year in _SHORT_DATE.findall(text):
        _add(found, int(year), int(month), int(day), until)
    for year in _DECREE_YEAR.findall(text):
        _add(found, int(year), 12, 31, until)
    return sorted(found)


def _add(found: set, year: int, month: int, day: int, until: int) -> None:
    if year > until:
        return
    with contextlib.suppress(ValueError):
        found.add(dt.date(year, month, day))


# --- the unit's name ----------------------------------------------------------------------
def unit_name_forms(name: str, code: str) -> list[str]:
    """The squeezed forms a text may name the unit by: its name without the level word ("Desa
    Swarga Bara" → "swargabara"), the whole name, and its code ("6408042002")."""
    parts = words(name)
    while parts and parts[0] in UNIT_PREFIXES:
        parts = parts[1:]
    forms = {"".join(parts), squeezed(name), squeezed(code)}
    return sorted(form for form in forms if len(form) >= 4)


def names_unit(text: str, forms: list[str]) -> bool:
    flat = squeezed(text)
    return any(form in flat for form in forms)


# --- near copies --------------------------------------------------------------------------
def text_signature(text: str) -> np.ndarray | None:
    """The MinHash signature of the text's word 3-shingles (None when it is too short)."""
    tokens = words(text)
    shingles = {" ".join(tokens[i : i + 3]) for i in range(max(0, len(tokens) - 2))}
    if len(shingles) < MIN_SHINGLES:
        return None
    sketch = MinHash(num_perm=PERMUTATIONS, seed=7)
    sketch.update_batch([shingle.encode() for shingle in shingles])
    return sketch.hashvalues.astype(np.uint64)


def text_bands(signature: np.ndarray) -> list[int]:
    """One 63-bit value per LSH band (band number mixed in): equal values, a candidate pair."""
    return [
        _band_value(band, signature[band * ROWS : (band + 1) * ROWS].tobytes())
        for band in range(BANDS)
    ]


def similarity(first: bytes | np.ndarray, second: bytes | np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures (stored as bytes or arrays)."""
    a = np.frombuffer(first, dtype=np.uint64) if isinstance(first, bytes | memoryview) else first
    b = np.frombuffer(second, dtype=np.uint64) if isinstance(second, bytes | memoryview) else second
    return float(np.mean(a == b))


def image_bands(phash: str) -> list[int]:
    value = int(phash, 16)
    return [
        _band_value(100 + band, ((value >> (16 * band)) & 0xFFFF).to_bytes(2, "big"))
        for band in range(IMAGE_BANDS)
    ]


def image_distance(first: str, second: str) -> int:
    return (int(first, 16) ^ int(second, 16)).bit_count()


def _band_value(band: int, data: bytes) -> int:
    digest = hashlib.blake2b(data, digest_size=8, person=band.to_bytes(2, "big") * 8).digest()
    return int.from_bytes(digest, "big") >> 1  # fits a signed 64-bit column


# --- relevance ----------------------------------------------------------------------------
class _WordSet(ArrayDictionary):
    """Sastrawi's root-word dictionary as a set: its own keeps a list, so each lookup scans
    30,000 words (13 ms a word, most of the analysis)."""

    def __init__(self, words):
        self.words = {word for word in words if word and word.strip()}

    def add(self, word):
        if word and word.strip():
            self.words.add(word)


@lru_cache(maxsize=1)
def _stemmer():
    return Stemmer(_WordSet(StemmerFactory().get_words()))


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    return frozenset(StopWordRemoverFactory().get_stop_words())


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    return _stemmer().stem(word)


def stems(text: str) -> str:
    """The text's words as Indonesian stems, without stop words ("dan", "untuk", ...) and
    numbers."""
    stop = _stopwords()
    return " ".join(
        _stem(word)
        for word in words(text)[:RELEVANCE_WORDS]
        if not word.isdigit() and word not in stop and len(word) > 2
    )


def relevance(text: str, topic: str, corpus: list[str]) -> float:
    """Cosine of the text and its indicator's ``topic`` (question, guidance, group, aspect)
    in TF-IDF space over Indonesian stems, the weights learnt from ``corpus`` (the
    questionnaire's indicator texts, so words every indicator shares weigh little) and the two
    texts themselves (so the text's own words count in its length: a text that shares one
    common word with the topic among hundreds of others stays far from it)."""
    vectorizer = TfidfVectorizer(sublinear_tf=True)
    own, about = stems(text), stems(topic)
    vectorizer.fit([stems(item) for item in corpus] + [about, own])
    vectors = vectorizer.transform([own, about])
    numerator = vectors[0].multiply(vectors[1]).sum()
    return float(numerator)  # rows are L2-normalised: the product's sum is the cosine


# --- reading it -----------------------------------------------------------------------------
SHOWN_TEXT = 6000


def highlighted(text: str, *, unit_name: str) -> list[tuple[str, str]]:
    """The text as (part, mark) pieces for the jury: the unit's name ("unit") and every date
    ("date") marked, the rest plain (""); the first ``SHOWN_TEXT`` characters."""
    text = text[:SHOWN_TEXT]
    parts = words(unit_name)
    while parts and parts[0] in UNIT_PREFIXES:
        parts = parts[1:]
    patterns = [(pattern, "date") for pattern in (_LONG_DATE, _SHORT_DATE, _DECREE_YEAR)]
    if parts:
        name = re.compile(r"[\s\-]*".join(re.escape(part) for part in parts), re.IGNORECASE)
        patterns.append((name, "unit"))
    spans = sorted(
        (match.start(), match.end(), mark)
        for pattern, mark in patterns
        for match in pattern.finditer(text)
    )
    pieces, position = [], 0
    for start, end, mark in spans:
        if start < position:
            continue
        if start > position:
            pieces.append((text[position:start], ""))
        pieces.append((text[start:end], mark))
        position = end
    if position < len(text):
        pieces.append((text[position:], ""))
    return pieces
