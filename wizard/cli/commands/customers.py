"""`daemon-wizard customers add|list|remove|consent|check|export`: a multi-tenant daemon's customer tenants."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wizard.cli.arg_types import jobs, seconds
from wizard.cli.output import emit_json, err, out
from wizard.errors import UsageError
from wizard.exitcodes import ExitCode

if TYPE_CHECKING:
    from wizard.customers import CheckResult, Customer, CustomerBook
    from wizard.profile import Profile


def register(sub: Any) -> None:
    p = sub.add_parser(
        "customers",
        help="multi-tenant (ISV) daemons: customer tenants, their admin consent, a check in each",
        description="The customer tenants of a saved profile's multi-tenant app, each with its admin-consent URL "
        "and consent state (kept beside the profile, never a secret). `check` gets a token and calls the API in "
        "every customer's tenant. Exit codes: 0 ok, 1 findings, 2 bad input, 3 network.",
    )
    cs = p.add_subparsers(dest="customers_command", metavar="ACTION", required=True)

    add = cs.add_parser("add", help="add a customer tenant (ID or domain); prints its consent URL")
    add.add_argument("tenant", metavar="TENANT", help="the customer's tenant ID or domain")
    _book_args(add)
    add.set_defaults(handler=run_add)

    rm = cs.add_parser("remove", help="forget a customer tenant")
    rm.add_argument("tenant", metavar="TENANT")
    _book_args(rm)
    rm.set_defaults(handler=run_remove)

    ls = cs.add_parser("list", help="every customer with its consent state and consent URL")
    _book_args(ls)
    ls.set_defaults(handler=run_list)

    co = cs.add_parser(
        "consent",
        help="a fresh admin-consent URL for one customer; record the answer (--listen, or --redirect-url)",
    )
    co.add_argument(
        "tenant", metavar="TENANT", nargs="?", help="the customer (not needed with --redirect-url)"
    )
    _book_args(co)
    co.add_argument("--redirect-uri", metavar="URI", help="the redirect URI registered on the app")
    co.add_argument("--listen", action="store_true", help="catch the answer on http://localhost:PORT")
    co.add_argument("--port", type=int, default=0, metavar="N", help="with --listen: the port (default: any)")
    co.add_argument("--wait", type=seconds, default=600.0, metavar="SECONDS", help="with --listen: how long")
    co.add_argument("--redirect-url", metavar="URL", help="record the answer: the URL the browser landed on")
    co.set_defaults(handler=run_consent)

    from wizard.cli.live_args import add_live_arguments

    ck = cs.add_parser("check", help="token, roles and the API call in every customer's tenant")
    add_live_arguments(ck, via=True)
    ck.add_argument("--jobs", type=jobs, default=8, metavar="N", help="tenants checked at once")
    ck.add_argument("--book", metavar="NAME", help="whose customers (default: --profile, or sandbox-<app>)")
    ck.add_argument("--redirect-uri", metavar="URI", help="redirect URI in the consent URLs shown")
    ck.add_argument("--json", action="store_true", help="stable JSON on stdout")
    ck.set_defaults(handler=run_check)

    from wizard.cli.profile_args import add_profile_arguments

    ex = cs.add_parser("export", help="one config per customer tenant (the sample's authority set to it)")
    ex.add_argument("--format", dest="fmt", required=True, metavar="NAME", help="a format of `export`")
    ex.add_argument("--out", required=True, metavar="DIR", help="folder: DIR/<tenant>/<the format's file>")
    ex.add_argument("--force", action="store_true", help="replace existing files (keeps a .bak)")
    ex.add_argument("--json", action="store_true", help="stable JSON on stdout")
    add_profile_arguments(ex, with_passphrase=True)
    ex.set_defaults(handler=run_export)


def _book_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--profile", required=True, metavar="NAME", help="the saved profile of the multi-tenant app"
    )
    p.add_argument("--json", action="store_true", help="stable JSON on stdout")


def _open(name: str) -> tuple[Profile, CustomerBook]:
    from wizard.customers import load_book
    from wizard.profile_store import load_profile

    profile = load_profile(name)
    return profile, load_book(name, home_tenant=profile.tenant.lower())


def _listing(profile: Profile, customer: Customer, redirect_uri: str | None = None) -> dict[str, Any]:
    from wizard.customers import consent_url

    return {**customer.to_dict(), "consent_url": consent_url(profile, customer, redirect_uri=redirect_uri)}


def run_add(args: argparse.Namespace) -> int:
    from wizard.customers import save_book

    profile, book = _open(args.profile)
    book = book.add(args.tenant)
    save_book(book)
    customer = book.customers[-1]
    if args.json:
        emit_json({"profile": book.profile, "customer": _listing(profile, customer)})
    else:
        out(f"added {customer.tenant} to {book.profile} ({len(book.customers)} customers)")
        out(f"admin-consent URL: {_listing(profile, customer)['consent_url']}")
        err("Send it to that tenant's admin, or run `daemon-wizard customers consent TENANT --listen`.")
    return int(ExitCode.OK)


def run_remove(args: argparse.Namespace) -> int:
    from wizard.customers import save_book

    _, book = _open(args.profile)
    save_book(book.remove(args.tenant))
    if args.json:
        emit_json({"profile": book.profile, "removed": args.tenant})
    else:
        out(f"removed {args.tenant}")
    return int(ExitCode.OK)


def run_list(args: argparse.Namespace) -> int:
    profile, book = _open(args.profile)
    rows = [_listing(profile, c) for c in book.customers]
    if args.json:
        emit_json({**book.to_dict(), "customers": rows})
        return int(ExitCode.OK)
    audience = {True: "multi-tenant", False: "single-tenant", None: "audience not read yet"}[
        book.multi_tenant
    ]
    out(f"{book.profile}: home tenant {book.home_tenant or '?'}, {audience}, {len(rows)} customers")
    for row in rows:
        out(f"{row['tenant']:<40} {row['consent']:<14} {row.get('consented_at', '')}")
        out(f"  {row['consent_url']}")
    return int(ExitCode.OK)


def run_consent(args: argparse.Namespace) -> int:
    from wizard.customers import parse_answer, record_answer, request_consent, save_book

    profile, book = _open(args.profile)
    if args.redirect_url:
        book, customer = record_answer(book, parse_answer(args.redirect_url))
        save_book(book)
        return _answered(args, profile, customer)
    if not args.tenant:
        raise UsageError("Name the customer TENANT", hint="Or pass --redirect-url URL to record an answer.")
    if args.listen:
        from wizard.customers.listener import ConsentListener

        with ConsentListener(args.port) as listener:
            book, customer = request_consent(book, args.tenant)
            save_book(book)
            _show_url(args, profile, customer, listener.redirect_uri)
            err(f"waiting up to {args.wait:.0f} s for the answer on {listener.redirect_uri} ...")
            answer = listener.wait(args.wait)
        if answer is None:
            err("error: no answer arrived in time")
            err("  fix: open the URL as the customer's admin, or paste the redirect with --redirect-url URL.")
            return int(ExitCode.FAILURE)
        book, customer = record_answer(book, parse_answer(answer))
        save_book(book)
        return _answered(args, profile, customer)
    book, customer = request_consent(book, args.tenant)
    save_book(book)
    _show_url(args, profile, customer, args.redirect_uri)
    return int(ExitCode.OK)


def _show_url(
    args: argparse.Namespace, profile: Profile, customer: Customer, redirect_uri: str | None
) -> None:
    listing = _listing(profile, customer, redirect_uri)
    if args.json:
        emit_json(
            {"event": "consent_url", "tenant": customer.tenant, "consent_url": listing["consent_url"]},
            compact=True,
        )
    else:
        out(listing["consent_url"])
        err(f"Open it as {customer.tenant}'s admin (Global Administrator or Privileged Role Administrator).")


def _answered(args: argparse.Namespace, profile: Profile, customer: Customer) -> int:
    from wizard.customers import ConsentState

    ok = customer.consent is ConsentState.CONSENTED
    if args.json:
        emit_json({"event": "answer", "customer": _listing(profile, customer)}, compact=True)
    else:
        out(
            f"{customer.tenant}: {customer.consent.value}"
            + (f" ({customer.error})" if customer.error else "")
        )
    return int(ExitCode.OK if ok else ExitCode.FAILURE)


def run_check(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from wizard.cli.live_args import live_input
    from wizard.customers import CheckOptions, check_customers, load_book, save_book

    with live_input(args) as given:
        name = args.book or args.profile or f"sandbox-{args.sandbox_app}"
        book = load_book(name, home_tenant=given.profile.tenant.lower())
        if not book.customers:
            raise UsageError(
                f"{name} has no customers yet", hint="Add one: `daemon-wizard customers add TENANT`."
            )
        options = CheckOptions(
            jobs=args.jobs, timeout=args.timeout, via=args.via, redirect_uri=args.redirect_uri
        )
        result = check_customers(
            given.profile,
            book,
            secret=given.secret,
            ca_file=given.ca_file,
            options=options,
            registration=given.registration,
            use_env_proxies=given.use_env_proxies,
        )
    if result.sign_in_audience is not None:
        save_book(replace(book, multi_tenant=result.multi_tenant, sign_in_audience=result.sign_in_audience))
    if args.json:
        emit_json(result.to_dict())
    else:
        _table(result)
    return int(result.exit_code)


def _table(result: CheckResult) -> None:
    audience = result.sign_in_audience or "signInAudience not readable"
    out(f"app: {audience}; roles asked for: {', '.join(result.required_roles) or '?'}")
    out(f"{'TENANT':<38} {'CONSENT':<14} {'TOKEN':<6} {'ROLES':<32} {'API':<22} {'RESULT':<6} FINDING")
    for label, row in (("home", result.home), *(("", r) for r in result.rows)):
        first = row.finding
        tenant = f"{row.tenant} (home)" if label else row.tenant
        roles = ",".join(row.roles) or "-"
        token = "ok" if row.token_ok else "fail"
        out(f"{tenant:<38} {row.consent.value:<14} {token:<6} {roles:<32} {row.api:<22} {row.status:<6} "
            f"{first.code if first else ''}")  # fmt: skip
    for row in (result.home, *result.rows):
        if row.finding is not None:
            out("")
            out(f"{row.tenant}: {row.finding.title}")
            out(f"  {row.finding.explanation}")
            out(f"  fix: {row.finding.fix}")


def run_export(args: argparse.Namespace) -> int:
    from wizard.cli.profile_args import passphrase_from_args, profile_from_args
    from wizard.configs import export_config, get_format
    from wizard.customers import customer_profile, load_book

    if not args.profile:
        raise UsageError(
            "customers export needs --profile NAME", hint="The saved profile of the multi-tenant app."
        )
    spec = get_format(args.fmt)
    given = profile_from_args(args)
    book = load_book(args.profile, home_tenant=given.profile.tenant.lower())
    if not book.customers:
        raise UsageError(
            f"{args.profile} has no customers yet", hint="Add one: `daemon-wizard customers add TENANT`."
        )
    written = []
    for customer in book.customers:
        target = Path(args.out) / customer.tenant / spec.filename
        result = export_config(
            customer_profile(given.profile, customer),
            spec.name,
            secret=given.secret,
            out=target,
            force=args.force,
            passphrase=passphrase_from_args(args),
        )
        written.append({"tenant": customer.tenant, "path": result.path, "warnings": list(result.warnings)})
    if args.json:
        emit_json({"format": spec.name, "files": written})
    else:
        for item in written:
            out(f"{item['tenant']}: {item['path']}")
    return int(ExitCode.OK)
