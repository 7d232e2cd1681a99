"""Step 1: what to do — continue a saved profile, a new workforce or External ID setup, import a config file,
or practise on the sandbox. Each choice says what it means and what you need before you begin.

A new way to start is one line in `_CHOICES` (and one in `_ABOUT`): the options are looked up by id.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.await_complete import AwaitComplete
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from screens.state import Back, StartChoice, StartResult, Step
from screens.step import StepScreen
from screens.widgets.footer import Footer
from screens.widgets.header import Header
from screens.widgets.select_preview import SelectPreview
from screens.widgets.stepbar import StepBar
from wizard.clouds import Cloud

if TYPE_CHECKING:
    from screens.services import SandboxApp

_CHOICES = (
    (StartChoice.WORKFORCE, "New setup on a workforce tenant (Entra ID)"),
    (StartChoice.EXTERNAL, "New setup on an External ID tenant"),
    (StartChoice.IMPORT, "Import an existing config file"),
    (StartChoice.SANDBOX, "Practise on the sandbox tenant (offline)"),
    (StartChoice.ADMIN, "Create the registration for me (admin sign-in)"),
)
#: What each choice means and what it needs, shown under the list for the highlighted one.
_ABOUT = {
    StartChoice.WORKFORCE: (
        "A workforce tenant is your organisation's Entra ID directory (its people sign in as "
        "name@contoso.com). You need an app registration in it (its tenant and client IDs), or an admin "
        "who can create one, and a client secret or a certificate for it."
    ),
    StartChoice.EXTERNAL: (
        "An External ID tenant holds your customers' accounts (<sub>.ciamlogin.com). A daemon for it is "
        "registered in that external tenant, not in your workforce one. You need the same: the "
        "registration's IDs, or an admin who can create it, and a credential."
    ),
    StartChoice.IMPORT: (
        "Reads a sample's config file and fills in the steps; what was read, and any remark, is shown "
        "before you go on. The secret in it stays in memory only."
    ),
    StartChoice.SANDBOX: (
        "An offline tenant on this machine over real HTTPS: every step works, with no Azure account. "
        "Nothing you do there touches a real tenant."
    ),
    StartChoice.ADMIN: (
        "Signs you in as an administrator or app owner (browser, or a device code), reads the tenant and "
        "shows a plan of what it will create: the registration, a credential, the permission and admin "
        "consent. Nothing is changed until you approve the plan; a journal lets you undo it."
    ),
    StartChoice.PROFILE: (
        "Continue with a profile saved earlier (f3 on any step, or the CLI's --save). A profile "
        "never holds the secret: you give it again on the credential step."
    ),
}
_PROFILE_PREFIX = "profile:"
#: The choices that need one more value, and the id of the option (a label and a field) that asks for it.
_OPTION_IDS = {
    StartChoice.WORKFORCE: "opt-cloud",
    StartChoice.IMPORT: "opt-import",
    StartChoice.SANDBOX: "opt-sandbox",
}
_CLOUDS = (
    ("Global (login.microsoftonline.com)", Cloud.GLOBAL),
    ("US Government (login.microsoftonline.us)", Cloud.USGOV),
    ("China, 21Vianet (login.chinacloudapi.cn)", Cloud.CHINA),
)


async def _kept() -> None:
    """What a dismiss of the app's first screen awaits: nothing is popped."""


