"""Uploaded submission files on disk: encrypted, private and short-lived.

A file waits in `SAFEPATH_PRIVATE_DIR/imports/` between its upload and its import,
sealed with the primary field key (it may hold the names of consented submissions).
The worker opens a plain copy only while it reads it, and the sealed file is removed
once the import is done, refused or cancelled. Progress is a small file beside it, so
that the web process sees how far the worker is while the import's transaction is
still open.
"""

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from safepath.core import private_files
from safepath.screening.models import ImportJob


def _directory() -> Path:
    return private_files.directory("imports")


def sealed_path(job: ImportJob) -> Path:
    return _directory() / f"{job.public_id}.sealed"


def _progress_path(job: ImportJob) -> Path:
    return _directory() / f"{job.public_id}.progress"


def store(job: ImportJob, data: bytes) -> None:
    private_files.write_sealed(sealed_path(job), data)


@contextlib.contextmanager
def plain_copy(job: ImportJob) -> Iterator[Path]:
    """The uploaded file, decrypted into a private temporary file for as long as the
    block runs. Raises `FileNotFoundError` when it is gone."""
    data = private_files.read_sealed(sealed_path(job))
    handle, name = tempfile.mkstemp(
        dir=_directory(), prefix=".plain-", suffix=f".{job.file_format}"
    )
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        del data
        yield Path(name)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name)


def discard(job: ImportJob) -> None:
    for path in (sealed_path(job), _progress_path(job)):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def write_progress(job: ImportJob, handled: int) -> None:
    private_files.write_atomically(_progress_path(job), str(handled).encode("ascii"))


def read_progress(job: ImportJob) -> int | None:
    try:
        return int(_progress_path(job).read_text(encoding="ascii"))
    except (FileNotFoundError, ValueError):
        return None
