"""Add new messages, given as JSON, to the gettext catalogues (``web/i18n/*.po``).

A JSON catalogue is an object, key -> text, or key -> list of plural forms (three for
Ukrainian and Russian, two for English), e.g. ``{"inbox_title": "Вхідні повідомлення",
"inbox_found": ["{n} повідомлення", "{n} повідомлення", "{n} повідомлень"]}``. The key
becomes the message id; templates call ``t("inbox_title")`` or ``tn("inbox_found", n)``.

    python -m musterroll.web.i18n_merge uk new-uk.json   # adds keys uk.po lacks
    python -m musterroll.web.i18n_merge en new-en.json --replace   # and changes texts

It prints the keys added, changed, and kept (in the catalogue with another text: only
``--replace`` changes them). A key must end up in all three catalogues
(``tests/web/test_i18n.py`` checks); give Russian the same way (``ru``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from musterroll.web.i18n import LANGUAGES, po_path, read_catalogue

__all__ = ["main", "merge_json"]

_DIR = po_path("uk").parent
Text = str | tuple[str, ...]
_LANGUAGE_NAMES = {"uk": "Ukrainian", "en": "English", "ru": "Russian"}


def _new_catalogue(language: str) -> Catalog:
    return Catalog(locale=language, domain="musterroll", project="musterroll",
                   header_comment=f"# {_LANGUAGE_NAMES.get(language, language)} messages of "
                   "the musterroll web app.\n# Keys are the message ids; "
                   "see musterroll/web/i18n_merge.py.", fuzzy=False)


def merge_json(language: str, source: Path, *, folder: Path = _DIR,
               replace: bool = False) -> dict[str, list[str]]:
    """Add the messages of a JSON catalogue to the ``.po`` file of `language`.

    Args:
        language: ``uk``, ``en`` or ``ru``.
        source: a JSON object, key -> text, or key -> list of plural forms (as many as
            the language has: three for ``uk`` and ``ru``, two for ``en``).
        folder: where the ``.po`` files are (made if missing).
        replace: also change the text of keys the catalogue already has.
    Returns:
        {"added": keys, "changed": keys, "kept": keys the catalogue has with another
        text (not changed without `replace`)}.
    Raises:
        ValueError: a value that is neither text nor a list of the language's plural forms.
    """
    path = po_path(language, folder)
    po = read_catalogue(path, language) if path.exists() else _new_catalogue(language)
    report: dict[str, list[str]] = {"added": [], "changed": [], "kept": []}
    for key, value in json.loads(source.read_text(encoding="utf-8")).items():
        text = _checked(language, po, key, value)
        message_id: str | tuple[str, str] = (key, key) if isinstance(text, tuple) else key
        old = po.get(key)
        if old is None:
            po.add(message_id, text)
            report["added"].append(key)
        elif (tuple(old.string) if isinstance(old.string, list) else old.string) != text:
            if replace:
                po.delete(key)
                po.add(message_id, text)
            report["changed" if replace else "kept"].append(key)
    folder.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        write_po(f, po, width=0, no_location=True, omit_header=False)
    return report


def _checked(language: str, po: Catalog, key: str, value: object) -> Text:
    if isinstance(value, str):
        return value
    if (isinstance(value, list) and all(isinstance(v, str) for v in value)
            and len(value) == po.num_plurals):
        return tuple(value)
    raise ValueError(f"{key}: a text, or a list of the {po.num_plurals} plural forms of "
                     f"{language!r}, not {value!r}")


def main(argv: list[str] | None = None) -> int:
    """``python -m musterroll.web.i18n_merge LANGUAGE FILE.json [--replace]``."""
    merge = argparse.ArgumentParser(prog="python -m musterroll.web.i18n_merge",
                                    description="Add the messages of FILE (JSON) to "
                                    "i18n/LANGUAGE.po.")
    merge.add_argument("language", choices=LANGUAGES)
    merge.add_argument("file", type=Path)
    merge.add_argument("--replace", action="store_true",
                       help="also change the text of keys the catalogue has")
    merge.add_argument("--folder", type=Path, default=_DIR, help=argparse.SUPPRESS)
    args = merge.parse_args(argv)
    report = merge_json(args.language, args.file, folder=args.folder, replace=args.replace)
    for what, keys in report.items():
        print(f"{what}: {len(keys)}" + (f" ({', '.join(keys)})" if keys else ""))
    if report["kept"]:
        print("kept keys have another text in the catalogue; --replace changes them",
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
