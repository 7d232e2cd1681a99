"""A stand-in for the system browser (`BROWSER="python tests/fake_browser.py %s"`): a person signs in.

It reads who signs in from FAKE_BROWSER_LOGIN / FAKE_BROWSER_PASSWORD and trusts FAKE_BROWSER_CA, then
fills in the sandbox's sign-in form and lets the form_post answer reach the wizard's loopback redirect.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.form_browser import FormBrowser
from wizard.sandbox.trust import httpx_client


def main(url: str) -> int:
    with httpx_client(os.environ["FAKE_BROWSER_CA"], timeout=30) as client:
        browser = FormBrowser(client)
        page = browser.open(url)
        done = browser.submit(
            page,
            "signin",
            {"login": os.environ["FAKE_BROWSER_LOGIN"], "passwd": os.environ["FAKE_BROWSER_PASSWORD"]},
        )
    return 0 if "Signed in" in done.text else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
