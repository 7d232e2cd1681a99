"""The credential step's Federated tab (issuer kind, subject from its parts with the predicted subject shown
live, token file) and the diagnosis' claim-by-claim diff: Pilot flows and snapshots at 80x24 and 120x40."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, Select, TabbedContent
from tui_helpers import make_app, screen_text, type_text, until

from screens.credential import CredentialScreen
from screens.diagnosis import DiagnosisScreen
from screens.federated_tab import FederatedPane
from screens.services import DoctorView
from wizard.diagnosis.model import Finding
from wizard.federated.claim_table import ClaimRow
from wizard.profile import ApiTarget, CredentialKind, Profile

TENANT = "7d3c6a52-1b4e-4f0a-9a51-0c0ffee00001"
CLIENT = "c0ffee00-0002-4000-a000-00000000c11e"
PROFILE = Profile(name="snapshot", tenant=TENANT, client_id=CLIENT, api=ApiTarget(relative_path="/users"))


async def _federated_tab(pilot: Pilot[int]) -> FederatedPane:
    await pilot.app.push_screen(CredentialScreen(PROFILE))
    await pilot.pause()
    pilot.app.screen.query_one("#credential-tabs", TabbedContent).active = "tab-federated"
    await pilot.pause()
    return pilot.app.screen.query_one(FederatedPane)


async def _set(pilot: Pilot[int], pane: FederatedPane, name: str, text: str) -> None:
    field = pane.query_one(f"#fic-{name}", Input)
    field.value = ""
    field.focus()
    await type_text(pilot, text)


async def test_the_predicted_github_subject_follows_the_parts_as_typed() -> None:
    app = make_app(flow=False)
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await _federated_tab(pilot)
        await until(
            pilot, lambda: "repo:contoso/daemon:environment:production" in screen_text(app), "prediction"
        )
        await _set(pilot, pane, "entity", "branch")
        await _set(pilot, pane, "value", "main")
        await until(
            pilot, lambda: "repo:contoso/daemon:ref:refs/heads/main" in screen_text(app), "branch subject"
        )
        await _set(pilot, pane, "owner_id", "12")
        await until(
            pilot, lambda: "an immutable subject needs both numeric IDs" in screen_text(app), "problem"
        )
        await _set(pilot, pane, "repo_id", "34")
        await until(
            pilot,
            lambda: "repo:contoso@12/daemon@34:ref:refs/heads/main" in screen_text(app),
            "immutable subject",
        )
        await _set(pilot, pane, "token-file", "/var/run/secrets/azure/tokens/azure-identity-token")
        result = app.screen.result()  # type: ignore[attr-defined]
        assert result is not None
        assert result.profile.credential is CredentialKind.FEDERATED
        assert result.profile.federated_subject == "repo:contoso@12/daemon@34:ref:refs/heads/main"
        assert result.profile.federated_issuer == "https://token.actions.githubusercontent.com"
        assert result.profile.federated_token_file == "/var/run/secrets/azure/tokens/azure-identity-token"
        await _set(pilot, pane, "token-command", "get-token --audience api://AzureADTokenExchange")
        assert app.screen.result() is None  # type: ignore[attr-defined]  # both sources: refused
        await _set(pilot, pane, "token-file", "")
        result = app.screen.result()  # type: ignore[attr-defined]
        assert result.profile.federated_token_command == "get-token --audience api://AzureADTokenExchange"
        assert result.profile.federated_token_file is None


async def test_kubernetes_kind_asks_for_its_own_parts_and_refuses_bad_names() -> None:
    app = make_app(flow=False)
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await _federated_tab(pilot)
        pane.query_one("#issuer-kind", Select).value = "kubernetes"
        await until(
            pilot, lambda: "system:serviceaccount:daemons:graph-reader" in screen_text(app), "k8s subject"
        )
        assert not pane.query_one("#field-fic-repository").display
        await _set(pilot, pane, "namespace", "Bad_NS")
        await until(pilot, lambda: "lower-case letters" in screen_text(app), "the problem")
        assert app.screen.result() is None  # type: ignore[attr-defined]


def _snap(snap_compare: Any, size: tuple[int, int], run_before: Any) -> None:
    assert snap_compare(make_app(flow=False), terminal_size=size, run_before=run_before)


async def _open_tab(pilot: Pilot[int]) -> None:
    await _federated_tab(pilot)
    await until(pilot, lambda: "environment:production" in screen_text(pilot.app), "the prediction")  # type: ignore[arg-type]


def test_federated_tab_80x24(snap_compare: Any) -> None:
    """The Federated tab as it opens: GitHub Actions, the example parts and their predicted subject."""
    _snap(snap_compare, (80, 24), _open_tab)


def test_federated_tab_120x40(snap_compare: Any) -> None:
    """The same, on a larger terminal: every part, the prediction, issuer and token file at once."""
    _snap(snap_compare, (120, 40), _open_tab)


ROWS = (
    ClaimRow(
        "github-production",
        "iss",
        "https://token.actions.githubusercontent.com",
        "https://token.actions.githubusercontent.com",
        "same",
    ),
    ClaimRow(
        "github-production",
        "sub",
        "repo:contoso/daemon:ref:refs/heads/main",
        "repo:contoso/daemon:environment:production",
        "entity-type: a branch subject, an environment one expected",
    ),
    ClaimRow("github-production", "aud", "api://AzureADTokenExchange", "api://AzureADTokenExchange", "same"),
)
MISMATCH = DoctorView(
    verdict="fail",
    findings=(
        Finding(
            code="federated-subject-mismatch",
            severity="error",
            title="No federated credential has the presented subject",
            explanation="Closest federated credential: `github-production`.",
            fix="Add a credential for the branch.",
        ),
    ),
    token_summary="No token was issued.",
    fic_diff=ROWS,
)


async def test_the_diagnosis_shows_the_claim_by_claim_diff() -> None:
    app = make_app(flow=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.push_screen(DiagnosisScreen(MISMATCH))
        await until(pilot, lambda: "entity-type" in screen_text(app), "the diff table")
        text = screen_text(app)
        assert "Federated credentials, claim by claim" in text and "refs/heads/main" in text


def test_diagnosis_fic_diff_120x40(snap_compare: Any) -> None:
    """A subject mismatch: the finding, then each claim of the closest credential against the token's."""

    async def show(pilot: Pilot[int]) -> None:
        await pilot.app.push_screen(DiagnosisScreen(MISMATCH))
        await pilot.pause()

    _snap(snap_compare, (120, 40), show)


def test_diagnosis_fic_diff_80x24(snap_compare: Any) -> None:
    """The same diff at 80 columns: the claims fold, nothing is cut off."""

    async def show(pilot: Pilot[int]) -> None:
        await pilot.app.push_screen(DiagnosisScreen(MISMATCH))
        await until(pilot, lambda: "entity-type" in screen_text(pilot.app), "the diff table")

    _snap(snap_compare, (80, 24), show)


async def test_ctrl_y_offers_the_predicted_subject_only_when_whole() -> None:
    from screens.credential import CredentialScreen

    app = make_app(flow=False)
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await _federated_tab(pilot)
        screen = app.screen
        assert isinstance(screen, CredentialScreen)
        await until(
            pilot,
            lambda: (
                ("Federated subject (predicted)", "repo:contoso/daemon:environment:production")
                in screen.copy_items()
            ),
            "the subject to copy",
        )
        await _set(pilot, pane, "owner_id", "12")  # an immutable subject needs both IDs: not whole
        await until(
            pilot,
            lambda: all(label != "Federated subject (predicted)" for label, _ in screen.copy_items()),
            "no half-built subject to copy",
        )
