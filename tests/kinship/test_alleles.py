"""Frequency databases in both formats, and genotypes."""

from __future__ import annotations

from pathlib import Path

import pytest

from musterroll.kinship.alleles import (
    FrequencyError,
    parse_genotype,
    read_familias_frequencies,
    read_frequencies_json,
)


def test_the_norwegian_database_has_35_markers_summing_to_one(dna_dir: Path) -> None:
    db = read_frequencies_json(dna_dir / "freqs/NorwegianFrequencies.json")
    assert len(db) == 35
    assert db["TH01"].alleles[:5] == ("5", "6", "7", "8", "8.3")


def test_the_familias_list_format_reads_markers_and_alleles(tmp_path: Path) -> None:
    path = tmp_path / "freqs.txt"
    path.write_text("D3S1358\n14\t0.4\n15\t0.6\n\nTH01\n9.3 0.25\n6 0.75\n")
    db = read_familias_frequencies(path)
    assert list(db) == ["D3S1358", "TH01"]
    assert db["TH01"].alleles == ("9.3", "6")
    assert db["TH01"].freqs.tolist() == [0.25, 0.75]


def test_a_bad_frequency_names_file_line_and_marker(tmp_path: Path) -> None:
    path = tmp_path / "freqs.txt"
    path.write_text("D3S1358\n14\t0.4\n15\tx\n")
    with pytest.raises(FrequencyError, match=r"freqs.txt:3: .* D3S1358"):
        read_familias_frequencies(path)


def test_frequencies_not_summing_to_one_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "freqs.txt"
    path.write_text("M\n1 0.4\n2 0.4\n")
    with pytest.raises(FrequencyError, match="sum"):
        read_familias_frequencies(path)


def test_genotypes_parse_and_untyped_is_none() -> None:
    assert parse_genotype("9.3/10") == ("9.3", "10")
    assert parse_genotype("-/-") is None
    with pytest.raises(FrequencyError, match="row 7"):
        parse_genotype("12", where="row 7")
