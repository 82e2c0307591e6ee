"""The family search's own index: name keys per current record, by birth date.

- ``search_keys``: one row per record of the *current* version of each list that has a
  birth date: its file, birth date (ISO text, maybe partial) and the name keys of
  ``musterroll.names`` that decide "equivalent or closer" (normal form, skeleton, surname
  family and sex, given-name groups, father's group). Derived data: it can be dropped and
  rebuilt from ``records`` at any time.
- ``search_key_files``: the files whose records are in ``search_keys``. The web app
  compares it with the current files and brings ``search_keys`` up to date before it
  answers a search (``musterroll.web.search_keys``).
- ``name_words`` (migration 0013): (word, record_id) for each lower-cased word of the
  surname, given name, patronymic and full name of *every* record (records are never
  changed or removed, so a file's words are written once); the caseworkers' person search
  reads a word's beginning as one range of its primary key. ``name_word_files``: the
  files whose records' words are in it. Derived data, filled with ``search_keys``.
"""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column

from musterroll.store.models import Base, BigId

__all__ = [
    "SEARCH_KEY_COLUMNS",
    "SearchKey",
    "NameWord",
    "NameWordFile",
    "SearchKeyFile",
    "name_word_files_table",
    "name_words_table",
    "search_key_files_table",
    "search_keys_table",
]

# The key columns (names.record.KEY_COLUMNS) that the levels exact, transliteration and
# equivalent read; the looser levels never make a match strong, so their keys are not kept.
SEARCH_KEY_COLUMNS: tuple[str, ...] = (
    "surname_norm", "surname_translit", "surname_family", "surname_sex",
    "given_norm", "given_translit", "given_group", "given_group_alt",
    "patronymic_norm", "patronymic_translit", "patronymic_group",
)  # fmt: skip


class SearchKeyFile(Base):
    """A file (list version) whose records' keys are in ``search_keys``."""

    __tablename__ = "search_key_files"

    file_id: Mapped[int] = mapped_column(ForeignKey("files.id"), primary_key=True)
    records: Mapped[int] = mapped_column(Integer)
    indexed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SearchKey(Base):
    """The search keys of one current record with a birth date."""

    __tablename__ = "search_keys"
    __table_args__ = (
        # The look-up: records born on a day (or that year, or month) whose surname agrees
        # by skeleton, family or normal form: one index per alternative, so that SQLite
        # (MULTI-INDEX OR) and PostgreSQL (BitmapOr) seek each instead of scanning every
        # record born in a year (lists with the year alone have thousands per year).
        Index("ix_search_keys_translit", "birth_date", "surname_translit"),
        Index("ix_search_keys_family", "birth_date", "surname_family"),
        Index("ix_search_keys_norm", "birth_date", "surname_norm"),
        Index("ix_search_keys_file_id", "file_id"),
    )

    record_id: Mapped[int] = mapped_column(BigId, ForeignKey("records.id"), primary_key=True)
    file_id: Mapped[int] = mapped_column(Integer)
    birth_date: Mapped[str] = mapped_column(String(10))
    surname_norm: Mapped[str | None] = mapped_column(Text)
    surname_translit: Mapped[str | None] = mapped_column(Text)
    surname_family: Mapped[str | None] = mapped_column(Text)
    surname_sex: Mapped[str | None] = mapped_column(String(1))
    given_norm: Mapped[str | None] = mapped_column(Text)
    given_translit: Mapped[str | None] = mapped_column(Text)
    given_group: Mapped[str | None] = mapped_column(Text)
    given_group_alt: Mapped[str | None] = mapped_column(Text)
    patronymic_norm: Mapped[str | None] = mapped_column(Text)
    patronymic_translit: Mapped[str | None] = mapped_column(Text)
    patronymic_group: Mapped[str | None] = mapped_column(Text)


class NameWordFile(Base):
    """A file (list version) whose records' name words are in ``name_words``."""

    __tablename__ = "name_word_files"

    file_id: Mapped[int] = mapped_column(ForeignKey("files.id"), primary_key=True)
    records: Mapped[int] = mapped_column(Integer)
    indexed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class NameWord(Base):
    """One lower-cased word of a record's names (the primary key is the look-up)."""

    __tablename__ = "name_words"
    # Compared by code point on both backends (SQLite's BINARY; "C" on PostgreSQL, whose
    # locale collations would not keep a prefix in one range); no rowid on SQLite: the
    # primary key is the whole row.
    __table_args__ = {"sqlite_with_rowid": False}

    word: Mapped[str] = mapped_column(
        Text().with_variant(Text(collation="C"), "postgresql"), primary_key=True)
    record_id: Mapped[int] = mapped_column(BigId, ForeignKey("records.id"), primary_key=True)


search_keys_table = cast(Table, SearchKey.__table__)
search_key_files_table = cast(Table, SearchKeyFile.__table__)
name_words_table = cast(Table, NameWord.__table__)
name_word_files_table = cast(Table, NameWordFile.__table__)
