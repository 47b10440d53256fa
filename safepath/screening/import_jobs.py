"""Every write to web imports (`ImportJob`): upload, confirm, cancel.

Supervisors import the submissions of the offline form for their organisation. An
upload is stored encrypted and checked by the worker; nothing is imported until the
supervisor has seen the check and confirmed. The import itself is
`import_service.import_file`, the same code as `safepath screening import`.
"""

from typing import IO

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from safepath.accounts import policies
from safepath.accounts.models import User
from safepath.core.exceptions import NotAllowed
from safepath.screening import events, import_files, tasks
from safepath.screening.models import ImportJob

Status = ImportJob.Status
FORMATS = {".json": "json", ".csv": "csv", ".txt": "csv"}


class UploadRefused(ValueError):
    """The upload cannot be taken; the message says why, in the user's language."""


def _format(name: str, head: bytes) -> str:
    lowered = name.lower()
    for suffix, kind in FORMATS.items():
        if lowered.endswith(suffix):
            return kind
    return "json" if head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"[") else "csv"


@transaction.atomic
def import_job_create(*, actor: User, name: str, stream: IO[bytes]) -> ImportJob:
    if actor.organisation_id is None:
        raise NotAllowed("screening.import")
    policies.require(actor, "screening.import")
    limit = settings.SAFEPATH_IMPORT_MAX_BYTES
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise UploadRefused(
            _(
                "The file is larger than %(size)d MB. Import it with the command "
                "`safepath screening import`, or split it."
            )
            % {"size": limit // (1024 * 1024)}
        )
    if not data.strip():
        raise UploadRefused(_("The file is empty."))
    job = ImportJob.objects.create(
        organisation_id=actor.organisation_id,
        team_id=actor.team_id,
        created_by=actor,
        file_format=_format(name, data[:64]),
        size_bytes=len(data),
    )
    import_files.store(job, data)
    events.import_uploaded(actor=actor, job=job)
    transaction.on_commit(lambda: tasks.check_import.enqueue(job.pk))
    return job


@transaction.atomic
def import_job_confirm(*, actor: User, job: ImportJob) -> None:
    policies.require(actor, "screening.import")
    locked = ImportJob.objects.select_for_update().get(pk=job.pk)
    if locked.status != Status.READY:
        raise UploadRefused(_("This import is not waiting for confirmation."))
    locked.status = Status.IMPORTING
    locked.save(update_fields=["status", "updated_at"])
    events.import_confirmed(actor=actor, job=locked)
    transaction.on_commit(lambda: tasks.run_import.enqueue(locked.pk))


@transaction.atomic
def import_job_cancel(*, actor: User, job: ImportJob) -> None:
    policies.require(actor, "screening.import")
    locked = ImportJob.objects.select_for_update().get(pk=job.pk)
    if locked.status not in (Status.READY, Status.CHECKING):
        raise UploadRefused(_("This import can no longer be cancelled."))
    locked.status = Status.CANCELLED
    locked.save(update_fields=["status", "updated_at"])
    import_files.discard(locked)
