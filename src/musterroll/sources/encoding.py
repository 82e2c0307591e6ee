"""Detect the text encoding of a list, and decode without ever failing on a bad byte.

Lists arrive as UTF-8 (with or without BOM), UTF-16 with BOM, Windows-1251 or KOI8-U.
A BOM decides; else valid UTF-8 is UTF-8; else the single-byte Cyrillic code page whose
decoding reads most like Ukrainian or Russian text (letter frequencies) wins.

Bytes that are invalid in the chosen encoding are decoded to lone surrogates U+DC00+byte
(the ``musterroll-escape`` error handler), so one bad row is found and quarantined while
every other row is read.
"""

from __future__ import annotations

import codecs
import math
import re

__all__ = [
    "ESCAPES_SEEN",
    "ESCAPE_ERRORS",
    "detect_encoding",
    "escape_undecodable",
    "has_undecodable",
    "resolve_encoding",
]

ESCAPE_ERRORS = "musterroll-escape"

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_SINGLE_BYTE = ("cp1251", "koi8-u")

# Relative frequency (per mille) of letters in Ukrainian and Russian names and prose,
# merged; a wrong code page maps frequent letters onto rare ones and scores low.
_FREQ = dict(
    zip(
        "оаеинтрсвлкімдпуяьгзбчйхжшюцщєїфґэыё",
        (105, 85, 80, 70, 63, 55, 50, 50, 46, 44, 38, 37, 32, 30, 28, 27, 22, 19, 18, 17,
         16, 15, 14, 12, 11, 9, 8, 8, 6, 6, 5, 4, 3, 2, 2, 2),
        strict=True,
    )
)  # fmt: skip
_RARE = math.log(0.5)
# Undecodable bytes come back as U+DC00..U+DCFF; other lone surrogates can only come from
# JSON escapes ("\\ud800") and are just as unstorable.
_SURROGATE_RE = re.compile("[\ud800-\udfff]")


# How many times any decoder met a bad byte in this process: while it stays the same,
# readers need not search each cell for escapes (most files have none).
ESCAPES_SEEN = [0]


def _escape_handler(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    ESCAPES_SEEN[0] += 1
    bad = error.object[error.start : error.end]
    return "".join(chr(0xDC00 + byte) for byte in bad), error.end


codecs.register_error(ESCAPE_ERRORS, _escape_handler)


def _score(text: str) -> float:
    """Mean log-frequency of the Cyrillic letters in `text`; other letters are penalised."""
    total, count = 0.0, 0
    for ch in text.lower():
        if ch in _FREQ:
            total += math.log(_FREQ[ch])
            count += 1
        elif not ch.isascii():
            total += _RARE  # box drawing, stray symbols: signs of a wrong code page
            count += 1
    return total / count if count else 0.0


def detect_encoding(sample: bytes) -> str:
    """Guess the encoding of a file from its first bytes.

    Args:
        sample: the first bytes of the file (a few hundred kilobytes is plenty).
    Returns:
        A Python codec name: ``utf-8-sig``, ``utf-16``, ``utf-32`` (BOM), ``utf-8``,
        ``cp1251`` or ``koi8-u``. Plain ASCII is reported as ``utf-8``.
    """
    for bom, name in _BOMS:
        if sample.startswith(bom):
            return name
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    scores = {name: _score(sample.decode(name, errors="replace")) for name in _SINGLE_BYTE}
    return max(_SINGLE_BYTE, key=lambda name: scores[name])


def resolve_encoding(declared: str | None, sample: bytes) -> str:
    """Return the codec to read a file with: the declared one (BOM-aware) or a detected one.

    A declared ``utf-8`` on a file that starts with a UTF-8 BOM becomes ``utf-8-sig``
    (and ``utf-16-le``/``-be`` with a BOM becomes ``utf-16``), so the BOM never ends up
    glued to the first header.

    Raises:
        LookupError: `declared` is not a codec Python knows.
    """
    if declared is None:
        return detect_encoding(sample)
    name = codecs.lookup(declared).name
    detected = detect_encoding(sample)
    if name in ("utf-8", "utf-8-sig") and detected == "utf-8-sig":
        return "utf-8-sig"
    if name.startswith("utf-16") and detected == "utf-16":
        return "utf-16"
    return name


def has_undecodable(text: str) -> bool:
    """Tell whether `text` holds bytes that were invalid in its encoding (see module doc)."""
    return _SURROGATE_RE.search(text) is not None


def escape_undecodable(text: str) -> str:
    """Replace each undecodable byte in `text` by ``\\xNN`` (other lone surrogates by
    ``\\u`` and four hex digits)."""
    return _SURROGATE_RE.sub(_escape_one, text)


def _escape_one(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code - 0xDC00:02x}" if 0xDC00 <= code <= 0xDCFF else f"\\u{code:04x}"
