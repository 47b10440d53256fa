"""Attachments: files added to a case (a scanned document, a photo, a letter).

Only a few types are accepted, recognised by their content, never by their name (see
`safepath.cases.attachment_services`). The file itself is not in the database: it is
sealed with the field key in `SAFEPATH_PRIVATE_DIR/attachments/`, outside the web root,
under a random name (`stored_as`). The name it was uploaded with may identify the
person, so it is kept here encrypted, for display to roles that may see identity.
Anonymising the case deletes its attachments, rows and files.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _lazy

from safepath.cases.models.case import Case
from safepath.core.fields import EncryptedTextField
from safepath.core.models import TimeStampedModel


class AttachmentType(models.TextChoices):
    PDF = "application/pdf", _lazy("PDF document")
    JPEG = "image/jpeg", _lazy("JPEG image")
    PNG = "image/png", _lazy("PNG image")
    TEXT = "text/plain", _lazy("Plain text")
    DOCX = (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _lazy("Word document (DOCX)"),
    )
    ODT = "application/vnd.oasis.opendocument.text", _lazy("OpenDocument text (ODT)")


class CaseAttachment(TimeStampedModel):
    """One file of a case. `created_at` is when it was uploaded."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="attachments", verbose_name=_lazy("case")
    )
    # The file's name on disk: random, unrelated to the public id and the original name.
    stored_as = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    original_name = EncryptedTextField(_lazy("file name"))
    content_type = models.CharField(_lazy("type"), max_length=80, choices=AttachmentType.choices)
    size = models.PositiveIntegerField(_lazy("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_lazy("uploaded by"),
    )

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name = _lazy("attachment")
        verbose_name_plural = _lazy("attachments")

    def __str__(self) -> str:
        return f"attachment {self.public_id}"
