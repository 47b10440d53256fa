"""Log filter adding the request id, so a log line can be tied to audit events."""

import logging

from safepath.core.request_context import current_request_id


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True
