"""The append-only audit trail.

Rows are written by `safepath.audit.events.record` only. The application
never updates or deletes them, and on PostgreSQL a trigger makes the
database refuse it too (migration 0002). Events name actions and objects,
never the values of sensitive fields.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _lazy


class AuditEvent(models.Model):
    at = models.DateTimeField(_lazy("time"), auto_now_add=True, db_index=True)
    actor_id = models.BigIntegerField(_lazy("actor id"), null=True, blank=True)
    actor_username = models.CharField(_lazy("actor"), max_length=150, blank=True)
    organisation_code = models.CharField(_lazy("organisation"), max_length=32, blank=True)
    role = models.CharField(_lazy("role"), max_length=32, blank=True)
    action = models.CharField(_lazy("action"), max_length=64, db_index=True)
    object_type = models.CharField(_lazy("object type"), max_length=64, blank=True)
    object_id = models.CharField(_lazy("object id"), max_length=64, blank=True, db_index=True)
    purpose = models.CharField(_lazy("purpose"), max_length=64, blank=True)
    request_id = models.CharField(_lazy("request id"), max_length=64, blank=True)
    outcome = models.CharField(_lazy("outcome"), max_length=16, default="success")
    detail = models.JSONField(_lazy("detail"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["actor_id", "at"])]
        verbose_name = _lazy("audit event")
        verbose_name_plural = _lazy("audit events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_username or '-'} {self.action}"
