"""Small pieces of wording the groups pages share, in the language of the page."""

from caregiver.i18n import gettext


def and_list(items: list[str]) -> str:
    """Words joined as a reader says them: "A", "A and B", "A, B and C"."""
    if len(items) < 2:
        return "".join(items)
    return gettext("%(first)s and %(last)s", first=", ".join(items[:-1]), last=items[-1])
