"""The surname model: the common head with Zipf-like weights, explicit stem+suffix forms,
forms from real word roots, and a long tail built from syllables; each surname in both
gender forms and in Russian spelling."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from musterroll.simulate.datafiles import StrArray, obj, read_rows, text_lines, zipf
from musterroll.simulate.spelling import (
    feminine_surname,
    russian_feminine_surname,
    russian_spelling,
)

# Share of people whose surname comes from each part of the surname model: the common
# head, the explicit stem+suffix forms, and the long tail of surnames built from syllables.
SURNAME_BLOCKS = {"common": 0.38, "stems": 0.12, "roots": 0.25, "tail": 0.25}
TAIL_SIZE = 60_000
# Suffixes joined to the roots of data/surname_roots.txt, with weights.
ROOT_SUFFIXES = {"енко": 25, "ук": 14, "чук": 4, "ик": 6, "ак": 5, "ан": 3, "ар": 2,
                 "ець": 3, "ишин": 4, "ів": 4, "ович": 3, "евич": 2, "ський": 5,
                 "ецький": 3, "ко": 4, "ченко": 3, "ило": 1}

# Phonotactics of the tail's roots (onset, vowel, coda) and the suffixes joined to them,
# with weights: -енко and -ук/-юк dominate Ukrainian surnames, -ський and -ишин follow.
ONSETS = [
    "б", "в", "г", "д", "ж", "з", "к", "л", "м", "н", "п", "р", "с", "т", "ф", "х", "ц", "ч",
    "ш", "бр", "гр", "др", "кр", "пр", "тр", "ст", "ск", "сл", "шп", "хм", "гн", "дз", "бл",
    "гл", "кл", "пл", "вр", "зв", "св", "дв",
]
VOWELS = ["а", "о", "у", "е", "и", "і"]
VOWEL_WEIGHTS = [0.26, 0.24, 0.14, 0.14, 0.12, 0.10]
CODAS = [
    "р", "л", "н", "м", "к", "т", "д", "с", "ш", "ч", "ц", "в", "х", "б", "п", "г", "з", "ж",
    "рк", "рн", "лк", "нт", "ст", "ль", "нь", "сь", "ць", "й",
]
SUFFIXES = ["енко", "ук", "чук", "ишин", "ів", "ак", "ик", "ський", "ець", "ович", "ко"]
SUFFIX_WEIGHTS = [30, 18, 6, 5, 5, 5, 6, 9, 3, 4, 3]


@dataclass(frozen=True)
class Surnames:
    """Surnames in both gender forms, Ukrainian and Russian spelling."""

    uk: StrArray  # shape (2, n): [sex, surname]
    ru: StrArray
    weight: np.ndarray


def _join(root: str, suffix: str) -> str | None:
    """Join a root and a surname suffix with Ukrainian sound rules, or None if it reads badly.

    Soft endings (ль, нь, сь, ць, й) lose or change their softness before a vowel
    (Галь+енко -> Галенко, Гай+ук -> Гаюк); к/ц/ч before -ський give -цький.
    """
    last = root[-1]
    if last == "й":
        soft = {"енко": root[:-1] + "єнко", "ук": root[:-1] + "юк", "чук": root + "чук",
                "ів": root[:-1] + "їв", "ко": root + "ко"}
        return soft.get(suffix)
    if last == "ь":
        if suffix in ("ський", "ко") or suffix == "чук" and root.endswith("ль"):
            return root + suffix
        if suffix == "чук":
            return None
        stem = root[:-1]
        return stem + {"ук": "юк", "ак": "як"}.get(suffix, suffix)
    if suffix == "ський":
        if last in "кцч":
            return root[:-1] + "цький"
        return None if last in "сшзжщгх" or root.endswith("ст") else root + suffix
    if suffix == "ко" and last == "с":
        return None
    if suffix in ("чук", "ченко") and (last not in "рнвмл" or root[-2] not in "аоуеиі"):
        return None  # Марчук, Панченко; not Бурлчук
    if suffix in ("ко", "ченко") and last in "кгхчшщжц":
        return None
    if suffix in ("ецький", "евич") and last in "цчшщж":
        return None
    if suffix == "ан" and root.endswith("ан") or suffix == "ар" and root.endswith("ар"):
        return None
    if suffix == "ець" and last in "цчшщж":
        return None
    return root + suffix


def _tail_surnames() -> list[str]:
    """Return the long tail: TAIL_SIZE distinct surnames built from syllables.

    A fixed generator (not the run's seed) builds them, so the tables are the same for
    every simulated war.
    """
    rng = np.random.Generator(np.random.PCG64(19910824))
    out: dict[str, None] = {}
    vowel_p = np.array(VOWEL_WEIGHTS) / sum(VOWEL_WEIGHTS)
    suffix_p = np.array(SUFFIX_WEIGHTS) / sum(SUFFIX_WEIGHTS)
    while len(out) < TAIL_SIZE:
        n = 20_000
        onset = rng.choice(ONSETS, n).tolist()
        v1 = rng.choice(VOWELS, n, p=vowel_p).tolist()
        v2 = rng.choice(VOWELS, n, p=vowel_p).tolist()
        mids = rng.choice(["б", "л", "р", "н", "д", "с", "в", "к", "т", "м"], n)
        codas = rng.choice(CODAS, n)
        twos = rng.random(n) < 0.2
        # Clusters such as -нт, -рк close a short root; after two syllables they read badly.
        coda = np.where(twos & (np.char.str_len(codas.astype(str)) > 1), mids, codas).tolist()
        mid, two = mids.tolist(), twos.tolist()
        suffix = rng.choice(SUFFIXES, n, p=suffix_p).tolist()
        for i in range(n):
            if two[i] and (mid[i] == coda[i][0] or mid[i] == onset[i][-1]):
                continue  # echoing syllables (Стурур-, Зулол-) do not read as a name
            root = onset[i].capitalize() + v1[i] + (mid[i] + v2[i] if two[i] else "") + coda[i]
            joined = _join(root, suffix[i])
            if joined and len(out) < TAIL_SIZE:
                out[joined] = None
    return list(out)


def _root_surnames() -> tuple[list[str], np.ndarray]:
    """Return the surnames built from data/surname_roots.txt and their suffix weights."""
    roots = dict.fromkeys(" ".join(text_lines("surname_roots.txt")).split())
    names: dict[str, float] = {}
    for root in roots:
        for suffix, weight in ROOT_SUFFIXES.items():
            joined = _join(root, suffix)
            if joined and joined not in names:
                names[joined] = weight
    return list(names), np.array(list(names.values()), dtype=float)


def _stem_surnames() -> list[str]:
    """Return the surnames spelled out in data/surname_stems.csv (stem + each suffix)."""
    explicit: list[str] = []
    for row in read_rows("surname_stems.csv"):
        suffixes = row["suffixes"].split("|") if row["suffixes"] else [""]
        explicit += [row["stem"] + s for s in suffixes]
    return explicit


def load_surnames() -> Surnames:
    """Build the surname model: common head, explicit stems, productive tail."""
    common: list[str] = []
    feminine: dict[str, str] = {}
    for line in text_lines("surnames_common.txt"):
        male, _, female = line.partition(";")
        if male not in feminine:
            common.append(male)
            feminine[male] = female or feminine_surname(male)
    seen = set(common)
    explicit = [s for s in dict.fromkeys(_stem_surnames()) if s not in seen]
    seen.update(explicit)
    rooted, root_w = _root_surnames()
    keep = [i for i, name in enumerate(rooted) if name not in seen]
    rooted, root_w = [rooted[i] for i in keep], root_w[keep]
    seen.update(rooted)
    tail = [s for s in _tail_surnames() if s not in seen]
    # A fixed permutation (not the run's seed): the tables are the same for every war.
    order = np.random.Generator(np.random.PCG64(20220224))
    explicit = [explicit[i] for i in order.permutation(len(explicit))]
    # Root forms: the suffix's weight times a Zipf weight over a fixed shuffle of forms.
    shuffle = order.permutation(len(rooted))
    root_w = root_w * zipf(len(rooted), 0.7, 20.0)[np.argsort(shuffle)]
    weight = np.concatenate([
        SURNAME_BLOCKS["common"] * zipf(len(common), 0.9, 4.0),
        SURNAME_BLOCKS["stems"] * zipf(len(explicit), 0.6, 10.0),
        SURNAME_BLOCKS["roots"] * root_w / root_w.sum(),
        SURNAME_BLOCKS["tail"] * zipf(len(tail), 0.3, 10.0),
    ])
    masc = common + explicit + rooted + tail
    fem = [feminine.get(name) or feminine_surname(name) for name in masc]
    ru_m = [russian_spelling(s) for s in masc]
    ru_f = [r if f == m else russian_feminine_surname(r, f)
            for m, f, r in zip(masc, fem, ru_m, strict=True)]
    return Surnames(
        uk=np.array([obj(masc), obj(fem)]),
        ru=np.array([obj(ru_m), obj(ru_f)]),
        weight=weight / weight.sum(),
    )
