"""Named signals a feature sends when something other features may care about has changed.

A feature announces; a feature that must react subscribes from its ``init_app``. Nobody calls
another feature to tell it. Receivers run at once, in the sender's request or process, after the
sender has committed its change.
"""

from blinker import Namespace

_signals = Namespace()

#: A new account was made. Sender: the person (``User``); ``daily_nudge``: they asked for the
#: evening journal nudge the sign-up page offers.
registered = _signals.signal("registered")
#: A person moved to another timezone. Sender: the person (``User``).
timezone_changed = _signals.signal("timezone-changed")
#: A person confirmed their email address. Sender: the person's id.
address_confirmed = _signals.signal("address-confirmed")
#: A goal was added, edited, archived, restored or deleted. Sender: the owner's id; ``goal_id``.
goal_changed = _signals.signal("goal-changed")
#: A meeting's schedule or one of its dates changed, or it went away. Sender: the meeting's id.
meeting_changed = _signals.signal("meeting-changed")
#: A mail server refused a person's address for good (SMTP 5xx on RCPT). Sender: the person's id;
#: ``reason``, ``now``. Receivers change the session only: the outbox commits with the failure.
address_refused = _signals.signal("address-refused")
#: A person followed or left a group, or said they will (or won't) come to a date.
#: Sender: the person (``User``); ``meetings``: the meetings concerned.
plans_changed = _signals.signal("plans-changed")
