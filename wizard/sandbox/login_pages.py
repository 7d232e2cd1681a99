"""The sign-in, consent, device-code and error pages: small, real HTML forms (every value escaped)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from html import escape

from wizard.sandbox.delegated_catalog import DelegatedScope
from wizard.sandbox.entra_errors import EntraError
from wizard.sandbox.web.responses import HTMLResponse

_HEAD = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{title}</title>
<style>body{{font-family:sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}}
label,input,button{{display:block;margin:.4rem 0}}input{{width:100%;padding:.3rem}}
.error{{color:#a4262c}}.muted{{color:#605e5c;font-size:.9rem}}</style>
</head><body>
<p class="muted">Sandbox tenant · entra-daemon-wizard</p>
"""
_TAIL = "</body></html>\n"
#: Framing and caching rules Entra's own pages send, so a page cannot be embedded or replayed.
HEADERS = {
    "Cache-Control": "no-store, no-cache",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
}


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(_HEAD.format(title=escape(title)) + body + _TAIL, status_code=status, headers=HEADERS)


def _hidden(fields: Mapping[str, str]) -> str:
    return "".join(f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">' for k, v in fields.items())


def _error(text: str | None) -> str:
    return f'<p class="error" id="error" role="alert">{escape(text)}</p>' if text else ""


def sign_in(
    *, action: str, ctx: str, tenant: str, client: str, error: str | None = None, login: str = ""
) -> HTMLResponse:
    """User name and password, as login.microsoftonline.com asks for them."""
    body = (
        f"<h1>Sign in</h1><p>to continue to <strong>{escape(client)}</strong> ({escape(tenant)})</p>"
        f"{_error(error)}"
        f'<form method="post" action="{escape(action)}" id="signin">{_hidden({"ctx": ctx})}'
        '<label for="login">Email, phone, or Skype</label>'
        f'<input id="login" name="login" type="email" autocomplete="username" required value="{escape(login)}">'
        '<label for="passwd">Password</label>'
        '<input id="passwd" name="passwd" type="password" autocomplete="current-password" required>'
        '<button type="submit" id="submit">Sign in</button></form>'
    )
    return _page("Sign in to your account", body, 200 if error is None else 400)


def consent(
    *,
    action: str,
    ctx: str,
    client: str,
    publisher: str,
    user: str,
    scopes: Iterable[DelegatedScope],
    org: bool,
) -> HTMLResponse:
    """ "Permissions requested": Accept records the grant, for the organization when the box is ticked."""
    items = "".join(
        f"<li><strong>{escape(s.value)}</strong>: {escape(s.description)}"
        + (" <em>(admin consent)</em>" if s.admin else "")
        + "</li>"
        for s in scopes
    )
    box = (
        '<label><input type="checkbox" name="consent_org" value="on" id="consent_org"> '
        "Consent on behalf of your organization</label>"
        if org
        else ""
    )
    body = (
        f"<h1>Permissions requested</h1><p><strong>{escape(client)}</strong>"
        f"{' (' + escape(publisher) + ')' if publisher else ' (unverified)'} asks, for {escape(user)}:</p>"
        f"<ul>{items}</ul>"
        f'<form method="post" action="{escape(action)}" id="consent">{_hidden({"ctx": ctx})}{box}'
        '<button type="submit" name="consent" value="accept" id="accept">Accept</button>'
        '<button type="submit" name="consent" value="cancel" id="cancel">Cancel</button></form>'
    )
    return _page("Permissions requested", body)


def admin_approval(
    *, action: str | None, ctx: str, client: str, scopes: Iterable[str], error: EntraError
) -> HTMLResponse:
    """ "Need admin approval": only an administrator may grant these scopes."""
    names = ", ".join(scopes)
    back = (
        f'<form method="post" action="{escape(action)}" id="back">{_hidden({"ctx": ctx})}'
        '<button type="submit" name="consent" value="cancel" id="return">'
        "Return to the application without granting consent</button></form>"
        if action
        else ""
    )
    body = (
        f"<h1>Need admin approval</h1><p><strong>{escape(client)}</strong> needs permission to access "
        f"resources in your organization that only an admin can grant ({escape(names)}). Ask an admin to "
        "grant permission to this app before you can use it.</p>"
        f'<p class="error" id="error">AADSTS{error.code}: {escape(error.message)}</p>{back}'
    )
    return _page("Need admin approval", body, 403)


def error(exc: EntraError) -> HTMLResponse:
    """An error Entra shows instead of redirecting (unknown app, redirect URI mismatch)."""
    body = f'<h1>Sign in</h1><p class="error" id="error">AADSTS{exc.code}: {escape(exc.message)}</p>'
    return _page("Sign in error", body, exc.status)


def form_post(redirect_uri: str, fields: Mapping[str, str]) -> HTMLResponse:
    """response_mode=form_post: the browser posts the answer to the app's redirect URI at once."""
    body = (
        f'<form method="post" action="{escape(redirect_uri)}" id="form_post" data-autosubmit="true">'
        f'{_hidden(fields)}<noscript><button type="submit">Continue</button></noscript></form>'
        "<script>document.getElementById('form_post').submit()</script>"
    )
    return _page("Working...", body)


def device_sign_in(*, action: str, error: str | None = None, code: str = "", login: str = "") -> HTMLResponse:
    """https://microsoft.com/devicelogin: the code shown on the device, then user name and password."""
    body = (
        "<h1>Enter code</h1><p>Enter the code displayed on your app or device, then sign in.</p>"
        f"{_error(error)}"
        f'<form method="post" action="{escape(action)}" id="devicelogin">'
        '<label for="otc">Code</label>'
        f'<input id="otc" name="otc" type="text" autocomplete="one-time-code" required value="{escape(code)}">'
        '<label for="login">Email, phone, or Skype</label>'
        f'<input id="login" name="login" type="email" autocomplete="username" required value="{escape(login)}">'
        '<label for="passwd">Password</label>'
        '<input id="passwd" name="passwd" type="password" autocomplete="current-password" required>'
        '<button type="submit" id="submit">Next</button></form>'
    )
    return _page("Enter code", body, 200 if error is None else 400)


def device_done(client: str) -> HTMLResponse:
    body = (
        f'<h1 id="done">{escape(client)}</h1><p>You have signed in to the {escape(client)} application on '
        "your device. You may now close this window.</p>"
    )
    return _page("Signed in", body)


def device_blocked(exc: EntraError) -> HTMLResponse:
    """What Conditional Access shows when a policy blocks this sign-in."""
    body = (
        "<h1>You cannot access this right now</h1><p>Your sign-in was successful but does not meet the "
        "criteria to access this resource.</p>"
        f'<p class="error" id="error">AADSTS{exc.code}: {escape(exc.message)}</p>'
    )
    return _page("You cannot access this right now", body, 403)
