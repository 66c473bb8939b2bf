"""The care plan's fixed lists and input rules: pure functions, shared by forms and imports."""

import re
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email

from caregiver.i18n import gettext
from caregiver.i18n import lazy_gettext as _l

# What can happen on the loved one's path, in the order the form offers it.
EVENT_KINDS = {
    "first_talk": _l("First conversation about getting help"),
    "helpline": _l("Called a helpline"),
    "assessment": _l("Assessment"),
    "detox_started": _l("Detox started"),
    "detox_finished": _l("Detox finished"),
    "medication": _l("Medication started or changed"),
    "medication_stopped": _l("Medication stopped"),
    "residential": _l("Residential program"),
    "outpatient": _l("Outpatient program"),
    "sober_living": _l("Sober living"),
    "support_group": _l("Support group or NA"),
    "relapse": _l("Relapse"),
    "overdose": _l("Overdose"),
    "back_in_treatment": _l("Back in treatment"),
    "milestone": _l("Milestone"),
    "other": _l("Something else"),
}
MEDICATION_KINDS = {"medication", "medication_stopped"}
MEDICATIONS = {
    "methadone": _l("Methadone"),
    "buprenorphine": _l("Buprenorphine"),
    "naltrexone": _l("Naltrexone"),
    "other": _l("Another medication"),
}
PROGRAM_KINDS = {
    "detox": _l("Detox"),
    "residential": _l("Residential"),
    "outpatient": _l("Outpatient or intensive outpatient"),
    "otp": _l("Opioid treatment program (methadone)"),
    "prescriber": _l("Buprenorphine prescriber"),
    "counselling": _l("Counselling"),
    "family_therapy": _l("Family therapy"),
    "sober_living": _l("Sober living"),
    "support_group": _l("Support group"),
}
INSURANCE = {"unknown": _l("Not sure yet"), "yes": _l("Yes"), "no": _l("No")}
PROGRAM_STATUSES = {
    "to_call": _l("To call"),
    "called": _l("Called"),
    "visited": _l("Visited"),
    "waitlisted": _l("Waitlisted"),
    "chosen": _l("Chosen"),
    "ruled_out": _l("Ruled out"),
}
CONTACT_ROLES = {
    "counsellor": _l("Counsellor"),
    "doctor": _l("Doctor"),
    "case_manager": _l("Program case manager"),
    "sponsor": _l("Sponsor or group contact"),
    "family": _l("Family or friend sharing the load"),
    "other": _l("Someone else"),
}
# Questions worth asking every program. The bit of each is stored, so never reorder them:
# add new ones at the end.
QUESTIONS = {
    "accredited": _l("Is it licensed and accredited?"),
    "moud": _l("Does it offer medication for opioid use disorder, or keep someone on theirs?"),
    "family": _l("How does it involve the family?"),
    "aftercare": _l("What is the plan for after the program ends?"),
    "cost": _l("What will it cost, and does it take our insurance?"),
}
SUGGESTED_DOCUMENTS = (
    _l("Insurance card (front and back)"),
    _l("Photo ID"),
    _l("List of current medications"),
    _l("Referral or assessment letter"),
    _l("Pre-authorization approval"),
    _l("Signed release so the program can talk with family"),
)

PHONE_RE = re.compile(r"^\+?[\d\s().\-/]*(?:\s*(?:ext\.?|x|#)\s*\d+)?$", re.IGNORECASE)


def phone_problem(text: str) -> str | None:
    """Why this is not a phone number, or None; lenient, since people type them many ways."""
    digits = sum(c.isdigit() for c in text)
    if not PHONE_RE.match(text.strip()) or digits < 3:
        return gettext(
            "Enter a phone number using digits, like 555-123-4567 (spaces, + and ext. are fine)."
        )
    if digits > 20:
        return gettext("That phone number has too many digits.")
    return None


def tel_href(text: str) -> str:
    """A ``tel:`` link for a phone number as typed: its leading + and digits, up to any ext."""
    main = re.split(r"(?i)ext|x|#", text, maxsplit=1)[0]
    digits = "".join(c for c in main if c.isdigit())
    return "tel:" + ("+" if main.strip().startswith("+") else "") + digits


def normalize_url(text: str) -> str:
    """The address with https:// added when no scheme was typed ("example.org")."""
    text = text.strip()
    if text and "://" not in text and not text.lower().startswith(("mailto:", "javascript:")):
        return "https://" + text
    return text


def url_problem(text: str) -> str | None:
    """Why this is not a web address we will link to, or None."""
    try:
        parts = urlsplit(normalize_url(text))
    except ValueError:  # a "[" reads as the start of an IPv6 address that never closes
        return gettext("Enter a web address like https://example.org, without brackets.")
    if parts.scheme not in ("http", "https"):
        return gettext("Enter a web address starting with http:// or https://.")
    host = parts.hostname or ""
    if "." not in host or any(c.isspace() for c in text.strip()):
        return gettext("Enter a web address like https://example.org.")
    return None


def email_problem(text: str) -> str | None:
    """Why this is not an email address, or None."""
    try:
        validate_email(text.strip(), check_deliverability=False)
    except EmailNotValidError:
        return gettext("Enter an email address like name@example.org.")
    return None


def checklist_bits(keys) -> int:
    """The stored bits for a set of ticked question keys (unknown keys are ignored)."""
    return sum(1 << n for n, key in enumerate(QUESTIONS) if key in set(keys))


def ticked(bits: int) -> list[str]:
    """The question keys ticked in ``bits``, in checklist order."""
    return [key for n, key in enumerate(QUESTIONS) if bits & (1 << n)]
