"""Plain-text tables, as in ``Network.summary()`` and the command line's reports."""

from __future__ import annotations

from collections.abc import Sequence


def format_table(rows: Sequence[Sequence[str]], right: int = 0, footer: str = "") -> str:
    """Lay out a header row, a rule, the body, a rule and the footer.

    The last ``right`` columns are right-aligned (numbers), the others left-aligned.

    Examples
    --------
    >>> print(format_table([("name", "n"), ("a", "10")], right=1, footer="total 10"))
    name   n
    --------
    a     10
    --------
    total 10
    """
    widths = [max(len(row[c]) for row in rows) for c in range(len(rows[0]))]
    first_right = len(widths) - right
    lines = [
        "  ".join(
            cell.rjust(width) if j >= first_right else cell.ljust(width)
            for j, (cell, width) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    ]
    rule = "-" * max(len(line) for line in lines)
    return "\n".join([lines[0], rule, *lines[1:], rule, *([footer] if footer else [])])
