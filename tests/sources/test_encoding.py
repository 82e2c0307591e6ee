from __future__ import annotations

import codecs

import pytest

from musterroll.sources.encoding import (
    ESCAPE_ERRORS,
    detect_encoding,
    escape_undecodable,
    has_undecodable,
    resolve_encoding,
)

TEXTS = [
    "Прізвище;Ім'я;По батькові\nКоваленко;Марія;Степанівна\nЇжак;Євген;Іванович\n",
    "Фамилия,Имя,Отчество\nИВАНОВ,СЕРГЕЙ,ПЕТРОВИЧ\nСМИРНОВА,ЕЛЕНА,ИГОРЕВНА\n",
    "ШЕВЧЕНКО ТАРАС",
    "Щур",
]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1251", "koi8-u"])
def test_each_supported_encoding_is_detected(text: str, encoding: str) -> None:
    detected = detect_encoding(text.encode(encoding))
    assert codecs.lookup(detected).name == codecs.lookup(encoding).name


def test_ascii_is_reported_as_utf8() -> None:
    assert detect_encoding(b"surname,given_name\nIvanov,Ivan\n") == "utf-8"


def test_a_declared_utf8_with_a_bom_reads_the_bom_away() -> None:
    assert resolve_encoding("utf-8", codecs.BOM_UTF8 + b"a,b") == "utf-8-sig"
    assert resolve_encoding("cp1251", b"\xcf\xf0") == "cp1251"


def test_a_bad_byte_is_kept_visible_and_flagged_not_fatal() -> None:
    text = b"\xd0\x86\xd0\xb2\xff!".decode("utf-8", errors=ESCAPE_ERRORS)
    assert has_undecodable(text)
    assert escape_undecodable(text) == "Ів\\xff!"
    assert not has_undecodable("Іван")
