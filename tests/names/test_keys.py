import re

import translitua as t
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from musterroll.names.given_names import load_groups
from musterroll.names.keys import levenshtein, normal_key, phonetic_key, skeleton_key

UKRAINIAN = "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя\u02bc"
# ъ is left out: ICAO writes it "ie", the 1997 passport table "'", so no key can meet both.
RUSSIAN = "абвгдеёжзийклмнопрстуфхцчшщыьэюя"
# Systems whose output has the same skeleton as the Cyrillic (the transliteration level).
UKRAINIAN_SYSTEMS = [
    t.UkrainianKMU, t.UkrainianPassport2007, t.UkrainianBGN, t.UkrainianSimple,
    t.UkrainianBritish, t.UkrainianALALC, t.UkrainianALALCModified,
]
RUSSIAN_SYSTEMS = [
    t.RussianICAO, t.RussianInternationalPassport1997,
    t.RussianInternationalPassport1997Reduced, t.RussianALALC,
]
# Systems that meet at the phonetic key only (National 1996 "sch" for щ, the driving
# licence "yo" for ё).
PHONETIC_ONLY = [(t.UkrainianNational1996, "uk"), (t.RussianDriverLicense, "ru")]
# In systems that write г as "h", г after к с з п ґ г ц т ш ч (with or without ь or the
# apostrophe between) makes kh, sh, zh, ph... which read back as other letters. Such
# clusters are all but absent from names (KMU itself writes зг as "zgh").
_AMBIGUOUS_H = re.compile("[кксзпґгцтшчКСЗПҐГЦТШЧ][ьʼ]*г")


def _word(letters: str) -> st.SearchStrategy[str]:
    return st.text(alphabet=letters, min_size=1, max_size=12).map(str.capitalize)


@settings(max_examples=300, deadline=None)
@given(word=_word(UKRAINIAN), system=st.sampled_from(UKRAINIAN_SYSTEMS))
def test_ukrainian_romanisations_keep_the_skeleton(word: str, system: type) -> None:
    assume(not _AMBIGUOUS_H.search(word))
    assert skeleton_key(t.translit(word, system)) == skeleton_key(word)


@settings(max_examples=300, deadline=None)
@given(word=_word(RUSSIAN), system=st.sampled_from(RUSSIAN_SYSTEMS))
def test_russian_romanisations_keep_the_skeleton(word: str, system: type) -> None:
    assert skeleton_key(t.translit(word, system)) == skeleton_key(word)


def test_listed_names_keep_the_phonetic_key_in_older_systems() -> None:
    for system, language in PHONETIC_ONLY:
        for group in load_groups():
            for form in group.uk if language == "uk" else group.ru:
                assert phonetic_key(t.translit(form, system)) == phonetic_key(form), form


def test_spellings_of_shevchenko_share_a_key() -> None:
    spellings = ["Шевченко", "Shevchenko", "Schewtschenko", "Ševčenko", "Szewczenko", "Шевчэнко"]
    assert {skeleton_key(s) for s in spellings} == {"SevCenko"}
    assert phonetic_key("Chevtchenko") == phonetic_key("Шевченко")


def test_normal_key_reads_yo_as_ye_and_folds_case() -> None:
    assert normal_key("КОВАЛЁВ") == normal_key("Ковалев") == "ковалев"
    assert normal_key(" - ") == ""


@given(st.text(max_size=8), st.text(max_size=8))
def test_levenshtein_is_a_symmetric_distance(a: str, b: str) -> None:
    assert levenshtein(a, b) == levenshtein(b, a)
    assert (levenshtein(a, b) == 0) == (a == b)
    assert levenshtein(a, b) <= max(len(a), len(b))


def test_levenshtein_counts_edits() -> None:
    assert levenshtein("kitten", "sitting") == 3
    assert levenshtein("", "abc") == 3


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=UKRAINIAN + RUSSIAN + "ъАБЩЁ '-", max_size=12))
def test_the_cyrillic_fast_path_equals_the_latin_parser(text: str) -> None:
    from musterroll.names import keys

    lowered = text.casefold()
    assert keys._skeleton_of_cyrillic(lowered) == keys._skeleton_via_latin(lowered)
