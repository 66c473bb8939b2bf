"""The bytes a message goes out as: parsed back by the standard library, they say what was meant."""

from email import message_from_bytes, policy

import pytest

from caregiver.mail import Message

SENDER = "Caregiver <no-reply@caregiver.example>"


def parsed(message: Message):
    data = message.to_bytes(SENDER)
    assert data.count(b"\n") == data.count(b"\r\n"), "every line ends in CRLF, as SMTP wants"
    return message_from_bytes(data, policy=policy.default)


def test_text_and_html_round_trip_with_unicode_and_leading_dots():
    text = "Hello Zoë,\n.a line that starts with a dot\n" + "long words " * 20 + "  \n"
    html = "<p>Hello Zoë — see you Thursday</p>\n<p>=_ not a boundary</p>\n"
    email = parsed(
        Message(
            to="zoe@example.org",
            subject="Réunion: Thursday family group",
            text=text,
            html=html,
            headers={"Message-ID": "<fixed@caregiver.example>", "List-Unsubscribe-Post": "x"},
        )
    )
    assert email["Subject"] == "Réunion: Thursday family group"
    assert (email["From"], email["To"]) == (SENDER, "zoe@example.org")
    assert email["Message-ID"] == "<fixed@caregiver.example>"
    assert email["List-Unsubscribe-Post"] == "x"
    assert email.get_content_type() == "multipart/alternative"
    plain = email.get_body(("plain",)).get_content().replace("\r\n", "\n")
    rich = email.get_body(("html",)).get_content().replace("\r\n", "\n")
    assert (plain, rich) == (text, html)


def test_a_text_only_message_is_one_part_with_its_own_message_id():
    email = parsed(Message(to="a@example.org", subject="Hi", text="Just text.\n"))
    assert email.get_content_type() == "text/plain"
    assert email.get_content().replace("\r\n", "\n") == "Just text.\n"
    assert email["Message-ID"].endswith("@caregiver.example>")


def test_a_line_break_in_a_header_value_is_refused():
    message = Message(to="a@example.org", subject="Hi\r\nBcc: b@example.org", text="x\n")
    with pytest.raises(ValueError, match="Subject"):
        message.to_bytes(SENDER)
