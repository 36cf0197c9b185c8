"""The `communityhub` command: dev, serve, migrate, worker and admin tasks."""

import asyncio
import json
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Annotated, Any

import typer

from app.config import get_settings

cli = typer.Typer(help="Community Hub: a city's sharing-economy back end.", no_args_is_help=True)


def _print_version(asked: bool) -> None:
    if asked:
        from schema.stability.version import schema_digest, schema_release, server_version

        typer.echo(
            f"communityhub {server_version()} "
            f"(schema release {schema_release()}, SDL {schema_digest()})"
        )
        raise typer.Exit()


@cli.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Community Hub: a city's sharing-economy back end."""


def _run(factory: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
    """Runs a command's coroutine; a user's mistake (a DomainError) is printed, exit code 2."""
    from app.errors import DomainError

    try:
        return asyncio.run(factory())
    except DomainError as exc:
        code = getattr(exc.code, "value", exc.code)
        typer.echo(f"{code}: {exc.field + ': ' if exc.field else ''}{exc.message}", err=True)
        raise typer.Exit(2) from exc


@cli.command()
def dev(
    host: Annotated[str, typer.Option(help="Interface the API listens on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port the API listens on.")] = 8000,
    demo: Annotated[bool, typer.Option(help="Load the demo hub.")] = True,
) -> None:
    """Run everything on this machine: private PostgreSQL and Redis under ./var, API and worker."""
    from app.devstack.runner import run_dev

    raise typer.Exit(run_dev(host=host, port=port, demo=demo))


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Number of API processes.")] = 1,
) -> None:
    """Serve the GraphQL API (uvicorn) against CH_DATABASE_URL and CH_REDIS_URL."""
    import uvicorn

    from app.config import get_settings
    from app.logs import configure_logging
    from app.web.protocol import JoinedWritesProtocol

    configure_logging()
    uvicorn.run(
        "app.http:create_configured_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=None,
        access_log=False,
        proxy_headers=True,
        http=JoinedWritesProtocol if get_settings().http_join_writes else "auto",
    )


@cli.command()
def migrate() -> None:
    """Apply every pending database migration."""
    from app.logs import configure_logging
    from app.migrate import migrate_database

    configure_logging()
    _run(migrate_database)
    typer.echo("Database is up to date.")


@cli.command()
def worker(
    burst: Annotated[bool, typer.Option(help="Exit when the queue is empty.")] = False,
) -> None:
    """Run a background job worker (arq) against CH_REDIS_URL."""
    from app.logs import configure_logging
    from workers.main import run_worker

    configure_logging()
    run_worker(burst=burst)


@cli.command("create-hub")
def create_hub(
    name: Annotated[str, typer.Option(help="Display name, e.g. 'Manchester'.")],
    slug: Annotated[str, typer.Option(help="Short unique id used in URLs and sign-in.")],
    timezone: Annotated[str, typer.Option(help="IANA time zone.")] = "Europe/London",
    locale: Annotated[str, typer.Option(help="BCP 47 locale.")] = "en-GB",
    credit_name: Annotated[str, typer.Option(help="What the hub calls a credit.")] = "credit",
    credits_per_hour: Annotated[int, typer.Option(help="Credits earned per verified hour.")] = 60,
) -> None:
    """Create a hub (a city or community)."""
    from app.hubs import service
    from app.runtime import with_orm

    async def go() -> Any:
        return await service.create_hub(
            name=name,
            slug=slug,
            timezone=timezone,
            locale=locale,
            credit_name=credit_name,
            credits_per_hour=credits_per_hour,
        )

    hub = _run(lambda: with_orm(go))
    typer.echo(f"Created hub {hub.slug} (id {hub.id}).")


