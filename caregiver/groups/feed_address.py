"""Reading the one-line ``formatted_address`` of a Meeting Guide feed into its parts.

The spec gives two shapes: a street address ("4953 W Addison St, Chicago, IL 60641, USA") and,
for online meetings, an approximate place ("Chicago, IL, USA", "London, UK"). Only a part that
starts like a street (with a house number) is read as a street, so a city is never taken for one.
"""

import re

REGION_AND_POSTAL = re.compile(r"^(?P<region>\D*?)\s*(?P<postal>\S*\d.*)?$")


def _has_number(part: str) -> bool:
    return any(character.isdigit() for character in part)


def split_address(formatted: str) -> dict[str, str]:
    """The parts of a one-line address: address, city, region, postal_code, country."""
    parts = [part.strip() for part in formatted.split(",") if part.strip()]
    found: dict[str, str] = {}
    if len(parts) >= 2:
        found["country"] = parts.pop()
    if len(parts) >= 2 and _has_number(parts[-1]):
        # "IL 62701" or "London SW1A 2AA": a region (maybe none) and a postal code.
        region_line = REGION_AND_POSTAL.match(parts.pop())
        found["region"] = region_line["region"] if region_line else ""
        found["postal_code"] = (region_line["postal"] or "") if region_line else ""
    elif len(parts) >= 3 or (len(parts) == 2 and not _has_number(parts[0])):
        found["region"] = parts.pop()  # "Chicago, IL": a city and its state
    if len(parts) == 1 and _has_number(parts[0]) and found.get("region"):
        # "10 Downing St, London SW1A 2AA, UK": the city came with the postal code.
        found["city"] = found.pop("region")
        found["address"] = parts[0]
    elif parts and _has_number(parts[0]):
        found["city"] = parts.pop()
        found["address"] = ", ".join(parts)
    elif parts:
        found["city"] = ", ".join(parts)  # "Wicker Park, Chicago": a neighbourhood, no street
    return {key: value for key, value in found.items() if value}
