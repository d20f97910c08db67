"""Writing an output file whole or not at all."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from studyplan.errors import InputError


def write_output(path: Path | str, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (a temporary file, then a rename), or to
    stdout when ``path`` is ``-``. A missing folder or an unwritable file is a one-line
    InputError; a failed write leaves no partial file behind."""
    if str(path) == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(
            f"cannot write {target}: the folder {folder} does not exist",
            "create it first or choose another -o path",
        )
    if target.is_dir():
        raise InputError(f"cannot write {target}: it is a folder", "give a file name with -o")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise InputError(
            f"cannot write {target}: {exc.strerror}", "choose another -o path"
        ) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        # mkstemp makes the file private; give it the permissions a new file would get.
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(
            f"cannot write {target}: {exc.strerror}", "choose another -o path"
        ) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
