"""The `musterroll` command line: one command per job, each calling one stage.

Commands parse their options, call a function of a stage package and print. The stages
never import this package. Long work shows a Rich progress bar on stderr; `--json` output
goes to stdout alone so that it can be piped. One module per stage registers its commands
on the one Typer application (`app.py`).
"""

from musterroll.cli import (  # noqa: F401 - each module registers its commands on `app`
    dna,
    estimate,
    evaluate,
    ingest,
    linkage,
    names,
    simulate,
    statuses,
    web,
)
from musterroll.cli.app import app

__all__ = ["app"]
