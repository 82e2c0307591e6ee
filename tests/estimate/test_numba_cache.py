"""Numba's cache is keyed on every compiled module of a package (`_numba_cache`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from musterroll.estimate import _numba_cache

CALLEE = """
import numba
{install}
@numba.njit(cache=True, inline="always")
def draw():
    return {value}
"""
CALLER = """
import numba
from callee import draw
{install}
@numba.njit(cache=True)
def sweep():
    return draw() + 0
"""
# The module itself, copied beside the test modules: importing it from the package would
# import the whole estimate package (and its samplers) in every process.
INSTALL = "import numba_cache; numba_cache.install(__file__)"


def _run(folder: Path) -> int:
    """Import the caller in a fresh process (loading its cache) and call it."""
    out = subprocess.run([sys.executable, "-c", "import caller; print(caller.sweep())"],
                         cwd=folder, capture_output=True, text=True, check=True)
    return int(out.stdout)


def _write(folder: Path, *, value: int, keyed: bool) -> None:
    install = INSTALL if keyed else ""
    (folder / "numba_cache.py").write_text(Path(_numba_cache.__file__).read_text())
    (folder / "callee.py").write_text(CALLEE.format(install=install, value=value))
    (folder / "caller.py").write_text(CALLER.format(install=install))


@pytest.mark.parametrize("keyed", [pytest.param(False, marks=pytest.mark.slow), True])
def test_an_edited_callee_recompiles_its_cached_caller_only_when_keyed(
    tmp_path: Path, keyed: bool
) -> None:
    _write(tmp_path, value=1, keyed=keyed)
    assert _run(tmp_path) == 1
    assert list((tmp_path / "__pycache__").glob("caller.sweep-*.nbi"))  # it was cached
    _write(tmp_path, value=2, keyed=keyed)
    # numba alone keys a function on its own file: the caller's stale cache still says 1
    assert _run(tmp_path) == (2 if keyed else 1)


def test_the_stamp_follows_compiled_modules_and_ignores_the_others(tmp_path: Path) -> None:
    (tmp_path / "compiled.py").write_text("import numba\n@numba.njit(cache=True)\ndef f(): ...\n")
    (tmp_path / "plain.py").write_text("X = 1\n")
    before = _numba_cache.source_stamp(tmp_path)
    (tmp_path / "plain.py").write_text("X = 2\n")
    assert _numba_cache.source_stamp(tmp_path) == before
    (tmp_path / "compiled.py").write_text("import numba\n@numba.njit(cache=True)\ndef f(): 1\n")
    assert _numba_cache.source_stamp(tmp_path) != before


def test_every_compiled_module_of_estimate_keys_its_cache() -> None:
    package = Path(_numba_cache.__file__).parent
    for module in package.glob("*.py"):
        text = module.read_text()
        if "numba.njit(" in text and module.name != "_numba_cache.py":
            assert "_numba_cache.install(__file__)" in text, module.name
