"""The upload form of the case page's attachments section."""

from typing import Final

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _lazy

from safepath.cases import attachment_services

PREFIX: Final = "attachment"


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_lazy("File"),
        help_text=_lazy("PDF, JPEG, PNG, plain text, DOCX or ODT; at most 20 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": attachment_services.ACCEPT}),
    )

    def clean_file(self) -> UploadedFile[bytes]:
        upload: UploadedFile[bytes] = self.cleaned_data["file"]
        # Refused before it is read; the service checks the bytes again.
        if (upload.size or 0) > attachment_services.MAX_ATTACHMENT_BYTES:
            raise forms.ValidationError(attachment_services.too_large_message())
        return upload
