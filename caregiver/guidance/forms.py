"""Conversation planner forms: they check the answers and the script alone (presence, length)."""

from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from caregiver.guidance.conversation_script import Answers
from caregiver.i18n import format_count
from caregiver.i18n import lazy_gettext as _l

ANSWER_MAX = 400
SCRIPT_MAX = 5_000


def _too_long(limit: int) -> Length:
    return Length(
        max=limit,
        message=_l(
            "Please keep this to %(num)s characters or fewer. Your words are still here.",
            num=format_count(limit),
        ),
    )


def _answer(label, description, required=None):
    checks = [DataRequired(required)] if required else []
    return TextAreaField(
        label,
        [*checks, _too_long(ANSWER_MAX)],
        description=description,
        render_kw={"rows": 2, "autocomplete": "off", "spellcheck": "true"},
    )


class PlanForm(FlaskForm):
    noticed = _answer(
        _l("1. What I noticed"),
        _l(
            "One thing they did that you saw or heard. Talk about the action, not the person, "
            "and skip words like “always” and “never”. For example: you missed dinner with us "
            "three times this week."
        ),
        required=_l("Write one thing you noticed."),
    )
    feel = _answer(
        _l("2. How I feel"),
        _l(
            "Name your feeling. One word is enough. Some people feel scared, worried, sad, "
            "tired, hurt, alone or hopeful."
        ),
        required=_l("Write how you feel. One word is enough."),
    )
    would_like = _answer(
        _l("3. What I would like"),
        _l(
            "Say what you want to happen, not what you don't want. Keep it small and clear. "
            "For example: come to dinner with us on Sunday."
        ),
        required=_l("Write what you would like to happen."),
    )
    offer = _answer(
        _l("4. How I can help (optional)"),
        _l("Something you can do to make it easier. For example: drive you to the appointment."),
    )
    when_where = _answer(
        _l("5. When and where to talk (optional)"),
        _l(
            "Pick a calm time: not during a fight, and not when they are high or sick from "
            "withdrawal. For example: Sunday morning, on a walk."
        ),
    )
    if_badly = _answer(
        _l("6. What I will do if it goes badly (optional)"),
        _l(
            "A way to stay calm and safe. For example: I will stop, leave the room and try "
            "again another day."
        ),
    )

    def answers(self) -> Answers:
        """The checked answers as plain values for the script."""
        return Answers(
            noticed=self.noticed.data or "",
            feel=self.feel.data or "",
            would_like=self.would_like.data or "",
            offer=self.offer.data or "",
            when_where=self.when_where.data or "",
            if_badly=self.if_badly.data or "",
        )


class ScriptForm(FlaskForm):
    script = TextAreaField(
        _l("Your script"),
        [
            DataRequired(_l("The script is empty. Write what you want to say, then save.")),
            _too_long(SCRIPT_MAX),
        ],
        description=_l(
            "Change anything you like so it sounds like you. Reading it out loud a few times helps."
        ),
        render_kw={"rows": 14, "autocomplete": "off", "spellcheck": "true"},
    )
