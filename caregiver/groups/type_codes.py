"""Meeting type codes of the Meeting Guide format: which exist, what they mean, and which of
them a meeting's own settings say.

A meeting made here carries the codes its settings imply. A meeting read from someone's feed
keeps the codes that feed gave, in its order, so that T or LGBTQ come back out and nothing is
added that the source never said (no O for "open" when it said neither O nor C).
"""

OPEN = "O"
CLOSED = "C"
WHEELCHAIR = "X"
CHILDCARE = "BA"  # "Babysitting Available"; the spec names "Child Care Available" as its synonym
NEWCOMERS = "BE"  # "Newcomer"

# Our language codes (ISO 639-1, and "asl") with the spec's type code for each. Chinese,
# Vietnamese and Haitian Creole have no code in the spec, so those meetings carry none.
LANGUAGE_TYPES = {
    "en": "EN",
    "es": "S",
    "fr": "FR",
    "pt": "POR",
    "ko": "KOR",
    "tl": "TL",
    "ar": "AR",
    "ru": "RUS",
    "pl": "POL",
    "de": "DE",
    "it": "ITA",
    "hi": "HI",
    "ja": "JA",
    "asl": "ASL",
}

# Every code in the spec's current table, with a plain English name to show on a meeting page.
# Proposed codes are left out until the spec adopts them: an importer ignores what it doesn't know.
SPEC_TYPES = {
    "11": "11th Step meditation",
    "12x12": "12 Steps and 12 Traditions",
    "A": "Secular",
    "ABSI": "As Bill Sees It",
    "AF": "Afrikaans",
    "AL": "Alongside Alateen",
    "AL-AN": "Alongside Al-Anon",
    "AM": "Amharic",
    "AR": "Arabic",
    "ASL": "American Sign Language",
    "B": "Big Book",
    "BA": "Childcare",
    "BE": "Newcomers welcome",
    "BG": "Bulgarian",
    "BI": "Bisexual",
    "BRK": "Breakfast",
    "C": "Members only",
    "CAN": "Candlelight",
    "CF": "Children welcome",
    "D": "Discussion",
    "DA": "Danish",
    "DB": "Digital basket",
    "DD": "Dual diagnosis",
    "DE": "German",
    "DR": "Daily Reflections",
    "EL": "Greek",
    "EN": "English",
    "FA": "Persian",
    "FF": "Fragrance free",
    "FI": "Finnish",
    "FR": "French",
    "G": "Gay",
    "GR": "Grapevine",
    "H": "Birthday",
    "HE": "Hebrew",
    "HI": "Hindi",
    "HR": "Croatian",
    "HU": "Hungarian",
    "IS": "Icelandic",
    "ITA": "Italian",
    "JA": "Japanese",
    "KA": "Georgian",
    "KOR": "Korean",
    "L": "Lesbian",
    "LGBTQ": "LGBTQ",
    "LIT": "Literature",
    "LS": "Living Sober",
    "LT": "Lithuanian",
    "M": "Men",
    "MED": "Meditation",
    "ML": "Malayalam",
    "MT": "Maltese",
    "N": "Native American",
    "NB": "Non-binary",
    "NDG": "Indigenous",
    "NE": "Nepali",
    "NL": "Dutch",
    "NO": "Norwegian",
    "O": "Open to anyone",
    "OUT": "Outdoor",
    "P": "Professionals",
    "POA": "Proof of attendance",
    "POC": "People of color",
    "POL": "Polish",
    "POR": "Portuguese",
    "PUN": "Punjabi",
    "RUS": "Russian",
    "S": "Spanish",
    "SEN": "Seniors",
    "SK": "Slovak",
    "SL": "Slovenian",
    "SM": "Smoking allowed",
    "SP": "Speaker",
    "ST": "Step study",
    "SV": "Swedish",
    "T": "Transgender",
    "TC": "Building closed for now",
    "TH": "Thai",
    "TL": "Tagalog",
    "TR": "Tradition study",
    "TUR": "Turkish",
    "UK": "Ukrainian",
    "W": "Women",
    "X": "Wheelchair accessible",
    "XB": "Wheelchair-accessible bathroom",
    "XT": "Cross talk allowed",
    "Y": "Young people",
}

# The codes a meeting's own settings decide; every other code is only ever kept from a feed.
SETTINGS_CODES = frozenset({OPEN, CLOSED, WHEELCHAIR, CHILDCARE, NEWCOMERS})


def settings_codes(meeting) -> list[str]:
    """The codes a meeting's settings say (a Meeting or MeetingData): open, access, language."""
    codes = [OPEN if meeting.open_to_all else CLOSED]
    if meeting.wheelchair:
        codes.append(WHEELCHAIR)
    if meeting.childcare:
        codes.append(CHILDCARE)
    if meeting.beginners:
        codes.append(NEWCOMERS)
    if meeting.language in LANGUAGE_TYPES:
        codes.append(LANGUAGE_TYPES[meeting.language])
    return codes


def spec_codes(values) -> list[str]:
    """The spec's codes among ``values``, each once, in the order given."""
    return [code for code in dict.fromkeys(values) if code in SPEC_TYPES]


def split(text: str | None) -> list[str]:
    """Stored codes ("T,LGBTQ") as a list."""
    return [code for code in (text or "").split(",") if code]


def after_edit(kept: list[str], before, after) -> list[str]:
    """A feed meeting's codes once a facilitator saved new settings: a setting they changed is
    now said; what the feed said about the rest stays as it was."""
    changed = set(settings_codes(before)) ^ set(settings_codes(after))
    codes = [code for code in kept if code not in changed]
    return codes + [code for code in settings_codes(after) if code in changed]


def extra_names(meeting) -> list[str]:
    """Names of a meeting's codes that its settings don't already show (like Transgender)."""
    shown = SETTINGS_CODES | {LANGUAGE_TYPES.get(meeting.language)}
    return [SPEC_TYPES[code] for code in split(meeting.feed_types) if code not in shown]
