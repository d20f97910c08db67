"""Writing files whole or not at all: the one atomic writer for every output file
(``-o``, backups, BibTeX exports) and every cache file.

A file is written to a temporary file in the same folder and renamed over the target, so
a reader (or a concurrent run) never sees half a file and a failed write leaves nothing
behind. ``durable`` adds the fsyncs that make the new file survive a power cut (backups).
Errors are the same everywhere: a missing folder, a folder or special file in the way or
no permission is an ``InputError`` (exit 2), an existing file without ``overwrite`` a
``ConflictError`` (exit 8), a full disk or an I/O error a ``WriteError`` (exit 5).
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from pathlib import Path

from studyplan.errors import ConflictError, InputError, StudyplanError, WriteError

# Errors that mean "the machine cannot take the data", not "you chose a bad path".
_DEVICE_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EFBIG}


def write_atomic(
    path: Path | str,
    data: bytes | str,
    *,
    durable: bool = False,
    overwrite: bool = True,
    stdout_dash: bool = True,
) -> None:
    """Write ``data`` to ``path`` atomically; ``-`` means stdout when ``stdout_dash``.

    ``overwrite=False`` refuses an existing file (the CLI's ``--force`` turns it on)."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if stdout_dash and str(path) == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(payload)
        sys.stdout.flush()
        return
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    _check_target(target, folder, overwrite)
    try:
        import tempfile  # not at the top: the read-only everyday commands never write

        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise _error(target, exc) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        # mkstemp makes the file private; give it the permissions a new file would get.
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)
        os.replace(tmp, target)
        if durable:
            _fsync_folder(folder)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise _error(target, exc) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_cache(path: Path, data: bytes) -> bool:
    """Write a cache file atomically, creating its folder; False when it cannot be written,
    which is not an error: the cache is derived data and the next run rebuilds it."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, data, stdout_dash=False)
    except (OSError, StudyplanError):
        return False
    return True


def _check_target(target: Path, folder: Path, overwrite: bool) -> None:
    if not folder.is_dir():
        raise InputError(
            f"cannot write {target}: the folder {folder} does not exist",
            "create it first or choose another path",
        )
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise _error(target, exc) from None
    if stat.S_ISDIR(mode):
        raise InputError(f"cannot write {target}: it is a folder", "give a file name")
    if not stat.S_ISREG(mode):
        raise InputError(
            f"cannot write {target}: it is not a regular file", "give a path to a file"
        )
    if not overwrite:
        raise ConflictError(f"{target} already exists", "pass --force to overwrite it")


def _error(target: Path, exc: OSError) -> StudyplanError:
    reason = exc.strerror or str(exc)
    if exc.errno in _DEVICE_ERRORS:
        return WriteError(f"cannot write {target}: {reason}", "free some space and run it again")
    return InputError(f"cannot write {target}: {reason}", "choose another path")


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
