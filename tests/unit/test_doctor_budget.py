"""doctor's time bound is network time: the client libraries are imported before its clock starts."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

# A fresh interpreter, so that nothing is imported yet; the clock notes what is loaded when the bound starts.
CHILD = """
import json, socket, sys
from wizard.live.doctor import DoctorOptions, run_doctor
from wizard.live.http import SystemClock
from wizard.profile import Profile
from wizard.secret import Secret

class Watching(SystemClock):
    loaded_at_start = None

    def monotonic(self):
        if self.loaded_at_start is None:
            wanted = ("msal", "msgraph", "msgraph.generated.models.user", "azure.identity")
            self.loaded_at_start = sorted(m for m in wanted if m in sys.modules)
        return super().monotonic()

with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]  # closed again: the run fails at once, offline
tenant = "9b8a7c6d-5e4f-4a3b-9c2d-1e0f2a3b4c5d"
profile = Profile(tenant=tenant, client_id="6a1f3c2e-0b9d-4c57-8e21-3f4d5a6b7c8d",
                  authority_override=f"https://127.0.0.1:{port}/{tenant}")
clock = Watching()
report = run_doctor(profile, secret=Secret("Kx8Q~not.a.real.secret-123456"),
                    options=DoctorOptions(timeout=5, typed_graph=sys.argv[1] == "typed"),
                    use_env_proxies=False, clock=clock)
print(json.dumps({"loaded": clock.loaded_at_start, "codes": [f.code for f in report.findings]}))
"""


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        # doctor reads Graph as the official sample does: msgraph-sdk is never loaded on its path.
        ("lean", ["msal"]),
        # the typed probe (probe --via msgraph-sdk) loads the SDK and its models before the bound.
        ("typed", ["msal", "msgraph", "msgraph.generated.models.user"]),
    ],
)
def test_libraries_are_loaded_before_the_time_bound_starts(mode: str, expected: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, mode], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["loaded"] == expected, "library imports must happen before the bound, and only those needed"
    assert result["codes"] == ["network-connect"]
