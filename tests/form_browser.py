"""A person at a browser, in httpx: read a page's forms, fill them in, submit, follow redirects.

Like a browser, it runs the one script sign-in pages rely on: a form marked for auto-submission
(response_mode=form_post) is posted at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin

import httpx


@dataclass
class Form:
    id: str
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)
    buttons: dict[str, str] = field(default_factory=dict)
    checkboxes: dict[str, str] = field(default_factory=dict)
    autosubmit: bool = False


@dataclass
class Page:
    url: str
    status: int
    text: str
    forms: dict[str, Form]

    def form(self, form_id: str) -> Form:
        assert form_id in self.forms, f"no form {form_id!r} on {self.url}: {self.text[:600]}"
        return self.forms[form_id]


class _Parser(HTMLParser):
    def __init__(self, base: str) -> None:
        super().__init__()
        self.base = base
        self.forms: dict[str, Form] = {}
        self._form: Form | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = Form(
                id=a.get("id", f"form{len(self.forms)}"),
                action=urljoin(self.base, a.get("action") or self.base),
                method=a.get("method", "get").lower(),
                autosubmit=a.get("data-autosubmit") == "true",
            )
            self.forms[self._form.id] = self._form
        elif self._form is not None and tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind == "checkbox":
                self._form.checkboxes[a["name"]] = a.get("value", "on")
            else:
                self._form.fields[a["name"]] = a.get("value", "")
        elif self._form is not None and tag == "button" and a.get("name"):
            self._form.buttons[a.get("id") or a["name"]] = f"{a['name']}={a.get('value', '')}"

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None


class FormBrowser:
    """Opens pages and submits their forms with one httpx client (cookies and redirects as a browser)."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client

    def _page(self, response: httpx.Response) -> Page:
        parser = _Parser(str(response.url))
        parser.feed(response.text)
        page = Page(str(response.url), response.status_code, response.text, parser.forms)
        auto = next((f for f in page.forms.values() if f.autosubmit), None)
        if auto is not None:
            return self._page(self.client.post(auto.action, data=auto.fields, follow_redirects=True))
        return page

    def open(self, url: str) -> Page:
        return self._page(self.client.get(url, follow_redirects=True))

    def submit(
        self,
        page: Page,
        form_id: str,
        values: dict[str, str] | None = None,
        *,
        button: str | None = None,
        check: tuple[str, ...] = (),
    ) -> Page:
        form = page.form(form_id)
        data = dict(form.fields)
        for name, value in (values or {}).items():
            assert name in data, f"form {form_id!r} has no field {name!r}"
            data[name] = value
        for name in check:
            data[name] = form.checkboxes[name]
        if button is not None:
            name, _, value = form.buttons[button].partition("=")
            data[name] = value
        if form.method == "post":
            response = self.client.post(form.action, data=data, follow_redirects=True)
        else:
            response = self.client.get(form.action, params=data, follow_redirects=True)
        return self._page(response)
