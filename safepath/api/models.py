"""Idempotency keys: a retried POST returns the first answer instead of creating twice.

Field clients on a poor connection retry. A POST that creates something with
an `Idempotency-Key` header is recorded with a hash of its request and the
answer it got; the same key and request again get that answer replayed.
Only answers of create endpoints are kept (ids and pseudonymous codes, never
identity values), and only for `RETENTION`.
"""

import datetime

from django.db import models

from safepath.accounts.models import User

RETENTION = datetime.timedelta(hours=24)


class IdempotencyKey(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=128)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response_body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique_per_user")
        ]

    def __str__(self) -> str:
        return f"idempotency key of user {self.user_id}"
