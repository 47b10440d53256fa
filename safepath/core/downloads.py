"""Files that leave safepath as downloads (exports, PDFs, attachments): always as an
attachment (never shown inline), never kept by a cache, never sniffed into another
type. One place so every download gets the same headers."""

from collections.abc import Iterable
from typing import overload

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header


@overload
def private_download(content: bytes, *, content_type: str, filename: str) -> HttpResponse: ...
@overload
def private_download(
    content: Iterable[str], *, content_type: str, filename: str
) -> StreamingHttpResponse: ...
def private_download(
    content: bytes | Iterable[str], *, content_type: str, filename: str
) -> HttpResponse | StreamingHttpResponse:
    """`content` as a download named `filename` (bytes, or lines streamed)."""
    response: HttpResponse | StreamingHttpResponse
    if isinstance(content, bytes):
        response = HttpResponse(content, content_type=content_type)
    else:
        response = StreamingHttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
