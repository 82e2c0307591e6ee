"""Say what an ingest did, in lines a caseworker reads (the CLI prints them)."""

from __future__ import annotations

from pathlib import Path

from musterroll.sources.ingest import IngestSummary

__all__ = ["describe_ingest", "total_ingests"]


def describe_ingest(summary: IngestSummary, *, samples: int = 5) -> list[str]:
    """Return the lines that report one ingest: counts, reasons, samples, notes, diff.

    Args:
        summary: the ingest's summary.
        samples: how many quarantined and warned rows to show by file and row.
    """
    name = Path(summary.path).name
    if summary.already_ingested:
        return [f"{name}: already ingested as version {summary.version} of {summary.source}; "
                "nothing changed"]  # fmt: skip
    lines = [
        f"{name}: {summary.rows:,} rows = {summary.accepted:,} accepted + "
        f"{summary.quarantined:,} quarantined; {summary.warnings:,} accepted with warnings; "
        f"{summary.format}{f' {summary.encoding}' if summary.encoding else ''}"
        f"{f' delimiter {summary.delimiter!r}' if summary.delimiter else ''}; "
        f"version {summary.version} of {summary.source}"
    ]
    lines += [f"  quarantined {n:,}: {reason}" for reason, n in summary.quarantine_reasons.items()]
    for sample in summary.quarantine_samples[:samples]:
        column = f", column {sample['column']!r}" if sample["column"] else ""
        lines.append(f"  {name} row {sample['row']}{column}: {sample['reason']}")
    for sample in summary.warning_samples[:samples]:
        lines.append(f"  {name} row {sample['row']}: warning: {'; '.join(sample['warnings'])}")
    lines += [f"  note: {note}" for note in summary.notes]
    if summary.diff:
        d = summary.diff
        lines.append(
            f"  against version {d['previous_version']}: {d['added']:,} added, "
            f"{d['removed']:,} removed, {d['changed']:,} changed, {d['unchanged']:,} unchanged"
        )
    return lines


def total_ingests(summaries: list[IngestSummary]) -> dict[str, object]:
    """Return totals over several ingests (a manifest) with each list's summary."""
    totals: dict[str, object] = {
        key: sum(getattr(s, key) for s in summaries)
        for key in ("rows", "accepted", "quarantined", "warnings")
    }
    totals["already_ingested"] = all(s.already_ingested for s in summaries)
    totals["lists"] = [s.as_dict() for s in summaries]
    return totals
