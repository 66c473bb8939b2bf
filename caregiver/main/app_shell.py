"""What makes the site an app on a phone's home screen: its manifest and its offline shell.

The service worker keeps only files that are the same for everyone (the offline page, styles,
script, icons). A private page is never stored on the device, so a phone that someone else picks
up holds nothing from a journal even with the network cut.
"""

import hashlib
from pathlib import Path

from flask import current_app, url_for

from caregiver import crisis, mail
from caregiver.i18n import gettext

# Fetched and kept when the worker installs; everything else under /static/ is kept on first use.
SHELL_FILES = (
    "css/app.css",
    "js/app.js",
    "icons/sprite.svg",
    "icons/icon.svg",
    "icons/notes.svg",
)

# Discreet mode shows the app as a plain notes app: on the home screen, in the task switcher.
ICONS = {False: "app", True: "notes"}
BACKGROUND = {False: "#2f5d62", True: "#f2c14e"}


def manifest(discreet: bool) -> dict:
    """The web app manifest, in plain or discreet dress."""
    name = short_name = mail.app_name(discreet)
    icon = ICONS[discreet]
    icons = [
        {
            "src": url_for("static", filename=f"icons/{icon}{kind}-{size}.png"),
            "sizes": f"{size}x{size}",
            "type": "image/png",
            "purpose": purpose,
        }
        for kind, purpose in (("", "any"), ("-maskable", "maskable"))
        for size in (192, 512)
    ]
    return {
        "name": name,
        "short_name": short_name,
        "description": ""
        if discreet
        else gettext("Support for families of people who use opioids."),
        "id": "/",
        "start_url": url_for("main.index"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": BACKGROUND[discreet],
        "icons": icons,
    }


def shell_urls() -> list[str]:
    """The addresses the service worker fetches and keeps when it installs."""
    return [url_for("main.offline")] + [url_for("static", filename=name) for name in SHELL_FILES]


def shell_version() -> str:
    """A digest of every file the worker keeps: a new release gets a new cache, the old one goes."""
    version = current_app.extensions.get("shell_version")
    if version is None:
        digest = hashlib.sha256()
        static = Path(current_app.static_folder)
        templates = Path(current_app.root_path) / "templates"
        for path in [static / name for name in SHELL_FILES] + [
            templates / "main" / "offline.html",
            templates / "main" / "sw.js",
            crisis.deployment_file(current_app.config),
        ]:
            digest.update(path.read_bytes())
        version = current_app.extensions["shell_version"] = digest.hexdigest()[:16]
    return version
