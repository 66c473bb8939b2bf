"""The floor of the load scoreboard: a bare Flask app served by the same gunicorn settings.

``/`` answers a short string; ``/template`` renders a small template, the least any page of
Caregiver does. Every page's requests per second is divided by ``/``'s, measured in the same
round, so the ratio says what the app costs above Flask and gunicorn themselves.
"""

from flask import Flask, render_template_string

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><main><h1>{{ title }}</h1><ul>{% for item in items %}<li>{{ item }}</li>{% endfor %}</ul>
</main></body></html>"""

app = Flask(__name__)


@app.route("/")
def hello() -> str:
    return "Hello"


@app.route("/template")
def template() -> str:
    return render_template_string(PAGE, title="Hello", items=["one", "two", "three"])
