"""Guidance: short articles for families, read on a phone, and a conversation planner."""

from pathlib import Path

from flask import Flask
from werkzeug.exceptions import HTTPException

from caregiver.guidance import library


def init_app(app: Flask) -> None:
    """Read, check and render every article now, so a broken one stops start-up."""
    app.config.setdefault("GUIDANCE_CONTENT_DIR", library.CONTENT_DIR)
    articles = library.library(Path(app.config["GUIDANCE_CONTENT_DIR"]))
    adapter = app.url_map.bind("localhost")
    problems = []
    for article in articles.values():
        for link in article.links:
            if not link.startswith("/") or link.startswith("/guidance/"):
                continue
            try:
                adapter.match(link.split("#")[0].split("?")[0], method="GET")
            except HTTPException:  # a redirect too: links should be exact
                problems.append(f"{article.slug}: link '{link}' goes to no page of the app")
    if problems:
        raise library.ContentError("Guidance articles need fixing:\n" + "\n".join(problems))
