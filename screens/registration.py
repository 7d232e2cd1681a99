"""Step 2: the app registration's values, checked as you type by the core validators."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Input, Label, Select

from screens.locate import stylesheet
from screens.state import Step
from screens.step import StepScreen
from screens.widgets.field import Field
from screens.widgets.stepbar import StepBar
from wizard.clouds import TenantType
from wizard.profile import ApiKind, ApiTarget, CredentialKind, Profile
from wizard.validation import Problem, validate_profile

#: Which input shows a problem reported for a profile field.
_FIELD_FOR_PROBLEM = {
    "tenant": "tenant",
    "authority": "tenant",
    "client_id": "client_id",
    "object_id": "object_id",
    "api": "resource",
    "scope": "resource",
    "api_url": "base_url",
}
_OVERVIEW = "App registrations > your app > Overview"
_HINTS = {
    "tenant": f"Entra admin center > {_OVERVIEW} > Directory (tenant) ID, or a verified domain.",
    "tenant-external": "External ID admin center > Overview: the subdomain of <sub>.onmicrosoft.com, or the ID.",
    "client_id": f"{_OVERVIEW} > Application (client) ID (a GUID).",
    "object_id": f"Optional. {_OVERVIEW} > Object ID (not the client ID).",
    "resource": "The API's App registrations > Expose an API > Application ID URI.",
    "base_url": "Where the API listens. Empty for Graph means the cloud's Graph v1.0.",
    "relative_path": "The call the daemon makes, e.g. /users (decides the permissions needed).",
    "roles": "The API's App roles the daemon needs (values, comma separated).",
}


class RegistrationScreen(StepScreen[Profile]):
    """Tenant, client ID, object ID and target API; Next only when the core finds no error."""

    CSS_PATH = stylesheet("wizard.tcss")

    STEP = Step.REGISTRATION

    def __init__(self, profile: Profile, *, focus: str | None = None, note: str = "") -> None:
        super().__init__()
        self.profile = profile
        self.focus_name = focus
        self.note = note
        self._submitted = False

    def compose(self) -> ComposeResult:
        p = self.profile
        external = p.tenant_type is TenantType.EXTERNAL
        yield Header()
        yield StepBar(self.STEP, note=self.note)
        with VerticalScroll(id="registration-body"):
            yield Field(
                "Tenant (subdomain or ID)" if external else "Tenant (ID or domain)",
                name="tenant",
                value=p.tenant,
                hint=_HINTS["tenant-external" if external else "tenant"],
                placeholder="contoso" if external else "contoso.onmicrosoft.com or the tenant ID",
            )
            yield Field(
                "Application (client) ID", name="client_id", value=p.client_id, hint=_HINTS["client_id"]
            )
            yield Field("Object ID", name="object_id", value=p.object_id or "", hint=_HINTS["object_id"])
            yield Label("Target API")
            yield Select(
                [("Microsoft Graph", ApiKind.GRAPH), ("My own API (App ID URI)", ApiKind.OWN)],
                value=p.api.kind,
                allow_blank=False,
                id="api-kind",
            )
            yield Field("App ID URI", name="resource", value=p.api.resource or "", hint=_HINTS["resource"])
            yield Field("API base URL", name="base_url", value=p.api.base_url or "", hint=_HINTS["base_url"])
            yield Field(
                "API call path",
                name="relative_path",
                value=p.api.relative_path or "/users",
                hint=_HINTS["relative_path"],
            )
            yield Field(
                "Required app roles",
                name="roles",
                value=", ".join(p.api.required_roles),
                hint=_HINTS["roles"],
            )
        yield Footer()

    def on_mount(self) -> None:
        self._show_api_fields()
        self._check()
        target = self.focus_name if self.focus_name in _HINTS else "tenant"
        self.query_one(f"#{target}", Input).focus()

    @property
    def api_kind(self) -> ApiKind:
        value = self.query_one("#api-kind", Select).value
        return value if isinstance(value, ApiKind) else ApiKind.GRAPH

    def _show_api_fields(self) -> None:
        own = self.api_kind is ApiKind.OWN
        self.query_one("#field-resource").display = own
        self.query_one("#field-roles").display = own

    def _value(self, name: str) -> str:
        return self.query_one(f"#field-{name}", Field).value.strip()

    def current_profile(self) -> Profile:
        return self.candidate()

    def copy_items(self) -> list[tuple[str, str]]:
        p = self.candidate()
        items = [("Tenant", p.tenant), ("Client ID", p.client_id)]
        return [(what, value) for what, value in items if value] + super().copy_items()

    def candidate(self) -> Profile:
        """The profile as the inputs describe it now."""
        own = self.api_kind is ApiKind.OWN
        roles = tuple(r.strip() for r in self._value("roles").split(",") if r.strip()) if own else ()
        api = ApiTarget(
            kind=self.api_kind,
            resource=(self._value("resource") or None) if own else None,
            base_url=self._value("base_url") or None,
            relative_path=self._value("relative_path") or None,
            required_roles=roles,
        )
        return self.profile.with_(
            tenant=self._value("tenant"),
            client_id=self._value("client_id"),
            object_id=self._value("object_id") or None,
            api=api,
        )

    def _check(self) -> list[Problem]:
        """Run the core validators and show each problem under its field."""
        problems = validate_profile(self.candidate().with_(credential=CredentialKind.NONE), need_secret=False)
        by_field: dict[str, list[Problem]] = {}
        for problem in problems:
            by_field.setdefault(_FIELD_FOR_PROBLEM.get(problem.field, "tenant"), []).append(problem)
        for field in self.query(Field):
            shown = self._submitted or bool(field.value.strip())
            field.show(by_field.get(field.field_name, []) if shown else [])
        return problems

    def on_input_changed(self, event: Input.Changed) -> None:
        self._check()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "api-kind":
            self._show_api_fields()
            self._check()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.focus_next()

    def result(self) -> Profile | None:
        self._submitted = True
        errors = [p for p in self._check() if p.severity == "error"]
        if errors:
            first = _FIELD_FOR_PROBLEM.get(errors[0].field, "tenant")
            self.query_one(f"#{first}", Input).focus()
            self.notify(f"{errors[0].message}. {errors[0].fix}", severity="error", title="Fix this first")
            return None
        return self.candidate()
