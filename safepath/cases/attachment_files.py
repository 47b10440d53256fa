"""Attachment files on disk: sealed with the field key, private, named at random.

Each file is `SAFEPATH_PRIVATE_DIR/attachments/<stored_as>`, written atomically with
mode 0600 in a directory of mode 0700, outside the web root: nothing serves it but the
access-checked download view.
"""

import contextlib
import uuid
from pathlib import Path

from safepath.core import private_files


def path_of(stored_as: uuid.UUID) -> Path:
    return private_files.directory("attachments") / stored_as.hex


def store(stored_as: uuid.UUID, data: bytes) -> None:
    private_files.write_sealed(path_of(stored_as), data)


def read(stored_as: uuid.UUID) -> bytes:
    """The plain content. Raises `FileNotFoundError` when the file is gone."""
    return private_files.read_sealed(path_of(stored_as))


def discard(stored_as: uuid.UUID) -> None:
    with contextlib.suppress(FileNotFoundError):
        path_of(stored_as).unlink()
