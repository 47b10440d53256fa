"""Screening records. None yet: the indicator engine (`indicators/`) comes first; the
screening, its stored assessment and the uploaded catalogue versions follow (issue 3)."""
