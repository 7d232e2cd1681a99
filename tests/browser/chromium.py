"""A person at Debian's chromium (headless, through /usr/bin/chromedriver): the sandbox's pages in a real browser.

Trust: chromium gets `--ignore-certificate-errors-spki-list` with the SHA-256 of the sandbox server's own public
key, so it accepts that one key (the loopback sandbox's leaf certificate) and nothing else; every other
certificate is still verified against the system roots. No NSS database, no blanket
`--ignore-certificate-errors`.
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import ssl
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import serialization

CHROMIUM = Path(os.environ.get("DAEMON_WIZARD_CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("DAEMON_WIZARD_CHROMEDRIVER", "/usr/bin/chromedriver"))
REQUIRE = "DAEMON_WIZARD_REQUIRE_BROWSER"
#: How long a page may take to show what a test waits for on a loaded 2-core machine.
PAGE_TIMEOUT = 60.0

FLAGS = (
    "--headless",
    "--no-sandbox",  # root in CI: chromium's own sandbox needs user namespaces it may not have
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1000,900",
)


def missing() -> str | None:
    """Why no real browser can run here, or None when chromium, its driver and selenium are all present."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if not (path.is_file() and os.access(path, os.X_OK)):
            return f"{path} is missing (apt-get install chromium chromium-driver; .ci/run does it)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -c constraints.txt -e '.[test]')"
    return None


def server_key_pin(base_url: str) -> str:
    """base64(SHA-256(SubjectPublicKeyInfo)) of the certificate the HTTPS server at `base_url` presents."""
    where = urlsplit(base_url)
    pem = ssl.get_server_certificate((where.hostname or "127.0.0.1", where.port or 443), timeout=30)
    cert = x509.load_pem_x509_certificate(pem.encode("ascii"))
    spki = cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(hashlib.sha256(spki).digest()).decode("ascii")


class Person:
    """One headless chromium with a fresh profile, and what a person does with the sign-in pages."""

    def __init__(self, *, trust_base_url: str) -> None:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        self.profile = tempfile.mkdtemp(prefix="edw-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = str(CHROMIUM)
        for flag in (
            *FLAGS,
            f"--user-data-dir={self.profile}",
            f"--ignore-certificate-errors-spki-list={server_key_pin(trust_base_url)}",
        ):
            options.add_argument(flag)
        # A Service with a path: selenium never runs Selenium Manager (no driver or browser download).
        self.driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
        self.driver.set_page_load_timeout(PAGE_TIMEOUT)

    def close(self) -> None:
        try:
            self.driver.quit()
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)

    # -- waiting --------------------------------------------------------------------------------------
    def until(self, condition: Callable[[Any], Any], what: str) -> Any:
        from selenium.common.exceptions import TimeoutException, WebDriverException
        from selenium.webdriver.support.ui import WebDriverWait

        def settled(driver: Any) -> Any:
            # A form's submit navigates: a lookup that lands mid-navigation is "aborted by navigation".
            # That is the page still loading, so look again; any other error is real.
            try:
                return condition(driver)
            except WebDriverException as exc:
                if "aborted by navigation" in str(exc.msg or exc):
                    return False
                raise

        try:
            return WebDriverWait(self.driver, PAGE_TIMEOUT, poll_frequency=0.1).until(settled)
        except TimeoutException:
            raise AssertionError(
                f"chromium never showed {what}; at {self.driver.current_url}: {self.text()[:800]}"
            ) from None

    def element(self, element_id: str) -> Any:
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as ec

        return self.until(ec.visibility_of_element_located((By.ID, element_id)), f"#{element_id}")

    def heading(self, text: str) -> None:
        """Wait until the page's h1 reads `text`."""
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as ec

        self.until(ec.text_to_be_present_in_element((By.TAG_NAME, "h1"), text), f"the heading {text!r}")

    def text(self) -> str:
        from selenium.webdriver.common.by import By

        try:
            return str(self.driver.find_element(By.TAG_NAME, "body").text)
        except Exception:
            return ""

    # -- acting -----------------------------------------------------------------------------------------
    def open(self, url: str) -> None:
        self.driver.get(url)

    def type_into(self, element_id: str, value: str) -> None:
        field = self.element(element_id)
        field.clear()
        field.send_keys(value)

    def click(self, element_id: str) -> None:
        self.element(element_id).click()

    def sign_in(self, who: dict[str, Any]) -> None:
        """The sign-in page: user name, password, Sign in."""
        self.heading("Sign in")
        self.type_into("login", str(who["user_principal_name"]))
        self.type_into("passwd", str(who["password"]))
        self.click("submit")

    def consent(self, *, accept: bool, for_organization: bool = False) -> None:
        """ "Permissions requested": tick the organization box if asked, then Accept or Cancel."""
        self.heading("Permissions requested")
        if for_organization:
            box = self.element("consent_org")
            if not box.is_selected():
                box.click()
        self.click("accept" if accept else "cancel")

    def enter_device_code(self, user_code: str, who: dict[str, Any]) -> None:
        """The device-code page: the code shown on the device, user name, password, Next."""
        self.heading("Enter code")
        self.type_into("otc", user_code)
        self.type_into("login", str(who["user_principal_name"]))
        self.type_into("passwd", str(who["password"]))
        self.click("submit")
