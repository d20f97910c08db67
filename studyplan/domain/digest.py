"""The one hash studyplan keys its caches with: BLAKE2b. Pure: no I/O.

``hashlib.blake2b`` is CPython's built-in ``_blake2`` module's; importing ``hashlib``
also loads OpenSSL (~3 ms, a quarter of a bare interpreter's start), which every
everyday command would pay for one cache key. So the built-in module is imported
directly, and ``hashlib`` only where it is missing (a Python built without it).
"""

from __future__ import annotations

try:
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - every CPython build we support has _blake2
    from hashlib import blake2b

__all__ = ["blake2b"]
