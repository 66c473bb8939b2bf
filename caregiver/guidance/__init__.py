"""Guidance: short articles for families, read on a phone, and a conversation planner."""

from pathlib import Path

from flask import Flask
from werkzeug.exceptions import HTTPException

from caregiver.guidance import library


def init_app(app: Flask) -> None:
    """Read, check and render every article in every language now, so a broken one stops
    start-up."""
    app.config.setdefault("GUIDANCE_CONTENT_DIR", library.CONTENT_DIR)
    languages = library.libraries(Path(app.config["GUIDANCE_CONTENT_DIR"]))
    adapter = app.url_map.bind("localhost")
    problems = []
    for language, articles in languages.items():
        where = "" if language == "en" else f"{language}/"
        for article in articles.values():
            if where and article is languages["en"].get(article.slug):
                continue  # not translated yet: the English article, checked already
            for link in article.links:
                if not link.startswith("/") or link.startswith("/guidance/"):
                    continue
                try:
                    adapter.match(link.split("#")[0].split("?")[0], method="GET")
                except HTTPException:  # a redirect too: links should be exact
                    problems.append(
                        f"{where}{article.slug}: link '{link}' goes to no page of the app"
                    )
    if problems:
        raise library.ContentError("Guidance articles need fixing:\n" + "\n".join(problems))
