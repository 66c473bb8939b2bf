"""Python imports this module at start-up in the processes a test starts with
``pinned_clock.pinned_env()`` (it puts this folder on PYTHONPATH): the process's clock starts at
the test's pinned instant and runs on from there, as a real clock would."""

import os
from datetime import datetime

pinned_at = os.environ.get("CAREGIVER_TEST_PINNED_AT")
if pinned_at:
    import time_machine

    time_machine.travel(datetime.fromisoformat(pinned_at), tick=True).start()
