"""What a failed import reports: every problem, each with its service and JSON pointer."""

from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One error: which service (index in the file and id), where (JSON pointer inside
    that service), what."""

    item: int | None
    service_id: str
    pointer: str
    message: str

    def __str__(self) -> str:
        where = "file" if self.item is None else f"service {self.item}"
        if self.service_id:
            where += f" ({self.service_id})"
        return f"{where} {self.pointer or '/'}: {self.message}"


class ImportFailed(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} error(s)")
        self.problems = problems


def errors_text(problems: list[Problem]) -> Iterator[str]:
    for problem in problems:
        yield str(problem)
