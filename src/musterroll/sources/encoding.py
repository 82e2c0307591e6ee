"""Detect the text encoding of a list, and decode without ever failing on a bad byte.

Lists arrive as UTF-8 (with or without BOM), UTF-16 (with or without BOM), Windows-1251
or KOI8-U. A BOM decides; else zero bytes in every other position mean UTF-16; else a
sample whose lines are mostly valid UTF-8 is UTF-8; else the single-byte Cyrillic code
page whose decoding reads most like Ukrainian or Russian text (letter frequencies) wins.

Files are not always in one encoding: a list pasted together from two offices can hold
Windows-1251 rows in a UTF-8 file, or UTF-8 rows in a Windows-1251 one (issue 19). The
encoding is therefore decided again for each line that disagrees with the file's
(``redecode_line``): the reader reads such a line in the encoding it is really in and
warns on its row, so that no name turns into mojibake (``Ð``/``Ñ`` or ``Р°`` pairs).

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
    "SINGLE_BYTE",
    "binary_reason",
    "detect_encoding",
    "escape_undecodable",
    "has_undecodable",
    "redecode_line",
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
SINGLE_BYTE = ("cp1251", "koi8-u")

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
# A line re-read in another code page must read like names (mean log-frequency of its
# letters): Ukrainian and Russian text scores about 3.6-3.9, random bytes about 1.3 and a
# wrong code page under 3.
_PLAUSIBLE = 3.0
# Control bytes other than TAB, LF, CR (and ESC, FF, VT seen in old exports): a text list
# has next to none, compressed or executable data about 11%.
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 27))
_BINARY_SHARE = 0.05
_MAGIC = ((b"%PDF", "a PDF document"), (b"\x7fELF", "a program"), (b"MZ", "a program"),
          (b"\x1f\x8b", "gzip-compressed data"), (b"\x89PNG", "a PNG image"),
          (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
          (b"\xd0\xcf\x11\xe0", "an old Office document (XLS/DOC: save it as XLSX or CSV)"),
          (b"7z\xbc\xaf", "a 7-Zip archive"), (b"Rar!", "a RAR archive"))  # fmt: skip
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
        A Python codec name: ``utf-8-sig``, ``utf-16``, ``utf-32`` (BOM), ``utf-16-le``
        or ``utf-16-be`` (no BOM), ``utf-8``, ``cp1251`` or ``koi8-u``. Plain ASCII is
        reported as ``utf-8``; a sample with more valid UTF-8 lines than invalid ones too
        (the invalid lines are re-read one by one, see ``redecode_line``).
    """
    for bom, name in _BOMS:
        if sample.startswith(bom):
            return name
    utf16 = _utf16_without_bom(sample)
    if utf16 is not None:
        return utf16
    if _is_utf8(sample) or _is_mostly_utf8(sample):
        return "utf-8"
    scores = {name: _score(sample.decode(name, errors="replace")) for name in SINGLE_BYTE}
    return max(SINGLE_BYTE, key=lambda name: scores[name])


def _utf16_without_bom(sample: bytes) -> str | None:
    """Return ``utf-16-le``/``-be`` when every other byte is a high byte of UTF-16 text.

    Lists are Latin and Cyrillic text: in UTF-16 the high byte of each character is 0x00
    (ASCII: digits, delimiters, line ends) or 0x04 (Cyrillic), and the ASCII ones are many.
    """
    sample = sample[: len(sample) // 2 * 2]
    if len(sample) < 4:
        return None
    for name, high, low in (("utf-16-le", sample[1::2], sample[0::2]),
                            ("utf-16-be", sample[0::2], sample[1::2])):  # fmt: skip
        zeros = high.count(0)
        if (zeros >= 0.2 * len(high) and zeros + high.count(4) >= 0.9 * len(high)
                and low.count(0) <= 0.05 * len(low)):  # fmt: skip
            return name
    return None


def _is_mostly_utf8(sample: bytes) -> bool:
    """Tell whether more lines with non-ASCII bytes are valid UTF-8 than not.

    One Windows-1251 row near the top of a UTF-8 file must not turn the file's other
    names into mojibake; the odd row is re-read on its own (``redecode_line``).
    """
    lines = sample.split(b"\n")
    if len(lines) > 1:
        lines = lines[:-1]  # the sample may cut its last line (and a character) short
    valid = invalid = 0
    for line in lines:
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            invalid += 1
        else:
            valid += 1
    return valid > invalid


def _is_utf8(sample: bytes) -> bool:
    """Tell whether `sample` is valid UTF-8 (its last character may be cut short)."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        return False
    return True


def binary_reason(sample: bytes, codec: str) -> str | None:
    """Say why the first bytes of a file are not a text list (None when they may be one).

    Text with a few control characters in its cells is still text: binary data is many
    control bytes in bytes that are not UTF-8 (compressed data, images, programs).

    Args:
        sample: the file's first bytes.
        codec: the encoding the file would be read in (UTF-16 and UTF-32 hold zero bytes).
    """
    for magic, what in _MAGIC:
        if sample.startswith(magic):
            return f"this is not a list: the file is {what}"
    if codec.startswith(("utf-16", "utf-32")) or len(sample) < 64:
        return None
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if controls > _BINARY_SHARE * len(sample) and not _is_utf8(sample):
        share = controls / len(sample)
        return (f"this is not a list: {share:.0%} of its first {len(sample):,} bytes are "
                "control bytes (binary data, not text)")
    return None


def redecode_line(line: str, codec: str) -> tuple[str, str] | None:
    """Re-read a line that is not in the file's encoding; None when it is (or is garbage).

    A line of a UTF-8 file that holds invalid bytes (escaped, see the module doc) is
    tried in each single-byte Cyrillic code page; a line of a single-byte file that is
    valid UTF-8 with non-ASCII characters is read as UTF-8. The new reading must read like
    names, else the line is left as it is (its row is quarantined for its bad bytes).

    Args:
        line: the line as decoded with `codec` and the ``musterroll-escape`` handler.
        codec: the file's encoding.
    Returns:
        (the line re-read, the codec it was read in), or None.
    """
    if codec in ("utf-8", "utf-8-sig"):
        if not has_undecodable(line):
            return None
        data = line.encode("utf-8", "surrogateescape")
        best = max(SINGLE_BYTE, key=lambda name: _score(data.decode(name, "replace")))
        text = data.decode(best, ESCAPE_ERRORS)
        return (text, best) if _score(text) >= _PLAUSIBLE else None
    if codec in SINGLE_BYTE and not line.isascii():
        try:
            text = line.encode(codec, "surrogateescape").decode("utf-8")
        except UnicodeError:
            return None
        return (text, "utf-8") if _score(text) >= _PLAUSIBLE else None
    return None


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
    if name == "utf-16" and detected in ("utf-16-le", "utf-16-be"):
        return detected  # "utf-16" without a BOM would assume the machine's byte order
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
