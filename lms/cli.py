"""The `lms` command: init, serve, user, db, backup and restore (also `flask --app lms ...`).

The commands that migrate or back up import lms.migrate and lms.backup (and so Alembic) when
they run, not with this module: the serving processes, which load it, never need them.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, FlaskGroup
from sqlalchemy.exc import OperationalError
from werkzeug.serving import is_running_from_reloader, run_simple

from lms import audit, create_app
from lms.auth import services as accounts
from lms.bootstrap import BootstrapReport
from lms.courses.cache import warm_live_course
from lms.db import db_session, get_engine
from lms.delivery.precompressed_static import serve_static_precompressed
from lms.instance import ensure_secret_key
from lms.mail.cli import worker_command
from lms.mail.worker import start_in_background
from lms.models import Role
from lms.production_server import DEFAULT_THREADS, ServerSettings, default_workers, serve
from lms.security import BannerlessRequestHandler
from lms.start_apart import run_apart
from lms.start_lock import one_start_at_a_time
from lms.validators import EMAIL_PATTERN

main = FlaskGroup(
    create_app=create_app,
    help="Run and administer the course platform. Start with `lms serve`.",
)

user_commands = AppGroup("user", help="Create accounts and reset passwords.")
COMMON_PASSWORD = (
    "This password is one of the 20,000 most common ones, which are tried first when guessing: "
    "choose another (a short sentence is easy to remember)."
)
db_commands = AppGroup("db", help="Database migrations (for developers and upgrades).")


def _app() -> Flask:
    """Return the app the command runs in."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    return app


def _database_name(app: Flask) -> str:
    """Return the database URL without its password, for messages."""
    return get_engine(app).url.render_as_string(hide_password=True)


@contextmanager
def database_errors(app: Flask) -> Iterator[None]:
    """Turn "cannot open the database" into a sentence that says what to check."""
    try:
        yield
    except OperationalError as error:
        raise click.ClickException(
            f"Could not use the database {_database_name(app)}: {error.orig}. "
            "Check DATABASE_URL and that the database server is running."
        ) from error


def _sqlite_file_missing(app: Flask) -> bool:
    """True when the database is an SQLite file that does not exist yet."""
    url = get_engine(app).url
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return False
    return not Path(url.database).exists()


def require_current_schema(app: Flask) -> None:
    """Stop with instructions unless the database is at the newest migration."""
    from lms import migrate

    # Checked first: connecting would create an empty file (or fail on a missing folder).
    if _sqlite_file_missing(app):
        raise click.ClickException("The database has no tables yet. Run `lms init` first.")
    with database_errors(app):
        current = migrate.current_revision(app)
    head = migrate.head_revision()
    if current is None:
        raise click.ClickException("The database has no tables yet. Run `lms init` first.")
    if current != head:
        raise click.ClickException(
            f"The database is at revision {current}, but this version needs {head}. "
            "Back it up (`lms backup`), then run `lms init` to upgrade it."
        )


def _new_password(password: str | None) -> str:
    """Return the given password, or ask for it twice without echoing."""
    if password is not None:
        return password
    entered: str = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return entered


