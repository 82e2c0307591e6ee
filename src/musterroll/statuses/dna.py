"""DNA in the register: import profiles and references, match, confirm identifications.

Genetic data is special-category personal data (GDPR art. 9): these functions are called
by the command line and by the forensic role's web pages alone, and each read or write is
audit-logged. The computing is the ``kinship`` stage's; this module stores its inputs,
hands them to it, and turns a confirmed proposal into evidence:

    import_dna       remains' profiles, families' references, frequencies -> dna_* tables
    match_register   the stored profiles -> kinship LR matrix -> dna_proposals
    confirm_proposal a proposal -> an ``identified`` event (level forensic, its LR as
                     evidence) -> the person's status derived by the existing rules

A family's references are about a missing person given as a person id (``"person"``) or
as the case where the family reported them (``"case": {"list": NAME, "row": N}``, the
1-based data row of that list): the case resolves to a record, and the record to its
person at match time, so a re-linking of the register is followed.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select, update

from musterroll.kinship.alleles import frequencies_from_mapping, parse_genotype
from musterroll.kinship.dvi import Family, Victim
from musterroll.kinship.files import (
    families_from_mapping,
    read_dropout,
    read_frequencies,
    read_remains,
)
from musterroll.kinship.matching import family_lr_matrix, propose_per_sample
from musterroll.kinship.panel import Panel
from musterroll.kinship.reproduce import VARIANTS, variant_models
from musterroll.statuses.derive import derived_after
from musterroll.statuses.rules import LEVELS
from musterroll.store.audit import append_audit
from musterroll.store.dna_models import (
    dna_frequencies_table,
    dna_proposals_table,
    dna_references_table,
    dna_samples_table,
)
from musterroll.store.linkage_models import person_records_table
from musterroll.store.models import records_table, sources_table
from musterroll.store.status_models import events_table, statuses_table

__all__ = [
    "DEFAULT_THRESHOLD",
    "DnaImportReport",
    "DnaMatchReport",
    "confirm_proposal",
    "import_dna",
    "import_dna_manifest",
    "list_proposals",
    "match_register",
    "read_proposal",
    "reject_proposal",
]

DEFAULT_THRESHOLD = 1e4  # LR a proposal must reach (the kinship stage's default too)
# Stepwise mutation as `musterroll dna match` on files assumes (kinship.reproduce).
_STEPWISE = {"rate": 0.002, "rate2": 1e-6, "range": 0.1}


@dataclass
class DnaImportReport:
    """What an import stored."""

    samples: int = 0
    families: int = 0
    markers: int = 0
    unresolved: list[str] = field(default_factory=list)  # families whose case has no record

    def as_dict(self) -> dict[str, Any]:
        """Return the report as a JSON-serialisable dict."""
        return asdict(self)


@dataclass
class DnaMatchReport:
    """What a match did: samples and families compared, proposals stored."""

    samples: int
    families: int
    families_without_person: int
    proposals: int
    new_proposals: int
    unidentified_persons: int  # persons of the proposals not yet identified in the register
    threshold: float
    mutation: str

    def as_dict(self) -> dict[str, Any]:
        """Return the report as a JSON-serialisable dict."""
        return asdict(self)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


def _store_frequencies(conn: Connection, path: Path, actor: str) -> int:
    loci = read_frequencies(path)
    data = {name: {"alleles": list(locus.alleles), "freq": [float(p) for p in locus.freqs]}
            for name, locus in loci.items()}
    conn.execute(insert(dna_frequencies_table).values(
        name=path.name, loci=data, sha256=_sha256(path), imported_at=_now(), actor=actor))
    return len(data)


def _store_remains(conn: Connection, path: Path, actor: str) -> int:
    victims = read_remains(path)
    rates = read_dropout(path)
    sha, now = _sha256(path), _now()
    known = set(conn.execute(select(dna_samples_table.c.sample)).scalars())
    rows = [{"sample": v.id, "sex": v.sex, "dropout": rates.get(v.id, 0.0),
             "profile": {m: "/".join(g) for m, g in v.profile.items() if g is not None},
             "file_sha256": sha, "imported_at": now, "actor": actor}
            for v in victims if v.id not in known]
    if rows:
        conn.execute(insert(dna_samples_table), rows)
    return len(rows)


def _case_record(conn: Connection, case: Any, where: str) -> int | None:
    """The record of a case `{"list": NAME, "row": N}` (its newest version), or None."""
    if not isinstance(case, Mapping) or "list" not in case or "row" not in case:
        raise ValueError(f"{where}: field case must be {{\"list\": NAME, \"row\": N}}")
    try:
        row = int(case["row"])
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{where}: field case.row is {case['row']!r}, not a row number"
                         ) from exc
    r, s = records_table.c, sources_table.c
    found = conn.execute(select(func.max(r.id)).join(sources_table, s.id == r.source_id)
                         .where(s.name == str(case["list"]), r.row == row)).scalar()
    return None if found is None else int(found)


def _store_families(conn: Connection, path: Path, actor: str, report: DnaImportReport
                    ) -> int:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected an object of families by id")
    families_from_mapping(data, source=str(path))  # validates every pedigree and genotype
    known = set(conn.execute(select(dna_references_table.c.family)).scalars())
    sha, now, rows = _sha256(path), _now(), []
    for fid, entry in data.items():
        where = f"{path}: family {fid}"
        if str(fid) in known:
            continue
        person, record = entry.get("person"), None
        if person is not None:
            if not isinstance(person, int):
                raise ValueError(f"{where}: field person is {person!r}, not a person id")
        elif "case" in entry:
            record = _case_record(conn, entry["case"], where)
            if record is None:
                report.unresolved.append(str(fid))
        else:
            raise ValueError(f"{where}: names no missing person (field person or case)")
        case = entry.get("case") or {}
        rows.append({"family": str(fid), "pedigree": entry, "person_id": person,
                     "record_id": record, "case_list": case.get("list"),
                     "case_row": case.get("row"), "file_sha256": sha, "imported_at": now,
                     "actor": actor})
    if rows:
        conn.execute(insert(dna_references_table), rows)
    return len(rows)


def import_dna(
    engine: Engine, *, remains: Path | None = None, families: Path | None = None,
    freqs: Path | None = None, actor: str = "musterroll",
) -> DnaImportReport:
    """Store remains' profiles, families' references and a frequency database.

    Args:
        engine: the register.
        remains: CSV ``sample,sex,marker,genotype[,dropout]`` (``kinship.files``).
        families: JSON of pedigrees with references' genotypes, ``missing``, each family's
            ``relationship`` of typed members and ``person`` (an id) or ``case``.
        freqs: frequency database, JSON or the Familias text format.
        actor: who imports, for the audit log.
    Returns:
        What was stored; samples and families already stored (by id) are skipped.
    Raises:
        ValueError (FrequencyError, PedigreeError) naming the file, row or family and field.
    """
    report = DnaImportReport()
    with engine.begin() as conn:
        if freqs is not None:
            report.markers = _store_frequencies(conn, Path(freqs), actor)
        if remains is not None:
            report.samples = _store_remains(conn, Path(remains), actor)
        if families is not None:
            report.families = _store_families(conn, Path(families), actor, report)
        append_audit(conn, action="dna import", actor=actor, detail={
            "remains": str(remains) if remains else None,
            "families": str(families) if families else None,
            "freqs": str(freqs) if freqs else None, **report.as_dict()})
    return report


def import_dna_manifest(engine: Engine, manifest: Path, *, actor: str = "musterroll"
                        ) -> DnaImportReport:
    """`import_dna` on the files a simulation manifest's ``dna`` entry names (each
    checked against its sha256)."""
    data = json.loads(Path(manifest).read_text(encoding="utf-8"))
    entry = data.get("dna")
    if not isinstance(entry, dict):
        raise ValueError(f"{manifest}: no dna entry")
    paths: dict[str, Path] = {}
    for role in ("remains", "families", "frequencies"):
        if role not in entry:
            raise ValueError(f"{manifest}: dna entry lacks {role}")
        path = Path(manifest).parent / entry[role]["path"]
        if _sha256(path) != entry[role]["sha256"]:
            raise ValueError(f"{path}: sha256 differs from {manifest}")
        paths[role] = path
    return import_dna(engine, remains=paths["remains"], families=paths["families"],
                      freqs=paths["frequencies"], actor=actor)


def _victims(conn: Connection) -> tuple[list[Victim], dict[str, float]]:
    victims, rates = [], {}
    for row in conn.execute(select(dna_samples_table).order_by(dna_samples_table.c.id)):
        profile = {m: parse_genotype(g, where=f"sample {row.sample} marker {m}")
                   for m, g in row.profile.items()}
        victims.append(Victim(row.sample, row.sex, profile))
        if row.dropout > 0:
            rates[row.sample] = row.dropout
    return victims, rates


def _families(conn: Connection) -> tuple[list[Family], dict[str, int], int]:
    """Stored families whose missing person is known, each family's person, and how many
    families have none yet (a case not ingested or not linked)."""
    ref, link = dna_references_table.c, person_records_table.c
    rows = conn.execute(select(ref.family, ref.pedigree, ref.person_id, link.person_id
                               .label("linked"))
                        .outerjoin(person_records_table, link.record_id == ref.record_id)
                        .order_by(ref.id)).all()
    person_of = {r.family: int(r.person_id if r.person_id is not None else r.linked)
                 for r in rows if r.person_id is not None or r.linked is not None}
    entries = {r.family: r.pedigree for r in rows if r.family in person_of}
    return families_from_mapping(entries, source="dna_references"), person_of, \
        len(rows) - len(person_of)


def _panel(conn: Connection, markers: set[str], mutation: str) -> Panel:
    loci_data = conn.execute(select(dna_frequencies_table.c.loci)
                             .order_by(dna_frequencies_table.c.id.desc()).limit(1)).scalar()
    if loci_data is None:
        raise ValueError("no frequency database in the register: musterroll dna import "
                         "--freqs FILE")
    db = frequencies_from_mapping(loci_data, source="dna_frequencies")
    unknown = sorted(markers - set(db))
    if unknown:
        raise ValueError(f"the frequency database has no markers {unknown}")
    loci = [locus for name, locus in db.items() if name in markers]
    return Panel(loci, variant_models(mutation, loci, _STEPWISE))


def match_register(
    engine: Engine, *, threshold: float = DEFAULT_THRESHOLD, mutation: str = "stepwise",
    actor: str = "musterroll",
) -> DnaMatchReport:
    """Match every stored sample against every family and store the proposals.

    Each sample's best family is proposed when its LR reaches ``threshold`` (samples judged
    apart: one person's remains may be in several bags), with its posterior and how many
    other families reach the threshold too (``kinship.matching.propose_per_sample``).
    Degraded samples are compared with their dropout rate. A sample-family pair proposed
    before is not proposed again.

    Args:
        engine: the register.
        threshold: the LR a proposal must reach (> 1).
        mutation: ``nomut``, ``stepwise`` (rate 0.002) or ``stepwise_sex``.
        actor: who matches, for the audit log.
    Raises:
        ValueError: a bad threshold or mutation, no frequency database, a marker it lacks.
    """
    if not threshold > 1 or not math.isfinite(threshold):
        raise ValueError(f"--threshold must be a number above 1, not {threshold!r}")
    if mutation not in VARIANTS:
        raise ValueError(f"--mutation must be one of {', '.join(VARIANTS)}, not {mutation!r}")
    with engine.connect() as conn:
        victims, rates = _victims(conn)
        families, person_of, orphans = _families(conn)
        markers = {m for v in victims for m in v.profile} | {
            m for f in families for p in f.references.values() for m in p}
        panel = _panel(conn, markers, mutation) if victims and families else None
        seen = {(r.sample, r.family) for r in conn.execute(
            select(dna_proposals_table.c.sample, dna_proposals_table.c.family))}
    proposals = []
    if panel is not None:
        lr = family_lr_matrix(victims, families, panel, dropout=rates)
        proposals = propose_per_sample(victims, families, lr, threshold=threshold)
    now = _now()
    rows = [{"sample": p.victim, "family": p.family, "person_id": person_of[p.family],
             "log10_lr": p.log10_lr, "posterior": p.posterior, "competitors": p.competitors,
             "threshold": threshold, "mutation": mutation, "status": "proposed",
             "created_at": now} for p in proposals if (p.victim, p.family) not in seen]
    with engine.begin() as conn:
        waiting = _unidentified(conn, {person_of[p.family] for p in proposals})
        report = DnaMatchReport(len(victims), len(families), orphans, len(proposals),
                                len(rows), len(waiting), threshold, mutation)
        if rows:
            conn.execute(insert(dna_proposals_table), rows)
        append_audit(conn, action="dna match", actor=actor, detail=report.as_dict())
    return report


def _unidentified(conn: Connection, persons: set[int]) -> set[int]:
    """The persons among `persons` whose current status has no identification."""
    st = statuses_table.c
    identified = set(conn.execute(select(st.person_id).where(
        st.valid_to.is_(None), st.identified_date.is_not(None),
        st.person_id.in_(sorted(persons)))).scalars()) if persons else set()
    return persons - {int(p) for p in identified}


def _proposal_dict(row: Any) -> dict[str, Any]:
    out = dict(row._mapping)
    out["lr"] = 10.0 ** out["log10_lr"] if out["log10_lr"] < 308 else math.inf
    for key in ("created_at", "decided_at"):
        if out.get(key) is not None:
            out[key] = out[key].isoformat()
    return out


def list_proposals(engine: Engine, *, status: str | None = None, unidentified: bool = False,
                   limit: int | None = None, actor: str = "musterroll") -> list[dict[str, Any]]:
    """Proposals, highest LR first; the read is audit-logged (genetic data).

    Args:
        engine: the register.
        status: only those of this status (proposed, confirmed, rejected); None: all.
        unidentified: only those whose person is not identified yet (what a confirmation
            would resolve).
        limit: at most this many.
        actor: who reads, for the audit log.
    """
    p = dna_proposals_table.c
    query = select(dna_proposals_table).order_by(p.log10_lr.desc(), p.id)
    if status is not None:
        query = query.where(p.status == status)
    with engine.begin() as conn:
        rows = [_proposal_dict(r) for r in conn.execute(query)]
        if unidentified:
            waiting = _unidentified(conn, {int(r["person_id"]) for r in rows})
            rows = [r for r in rows if r["person_id"] in waiting]
        rows = rows[:limit] if limit is not None else rows
        append_audit(conn, action="dna proposals view", actor=actor,
                     detail={"status": status, "unidentified": unidentified,
                             "rows": len(rows)})
    return rows


def read_proposal(engine: Engine, proposal_id: int, *, actor: str = "musterroll"
                  ) -> dict[str, Any]:
    """One proposal with the sample's profile and the family's references (audit-logged).

    Raises:
        LookupError: no such proposal.
    """
    with engine.begin() as conn:
        row = conn.execute(select(dna_proposals_table).where(
            dna_proposals_table.c.id == proposal_id)).first()
        if row is None:
            raise LookupError(f"no DNA proposal {proposal_id}")
        out = _proposal_dict(row)
        out["profile"] = conn.execute(select(dna_samples_table.c.profile).where(
            dna_samples_table.c.sample == row.sample)).scalar()
        out["references"] = conn.execute(select(dna_references_table.c.pedigree).where(
            dna_references_table.c.family == row.family)).scalar()
        append_audit(conn, action="dna proposal view", subject=f"dna_proposal:{proposal_id}",
                     actor=actor, detail={"sample": row.sample, "family": row.family,
                                          "person_id": row.person_id})
    return out


def _pending(conn: Connection, proposal_id: int) -> Any:
    row = conn.execute(select(dna_proposals_table).where(
        dna_proposals_table.c.id == proposal_id)).first()
    if row is None:
        raise LookupError(f"no DNA proposal {proposal_id}")
    if row.status != "proposed":
        raise ValueError(f"DNA proposal {proposal_id} is already {row.status}")
    return row


def confirm_proposal(engine: Engine, proposal_id: int, *, actor: str, note: str = ""
                     ) -> int:
    """Confirm a proposal: an ``identified`` event of level forensic for its person, with
    its LR, posterior, sample and family as evidence; then the person's status is derived
    by the rules (``statuses.rules``: killed, on the basis identified). Returns the event.

    Raises:
        LookupError: no such proposal; ValueError: it was decided already.
    """
    now = _now()
    # The derivation runs after the transaction commits (the inner context exits first).
    with derived_after(engine, actor=actor) as change, engine.begin() as conn:
        row = _pending(conn, proposal_id)
        change.persons.add(int(row.person_id))
        day = now.date().isoformat()
        detail = {"dna_proposal": proposal_id, "sample": row.sample, "family": row.family,
                  "log10_lr": row.log10_lr, "posterior": row.posterior,
                  "competitors": row.competitors, "mutation": row.mutation,
                  "note": note or None}
        event_id = int(conn.execute(insert(events_table).values(
            person_id=row.person_id, kind="identified", event_date=day, reported_date=day,
            known_on=day, level=LEVELS["forensic"], origin="dna", detail=detail,
            actor=actor, created_at=now)).inserted_primary_key[0])  # type: ignore[index]
        conn.execute(update(dna_proposals_table).where(
            dna_proposals_table.c.id == proposal_id).values(
            status="confirmed", decided_by=actor, decided_at=now, event_id=event_id,
            note=note or None))
        append_audit(conn, action="dna confirm", subject=f"person:{row.person_id}",
                     actor=actor, detail={**detail, "event_id": event_id})
    return event_id


def reject_proposal(engine: Engine, proposal_id: int, *, actor: str, note: str) -> None:
    """Reject a proposal (with the reason); nothing is added to the person's evidence.

    Raises:
        LookupError: no such proposal; ValueError: decided already, or no reason given.
    """
    if not note.strip():
        raise ValueError("a note saying why is required")
    with engine.begin() as conn:
        row = _pending(conn, proposal_id)
        conn.execute(update(dna_proposals_table).where(
            dna_proposals_table.c.id == proposal_id).values(
            status="rejected", decided_by=actor, decided_at=_now(), note=note))
        append_audit(conn, action="dna reject", subject=f"dna_proposal:{proposal_id}",
                     actor=actor, detail={"sample": row.sample, "family": row.family,
                                          "note": note})
