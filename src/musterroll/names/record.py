"""Key columns for a record's name fields: one row in, precomputed keys out.

Linkage compares these columns in SQL (sql.py); nothing there calls Python. The columns,
per name part (None where the part is missing or has no letters):

- surname: `surname_norm`, `surname_translit`, `surname_family`, `surname_sex`,
  `surname_phonetic`
- given name: `given_norm`, `given_translit`, `given_group`, `given_group_alt`,
  `given_phonetic`, `given_initial`, `given_initial_only`
- patronymic: `patronymic_norm`, `patronymic_translit`, `patronymic_group`,
  `patronymic_father`, `patronymic_sex`, `patronymic_phonetic`, `patronymic_initial`,
  `patronymic_initial_only`

`*_translit` is the skeleton key (the name under every transliteration system).
`given_group_alt` is set only for a form in two groups (Саша) whose sex is unknown.
`patronymic_group` is father's group and sex ("oleksandr:m"); `patronymic_father` the
father alone, so that a son and a daughter of one Oleksandr can be told apart and related.
`*_initial` is the first symbol of the skeleton; `*_initial_only` the same when the part is
nothing but an initial ("Т.", "Yu."), so that "Шевченко Т.Г." can meet Тарас Григорович.
"""

from __future__ import annotations

from musterroll.names.given_names import resolve_given_group
from musterroll.names.keys import normal_key, phonetic_key, skeleton_key
from musterroll.names.morphology import nominative_name
from musterroll.names.patronymics import read_patronymic
from musterroll.names.surnames import read_surname

__all__ = [
    "KEY_COLUMNS",
    "SURNAME_COLUMNS",
    "GIVEN_COLUMNS",
    "PATRONYMIC_COLUMNS",
    "name_keys",
    "normalise_sex",
    "surname_keys",
    "given_keys",
    "patronymic_keys",
]

SURNAME_COLUMNS = (
    "surname_norm", "surname_translit", "surname_family", "surname_sex", "surname_phonetic",
)
GIVEN_COLUMNS = (
    "given_norm", "given_translit", "given_group", "given_group_alt", "given_phonetic",
    "given_initial", "given_initial_only",
)
PATRONYMIC_COLUMNS = (
    "patronymic_norm", "patronymic_translit", "patronymic_group", "patronymic_father",
    "patronymic_sex", "patronymic_phonetic", "patronymic_initial", "patronymic_initial_only",
)
KEY_COLUMNS = SURNAME_COLUMNS + GIVEN_COLUMNS + PATRONYMIC_COLUMNS

Keys = dict[str, str | None]

# First letters of the words lists use for the sexes: m/male, f/female, Ukrainian
# ч(оловіча)/ж(іноча), Russian м(ужской)/ж(енский).
_SEX_INITIALS = {"m": "m", "ч": "m", "м": "m", "f": "f", "ж": "f", "w": "f"}


def normalise_sex(value: object) -> str | None:
    """Return "m", "f" or None for a sex as lists write it (M, male, ч, чол., ж, жен.)."""
    if not isinstance(value, str) or not value.strip():
        return None
    return _SEX_INITIALS.get(value.strip()[0].casefold())


def _present(text: object) -> str | None:
    if not isinstance(text, str):
        return None
    norm = normal_key(text)
    return norm or None


def surname_keys(surname: object) -> Keys:
    """Return the surname key columns for one surname (all None when missing)."""
    norm = _present(surname)
    if norm is None:
        return dict.fromkeys(SURNAME_COLUMNS)
    form = read_surname(norm)
    return {
        "surname_norm": norm,
        "surname_translit": skeleton_key(norm) or None,
        "surname_family": form.family or None,
        "surname_sex": form.sex,
        "surname_phonetic": phonetic_key(norm) or None,
    }


# Latin initials of one Cyrillic letter: Ю. is "Yu.", Ж. is "Zh.".
_LATIN_DIGRAPH_INITIALS = frozenset({"yu", "ya", "ye", "yi", "zh", "kh", "ts", "ch", "sh"})


def _initials(norm: str, skeleton: str) -> tuple[str | None, str | None]:
    """Return (first symbol, first symbol if the part is only an initial)."""
    letters = "".join(ch for ch in norm if ch.isalpha())
    only = len(letters) == 1 or letters in _LATIN_DIGRAPH_INITIALS
    initial = skeleton[:1] or None
    return initial, initial if only else None


def patronymic_keys(patronymic: object) -> Keys:
    """Return the patronymic key columns for one patronymic (all None when missing)."""
    norm = _present(patronymic)
    if norm is None:
        return dict.fromkeys(PATRONYMIC_COLUMNS)
    read = read_patronymic(norm)
    skeleton = skeleton_key(norm)
    initial, initial_only = _initials(norm, skeleton)
    return {
        "patronymic_norm": norm,
        "patronymic_translit": skeleton or None,
        "patronymic_group": read.group if read else None,
        "patronymic_father": read.father if read else None,
        "patronymic_sex": read.sex if read else None,
        "patronymic_phonetic": phonetic_key(norm) or None,
        "patronymic_initial": initial,
        "patronymic_initial_only": initial_only,
    }


def given_keys(given_name: object, sex: str | None = None) -> Keys:
    """Return the given-name key columns; `sex` ("m"/"f"/None) picks a group for Саша."""
    norm = _present(given_name)
    if norm is None:
        return dict.fromkeys(GIVEN_COLUMNS)
    group, alt = resolve_given_group(norm, sex)
    skeleton = skeleton_key(norm)
    initial, initial_only = _initials(norm, skeleton)
    return {
        "given_norm": norm,
        "given_translit": skeleton or None,
        "given_group": group,
        "given_group_alt": alt,
        "given_phonetic": phonetic_key(norm) or None,
        "given_initial": initial,
        "given_initial_only": initial_only,
    }


def name_keys(
    surname: object = None,
    given_name: object = None,
    patronymic: object = None,
    sex: object = None,
) -> Keys:
    """Return every key column (KEY_COLUMNS) for one record's name fields.

    Args:
        surname, given_name, patronymic: the parts as received (any script); None, NaN
            or blank for a missing part.
        sex: the record's sex in any common spelling (see `normalise_sex`); when unknown,
            the sex shown by the patronymic, then by the surname, is used to pick the
            group of an ambiguous given name.
    Returns:
        A dict from column name to key, None for missing parts. A name written in a
        grammatical case ("Бондарчука Василя Івановича") is keyed in the nominative
        (morphology.nominative_name).
    """
    surname, given_name, patronymic = nominative_name(
        *(part if isinstance(part, str) else None for part in (surname, given_name, patronymic))
    )
    keys = surname_keys(surname) | patronymic_keys(patronymic)
    known = normalise_sex(sex) or keys["patronymic_sex"] or keys["surname_sex"]
    return keys | given_keys(given_name, known)