@cli.command("federation-connect")
def federation_connect(
    hub: Annotated[str, typer.Option(help="This hub's slug.")],
    admin_email: Annotated[str, typer.Option(help="A hub admin of it, who agrees the link.")],
    partner_slug: Annotated[str, typer.Option(help="The partner hub's slug there.")],
    partner_name: Annotated[str, typer.Option(help="The partner hub's name (statements).")],
    partner_url: Annotated[str, typer.Option(help="The partner installation's base URL.")],
    pair: Annotated[str | None, typer.Option(help="The link id the partner gave.")] = None,
    partner_key: Annotated[str | None, typer.Option(help="The partner's public key.")] = None,
    rate: Annotated[str, typer.Option(help="One credit here is N/D of theirs.")] = "1/1",
    credit_limit: Annotated[
        int, typer.Option(help="What the partner's members may spend here.")
    ] = 0,
) -> None:
    """Agree a link with a hub on another installation: first without --partner-key (send the
    printed link id and key to the partner's admin), then `federation-complete` with theirs."""
    from app.actor import Actor
    from app.federation import remote
    from app.hubs.models import Hub
    from app.people.models import Member, MemberRole, Role
    from app.runtime import with_orm

    numerator, denominator = (int(x) for x in rate.split("/"))

    async def go() -> Any:
        found = await Hub.get(slug=hub)
        admin = await Member.get(hub_id=found.id, email=admin_email.lower())
        roles = await MemberRole.filter(member_id=admin.id).values_list("role", flat=True)
        actor = Actor(member=admin, roles=frozenset(Role(str(r)) for r in roles))
        return await remote.connect(
            actor=actor, partner_slug=partner_slug, partner_name=partner_name,
            partner_url=partner_url, pair=pair,
            partner_key=partner_key, rate_numerator=numerator, rate_denominator=denominator,
            credit_limit=credit_limit,
        )  # fmt: skip

    link, public = _run(lambda: with_orm(go))
    typer.echo(f"Link {link.id} ({link.status.value}): pair {link.pair}, public key {public}")


@cli.command("federation-complete")
def federation_complete(
    hub: Annotated[str, typer.Option(help="This hub's slug.")],
    admin_email: Annotated[str, typer.Option(help="A hub admin of it.")],
    link_id: Annotated[int, typer.Option(help="This side's link (federation-connect printed).")],
    partner_key: Annotated[str, typer.Option(help="The partner's public key.")],
) -> None:
    """The partner's public key arrived: the link with the other installation is active."""
    from app.actor import Actor
    from app.federation import remote
    from app.hubs.models import Hub
    from app.people.models import Member, MemberRole, Role
    from app.runtime import with_orm

    async def go() -> Any:
        found = await Hub.get(slug=hub)
        admin = await Member.get(hub_id=found.id, email=admin_email.lower())
        roles = await MemberRole.filter(member_id=admin.id).values_list("role", flat=True)
        actor = Actor(member=admin, roles=frozenset(Role(str(r)) for r in roles))
        return await remote.complete(actor=actor, link_id=link_id, partner_key=partner_key)

    link = _run(lambda: with_orm(go))
    typer.echo(f"Link {link.id} is {link.status.value}.")


@cli.command("federation-recover")
def federation_recover() -> None:
    """Drive payments to other installations that are not final (the worker's job, once)."""
    from app.federation import protocol
    from app.runtime import with_orm

    typer.echo(_run(lambda: with_orm(protocol.recover)))


@cli.command("federation-encrypt-keys")
def federation_encrypt_keys() -> None:
    """Encrypt the links' private signing keys stored before CH_FEDERATION_KEY_PASSPHRASE was
    set (run once after setting it; keys made later are encrypted when made)."""
    from app.federation import remote
    from app.runtime import with_orm

    if get_settings().federation_key_passphrase is None:
        raise typer.BadParameter("Set CH_FEDERATION_KEY_PASSPHRASE first.")
    typer.echo(f"{_run(lambda: with_orm(remote.seal_keys))} keys encrypted.")


@cli.command("federation-account-links")
def federation_account_links() -> None:
    """Sync linked accounts on other installations once (the worker's job): removals
    delivered, expired asks dropped, the other accounts' verified hours fetched."""
    from app.federation import remote_accounts
    from app.runtime import with_orm

    typer.echo(_run(lambda: with_orm(remote_accounts.sync)))


@cli.command("federation-reconcile")
def federation_reconcile() -> None:
    """Compare each remote link's clearing balances with the partner's (the daily job)."""
    from app.federation import reconciliation
    from app.runtime import with_orm

    typer.echo(_run(lambda: with_orm(reconciliation.reconcile)))


@cli.command("badge-defaults")
def badge_defaults(
    hub: Annotated[str | None, typer.Option(help="The hub's slug; none: every hub.")] = None,
) -> None:
    """Give a hub (or every hub) the default badges and levels it lacks (by slug and name)."""
    from app.badges.service import ensure_defaults
    from app.hubs.models import Hub
    from app.runtime import with_orm

    async def go() -> int:
        query = Hub.filter(slug=hub) if hub else Hub.all()
        return sum([await ensure_defaults(h.id) for h in await query])

    typer.echo(f"Added {_run(lambda: with_orm(go))} badges and levels.")