class StartScreen(StepScreen[StartResult]):
    """Choose a path; Enter on a choice (or ctrl+n) goes on."""

    STEP = Step.START
    #: The choices get the focus at once (Textual's default focuses the scrolling body first).
    AUTO_FOCUS = "#choices"
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
        saved_profiles: tuple[str, ...] = (),
    ) -> None:
        super().__init__()
        #: With nothing chosen yet, a saved profile comes first (highlighted), else a new workforce setup.
        first = StartResult(StartChoice.PROFILE, profile_name=saved_profiles[0]) if saved_profiles else None
        self.initial = initial or first or StartResult(StartChoice.WORKFORCE)
        #: Saved profiles' names, offered first as "Continue with NAME".
        self.saved_profiles = saved_profiles
        #: The sandbox scenario's apps, asked for only when the sandbox is chosen (it loads the sandbox).
        self.sandbox_apps = sandbox_apps or (lambda: ())
        self._apps_listed = False
        #: The choice whose text and option are on the screen (`_show_options`).
        self._shown: StartChoice | None = None
        #: The results given while this is the app's first screen (see `dismiss`), for `next_result`.
        self._results: asyncio.Queue[StartResult | Back] = asyncio.Queue()

    def compose(self) -> ComposeResult:
        yield Header()
        yield StepBar(self.STEP)
        with VerticalScroll(id="start-body"):
            yield Label("What do you want to do?", classes="question")
            saved = [Option(f"Continue with {n}", id=f"{_PROFILE_PREFIX}{n}") for n in self.saved_profiles]
            yield OptionList(
                *saved, *(Option(text, id=choice.value) for choice, text in _CHOICES), id="choices"
            )
            yield Static(_ABOUT.get(self.initial.choice, ""), id="start-about", markup=False)
            self._shown = self.initial.choice  # its text and option are composed with the screen
            # Only the first highlighted choice's option comes with the screen; each other one is mounted
            # when its choice is first highlighted (the first frame has no use for hidden widgets).
            if self.initial.choice in _OPTION_IDS:
                yield self._option(self.initial.choice, preview=True)
            yield Static("", id="start-message", markup=False)
        yield Footer()

    def _option(self, choice: StartChoice, *, preview: bool = False) -> Vertical:
        """The value a choice needs besides itself: the cloud, the config file or the sandbox app.

        With `preview`, the cloud's Select is drawn by a `SelectPreview` until the first frame is on the
        screen (`on_step_screen_shown` swaps it in): the Select's six widgets are a third of that frame.
        """
        option_id = _OPTION_IDS[choice]
        field: Widget
        if choice is StartChoice.WORKFORCE and preview:
            shown = next((text for text, cloud in _CLOUDS if cloud is self.initial.cloud), _CLOUDS[0][0])
            label, field = "Cloud", SelectPreview(shown, id="cloud-preview")
        elif choice is StartChoice.WORKFORCE:
            label, field = "Cloud", self._cloud_select()
        elif choice is StartChoice.IMPORT:
            label = "Config file (appsettings.json, .env, authConfig.js, TOML, …)"
            field = Input(self.initial.import_path, placeholder="path/to/config", id="import-path")
            # Frozen for snapshots, as StepScreen.on_screen_resume does for the inputs it finds.
            field.cursor_blink = not getattr(self.app, "still", False)
        else:
            label, field = "Sandbox app", Select[str]([], prompt="Sandbox app", id="sandbox-app")
        return Vertical(Label(label), field, id=option_id, classes="option")

    def _cloud_select(self) -> Select[Cloud]:
        return Select(_CLOUDS, value=self.initial.cloud, allow_blank=False, id="cloud")

    def on_step_screen_shown(self, message: StepScreen.Shown) -> None:
        """The first frame is on the screen: the real Select takes its preview's place, the same cells.

        Right after this message has gone on to the app (which starts its preload then), so the swap's
        work comes after the first frame in every sense."""
        if self.query(SelectPreview):
            self.call_later(self._swap_previews)

    async def _swap_previews(self) -> None:
        # Not once the app is closing (a signal right after the first frame): Textual would mount the
        # Select without composing its parts, and a preview is all anyone sees of it then.
        if self.app.return_code is not None:
            return
        for preview in self.query(SelectPreview):
            parent = preview.parent
            if not isinstance(parent, Widget):
                continue
            with self.app.batch_update():
                await parent.mount(self._cloud_select(), before=preview)
                await preview.remove()

    def on_mount(self) -> None:
        choices = self.query_one("#choices", OptionList)
        initial = self.initial
        wanted = (
            f"{_PROFILE_PREFIX}{initial.profile_name}"
            if initial.choice is StartChoice.PROFILE
            else initial.choice.value
        )
        ids = [choices.get_option_at_index(i).id for i in range(choices.option_count)]
        choices.highlighted = ids.index(wanted) if wanted in ids else 0
        choices.focus()
        self.call_next(self._show_options, self.choice)

    @property
    def _option_id(self) -> str:
        choices = self.query_one("#choices", OptionList)
        index = choices.highlighted if choices.highlighted is not None else 0
        return choices.get_option_at_index(index).id or StartChoice.WORKFORCE.value

    @property
    def choice(self) -> StartChoice:
        option = self._option_id
        return StartChoice.PROFILE if option.startswith(_PROFILE_PREFIX) else StartChoice(option)

    async def _show_options(self, choice: StartChoice) -> None:
        # Only when the choice changed: the composed one is on the screen already, and each update of the
        # text lays the screen out again (twice before the first frame: the mount and the highlight).
        if choice is not self._shown:
            self._shown = choice
            self.query_one("#start-about", Static).update(_ABOUT.get(choice, ""))
            for each, option_id in _OPTION_IDS.items():
                shown = self.query(f"#{option_id}")
                if shown:
                    shown.first().display = each is choice
                elif each is choice:
                    await self.mount(self._option(choice), before="#start-message")
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

    async def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        await self._show_options(self.choice)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if self.choice in (
            StartChoice.WORKFORCE,
            StartChoice.EXTERNAL,
            StartChoice.ADMIN,
            StartChoice.PROFILE,
        ):
            self.action_next()
        else:  # these need one more value: go to it
            field = self._field("#import-path" if self.choice is StartChoice.IMPORT else "#sandbox-app")
            if field is not None:
                field.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_next()

    def dismiss(self, result: StartResult | Back | None = None) -> AwaitComplete:
        """Leave the step once; as the app's first screen (screens.app), it stays under the next steps.

        Textual cannot pop the last screen: the result goes to `next_result`, which the flow awaits, and
        the step is shown again when the screens above it are popped (Back from the registration step).
        """
        stack = self.app.screen_stack
        if not stack or stack[0] is not self or result is None:
            return super().dismiss(result)
        if self._leaving or self.app.screen is not self:  # refused, as StepScreen.dismiss refuses
            return AwaitComplete(_kept())
        self._leaving = True
        self._results.put_nowait(result)
        return AwaitComplete(_kept())

    async def next_result(self) -> StartResult | Back:
        """The next choice made on this screen (it is the app's first screen): the flow's start step."""
        self._leaving = False
        if self.is_mounted:
            self.query_one(StepBar).refresh()  # the start's outcome (a failed import) changed the list
        return await self._results.get()

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

    def _field(self, selector: str) -> Input | Select[Any] | None:
        """An option's field, or None while its choice has not been highlighted yet (it is not mounted)."""
        found = self.query(selector)
        field = found.first() if found else None
        return field if isinstance(field, (Input, Select)) else None

    def result(self) -> StartResult | None:
        choice = self.choice
        if choice is StartChoice.PROFILE:
            return StartResult(choice, profile_name=self._option_id.removeprefix(_PROFILE_PREFIX))
        field = self._field("#import-path")
        path = field.value.strip() if isinstance(field, Input) else self.initial.import_path
        if choice is StartChoice.IMPORT and not path:
            self.query_one("#start-message", Static).update("Give the path of the config file to import.")
            if field is not None:
                field.focus()
            return None
        field = self._field("#sandbox-app")
        app = field.value if isinstance(field, Select) else None
        if choice is StartChoice.SANDBOX and not isinstance(app, str):
            self.query_one("#start-message", Static).update("Choose one of the sandbox's apps.")
            if field is not None:
                field.focus()
            return None
        field = self._field("#cloud")
        cloud = field.value if isinstance(field, Select) else self.initial.cloud
        return StartResult(
            choice,
            cloud=cloud if isinstance(cloud, Cloud) else Cloud.GLOBAL,
            import_path=path,
            sandbox_app=app if isinstance(app, str) else "",
        )
