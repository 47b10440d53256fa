"""Adding attachments to a case, and what a file must be to be accepted.

**Types** are recognised by content, never by name or by what the browser says: PDF,
JPEG and PNG by their signatures (the `filetype` library), DOCX and ODT by the parts
of their ZIP container that say what they are (a macro-enabled document is not a DOCX),
plain text by being UTF-8 without control characters and without markup (a web page
saved as `.txt` is refused). Anything else, an executable or a web page named `.pdf`
included, is refused; so is a file whose name's extension says another type.

**Images** are decoded and encoded again with Pillow, upright, which drops their
metadata (EXIF with the camera's GPS position, XMP, text chunks): the stored image is
pixels only. A file that does not decode is refused.

**At most** `MAX_ATTACHMENT_BYTES` (20 MB) as uploaded.

The sealed file is written first, then the row; a failed row removes the file.
"""

import io
import logging
import uuid
import zipfile
from pathlib import PurePath
from typing import Final

import filetype
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from safepath.accounts import policies
from safepath.accounts.models import User
from safepath.cases import attachment_events as events
from safepath.cases import attachment_files as files
from safepath.cases.models import Case
from safepath.cases.models.attachments import AttachmentType, CaseAttachment
from safepath.cases.services import OWNER, CaseError, CaseInvalid
from safepath.core.exceptions import NotAllowed

logger = logging.getLogger(__name__)

MAX_ATTACHMENT_BYTES: Final = 20 * 1024 * 1024
MAX_NAME: Final = 255
MAX_PIXELS: Final = 60_000_000  # a larger image is refused rather than decoded

# The extensions a file's name may have for each type (a name without one is fine).
EXTENSIONS: Final[dict[str, tuple[str, ...]]] = {
    AttachmentType.PDF: (".pdf",),
    AttachmentType.JPEG: (".jpg", ".jpeg", ".jpe", ".jfif"),
    AttachmentType.PNG: (".png",),
    AttachmentType.TEXT: (".txt", ".text", ".csv", ".log", ".md"),
    AttachmentType.DOCX: (".docx",),
    AttachmentType.ODT: (".odt",),
}
ACCEPT: Final = ",".join(ext for exts in EXTENSIONS.values() for ext in exts)

_SIGNATURES: Final = frozenset({AttachmentType.PDF, AttachmentType.JPEG, AttachmentType.PNG})
_DOCX_MAIN: Final = (
    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
)
_ODT_MIMETYPE: Final = b"application/vnd.oasis.opendocument.text"
_MARKUP: Final = (b"<!doctype", b"<html", b"<script", b"<svg", b"<?xml", b"<body", b"<iframe")
_TEXT_CONTROLS: Final = frozenset(range(32)) - {9, 10, 12, 13}


