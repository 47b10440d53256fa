"""Attachment files on disk: sealed with the field key, private, named at random.

Each file is `SAFEPATH_PRIVATE_DIR/attachments/<stored_as>`, written atomically with
mode 0600 in a directory of mode 0700, outside the web root: nothing serves it but the
access-checked download view.
"""

import contextlib
import os
import tempfile
import uuid
from pathlib import Path

from django.conf import settings

from safepath.core.crypto import decrypt_bytes, encrypt_bytes


def _directory() -> Path:
    directory = Path(settings.SAFEPATH_PRIVATE_DIR) / "attachments"
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    return directory


def path_of(stored_as: uuid.UUID) -> Path:
    return _directory() / stored_as.hex


def store(stored_as: uuid.UUID, data: bytes) -> None:
    path = path_of(stored_as)
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(encrypt_bytes(data))
        os.chmod(name, 0o600)
        os.replace(name, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name)


def read(stored_as: uuid.UUID) -> bytes:
    """The plain content. Raises `FileNotFoundError` when the file is gone."""
    return decrypt_bytes(path_of(stored_as).read_bytes())


def discard(stored_as: uuid.UUID) -> None:
    with contextlib.suppress(FileNotFoundError):
        path_of(stored_as).unlink()
