"""The loopback redirect receiver's page: "Signed in" only for a code; an error answer says it did not complete."""

from __future__ import annotations

import threading

import httpx

from wizard.admin.loopback import LoopbackReceiver


def _answer(query: dict[str, str]) -> tuple[str, dict[str, str] | None]:
    with LoopbackReceiver() as receiver:
        url = receiver.redirect_uri.replace("localhost", "127.0.0.1")
        page = httpx.get(url, params=query, timeout=30).text
        return page, receiver.wait(30, threading.Event())


def test_a_code_is_signed_in() -> None:
    page, fields = _answer({"code": "abc", "state": "s"})
    assert "<h1>Signed in</h1>" in page
    assert fields == {"code": "abc", "state": "s"}


def test_a_refusal_is_not_shown_as_success() -> None:
    description = "AADSTS65004: User declined to consent to access the app.\r\nTrace ID: 1"
    page, fields = _answer({"error": "access_denied", "error_description": description, "state": "s"})
    assert "Signed in</h1>" not in page
    assert "<h1>Sign-in did not complete</h1>" in page
    assert "AADSTS65004: User declined to consent to access the app." in page and "Trace ID" not in page
    assert fields is not None and fields["error"] == "access_denied"


def test_the_error_text_is_escaped() -> None:
    page, _ = _answer({"error": "x", "error_description": "<script>alert(1)</script>"})
    assert "<script>" not in page and "&lt;script&gt;" in page
