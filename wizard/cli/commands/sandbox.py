"""`daemon-wizard sandbox`: run the offline sandbox tenant in the foreground until Ctrl-C."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType
from typing import Any

from wizard.cli.output import emit_json, err, out, reveal_line
from wizard.exitcodes import ExitCode


def register(sub: Any) -> None:
    p = sub.add_parser(
        "sandbox",
        help="run the offline sandbox tenant (Entra ID + Graph + ToDo API over HTTPS on loopback)",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=0, help="port to listen on (default: any free port)")
    p.add_argument(
        "--hostnames",
        nargs="+",
        default=[],
        metavar="NAME",
        help="extra names for the server certificate, e.g. login.microsoftonline.com graph.microsoft.com",
    )
    p.add_argument("--scenario", metavar="FILE", help="scenario file (.toml or .json); default: built-in")
    p.add_argument("--data-dir", metavar="DIR", help="where the local CA is kept (default: user data dir)")
    p.add_argument(
        "--show-secrets", action="store_true", help="print the generated secrets in the human summary too"
    )
    p.add_argument("--json", action="store_true", help="print one JSON line (with secrets) when ready")
    p.add_argument(
        "--state",
        metavar="PATH",
        help="keep what Graph writes create (apps, secrets, service principals, consent) in this SQLite "
        "file across restarts; default: memory only",
    )
    p.add_argument(
        "--replication-lag",
        type=_reads,
        metavar="N",
        help="new directory objects answer 404 for their first N Graph reads, as Entra's replicas do",
    )
    p.add_argument(
        "--token-lag",
        type=_reads,
        metavar="N",
        help="new secrets and app role assignments reach the token endpoint only after N token requests",
    )
    p.set_defaults(handler=run)


def _reads(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = -1
    if n < 0:
        raise argparse.ArgumentTypeError(
            f"expected a whole number of reads (or requests), 0 or more, got {value!r}"
        )
    return n


def _summary(info: dict[str, Any]) -> list[str]:
    lines = [
        f"Sandbox tenant listening on {info['base_url']}",
        f"CA certificate (trust this): {info['ca_file']}",
        f"Graph: {info['graph_base_url']}   ToDo API: {info['todo_base_url']}/api/todolist",
    ]
    for t in info["tenants"]:
        lines += ["", f"Tenant {t['name']} ({t['type']})  id {t['id']}  domain {t['domain']}"]
        lines.append(f"  authority: {t['authority']}")
        for a in t["apps"]:
            cred = f"secret {a['secret']}" if a["secret"] else "no secret"
            cert = a["certificate"]
            if cert:
                cred += f", certificate {cert['cert_pem']} (SHA-1 {cert['thumbprint_sha1']})"
            lines.append(f"  app {a['name']:<24} client id {a['client_id']}  {cred}")
        for api in t["apis"]:
            roles = ", ".join(r["value"] for r in api["roles"])
            lines.append(f"  api {api['name']:<24} scope {api['scope']}  roles: {roles}")
    return lines


def run(args: argparse.Namespace) -> int:
    from wizard.sandbox import Sandbox, resolve_scenario

    scenario = resolve_scenario(args.scenario)
    sandbox = Sandbox(
        scenario=scenario,
        host=args.host,
        port=args.port,
        hostnames=tuple(args.hostnames),
        data_dir=args.data_dir,
        state_path=args.state,
        replication_lag=args.replication_lag,
        token_lag=args.token_lag,
    )
    if not sandbox.loopback:
        err(
            f"Warning: --host {args.host} is not a loopback address: the sandbox's generated secrets, keys "
            "and tokens are then reachable from the network. Use 127.0.0.1 unless you mean it."
        )
    stop = threading.Event()

    def _on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = signal.signal(signal.SIGTERM, _on_signal)
    sandbox.start()
    try:
        if args.json:  # the ready line carries the apps' secrets on purpose (documented in cli.md)
            emit_json(sandbox.describe(show_secrets=True), reveal=True, compact=True)
        else:
            for line in _summary(sandbox.describe(show_secrets=args.show_secrets)):
                # --show-secrets asks for the generated secrets: the one place they are printed
                (reveal_line if args.show_secrets else out)(line)
            sys.stdout.flush()
        err("Sandbox ready. Press Ctrl-C to stop.")
        while not stop.is_set() and sandbox.running:
            stop.wait(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        sandbox.stop()
        signal.signal(signal.SIGTERM, previous)
    err("Sandbox stopped.")
    return int(ExitCode.OK)