def _office_type(data: bytes) -> AttachmentType | None:
    """DOCX or ODT, read from the ZIP's small descriptive parts only (never inflating
    anything big)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            if infos and infos[0].filename == "mimetype" and infos[0].file_size < 128:
                if archive.read(infos[0]).strip() == _ODT_MIMETYPE and "content.xml" in names:
                    return AttachmentType.ODT
                return None
            types = archive.getinfo("[Content_Types].xml")
            if (
                types.file_size < 1_000_000
                and "word/document.xml" in names
                and "word/vbaProject.bin" not in names
                and _DOCX_MAIN in archive.read(types)
            ):
                return AttachmentType.DOCX
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, NotImplementedError):
        return None
    return None


def _is_plain_text(data: bytes) -> bool:
    if not data or b"\x00" in data:
        return False
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    if any(ord(char) in _TEXT_CONTROLS or char == "\x7f" for char in text):
        return False
    head = text.lstrip().encode()[:1024].lower()
    if head.startswith((b"<", b"#!")):
        return False
    lowered = data.lower()
    return not any(marker in lowered for marker in _MARKUP)


def detect_type(data: bytes) -> AttachmentType | None:
    """The allowed type `data` holds, from its content alone; None when it is none."""
    if data[:4] == b"PK\x03\x04":
        return _office_type(data)
    kind = filetype.guess(data)
    if kind is not None:
        return AttachmentType(kind.mime) if kind.mime in _SIGNATURES else None
    return AttachmentType.TEXT if _is_plain_text(data) else None


def strip_image(data: bytes, content_type: AttachmentType) -> bytes:
    """The image drawn again, upright, without any metadata. Raises `ValueError` when
    it does not decode or is too large."""
    try:
        with Image.open(io.BytesIO(data)) as opened:
            if opened.width * opened.height > MAX_PIXELS:
                raise ValueError("too many pixels")
            opened.load()
            image = ImageOps.exif_transpose(opened)
            transparency = image.info.get("transparency")
            image.info = {}
            out = io.BytesIO()
            if content_type == AttachmentType.JPEG:
                if image.mode not in ("RGB", "L", "CMYK"):
                    image = image.convert("RGB")
                image.save(out, format="JPEG", quality=92)
            else:
                extra = {} if transparency is None else {"transparency": transparency}
                image.save(out, format="PNG", optimize=False, **extra)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError) as exc:
        raise ValueError("not a readable image") from exc
    return out.getvalue()


def clean_name(name: str) -> str:
    """The uploaded name without any folder, trimmed; 'attachment' when empty."""
    base = PurePath(name.replace("\\", "/")).name.strip()
    base = "".join(char for char in base if char.isprintable())
    return base[-MAX_NAME:] or "attachment"


def download_name(attachment: CaseAttachment) -> str:
    """The original name, with the type's extension added when it has none."""
    name = attachment.original_name or "attachment"
    extensions = EXTENSIONS[attachment.content_type]
    if PurePath(name).suffix.lower() not in extensions:
        name = f"{name}{extensions[0]}"
    return name


def attachment_upload(
    *, actor: User, case: Case, name: str, data: bytes, via: str = "web"
) -> CaseAttachment:
    """Check, clean, seal and record one file. Raises `NotAllowed` outside the case's
    `case.change` scope and `CaseInvalid` (nothing written) when the case is anonymised
    or the file is refused."""
    if not policies.in_scope(actor, "case.change", case, **OWNER):
        raise NotAllowed("case.change")
    if case.anonymised_at is not None:
        raise CaseInvalid(
            [CaseError("file", _("This case is anonymised: it takes no more attachments."))]
        )
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise CaseInvalid([CaseError("file", too_large_message())])
    if not data:
        raise CaseInvalid([CaseError("file", _("The file is empty."))])
    content_type = detect_type(data)
    refused = _(
        "This type of file is not accepted: add a PDF, a JPEG or PNG image, plain text, "
        "or a DOCX or ODT document."
    )
    if content_type is None:
        raise CaseInvalid([CaseError("file", refused)])
    original = clean_name(name)
    suffix = PurePath(original).suffix.lower()
    if suffix and suffix not in EXTENSIONS[content_type]:
        raise CaseInvalid(
            [CaseError("file", _("The file's content does not match its name's extension."))]
        )
    if content_type in (AttachmentType.JPEG, AttachmentType.PNG):
        try:
            data = strip_image(data, content_type)
        except ValueError as exc:
            raise CaseInvalid([CaseError("file", _("The image cannot be read."))]) from exc
    stored_as = uuid.uuid4()
    files.store(stored_as, data)
    try:
        with transaction.atomic():
            attachment = CaseAttachment.objects.create(
                case=case,
                stored_as=stored_as,
                original_name=original,
                content_type=content_type,
                size=len(data),
                uploaded_by=actor,
            )
            events.attachment_added(actor=actor, attachment=attachment, via=via)
    except BaseException:
        files.discard(stored_as)
        raise
    return attachment


def too_large_message() -> str:
    return _("The file is larger than %(size)d MB.") % {
        "size": MAX_ATTACHMENT_BYTES // (1024 * 1024)
    }


def delete_case_attachments(case_id: int) -> int:
    """Delete a case's attachments (in the caller's transaction); their files go once it
    commits, so that a rollback keeps rows and files together. Returns how many."""
    stored = list(
        CaseAttachment.objects.filter(case_id=case_id).values_list("stored_as", flat=True)
    )
    if stored:
        CaseAttachment.objects.filter(case_id=case_id).delete()

        def discard_files() -> None:
            for key in stored:
                files.discard(key)

        transaction.on_commit(discard_files)
    return len(stored)