@click.command("init")
def init_command() -> None:
    """Create the instance folder and secret key, and create or upgrade the database."""
    from lms import migrate

    app = _app()
    key_file = ensure_secret_key(app)
    if key_file is not None:
        click.echo(f"Created a secret key in {key_file}. Keep this file private.")
    with database_errors(app), one_start_at_a_time(app):
        migrate.upgrade(app)
    click.echo(f"The database {_database_name(app)} is ready (revision {migrate.head_revision()}).")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    help="Worker processes (default: one per CPU, plus one).",
)
@click.option(
    "--threads",
    type=click.IntRange(min=1),
    default=DEFAULT_THREADS,
    show_default=True,
    help="Threads per worker process.",
)
@click.option(
    "--dev",
    is_flag=True,
    help="Werkzeug's development server with the reloader, for editing the code.",
)
def serve_command(host: str, port: int, workers: int | None, threads: int, dev: bool) -> None:
    """Prepare everything on first start, then serve the platform."""
    app = _app()
    if dev and is_running_from_reloader():
        # The reloader's child process: the parent prepared everything and printed the messages.
        start_in_background(app)
        _serve_for_development(app, host, port)
        return
    ensure_secret_key(app)
    # In a child for the production server: the migration tooling stays out of the workers.
    report = _prepare(app) if dev else BootstrapReport(**run_apart(lambda: asdict(_prepare(app))))
    click.echo(f"The course platform is running at http://{host}:{port}/")
    if report.admin_password is not None:
        click.echo(f"Sign in as {report.admin_email} with the password: {report.admin_password}")
        click.echo("This password is shown until the first sign-in: change it then (Account).")
    elif report.shown_by_another_start:
        click.echo(
            f"The password of {report.admin_email} was shown by another server that started "
            "less than two minutes ago; that password works. Lost it? Run: "
            f"lms user set-password --email {report.admin_email}"
        )
    else:
        click.echo("Sign in with your admin account.")
        click.echo("Forgot its password? Run: lms user set-password --email YOUR-EMAIL")
    if not app.config["LMS_SMTP_HOST"]:
        click.echo("Mail: no SMTP server configured (LMS_SMTP_HOST); messages wait in the outbox.")
    else:
        click.echo(f"Mail: delivered through {app.config['LMS_SMTP_HOST']} by a background worker.")
    if dev:
        # The reloader starts this command again in a child process, which serves.
        _serve_for_development(app, host, port)
        return
    start_in_background(app)
    serve_static_precompressed(app)
    warm_live_course(app)
    # Objects created during start-up are never freed; freezing them before the workers fork
    # keeps their memory pages shared (a collection would touch and so copy them).
    gc.freeze()
    settings = ServerSettings(host, port, workers or default_workers(), threads)
    serve(app, settings)


def _prepare(app: Flask) -> BootstrapReport:
    """Migrations, the initial course and the first admin; a ClickException says what to fix."""
    from lms.bootstrap import CourseFolderMissing, bootstrap

    try:
        with database_errors(app):
            try:
                return bootstrap(app)
            except CourseFolderMissing as error:
                raise click.ClickException(str(error)) from error
    finally:
        # Run apart, the child's connections end with it; run here, none outlives start-up.
        get_engine(app).dispose()


def _serve_for_development(app: Flask, host: str, port: int) -> None:
    """Werkzeug's server, restarted whenever a Python file changes."""
    run_simple(
        host,
        port,
        app,
        threaded=True,
        use_reloader=True,
        request_handler=BannerlessRequestHandler,
    )


@user_commands.command("create")
@click.option("--email", required=True, help="Email address; the sign-in name.")
@click.option("--name", required=True, help="Full name, as on the certificate.")
@click.option(
    "--role",
    type=click.Choice([role.value for role in Role]),
    default=Role.LEARNER.value,
    show_default=True,
)
@click.option("--password", help="Leave out to be asked (other users can see command lines).")
def create_user_command(email: str, name: str, role: str, password: str | None) -> None:
    """Create an account."""
    app = _app()
    if not EMAIL_PATTERN.match(email.strip()):
        raise click.ClickException(f"{email!r} is not an email address such as name@example.org.")
    require_current_schema(app)
    try:
        user = accounts.create_user(
            db_session(),
            email=email,
            name=name,
            password=_new_password(password),
            role=Role(role),
            ui_language=app.config["LMS_DEFAULT_LANGUAGE"],
            min_password_length=app.config["LMS_MIN_PASSWORD_LENGTH"],
        )
    except accounts.EmailTaken as error:
        raise click.ClickException(
            f"There is already an account for {error}. Use another email, or change that "
            "account's role on the Users page (/manage/users)."
        ) from error
    except accounts.PasswordTooShort as error:
        raise click.ClickException(
            f"The password is too short: use at least {error.minimum} characters."
        ) from error
    except accounts.PasswordTooCommon as error:
        raise click.ClickException(COMMON_PASSWORD) from error
    db_session().commit()
    click.echo(f"Created {user.role.value} {user.email}.")


