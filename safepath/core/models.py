"""The base model every domain record inherits."""

import uuid

from django.db import models


class TimeStampedModel(models.Model):
    """Internal integer key for joins, a UUID for URLs and the API, timestamps."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
