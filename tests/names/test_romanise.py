from hypothesis import given
from hypothesis import strategies as st

from musterroll.names.romanise import romanise, text_language
from musterroll.names.script import detect_script

UKRAINIAN = "абвгґдеєжзиіїйклмнопрстуфхцчшщьюяАБВГҐДЕЄЖЗИІЇЙКЛМНОПРСТУФХЦЧШЩЮЯ'"
RUSSIAN = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяЁЫЭЪ"


def test_ukrainian_text_is_romanised_by_the_2010_national_table() -> None:
    assert romanise("Олександр Григорович Ковальов") == "Oleksandr Hryhorovych Kovalov"
    assert romanise("Згурський Юрій Щербина") == "Zghurskyi Yurii Shcherbyna"
    assert romanise("Євген Їжак") == "Yevhen Yizhak"


def test_russian_text_is_romanised_by_the_russian_passport_table() -> None:
    assert romanise("Александр Григорьевич Ковалёв") == "Aleksandr Grigorevich Kovalev"
    # Plain Cyrillic takes the language of the other words (Иван is a Russian form).
    assert romanise("Петров Иван") == "Petrov Ivan"


def test_ukrainian_letters_never_meet_the_russian_table() -> None:
    # Forced Russian, a Ukrainian word is still romanised as Ukrainian.
    assert romanise("Григорій", language="ru") == "Hryhorii"
    assert romanise("Grigorіy") == "Grigoriy"  # a stray Cyrillic і in a Latin word
    assert romanise("Подъєв") == "Podieiev"  # ъ by the Russian table, є by the Ukrainian


@given(st.text(alphabet=UKRAINIAN + RUSSIAN + " -", max_size=30))
def test_romanised_text_has_no_cyrillic_letter_left(text: str) -> None:
    for word in romanise(text).split():
        assert detect_script(word) in ("latin", "none"), word


def test_text_language_reads_the_words_that_settle_it() -> None:
    assert text_language("Коваленко Петро Іванович") == "uk"
    assert text_language("Коваленко Пётр") == "ru"
    assert text_language("Коваленко", default="ru") == "ru"
