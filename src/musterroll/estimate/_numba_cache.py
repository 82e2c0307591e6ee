"""Numba's on-disk cache, keyed on every compiled module of a package, not on one file.

Numba keys a cached function on the source of the one file that defines it. A function
that calls (or inlines) a compiled function of another file has that callee's machine
code linked into its own cached code, so editing the callee's file left the caller's
stale cache in use: `_lcmcr_sampler` kept running the old `_rng` until someone deleted
`__pycache__/*.nbi|nbc` by hand (numba issue #6845, still open in 0.68).

`install(package_dir)` registers cache locators, ahead of numba's own, for the functions
defined in `package_dir`: they are cached where numba would cache them (NUMBA_CACHE_DIR,
else the module's `__pycache__`, else the user-wide cache), but their freshness stamp is
a hash of every module of the directory that uses numba. Editing any of them recompiles
all of them on next use; editing a module that compiles nothing recompiles nothing.
Each compiled module calls `install` before its first `numba.njit(cache=True)`.
"""

from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path
from typing import Any

from numba.core import caching

__all__ = ["install", "source_stamp"]

_KEYED: set[Path] = set()  # package directories whose compiled modules share a stamp


def _compiled_modules(package_dir: Path) -> list[Path]:
    """The modules of `package_dir` that use numba (their code may be linked together)."""
    return sorted(p for p in package_dir.glob("*.py") if b"numba.njit" in p.read_bytes())


@functools.lru_cache(maxsize=64)
def _stamp(package_dir: Path, stats: tuple[tuple[str, int, int], ...]) -> str:
    # `stats` (name, mtime, size) is part of the memo key, so a file edited while the
    # process runs is hashed again, as numba does for its single file.
    digest = hashlib.sha256()
    for name, _, _ in stats:
        digest.update(name.encode() + b"\0" + (package_dir / name).read_bytes() + b"\0")
    return digest.hexdigest()


def source_stamp(package_dir: Path) -> str:
    """A hash of the sources of every module of `package_dir` that uses numba."""
    files = _compiled_modules(package_dir)
    stats = tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in files)
    return _stamp(package_dir, stats)


class _KeyedOnPackage:
    """Locator mixin: applies to functions of a keyed directory; stamp over its modules."""

    _py_file: str

    def get_source_stamp(self) -> str:
        return source_stamp(Path(self._py_file).resolve().parent)

    @classmethod
    def from_function(cls, py_func: Any, py_file: str) -> Any:
        if not os.path.exists(py_file) or Path(py_file).resolve().parent not in _KEYED:
            return None
        return super().from_function(py_func, py_file)  # type: ignore[misc]


class _UserProvided(_KeyedOnPackage, caching.UserProvidedCacheLocator):
    """NUMBA_CACHE_DIR, as numba's first choice."""


class _InTree(_KeyedOnPackage, caching.InTreeCacheLocator):
    """The module's `__pycache__`, as numba's second choice."""


class _UserWide(_KeyedOnPackage, caching.UserWideCacheLocator):
    """The user-wide cache directory, when `__pycache__` is not writable."""


_LOCATORS = (_UserProvided, _InTree, _UserWide)


def install(package_dir: str | Path) -> None:
    """Key the cache of every compiled function of `package_dir` on all its compiled
    modules. Idempotent; call it before the module's first cached `numba.njit`.

    Args:
        package_dir: the directory (or any file in it, e.g. ``__file__``) of the modules.
    """
    path = Path(package_dir).resolve()
    _KEYED.add(path.parent if path.is_file() else path)
    classes = caching.CacheImpl._locator_classes
    if _LOCATORS[0] not in classes:
        classes[:0] = _LOCATORS
