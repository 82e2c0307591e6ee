"""The light table declarations used by `musterroll status` match the store's models."""

from __future__ import annotations

import subprocess
import sys

import pytest

from musterroll.register import light
from musterroll.store import Base


@pytest.mark.parametrize("name", ["statuses", "conflicts", "runs", "events", "link_runs",
                                  "records"])
def test_every_light_column_exists_in_the_models(name: str) -> None:
    light_table = getattr(light, name)
    model = Base.metadata.tables[light_table.name]
    assert {c.name for c in light_table.columns} <= {c.name for c in model.columns}


def test_counting_does_not_import_the_store() -> None:
    code = ("import sys; import musterroll.register.counts, musterroll.register.light; "
            "print('musterroll.store' in sys.modules, 'alembic' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.split() == ["False", "False"]
