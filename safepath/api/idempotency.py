"""Honouring the `Idempotency-Key` header on POSTs that create things (DESIGN.md §5).

- no header: the request runs as usual;
- a new key: the request runs, and its answer is stored with the key, in the
  same transaction as what it created (both or neither);
- the same key with the same request (method, path, body): the stored answer
  is replayed with `Idempotent-Replayed: true`; nothing is created again;
- the same key with a different request: 422, nothing is created;
- the same key while the first request is still running: 409, nothing is created.
Keys are per user and expire after 24 hours.
"""

import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import BaseModel

from safepath.accounts.models import User
from safepath.api.models import RETENTION, IdempotencyKey
from safepath.api.problems import problem

KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,128}$")
REPLAY_HEADER = "Idempotent-Replayed"


def _request_hash(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode() if request.method else b"")
    digest.update(b"\0" + request.path.encode() + b"\0")
    digest.update(request.body)
    return digest.hexdigest()


def _json(status: int, body: dict[str, Any], *, replayed: bool) -> HttpResponse:
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type="application/json"
    )
    if replayed:
        response[REPLAY_HEADER] = "true"
    return response


def run_idempotent(
    request: HttpRequest,
    *,
    actor: User,
    key: str | None,
    create: Callable[[], tuple[int, BaseModel]],
) -> HttpResponse:
    """Run `create` once per (actor, key); replay its answer for the same request."""
    if key is None:
        status, body = create()
        return _json(status, body.model_dump(mode="json"), replayed=False)
    if not KEY_PATTERN.match(key):
        return problem(
            status=400,
            title=_("Invalid idempotency key"),
            errors=[
                {
                    "pointer": "/headers/Idempotency-Key",
                    "field": "Idempotency-Key",
                    "detail": _("Use 1 to 128 visible ASCII characters, for example a UUID."),
                }
            ],
        )
    request_hash = _request_hash(request)
    IdempotencyKey.objects.filter(created_at__lt=timezone.now() - RETENTION).delete()
    stored = IdempotencyKey.objects.filter(user=actor, key=key).first()
    if stored is not None:
        if stored.request_hash != request_hash:
            return problem(
                status=422,
                title=_("Idempotency key reused"),
                detail=_("This key was already used for a different request. Nothing was saved."),
            )
        return _json(stored.status_code, stored.response_body, replayed=True)
    try:
        with transaction.atomic():
            status, body = create()
            payload = body.model_dump(mode="json")
            IdempotencyKey.objects.create(
                user=actor,
                key=key,
                request_hash=request_hash,
                status_code=status,
                response_body=payload,
            )
    except IntegrityError:
        if not IdempotencyKey.objects.filter(user=actor, key=key).exists():
            raise  # not a race on the key: some other constraint failed
        # Another request with this key committed first: ours was rolled back whole.
        return problem(
            status=409,
            title=_("Request already in progress"),
            detail=_("A request with this idempotency key is being handled. Retry shortly."),
        )
    return _json(status, payload, replayed=False)
