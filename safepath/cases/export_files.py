"""Export files on disk: sealed, private and short-lived.

A finished export waits in `SAFEPATH_PRIVATE_DIR/exports/`, outside the web root,
sealed with the primary field key (it may hold identity), written atomically with mode
0600, under the export's id. The plain file only ever exists in the worker's memory and
in the response of a download. It is removed when the export expires (or fails).
"""

from pathlib import Path

from safepath.cases.models import CaseExport
from safepath.core import private_files


def sealed_path(export: CaseExport) -> Path:
    return private_files.directory("exports") / f"{export.public_id}.sealed"


def store(export: CaseExport, data: bytes) -> None:
    private_files.write_sealed(sealed_path(export), data)


def read(export: CaseExport) -> bytes:
    """The plain file. Raises `FileNotFoundError` when it is gone and
    `safepath.core.crypto.DecryptionError` when it cannot be opened."""
    return private_files.read_sealed(sealed_path(export))


def discard(export: CaseExport) -> bool:
    """Remove the file; whether there was one."""
    try:
        sealed_path(export).unlink()
    except FileNotFoundError:
        return False
    return True
