"""Token test overhead: doctor's network work against a raw httpx client doing the same token and API call."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from bench.harness import Row, alternate


@dataclass(frozen=True)
class Exchanges:
    """HTTP exchanges the sandbox saw for one run of each side, and for a cached second acquisition."""

    doctor: dict[str, int]
    raw: dict[str, int]
    cached_second: int


def _delta(sb: object, before: int) -> list[object]:
    return list(sb.request_log[before:])  # type: ignore[attr-defined]


def _count(sb: object, run: Callable[[], object]) -> dict[str, int]:
    """Requests the sandbox logged while `run` ran, by endpoint family."""
    from wizard.sandbox.faults import classify

    before = len(sb.request_log)  # type: ignore[attr-defined]
    run()
    counts: dict[str, int] = {}
    for entry in _delta(sb, before):
        family = classify(entry.path)  # type: ignore[attr-defined]
        counts[family] = counts.get(family, 0) + 1
    return counts


def run(rounds: int = 5) -> tuple[list[Row], Exchanges]:
    import tempfile

    from wizard.live.doctor import DoctorOptions, run_doctor
    from wizard.live.http import HttpSettings
    from wizard.live.msal_token import MsalTokenClient
    from wizard.live.sandbox_profile import sandbox_app_profile
    from wizard.sandbox import Sandbox
    from wizard.sandbox.trust import httpx_client

    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as data, Sandbox(data_dir=data) as sb:
        for app_name, label in (("graph-daemon", "Graph /users"), ("todo-daemon", "ToDo API")):
            profile, secret = sandbox_app_profile(sb, app_name)
            assert secret is not None
            app = sb.app(app_name)
            token_url = f"{app.authority}/oauth2/v2.0/token"
            api_url = f"{sb.graph_base_url}/users" if app_name == "graph-daemon" else profile.api_url
            form = {
                "grant_type": "client_credentials",
                "client_id": app.client_id,
                "client_secret": secret.reveal(),
                "scope": profile.scope,
            }

            def doctor(profile: object = profile, secret: object = secret) -> None:
                report = run_doctor(
                    profile,  # type: ignore[arg-type]
                    secret=secret,  # type: ignore[arg-type]
                    ca_file=sb.ca_file,
                    options=DoctorOptions(timeout=30),
                    use_env_proxies=False,
                )
                assert report.verdict == "ok", report.findings

            def raw(form: dict[str, str] = form, api_url: str = api_url, url: str = token_url) -> None:
                with httpx_client(sb.ca_file, timeout=30) as http:
                    token = http.post(url, data=form).json()["access_token"]
                    r = http.get(api_url, headers={"Authorization": f"Bearer {token}"})
                    assert r.status_code == 200, r.status_code

            def timed(fn: Callable[[], None]) -> Callable[[], float]:
                def inner() -> float:
                    start = time.perf_counter()
                    fn()
                    return time.perf_counter() - start

                return inner

            s, b = alternate(timed(doctor), timed(raw), rounds=rounds)
            d_counts, r_counts = _count(sb, doctor), _count(sb, raw)
            rows.append(
                Row(
                    "token test",
                    f"doctor, {label} ({sum(d_counts.values())} exch.)",
                    s,
                    f"raw httpx ({sum(r_counts.values())} exch.)",
                    b,
                    "s",
                )
            )
            if app_name == "graph-daemon":
                graph_counts = (d_counts, r_counts)
        profile, secret = sandbox_app_profile(sb, "graph-daemon")
        client = MsalTokenClient(
            profile,
            secret=secret,
            settings=HttpSettings.bounded(30, ca_file=sb.ca_file, use_env_proxies=False),
        )
        client.acquire()
        before = len(sb.request_log)
        second = client.acquire()
        cached = len(sb.request_log) - before
        assert second.source == "cache", second.source
        client.session.close()
    return rows, Exchanges(doctor=graph_counts[0], raw=graph_counts[1], cached_second=cached)


if __name__ == "__main__":
    from bench.harness import print_table

    table, exchanges = run(rounds=3)
    print_table(table)
    print(exchanges)
