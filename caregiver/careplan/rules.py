"""The care plan's fixed lists and input rules: pure functions, shared by forms and imports."""

import re
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email

# What can happen on the loved one's path, in the order the form offers it.
EVENT_KINDS = {
    "first_talk": "First conversation about getting help",
    "helpline": "Called a helpline",
    "assessment": "Assessment",
    "detox_started": "Detox started",
    "detox_finished": "Detox finished",
    "medication": "Medication started or changed",
    "medication_stopped": "Medication stopped",
    "residential": "Residential program",
    "outpatient": "Outpatient program",
    "sober_living": "Sober living",
    "support_group": "Support group or NA",
    "relapse": "Relapse",
    "overdose": "Overdose",
    "back_in_treatment": "Back in treatment",
    "milestone": "Milestone",
    "other": "Something else",
}
MEDICATION_KINDS = {"medication", "medication_stopped"}
MEDICATIONS = {
    "methadone": "Methadone",
    "buprenorphine": "Buprenorphine",
    "naltrexone": "Naltrexone",
    "other": "Another medication",
}
PROGRAM_KINDS = {
    "detox": "Detox",
    "residential": "Residential",
    "outpatient": "Outpatient or intensive outpatient",
    "otp": "Opioid treatment program (methadone)",
    "prescriber": "Buprenorphine prescriber",
    "counselling": "Counselling",
    "family_therapy": "Family therapy",
    "sober_living": "Sober living",
    "support_group": "Support group",
}
INSURANCE = {"unknown": "Not sure yet", "yes": "Yes", "no": "No"}
PROGRAM_STATUSES = {
    "to_call": "To call",
    "called": "Called",
    "visited": "Visited",
    "waitlisted": "Waitlisted",
    "chosen": "Chosen",
    "ruled_out": "Ruled out",
}
CONTACT_ROLES = {
    "counsellor": "Counsellor",
    "doctor": "Doctor",
    "case_manager": "Program case manager",
    "sponsor": "Sponsor or group contact",
    "family": "Family or friend sharing the load",
    "other": "Someone else",
}
# Questions worth asking every program. The bit of each is stored, so never reorder them:
# add new ones at the end.
QUESTIONS = {
    "accredited": "Is it licensed and accredited?",
    "moud": "Does it offer medication for opioid use disorder, or keep someone on theirs?",
    "family": "How does it involve the family?",
    "aftercare": "What is the plan for after the program ends?",
    "cost": "What will it cost, and does it take our insurance?",
}
SUGGESTED_DOCUMENTS = (
    "Insurance card (front and back)",
    "Photo ID",
    "List of current medications",
    "Referral or assessment letter",
    "Pre-authorization approval",
    "Signed release so the program can talk with family",
)

PHONE_RE = re.compile(r"^\+?[\d\s().\-/]*(?:\s*(?:ext\.?|x|#)\s*\d+)?$", re.IGNORECASE)


def phone_problem(text: str) -> str | None:
    """Why this is not a phone number, or None; lenient, since people type them many ways."""
    digits = sum(c.isdigit() for c in text)
    if not PHONE_RE.match(text.strip()) or digits < 3:
        return "Enter a phone number using digits, like 555-123-4567 (spaces, + and ext. are fine)."
    if digits > 20:
        return "That phone number has too many digits."
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
        return "Enter a web address like https://example.org, without brackets."
    if parts.scheme not in ("http", "https"):
        return "Enter a web address starting with http:// or https://."
    host = parts.hostname or ""
    if "." not in host or any(c.isspace() for c in text.strip()):
        return "Enter a web address like https://example.org."
    return None


def email_problem(text: str) -> str | None:
    """Why this is not an email address, or None."""
    try:
        validate_email(text.strip(), check_deliverability=False)
    except EmailNotValidError:
        return "Enter an email address like name@example.org."
    return None


def checklist_bits(keys) -> int:
    """The stored bits for a set of ticked question keys (unknown keys are ignored)."""
    return sum(1 << n for n, key in enumerate(QUESTIONS) if key in set(keys))


def ticked(bits: int) -> list[str]:
    """The question keys ticked in ``bits``, in checklist order."""
    return [key for n, key in enumerate(QUESTIONS) if bits & (1 << n)]