@user_commands.command("set-password")
@click.option("--email", required=True, help="Email address of the account.")
@click.option("--password", help="Leave out to be asked (other users can see command lines).")
def set_password_command(email: str, password: str | None) -> None:
    """Set a new password for an account and sign it out everywhere."""
    app = _app()
    require_current_schema(app)
    user = accounts.find_user_by_email(db_session(), email)
    if user is None:
        raise click.ClickException(f"There is no account for {email}. Check the spelling.")
    new = _new_password(password)
    try:
        accounts.check_new_password(new, app.config["LMS_MIN_PASSWORD_LENGTH"])
    except accounts.PasswordTooShort as error:
        raise click.ClickException(
            f"The password is too short: use at least {error.minimum} characters."
        ) from error
    except accounts.PasswordTooCommon as error:
        raise click.ClickException(COMMON_PASSWORD) from error
    accounts.set_password(db_session(), user, new)
    audit.record(db_session(), None, "account.password_set", f"user {user.id}", by="lms user")
    db_session().commit()
    click.echo(f"The password of {user.email} has been changed.")


@db_commands.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade_command(revision: str) -> None:
    """Upgrade the database (like `lms init`, without touching the secret key)."""
    from lms import migrate

    app = _app()
    # The default SQLite file lives in the instance folder, which may not exist yet.
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    with database_errors(app):
        migrate.upgrade(app, revision)
    click.echo(f"The database is at revision {migrate.current_revision(app)}.")


@db_commands.command("downgrade")
@click.option("--revision", required=True, help='Revision to go back to, "-1" or "base".')
@click.option("--force", is_flag=True, help="Drop tables and columns even if they hold data.")
def db_downgrade_command(revision: str, force: bool) -> None:
    """Take the database back to an older revision; refuses to drop data unless --force."""
    from lms import migrate

    app = _app()
    with database_errors(app):
        try:
            dropped = migrate.downgrade(app, revision, force=force)
        except migrate.DataWouldBeLost as error:
            raise click.ClickException(str(error)) from error
    for loss in dropped:
        click.echo(f"Dropped {loss}.")
    click.echo(f"The database is at revision {migrate.current_revision(app) or 'base'}.")


@db_commands.command("current")
def db_current_command() -> None:
    """Show the database's revision and the newest one."""
    from lms import migrate

    app = _app()
    with database_errors(app):
        current = migrate.current_revision(app)
    click.echo(f"database: {current or 'empty'}; newest: {migrate.head_revision()}")


@db_commands.command("revision")
@click.option("-m", "--message", required=True, help="What the revision changes.")
@click.option("--empty", is_flag=True, help="Write an empty revision instead of comparing.")
def db_revision_command(message: str, empty: bool) -> None:
    """Write a new migration from the difference between the models and the database."""
    from lms import migrate

    app = _app()
    require_current_schema(app)
    path = migrate.make_revision(app, message, autogenerate=not empty)
    click.echo(f"Wrote {path}. Read it before committing: autogenerate misses some changes.")


@click.command("backup")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (default: lms-<UTC time>.sqlite3 or .pgdump in the current folder).",
)
def backup_command(output: Path | None) -> None:
    """Copy the whole database to one file while the platform keeps running."""
    from lms import backup as backups

    app = _app()
    with database_errors(app):
        try:
            report = backups.backup(app, output)
        except backups.BackupError as error:
            raise click.ClickException(str(error)) from error
    snapshot = report.snapshot
    click.echo(
        f"Backed up {_database_name(app)} to {report.path} ({report.size / 1e6:.1f} MB, "
        f"revision {snapshot.revision or 'none'}, {report.seconds:.1f} s): {snapshot.summary()}."
    )
    click.echo("The file holds password hashes and learners' answers: keep it private.")


@click.command("restore")
@click.argument("backup_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that already holds data.")
def restore_command(backup_file: Path, force: bool) -> None:
    """Replace the database with a backup made by `lms backup`. Stop the platform first."""
    from lms import backup as backups

    app = _app()
    with database_errors(app):
        try:
            report = backups.restore(app, backup_file, force=force)
        except backups.BackupError as error:
            raise click.ClickException(str(error)) from error
    snapshot = report.snapshot
    click.echo(
        f"Restored {backup_file} into {_database_name(app)} "
        f"(revision {snapshot.revision}): {snapshot.summary()}."
    )
    if report.needs_upgrade:
        click.echo(f"This version needs revision {report.head}: run `lms init` to upgrade it.")


def init_app(app: Flask) -> None:
    """Register the commands on `app.cli`, so both `lms` and `flask --app lms` offer them."""
    app.cli.add_command(init_command)
    app.cli.add_command(serve_command)
    app.cli.add_command(worker_command)
    app.cli.add_command(user_commands)
    app.cli.add_command(db_commands)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
