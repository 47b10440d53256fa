"""Files safepath keeps on disk (uploads waiting for import, attachments, exports):
under `SAFEPATH_PRIVATE_DIR`, outside the web root, in directories of mode 0700, each
file written atomically (a reader never sees half of one) with mode 0600. `write_sealed`
encrypts with the primary field key first: these files may hold identity.
"""

import contextlib
import os
import tempfile
from pathlib import Path

from django.conf import settings

from safepath.core.crypto import decrypt_bytes, encrypt_bytes


def directory(name: str) -> Path:
    """`SAFEPATH_PRIVATE_DIR/<name>/`, created private if it is not there yet."""
    path = Path(settings.SAFEPATH_PRIVATE_DIR) / name
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def write_atomically(path: Path, data: bytes) -> None:
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(name, 0o600)
        os.replace(name, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name)


def write_sealed(path: Path, data: bytes) -> None:
    write_atomically(path, encrypt_bytes(data))


def read_sealed(path: Path) -> bytes:
    """The plain content. Raises `FileNotFoundError` when the file is gone and
    `safepath.core.crypto.DecryptionError` when it cannot be opened."""
    return decrypt_bytes(path.read_bytes())
