"""Cache keys derived from the records' layouts, never bumped by hand. Pure: no I/O."""

from __future__ import annotations


def record_layout(*classes: type) -> str:
    """A digest of the classes' fields and their declared types.

    Part of every cache key, so that a cache written by code whose records had other
    fields is never unpickled into records that lack them (it is rebuilt instead)."""
    from studyplan.domain.digest import blake2b

    digest = blake2b(digest_size=8)
    for cls in classes:
        fields = getattr(cls, "__annotations__", {})
        slots = getattr(cls, "__slots__", ())
        digest.update(f"{cls.__qualname__}:{sorted(fields.items())}:{slots}\0".encode())
    return digest.hexdigest()
