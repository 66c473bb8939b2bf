"""Short warm lines that answer a check-in or a saved entry, shared by every feature.

A line is picked from a small set by a number the caller has at hand (a day, an id), so the
words vary from one tap to the next without chance deciding what a test or a person sees.
"""

from collections.abc import Sequence

from caregiver.i18n import lazy_gettext as _l

# The flash category that shows a line with the brief celebration (see the flashes macro).
CELEBRATE = "celebrate"

# Each line is said in the language of the moment it is shown.
CHECK_IN = (
    _l("Small steps count."),
    _l("That's one kind thing for yourself."),
    _l("You showed up for yourself today."),
    _l("Looking after you matters too."),
)

BOUNDARY = (
    _l("Holding a boundary takes strength."),
    _l("You stood by what you decided."),
    _l("That was not easy. You did it."),
)

ENTRY = (
    _l("Putting it into words takes courage."),
    _l("Writing it down can lighten the load."),
    _l("Thank you for taking this moment for yourself."),
)


def pick(lines: Sequence, seed: int) -> str:
    """One of ``lines``, chosen by ``seed`` and put in the current language: the same seed always
    gives the same line."""
    return str(lines[seed % len(lines)])
