"""One sign-in for a whole `register` run, with scopes asked for step by step: read first, then what apply needs.

The first token reads (User.Read for /me and /organization, Application.Read.All). A write scope is asked for
only when the plan has a step to do, AppRoleAssignment.ReadWrite.All only when it has a consent step: silently
for the signed-in account first, then through the same surface (browser or device code) if Entra asks.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from wizard.cli.output import err
from wizard.cli.signin_args import SignInRequest, acquire, open_signin, prompt
from wizard.errors import TokenError

if TYPE_CHECKING:
    from wizard.admin.identity import AdminToken
    from wizard.admin.signin import AdminSignIn


class StepSignIn:
    """The sign-in of one command; `first()` for reading, `more(steps)` for writing or consent."""

    def __init__(self, args: argparse.Namespace, request: SignInRequest) -> None:
        self.args = args
        self.request = request
        self.cached: AdminSignIn | None = None  # the one `daemon-wizard login` left, when it is for this run
        self.live: AdminSignIn | None = None  # one made now, in memory
        self.user = ""

    def close(self) -> None:
        for signin in (self.cached, self.live):
            if signin is not None:
                signin.close()

    def first(self) -> AdminToken:
        """The cached `login` when it is for this authority and client, else a sign-in now (memory only)."""
        token = self._from_login(self.request.scopes)
        if token is None:
            if self.request.client.notice and self.request.flow != "azure_cli":
                err(self.request.client.notice)
            token = self._now(self.request.scopes)
        self.user = token.identity.user
        return token

    def more(self, steps: list[str]) -> AdminToken:
        """A token for `steps` (read is always among them), asking the person again only if Entra must."""
        scopes = self.request.scopes_of(steps)
        if self.request.flow == "azure_cli":
            return acquire(self.args, self.request)  # az asks for `.default`: everything az was granted
        if self.cached is not None:
            try:
                token = self.cached.silent(scopes)
            except TokenError:  # the cached login may not cover these scopes: sign in now instead
                token = None
            if token is not None:
                return token
        if self.live is None:
            return self._now(scopes)
        live = self.live
        return live.more(
            scopes, again=lambda: prompt(self.args, self.request, live, scopes, login_hint=self.user or None)
        )

    def _from_login(self, scopes: tuple[str, ...]) -> AdminToken | None:
        from wizard.admin.clients import ClientChoice
        from wizard.admin.signin import AdminSignIn
        from wizard.admin.token_cache import existing_cache, load_record
        from wizard.live.http import HttpSettings

        args, request = self.args, self.request
        record = load_record()
        if (
            record is None
            or request.flow == "azure_cli"
            or record.authority != request.authority
            or (args.client_id is not None and args.client_id.lower() != record.client_id)
        ):
            return None
        settings = HttpSettings.bounded(min(args.timeout, 60.0), ca_file=args.ca_file or record.ca_file)
        self.cached = AdminSignIn(
            authority=record.authority,
            client=ClientChoice(record.client_id, own=True),
            settings=settings,
            cache=existing_cache(record),
        )
        return self.cached.silent(scopes)

    def _now(self, scopes: tuple[str, ...]) -> AdminToken:
        if self.request.flow == "azure_cli":
            return acquire(self.args, self.request)
        if self.live is None:
            self.live = open_signin(self.args, self.request)
        return prompt(self.args, self.request, self.live, scopes)
