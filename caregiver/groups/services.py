"""Group decisions: creating and running groups, who facilitates, following and RSVPs."""

import re
import unicodedata
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import delete, func, select

from caregiver import clock
from caregiver.auth.models import User
from caregiver.auth.services import find_by_email
from caregiver.errors import FieldError
from caregiver.extensions import db
from caregiver.groups.models import (
    GROUP_KINDS,
    LANGUAGES,
    GroupFacilitator,
    Meeting,
    SupportGroup,
)
from caregiver.i18n import format_count, gettext

GROUP_NAME_MAX = 120
DESCRIPTION_MAX = 2000


class NotAllowed(Exception):
    """The person may not change this group (the view answers 403, or 404 if it is unlisted)."""


@dataclass
class GroupData:
    name: str
    description: str = ""
    kind: str = "family"
    languages: tuple[str, ...] = ("en",)
    contact_email: str = ""
    listed: bool = True


def slugify(text: str) -> str:
    """A lower-case ASCII slug for a URL ("Tuesday Parents' Circle" -> "tuesday-parents-circle")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60] or "group"


def _check_group(data: GroupData) -> GroupData:
    name = " ".join(data.name.split())
    if not name:
        raise FieldError("name", gettext("Give the group a name."))
    if len(name) > GROUP_NAME_MAX:
        raise FieldError(
            "name",
            gettext("Keep the name to %(limit)s characters or fewer.", limit=GROUP_NAME_MAX),
        )
    if data.kind not in GROUP_KINDS:
        raise FieldError("kind", gettext("Choose what kind of group this is."))
    languages = tuple(code for code in data.languages if code in LANGUAGES)
    if not languages:
        raise FieldError("languages", gettext("Choose at least one language the group meets in."))
    description = data.description.strip()
    if len(description) > DESCRIPTION_MAX:
        raise FieldError(
            "description",
            gettext(
                "Keep the description to %(limit)s characters.", limit=format_count(DESCRIPTION_MAX)
            ),
        )
    email = data.contact_email.strip()
    if email:
        try:
            email = validate_email(email, check_deliverability=False).normalized
        except EmailNotValidError as error:
            raise FieldError(
                "contact_email", gettext("Enter an email address like name@example.org.")
            ) from error
    return GroupData(name, description, data.kind, languages, email, data.listed)


def _fill_group(group: SupportGroup, data: GroupData) -> None:
    group.name = data.name
    group.description = data.description
    group.kind = data.kind
    group.languages = ",".join(data.languages)
    group.contact_email = data.contact_email or None
    group.listed = data.listed
    group.updated_at = clock.now()


# Paths of the groups pages themselves: a group named "New" must not hide the new-group form.
RESERVED_SLUGS = {"new", "manage", "meetings"}


def _free_slug(name: str) -> str:
    base = slugify(name)
    if base in RESERVED_SLUGS:
        base = f"{base}-group"
    taken = set(
        db.session.scalars(
            select(SupportGroup.slug).where(
                (SupportGroup.slug == base) | SupportGroup.slug.like(f"{base}-%")
            )
        )
    )
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def create_group(user: User, data: GroupData) -> SupportGroup:
    """Check and save a new group, run by the person who made it."""
    data = _check_group(data)
    group = SupportGroup(slug=_free_slug(data.name))
    _fill_group(group, data)
    db.session.add(group)
    db.session.flush()
    db.session.add(GroupFacilitator(group_id=group.id, user_id=user.id))
    db.session.commit()
    return group


def update_group(group: SupportGroup, data: GroupData) -> None:
    """Check and save a group's new details (its link stays the same)."""
    _fill_group(group, _check_group(data))
    db.session.commit()


def delete_group(group: SupportGroup) -> None:
    """Remove a group with its meetings, follows and RSVPs."""
    db.session.delete(group)
    db.session.commit()


def group_by_slug(slug: str) -> SupportGroup | None:
    """A group by its link, listed or not."""
    return db.session.scalar(select(SupportGroup).where(SupportGroup.slug == slug))


def facilitates(user, group_id: int) -> bool:
    """Whether this person runs this group."""
    if not user.is_authenticated:
        return False
    return db.session.get(GroupFacilitator, (group_id, user.id)) is not None


def require_facilitator(user, group: SupportGroup) -> None:
    """Raise NotAllowed unless the person runs this group."""
    if not facilitates(user, group.id):
        raise NotAllowed(group.slug)


def facilitators_of(group_id: int) -> list[User]:
    """The people who run a group, in the order they were added."""
    return list(
        db.session.scalars(
            select(User)
            .join(GroupFacilitator, GroupFacilitator.user_id == User.id)
            .where(GroupFacilitator.group_id == group_id)
            .order_by(GroupFacilitator.added_at, User.id)
        )
    )


def add_cofacilitator(group: SupportGroup, email: str) -> User:
    """Let another approved facilitator run this group too."""
    try:
        email = validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise FieldError(
            "email", gettext("Enter an email address like name@example.org.")
        ) from error
    person = find_by_email(email)
    if person is None or not person.has_role("facilitator"):
        raise FieldError(
            "email",
            gettext(
                "There is no approved facilitator with that address. Ask them to sign up and "
                "request to facilitate first."
            ),
        )
    if facilitates(person, group.id):
        raise FieldError(
            "email", gettext("%(name)s already runs this group.", name=person.display_name)
        )
    db.session.add(GroupFacilitator(group_id=group.id, user_id=person.id))
    db.session.commit()
    return person


def remove_facilitator(group: SupportGroup, user_id: int) -> None:
    """Stop someone running a group; a group always keeps at least one facilitator."""
    if len(facilitators_of(group.id)) <= 1:
        raise FieldError(
            "user", gettext("A group needs at least one facilitator. Add someone else first.")
        )
    db.session.execute(
        delete(GroupFacilitator).where(
            GroupFacilitator.group_id == group.id, GroupFacilitator.user_id == user_id
        )
    )
    db.session.commit()


def groups_run_by(user_id: int) -> list[SupportGroup]:
    """The groups a facilitator runs, by name."""
    return list(
        db.session.scalars(
            select(SupportGroup)
            .join(GroupFacilitator, GroupFacilitator.group_id == SupportGroup.id)
            .where(GroupFacilitator.user_id == user_id)
            .order_by(SupportGroup.name)
        )
    )


def listed_groups(kind: str | None = None) -> list[tuple[SupportGroup, int]]:
    """Listed groups with how many meetings each has, by name."""
    count = (
        select(func.count(Meeting.id)).where(Meeting.group_id == SupportGroup.id).scalar_subquery()
    )
    query = select(SupportGroup, count).where(SupportGroup.listed).order_by(SupportGroup.name)
    if kind in GROUP_KINDS:
        query = query.where(SupportGroup.kind == kind)
    return [(group, meetings) for group, meetings in db.session.execute(query)]


def meetings_of(group_id: int) -> list[Meeting]:
    """A group's meetings, by name."""
    return list(
        db.session.scalars(
            select(Meeting).where(Meeting.group_id == group_id).order_by(Meeting.name)
        )
    )
