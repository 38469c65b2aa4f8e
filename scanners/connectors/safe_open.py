"""Opening a scanned file without being led outside the scanned folder: every path
component is opened relative to its parent with ``O_NOFOLLOW`` (a symbolic link is refused
wherever it is, even one swapped in after the harvest), ``O_NONBLOCK`` keeps a FIFO from
blocking the open, and ``fstat`` then refuses anything but a regular file."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import IO

from registre.catalog.data.scan_errors import ScanErrorKind
from registre.catalog.i18n import Text
from registre.scanners.errors import ScanError

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)


def open_inside(root: Path, schema: str | None, name: str, label: str) -> IO[bytes]:
    """The file ``schema``/``name`` under ``root`` (or ``root`` itself, a single file),
    opened for reading, if it is a regular file inside the root.

    Every component below the root is opened relative to its parent with
    ``O_NOFOLLOW``: a symbolic link is refused wherever it is, even one swapped in
    after the harvest. ``O_NONBLOCK`` keeps a FIFO from blocking the open; ``fstat``
    then refuses anything but a regular file.
    """
    if root.is_file():
        if (schema, name) != (None, root.name):
            raise ScanError(
                Text("file not found: {file}", file=label), kind=ScanErrorKind.NOT_FOUND
            )
        return _regular(os.open(root, os.O_RDONLY | _NONBLOCK), label)
    parts = [*(schema.split("/") if schema else []), name]
    if any(part in ("", ".", "..") or os.sep in part for part in parts):
        raise ScanError(
            Text("dataset {name!r} is outside the scanned folder", name=name),
            kind=ScanErrorKind.PERMISSION_DENIED,
        )
    fd = os.open(root, os.O_RDONLY | _DIRECTORY)
    try:
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            flags = os.O_RDONLY | _NOFOLLOW | (_NONBLOCK if last else _DIRECTORY)
            try:
                child = os.open(part, flags, dir_fd=fd)
            except OSError as exc:
                raise _open_error(exc, label, part, _is_link(part, fd)) from None
            os.close(fd)
            fd = child
        file_fd, fd = fd, -1
    finally:
        if fd >= 0:
            os.close(fd)
    return _regular(file_fd, label)


def _regular(fd: int, label: str) -> IO[bytes]:
    """``fd`` as a binary file if it is a regular file; closed and refused otherwise."""
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            what = Text("a FIFO") if stat.S_ISFIFO(mode) else Text("not a regular file")
            raise ScanError(
                Text("{file} is {what}: only regular files are read", file=label, what=what),
                kind=ScanErrorKind.INVALID_DATA,
            )
        if _NONBLOCK:
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _is_link(name: str, dir_fd: int) -> bool:
    try:
        return stat.S_ISLNK(os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode)
    except OSError:
        return False


def _open_error(exc: OSError, label: str, part: str, is_link: bool) -> ScanError:
    # O_NOFOLLOW answers ELOOP for a linked file, ENOTDIR for a linked folder (O_DIRECTORY)
    if exc.errno == errno.ELOOP or is_link:
        return ScanError(
            Text(
                "{file}: {part} is a symbolic link; links are not followed", file=label, part=part
            ),
            kind=ScanErrorKind.PERMISSION_DENIED,
        )
    if exc.errno in (errno.ENOENT, errno.ENOTDIR):
        return ScanError(Text("file not found: {file}", file=label), kind=ScanErrorKind.NOT_FOUND)
    return ScanError(
        Text("cannot open {file}: {error}", file=label, error=type(exc).__name__), cause=exc
    )
