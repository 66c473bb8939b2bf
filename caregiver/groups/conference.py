"""Which meeting links the apps that read meeting feeds accept.

Meeting finders built on the Meeting Guide format only show a link to a videoconferencing
service they know, and launch it straight into the room; any other link is dropped, and an
online meeting without a way in is listed as inactive. So a link we publish must be one of these.
"""

from urllib.parse import urlsplit

from caregiver.groups.words import and_list
from caregiver.i18n import gettext

# Domain (the link's host or a parent of it) and the name people know the service by.
PROVIDERS = {
    "bluejeans.com": "BlueJeans",
    "discord.com": "Discord",
    "discord.gg": "Discord",
    "freeconference.com": "Free Conference",
    "freeconferencecall.com": "FreeConferenceCall",
    "goto.com": "GoTo Meeting",
    "gotomeet.me": "GoTo Meeting",
    "gotomeeting.com": "GoTo Meeting",
    "meet.google.com": "Google Meet",
    "meet.jit.si": "Jitsi Meet",
    "meetings.dialpad.com": "Dialpad",
    "skype.com": "Skype",
    "teams.live.com": "Microsoft Teams",
    "teams.microsoft.com": "Microsoft Teams",
    "webex.com": "Webex",
    "zoho.com": "Zoho Meeting",
    "zoom.us": "Zoom",
}


def provider_names() -> str:
    """The accepted services as one readable list: "BlueJeans, Discord, … and Zoom"."""
    names = sorted(set(PROVIDERS.values()), key=str.casefold)
    return and_list(names)


def provider(url: str) -> str | None:
    """The service a link belongs to, or None when meeting apps wouldn't accept it."""
    try:
        host = (urlsplit(url).hostname or "").rstrip(".").lower()
    except ValueError:
        return None
    for domain, name in PROVIDERS.items():
        if host == domain or host.endswith("." + domain):
            return name
    return None


def unaccepted_message() -> str:
    """What to tell a facilitator whose public link meeting apps would drop."""
    return gettext(
        "Meeting apps only show links from %(providers)s. "
        "Use one of those, or turn off “Show the link to everyone”.",
        providers=provider_names(),
    )