@cli.command("create-admin")
def create_admin(
    hub: Annotated[str, typer.Option(help="Slug of the hub.")],
    email: Annotated[str, typer.Option(help="Sign-in email.")],
    password: Annotated[
        str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True, help="Password.")
    ],
    name: Annotated[str, typer.Option(help="Display name.")] = "Hub admin",
) -> None:
    """Create a verified hub admin who can sign in at once."""
    from app.auth.service import create_account
    from app.people.models import Role
    from app.runtime import with_orm

    async def go() -> Any:
        return await create_account(
            hub_slug=hub, email=email, password=password, display_name=name, roles=[Role.HUB_ADMIN]
        )

    member = _run(lambda: with_orm(go))
    typer.echo(f"Created hub admin {member.email} in {hub}.")


@cli.command("register-documents")
def register_documents(
    manifest: Annotated[
        Path, typer.Argument(help="Apollo or Relay persisted-query manifest (JSON).")
    ],
    hub: Annotated[str, typer.Option(help="Slug of the hub whose apps send these documents.")],
    replace: Annotated[
        bool, typer.Option(help="Also drop the hub's documents missing from this manifest.")
    ] = False,
) -> None:
    """Register the GraphQL documents of a hub's apps (trusted documents), by SHA-256.

    A hub that runs only its trusted documents (updateHub trustedDocumentsOnly) refuses any
    other; the others run them by hash too. Every document must fit the schema."""
    from graphql import parse, validate

    from app.errors import DomainError
    from app.hubs import documents
    from app.runtime import with_orm
    from schema import schema

    try:
        found = documents.read_manifest(json.loads(manifest.read_text()))
    except (OSError, ValueError) as exc:  # ManifestError and JSONDecodeError are ValueErrors
        typer.echo(f"Cannot register {manifest}: {exc}", err=True)
        raise typer.Exit(1) from exc
    for document in found:
        if errors := validate(schema._schema, parse(document.body)):
            label = document.name or document.sha256
            typer.echo(f"Cannot register {label}: {errors[0].message}", err=True)
            raise typer.Exit(1)

    try:
        counts = _run(lambda: with_orm(lambda: documents.register(hub, found, replace=replace)))
    except DomainError as exc:
        typer.echo(f"Cannot register: {exc.message}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(
        f"{hub}: {counts['added']} documents added, {counts['kept']} already registered"
        + (f", {counts['removed']} removed." if replace else ".")
    )


@cli.command("schema-changelog")
def schema_changelog(
    output: Annotated[Path, typer.Option(help="Where to write it.")] = Path("schema/CHANGELOG.md"),
) -> None:
    """Write the schema changelog from the git history of schema/schema.graphql."""
    from schema.stability.changelog import entries, render, sdl_history
    from schema.stability.release import load_release

    found = entries(sdl_history(repo=Path.cwd()))
    output.write_text(render(found, intended=load_release().intended))
    typer.echo(f"{output}: {len(found)} versions that changed the schema.")


@cli.command("load-demo")
def load_demo() -> None:
    """Load the demo hub (idempotent)."""
    from app.demo import load_demo_hub
    from app.runtime import with_orm

    _run(lambda: with_orm(load_demo_hub))
    typer.echo(f"Demo hub loaded; GraphQL at {get_settings().public_url}/graphql")


i18n = typer.Typer(help="Translations: extract the marked texts, update and check catalogues.")
cli.add_typer(i18n, name="i18n")


@i18n.command("extract")
def i18n_extract() -> None:
    """Write app/locale/messages.pot from the texts marked in the code."""
    from app.i18n.extract import extract, write_pot

    catalogue = extract()
    typer.echo(f"{write_pot(catalogue)}: {len(catalogue)} texts.")


@i18n.command("update")
def i18n_update() -> None:
    """Extract, then merge into every language's messages.po (new entries empty)."""
    from app.i18n.extract import update

    for locale, open_entries in update().items():
        typer.echo(f"{locale}: {open_entries} entries to translate.")


@i18n.command("check")
def i18n_check() -> None:
    """Fail when a member-visible text is not marked, or a catalogue lacks a text of the code
    or has an empty or fuzzy one."""
    from app.i18n.extract import HOW_TO_FIX, check
    from app.i18n.marking import HOW_TO_MARK, scan

    unmarked = scan()
    for found in unmarked:
        typer.echo(str(found))
    if unmarked:
        typer.echo(f"Unmarked texts: {HOW_TO_MARK}")
    failed = bool(unmarked)
    for report in check():
        for problem in report.problems:
            failed = True
            typer.echo(f"{report.locale}: {problem}")
    if failed:
        typer.echo(HOW_TO_FIX)
        raise typer.Exit(1)
    typer.echo("Every catalogue is complete.")


def main() -> None:
    cli()
