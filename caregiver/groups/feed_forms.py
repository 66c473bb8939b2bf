"""The form for importing meetings from a Meeting Guide feed: it checks the input alone."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileSize
from wtforms import HiddenField, TextAreaField

from caregiver.forms import TimezoneField
from caregiver.groups.feed import MAX_FEED_BYTES
from caregiver.i18n import lazy_gettext as _l


class ImportForm(FlaskForm):
    text = TextAreaField(
        _l("Paste the feed"),
        description=_l("The JSON list of meetings, starting with [ and ending with ]."),
        render_kw={"rows": 8, "spellcheck": "false", "autocomplete": "off"},
    )
    file = FileField(
        _l("Or choose a .json file"),
        [
            FileAllowed(["json"], _l("Choose a file whose name ends in .json.")),
            FileSize(MAX_FEED_BYTES, message=_l("Choose a file smaller than 2 MB.")),
        ],
        render_kw={"accept": ".json,application/json"},
    )
    timezone = TimezoneField(
        _l("Timezone for meetings that don't give one"),
        description=_l(
            "Most feeds give each meeting's timezone; this is used only when one doesn't."
        ),
    )
    # "preview" shows what would happen; "import" (the button under the preview) saves it.
    step = HiddenField(default="preview")

    @property
    def confirmed(self) -> bool:
        return self.step.data == "import"
