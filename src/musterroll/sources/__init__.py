"""Read, map, validate and ingest lists into the register, keeping every row whole.

``ingest_file(engine, path, source=..., options=IngestOptions(...))`` ingests one file in
one transaction;
``ingest_manifest(engine, manifest)`` ingests every list of a simulated war.
"""

from musterroll.sources.export import neutralise_cell, write_records_csv
from musterroll.sources.ingest import (
    IngestError,
    IngestOptions,
    IngestSummary,
    Progress,
    file_sha256,
    ingest_file,
)
from musterroll.sources.manifest import ManifestError, ingest_manifest
from musterroll.sources.mapping import ColumnMap, MappingError, load_mapping, map_columns
from musterroll.sources.readers import FORMATS, ReadError, open_reader
from musterroll.sources.values import parse_date, parse_sex, parse_status

__all__ = [
    "FORMATS",
    "ColumnMap",
    "IngestError",
    "IngestOptions",
    "IngestSummary",
    "ManifestError",
    "MappingError",
    "Progress",
    "ReadError",
    "file_sha256",
    "ingest_file",
    "ingest_manifest",
    "load_mapping",
    "map_columns",
    "neutralise_cell",
    "open_reader",
    "parse_date",
    "parse_sex",
    "parse_status",
    "write_records_csv",
]
