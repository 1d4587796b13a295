"""The one list of REST operations kaigi does not serve yet.

Every test names the operations it drives with `@uses("POST /meetings", ...)`; a test that needs
an operation listed here is skipped with the reason shown, never silently dropped. Remove a line
when kaigi starts serving the operation. `KAIGI_COMPAT_ALL=1` runs every test regardless, to see
which lines can go.
"""

import pytest

NOT_SERVED = {
    # A qualifier in brackets names one use of an operation that is otherwise served.
}


def uses(*operations):
    """Marks a test with the REST operations (`METHOD /path-template`, relative to /v1, optionally
    followed by a ` [qualifier]`) it needs."""
    return pytest.mark.uses(*operations)


def missing(operations):
    return [(op, NOT_SERVED[op]) for op in operations if op in NOT_SERVED]
