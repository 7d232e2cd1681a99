"""Step 1: what to do — a new workforce or External ID setup, import a config file, or practise on the sandbox."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Footer, Header, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from screens.services import SandboxApp
from screens.state import StartChoice, StartResult, Step
from screens.step import StepScreen
from screens.widgets.stepbar import StepBar
from wizard.clouds import Cloud

_CHOICES = (
    (StartChoice.WORKFORCE, "New setup on a workforce tenant (Entra ID)"),
    (StartChoice.EXTERNAL, "New setup on an External ID tenant"),
    (StartChoice.IMPORT, "Import an existing config file"),
    (StartChoice.SANDBOX, "Practise on the sandbox tenant (offline)"),
    (StartChoice.ADMIN, "Create the registration for me (admin sign-in)"),
)
_CLOUDS = (
    ("Global (login.microsoftonline.com)", Cloud.GLOBAL),
    ("US Government (login.microsoftonline.us)", Cloud.USGOV),
    ("China, 21Vianet (login.chinacloudapi.cn)", Cloud.CHINA),
)


class StartScreen(StepScreen[StartResult]):
    """Choose a path; Enter on a choice (or ctrl+n) goes on."""

    STEP = Step.START
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+a", "audit", "Audit credentials", id="start.audit"),
        #: The customers view of a multi-tenant daemon (screens.customers); off the footer, in the palette.
        Binding("ctrl+l", "customers", "Customers (multi-tenant)", id="start.customers", show=False),
    ]

    def __init__(
        self,
        *,
        initial: StartResult | None = None,
        sandbox_apps: Callable[[], tuple[SandboxApp, ...]] | None = None,
    ) -> None:
        super().__init__()
        self.initial = initial or StartResult(StartChoice.WORKFORCE)
        #: The sandbox scenario's apps, asked for only when the sandbox is chosen (it loads the sandbox).
        self.sandbox_apps = sandbox_apps or (lambda: ())
        self._apps_listed = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield StepBar(self.STEP)
        with Vertical(id="start-body"):
            yield Label("What do you want to do?", classes="question")
            yield OptionList(*(Option(text, id=choice.value) for choice, text in _CHOICES), id="choices")
            with Vertical(id="opt-cloud", classes="option"):
                yield Label("Cloud")
                yield Select(_CLOUDS, value=self.initial.cloud, allow_blank=False, id="cloud")
            with Vertical(id="opt-import", classes="option"):
                yield Label("Config file (appsettings.json, .env, authConfig.js, TOML, …)")
                yield Input(self.initial.import_path, placeholder="path/to/config", id="import-path")
            with Vertical(id="opt-sandbox", classes="option"):
                yield Label("Sandbox app")
                yield Select[str]([], prompt="Sandbox app", id="sandbox-app")
            yield Static("", id="start-message", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        choices = self.query_one("#choices", OptionList)
        choices.highlighted = [c for c, _ in _CHOICES].index(self.initial.choice)
        choices.focus()
        self._show_options(self.initial.choice)

    @property
    def choice(self) -> StartChoice:
        choices = self.query_one("#choices", OptionList)
        index = choices.highlighted if choices.highlighted is not None else 0
        return _CHOICES[index][0]

    def _show_options(self, choice: StartChoice) -> None:
        self.query_one("#opt-cloud").display = choice is StartChoice.WORKFORCE
        self.query_one("#opt-import").display = choice is StartChoice.IMPORT
        self.query_one("#opt-sandbox").display = choice is StartChoice.SANDBOX
        if choice is StartChoice.SANDBOX and not self._apps_listed:
            self._list_sandbox_apps()

    def _list_sandbox_apps(self) -> None:
        """Every app of the scenario, the one chosen before (or the first) selected."""
        self._apps_listed = True
        apps = self.sandbox_apps()
        select = self.query_one("#sandbox-app", Select)
        select.set_options([(f"{a.name}: {a.label}", a.name) for a in apps])
        names = [a.name for a in apps]
        if names:
            select.value = self.initial.sandbox_app if self.initial.sandbox_app in names else names[0]

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show_options(self.choice)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if self.choice in (StartChoice.WORKFORCE, StartChoice.EXTERNAL, StartChoice.ADMIN):
            self.action_next()
        else:  # these need one more value: go to it
            target = "#import-path" if self.choice is StartChoice.IMPORT else "#sandbox-app"
            self.query_one(target).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_next()

    def action_customers(self) -> None:
        """The customer tenants of a multi-tenant daemon's saved profile (screens/customers.py)."""
        from screens.customers import CustomersScreen

        self.app.push_screen(CustomersScreen())

    def action_audit(self) -> None:
        """The tenant's credentials and their expiry (screens/audit.py), over the sandbox tenant."""
        from screens.audit import AuditScreen

        self.app.push_screen(AuditScreen())

    def action_back(self) -> None:
        """The first step has nothing before it."""
        self.notify("This is the first step.", severity="information")

    def result(self) -> StartResult | None:
        choice = self.choice
        path = self.query_one("#import-path", Input).value.strip()
        if choice is StartChoice.IMPORT and not path:
            self.query_one("#start-message", Static).update("Give the path of the config file to import.")
            self.query_one("#import-path").focus()
            return None
        app = self.query_one("#sandbox-app", Select).value
        if choice is StartChoice.SANDBOX and not isinstance(app, str):
            self.query_one("#start-message", Static).update("Choose one of the sandbox's apps.")
            self.query_one("#sandbox-app").focus()
            return None
        cloud = self.query_one("#cloud", Select).value
        return StartResult(
            choice,
            cloud=cloud if isinstance(cloud, Cloud) else Cloud.GLOBAL,
            import_path=path,
            sandbox_app=app if isinstance(app, str) else "",
        )
