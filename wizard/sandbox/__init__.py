"""An offline imitation of Entra ID, a slice of Microsoft Graph and a ToDo API over HTTPS on loopback."""

from __future__ import annotations

from wizard.sandbox.defaults import default_scenario, resolve_scenario
from wizard.sandbox.handle import SandboxApi, SandboxHandle, handle_for, open_sandbox
from wizard.sandbox.scenario import Scenario, load_scenario, scenario_from_dict
from wizard.sandbox.server import Sandbox, SandboxApp

__all__ = [
    "Sandbox",
    "SandboxApi",
    "SandboxApp",
    "SandboxHandle",
    "Scenario",
    "default_scenario",
    "handle_for",
    "load_scenario",
    "open_sandbox",
    "resolve_scenario",
    "scenario_from_dict",
]
