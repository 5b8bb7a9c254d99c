"""Atomic writes: a file or a whole directory appears complete, or the previous one stays.

Everything is written beside the target under a hidden name, on the same file system, flushed to
disk, and then moved into place in one step (a rename, or on Linux an exchange of the two
directories), so an interrupted or failed write leaves the previous state and no temporary file.
Every save of bytebpe goes through here: :meth:`bytebpe.Tokenizer.save`, the Hugging Face export
and ``bytebpe export``.

One overwrite rule for all of them: something already at the target is replaced only when the
caller passes ``overwrite=True``, and even then a directory only if it holds what bytebpe wrote
(the writer's ``is_ours`` says so). A symlink is followed: the directory or file it names is
replaced, and the link stays. The hidden names carry the writer's pid, so that the next write to
the same target can clear what a killed one left behind.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import hashlib
import os
import shutil
import uuid
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path


def write_directory(
    target: str | os.PathLike[str],
    contents: Mapping[str, bytes],
    *,
    overwrite: bool,
    is_ours: Callable[[Path], str | None],
    what: str,
    keep: Callable[[str], bool] | None = None,
) -> Path:
    """Replace directory ``target`` by one holding ``contents`` (file name -> bytes), atomically.

    A missing or empty directory is written. A non-empty one is replaced only with ``overwrite``
    and only if ``is_ours(target)`` finds nothing wrong with it (it returns what is wrong: files
    bytebpe did not write, say); otherwise FileExistsError naming the path, and nothing is
    touched (:func:`check_directory_target`). A file is never replaced. ``keep(name)`` says which
    entries of a replaced directory move into the new one (hard links where the file system
    allows them, so model weights of many GB cost nothing); without it the new directory holds
    ``contents`` alone. A symlink to a directory is followed, so that the directory it names is
    replaced, not the link. Returns the directory's real path.
    """
    target = Path(target).resolve()
    _clear_leftovers(target)
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
    target: str | os.PathLike[str], *, is_ours: Callable[[Path], str | None], what: str, overwrite: bool = False
) -> bool:
    """Raise FileExistsError if :func:`write_directory` would refuse ``target`` (the rule in its
    docstring); return whether it would replace a previous save. The command line asks before
    hours of training, not after."""
    target = Path(target)
    if target.exists() and not target.is_dir():
        raise FileExistsError(f"{target} exists and is not a directory")
    if not (target.is_dir() and any(target.iterdir())):
        return False
    problem = is_ours(target)
    if problem is not None:
        raise FileExistsError(f"{target} {problem}; refusing to replace it, even with overwrite=True")
    if not overwrite:
        raise FileExistsError(f"{target} already holds {what}; pass overwrite=True to replace it")
    return True


def write_file(
    path: str | os.PathLike[str], data: bytes | Iterable[bytes | memoryview], *, overwrite: bool = False
) -> Path:
    """Write the file ``path`` holding ``data`` (bytes, or pieces written one after the other, so
    that a large file need not be joined in memory first), atomically; an existing file is
    replaced only with ``overwrite`` (FileExistsError otherwise), a directory never. A symlink
    is followed."""
    path = Path(path).resolve()
    _clear_leftovers(path)
    if path.is_dir():
        raise FileExistsError(f"{path} is a directory")
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


def staging_file(path: str | os.PathLike[str]) -> Path:
    """A hidden name beside ``path`` for a file written piece by piece, then moved to ``path`` by
    :func:`commit_file`; what a killed writer left there before is cleared first."""
    target = Path(path).resolve()
    _clear_leftovers(target)
    return _sibling(target, "tmp")


def commit_file(staging: Path, path: str | os.PathLike[str]) -> None:
    """Move the durable (fsynced) file ``staging`` of :func:`staging_file` to ``path``, atomically."""
    target = Path(path).resolve()
    os.replace(staging, target)
    _fsync_directory(target.parent)


def _sibling(target: Path, suffix: str) -> Path:
    # A hidden name next to the target, on the same file system, so that renames are atomic.
    return target.with_name(f"{_hidden_stem(target)}.{suffix}-{os.getpid()}-{uuid.uuid4().hex[:12]}")


def _hidden_stem(target: Path) -> str:
    # The target's own name where it fits (names end at 255 bytes), a digest of it otherwise.
    name = f".{target.name}"
    if len(os.fsencode(name)) > 200:
        name = ".bytebpe-" + hashlib.sha256(os.fsencode(target.name)).hexdigest()[:32]
    return name


def _clear_leftovers(target: Path) -> None:
    """Remove what a killed write to ``target`` left beside it: its staging entries, and a
    previous version set aside (put back if the target itself is missing). Those of a writer
    that is still running are left alone."""
    stem = _hidden_stem(target)
    try:
        siblings = list(target.parent.iterdir())
    except OSError:
        return
    for entry in siblings:
        for suffix in ("tmp", "old"):
            prefix = f"{stem}.{suffix}-"
            if not entry.name.startswith(prefix):
                continue
            pid = entry.name[len(prefix) :].split("-", 1)[0]
            if not pid.isdigit() or _alive(int(pid)):
                continue
            if suffix == "old" and not os.path.lexists(target):
                os.rename(entry, target)
            elif entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                with contextlib.suppress(FileNotFoundError):
                    entry.unlink()


def _alive(pid: int) -> bool:
    if os.name == "nt":  # signal 0 is CTRL_C_EVENT there: never clear what may be another's
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _write_file(path: Path, data: bytes | Iterable[bytes | memoryview]) -> None:
    with open(path, "wb") as handle:
        for piece in [data] if isinstance(data, (bytes, bytearray, memoryview)) else data:
            handle.write(piece)
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
