"""Short warm lines that answer a check-in or a saved entry, shared by every feature.

A line is picked from a small set by a number the caller has at hand (a day, an id), so the
words vary from one tap to the next without chance deciding what a test or a person sees.
"""

from collections.abc import Sequence

# The flash category that shows a line with the brief celebration (see the flashes macro).
CELEBRATE = "celebrate"

CHECK_IN = (
    "Small steps count.",
    "That's one kind thing for yourself.",
    "You showed up for yourself today.",
    "Looking after you matters too.",
)

BOUNDARY = (
    "Holding a boundary takes strength.",
    "You stood by what you decided.",
    "That was not easy. You did it.",
)

ENTRY = (
    "Putting it into words takes courage.",
    "Writing it down can lighten the load.",
    "Thank you for taking this moment for yourself.",
)


def pick(lines: Sequence[str], seed: int) -> str:
    """One of ``lines``, chosen by ``seed``: the same seed always gives the same line."""
    return lines[seed % len(lines)]
