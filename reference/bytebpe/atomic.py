"""Atomic writes: a file or a whole directory appears complete, or the previous one stays.

Everything is written beside the target under a hidden name, on the same file system, flushed to
disk, and then moved into place in one step (a rename, or on Linux an exchange of the two
directories), so an interrupted or failed write leaves the previous state and no temporary file.
Every save of bytebpe goes through here: :meth:`bytebpe.Tokenizer.save`, the Hugging Face export
and ``bytebpe export``.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import shutil
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path


def write_directory(
    target: str | os.PathLike[str],
    contents: Mapping[str, bytes],
    *,
    is_ours: Callable[[Path], bool],
    what: str,
    keep: Callable[[str], bool] | None = None,
    overwrite: bool = False,
) -> Path:
    """Replace directory ``target`` by one holding ``contents`` (file name -> bytes), atomically.

    An existing non-empty directory is replaced only if ``is_ours(target)`` says that it holds
    ``what`` (a previous save) and ``overwrite`` is true (else FileExistsError); any other is
    never touched (FileExistsError naming ``what``), nor is a file. ``keep(name)`` says which
    entries of a replaced directory move into the new one (hard links where the file system
    allows them, so model weights of many GB cost nothing); without it the new directory holds
    ``contents`` alone. A symlink to a directory is followed,
    so that the directory it names is replaced, not the link. Returns the directory's real path.
    """
    target = Path(target).resolve()
    check_directory_target(target, is_ours=is_ours, what=what, overwrite=overwrite)
    existing = target.is_dir()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = _sibling(target, "tmp")
    os.mkdir(staging)  # the usual permissions (umask), unlike tempfile.mkdtemp's 0o700
    try:
        for name, data in contents.items():
            _write_file(staging / name, data)
        if existing:
            if keep is not None:
                _carry_over(target, staging, lambda name: name not in contents and keep(name))
            shutil.copymode(target, staging)
        _fsync_directory(staging)
        if not existing:
            os.rename(staging, target)
        elif _exchange(staging, target):
            shutil.rmtree(staging, ignore_errors=True)  # it now holds the previous version
        else:
            _replace_by_renames(staging, target)
        _fsync_directory(target.parent)
    finally:
        if os.path.lexists(staging):
            shutil.rmtree(staging, ignore_errors=True)
    return target


def check_directory_target(
    target: str | os.PathLike[str], *, is_ours: Callable[[Path], bool], what: str, overwrite: bool = False
) -> bool:
    """Raise FileExistsError if :func:`write_directory` would refuse ``target`` (the rule in its
    docstring); return whether it would replace a previous save. The command line asks before
    hours of training, not after."""
    target = Path(target)
    if target.exists() and not target.is_dir():
        raise FileExistsError(f"{target} exists and is not a directory")
    if not (target.is_dir() and any(target.iterdir())):
        return False
    if not is_ours(target):
        raise FileExistsError(
            f"{target} is not empty and holds no {what}; refusing to replace it, even with overwrite=True"
        )
    if not overwrite:
        raise FileExistsError(f"{target} already holds a {what}; pass overwrite=True to replace it")
    return True


def write_file(path: str | os.PathLike[str], data: bytes, *, overwrite: bool = False) -> Path:
    """Write the file ``path`` holding ``data``, atomically; an existing file is replaced only
    with ``overwrite`` (else FileExistsError)."""
    path = Path(path)
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} exists; pass overwrite=True to replace it")
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = _sibling(path, "tmp")
    try:
        _write_file(staging, data)
        os.replace(staging, path)
        _fsync_directory(path.parent)
    finally:
        with contextlib.suppress(FileNotFoundError):
            staging.unlink()
    return path


def _sibling(target: Path, suffix: str) -> Path:
    # A hidden name next to the target, on the same file system, so that renames are atomic.
    return target.with_name(f".{target.name}.{suffix}-{uuid.uuid4().hex}")


def _write_file(path: Path, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _fsync_directory(path: Path) -> None:
    # Makes the renames durable on POSIX; not every platform can open a directory, and that is fine.
    with contextlib.suppress(OSError):
        descriptor = os.open(path, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories in one atomic step (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def _replace_by_renames(staging: Path, target: Path) -> None:
    # POSIX cannot rename a directory onto a non-empty one, so the old one steps aside first; if
    # the new one cannot take its place, the old one goes back. Stopped between the two renames,
    # the previous directory is still whole, beside the target.
    retired = _sibling(target, "old")
    os.rename(target, retired)
    try:
        os.rename(staging, target)
    except BaseException:
        os.rename(retired, target)
        raise
    shutil.rmtree(retired, ignore_errors=True)


def _carry_over(source: Path, staging: Path, keep: Callable[[str], bool]) -> None:
    """Put the entries of ``source`` that ``keep`` accepts into ``staging``: hard links where the
    file system allows them, copies elsewhere; symlinks stay symlinks."""
    for entry in source.iterdir():
        if not keep(entry.name):
            continue
        destination = staging / entry.name
        if entry.is_symlink():
            os.symlink(os.readlink(entry), destination)
        elif entry.is_dir():
            shutil.copytree(entry, destination, symlinks=True, copy_function=_link_or_copy)
        else:
            _link_or_copy(str(entry), str(destination))


def _link_or_copy(source: str, destination: str) -> None:
    try:
        os.link(source, destination)
    except OSError:
        shutil.copy2(source, destination)
