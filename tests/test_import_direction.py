"""Data flows one way: no stage imports a later one (docs/DESIGN.md, "The data flow").

Every ``import`` in ``src/musterroll`` counts, those inside functions too: a stage that
calls a later one at run time reaches forward as surely as one that imports it at the top.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import musterroll

PACKAGE = Path(musterroll.__file__).parent
# The stages in the order data flows through them; a stage may import earlier ones only.
# ``names`` is a library of name knowledge with no tables of its own: ``sources`` uses it
# to normalise rows as they arrive, ``linkage`` to compare them.
FLOW = ("store", "names", "sources", "linkage", "kinship", "statuses", "counts", "estimate",
        "casework", "web", "cli")
# The simulator is the test bed beside the flow: it draws genotypes with ``kinship``'s
# models and is run by the ``cli``; no stage of the flow imports it.
SIMULATOR_MAY_IMPORT = {"kinship"}


def _imports(path: Path) -> set[str]:
    """The musterroll packages a module imports (top level or inside functions)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = ([node.module] if isinstance(node, ast.ImportFrom) and node.level == 0
                 and node.module else [a.name for a in node.names]
                 if isinstance(node, ast.Import) else [])
        found |= {n.split(".")[1] for n in names if n.startswith("musterroll.")}
    return found


def _modules() -> list[tuple[str, Path]]:
    return [(p.relative_to(PACKAGE).parts[0], p) for p in sorted(PACKAGE.rglob("*.py"))
            if len(p.relative_to(PACKAGE).parts) > 1]


def test_every_package_has_a_place_in_the_flow() -> None:
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert packages == {*FLOW, "simulate"}


@pytest.mark.parametrize("stage", FLOW)
def test_a_stage_imports_no_later_stage(stage: str) -> None:
    later = set(FLOW[FLOW.index(stage) + 1:]) | ({"simulate"} if stage != "cli" else set())
    wrong = {str(path.relative_to(PACKAGE)): sorted(_imports(path) & later)
             for package, path in _modules() if package == stage}
    assert not {k: v for k, v in wrong.items() if v}


def test_the_simulator_stands_beside_the_flow() -> None:
    allowed = SIMULATOR_MAY_IMPORT | {"simulate"}
    wrong = {str(path.relative_to(PACKAGE)): sorted(_imports(path) - allowed)
             for package, path in _modules() if package == "simulate"}
    assert not {k: v for k, v in wrong.items() if v}
