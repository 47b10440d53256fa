"""Background work of the screening app, run by the worker (`safepath db_worker`).

`check_import` reads an uploaded file and records what is wrong with it, or that it is
ready; `run_import` stores it, all or nothing, writing its progress as it goes. Both
take the job's id and change only a job in the state they expect, so a task delivered
twice does nothing the second time. Messages are written in the uploader's language;
nothing submitted is logged.
"""

import logging
from typing import Final

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.tasks import task
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from safepath.core.crypto import DecryptionError
from safepath.screening import events, import_files, import_service
from safepath.screening.imports import ImportFileError, RowError
from safepath.screening.models import ImportJob

logger = logging.getLogger(__name__)

SHOWN_PROBLEMS: Final = 200
Status = ImportJob.Status


def _problems(errors: list[RowError]) -> list[list[str]]:
    return [[error.row, error.field, error.reason] for error in errors[:SHOWN_PROBLEMS]]


def _file_message(exc: ImportFileError) -> str:
    # The reader's messages start with the path of the temporary copy: not the user's.
    text = str(exc)
    head, separator, rest = text.partition(": ")
    return rest if separator and "/" in head else text


def _finish(job: ImportJob, status: str, **fields: object) -> None:
    for name, value in fields.items():
        setattr(job, name, value)
    job.status = status
    job.finished_at = timezone.now()
    job.save()
    import_files.discard(job)


def _unreadable(job: ImportJob, exc: Exception) -> None:
    logger.error(
        "import %s: the uploaded file cannot be read (%s)", job.public_id, type(exc).__name__
    )
    _finish(
        job, Status.FAILED, message=_("The uploaded file can no longer be read. Upload it again.")
    )


def _job(job_id: int, status: str) -> ImportJob | None:
    """The job, if it is in the state the task expects (else it was handled already)."""
    return (
        ImportJob.objects.filter(pk=job_id, status=status)
        .select_related("created_by", "created_by__organisation")
        .first()
    )


@task
def check_import(job_id: int) -> None:
    if (job := _job(job_id, Status.CHECKING)) is not None:
        with translation.override(job.created_by.language or None):
            _check(job)


def _check(job: ImportJob) -> None:
    try:
        with import_files.plain_copy(job) as path, import_service.checked(path) as checked:
            rows, errors = checked.rows, list(checked.errors)
    except ImportFileError as exc:
        _finish(job, Status.INVALID, message=_file_message(exc))
        return
    except (FileNotFoundError, DecryptionError) as exc:
        _unreadable(job, exc)
        return
    job.rows = rows
    if errors:
        _finish(job, Status.INVALID, problems=_problems(errors), problem_count=len(errors))
        return
    job.status = Status.READY
    job.save(update_fields=["rows", "status", "updated_at"])


@task
def run_import(job_id: int) -> None:
    if (job := _job(job_id, Status.IMPORTING)) is not None:
        with translation.override(job.created_by.language or None):
            _run(job)


def _run(job: ImportJob) -> None:
    actor = job.created_by
    try:
        if not actor.is_active:
            raise PermissionDenied("screening.import")
        with import_files.plain_copy(job) as path:
            result = import_service.import_file(
                path,
                actor=actor,
                progress=lambda handled: import_files.write_progress(job, handled),
            )
    except import_service.ImportInvalid as exc:
        _finish(job, Status.INVALID, problems=_problems(exc.errors), problem_count=len(exc.errors))
        return
    except ImportFileError as exc:
        _finish(job, Status.INVALID, message=_file_message(exc))
        return
    except (FileNotFoundError, DecryptionError) as exc:
        _unreadable(job, exc)
        return
    except PermissionDenied:
        _finish(
            job, Status.FAILED, message=_("The user who uploaded the file may no longer import.")
        )
        return
    except Exception as exc:  # nothing was written: the import is one transaction
        logger.error("import %s failed: %s", job.public_id, type(exc).__name__)
        _finish(
            job,
            Status.FAILED,
            message=_(
                "The import failed and nothing was imported. Try again, or ask an administrator."
            ),
        )
        return
    with transaction.atomic():
        _finish(
            job,
            Status.DONE,
            created_count=result.created,
            duplicates_count=result.duplicates_skipped,
            people_count=result.people_created,
        )
        events.import_finished(actor=actor, job=job)
