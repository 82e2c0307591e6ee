"""Linkage: from records to persons, and how well a linkage does against the truth."""

from musterroll.linkage.evaluate import (
    LinkageFileError,
    LinkageScores,
    read_linkage,
    read_truth,
    score_linkage,
)

__all__ = ["LinkageFileError", "LinkageScores", "read_linkage", "read_truth", "score_linkage"]
