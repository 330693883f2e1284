"""Account rules: sign-in, sign-up, passwords, sessions, roles and languages.

Services change objects and flush; the calling view or command commits.
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from lms import audit
from lms.auth.common_passwords import is_common
from lms.db import insert_or_ignore
from lms.i18n import CONTENT_LANGUAGES, LANGUAGES, default_content_language
from lms.models import EmailChange, Role, User, normalize_email


class AccountError(Exception):
    """Base class of the account rules' errors."""


class InvalidCredentials(AccountError):
    """The email or password is wrong; deliberately does not say which."""


class EmailTaken(AccountError):
    """An account with this email already exists."""


class PasswordTooShort(AccountError):
    """The new password is shorter than the minimum."""

    def __init__(self, minimum: int) -> None:
        super().__init__(f"passwords need at least {minimum} characters")
        self.minimum = minimum


class PasswordTooCommon(AccountError):
    """The new password is on the list of the most common ones."""


class LastAdmin(AccountError):
    """The change would leave the platform without an administrator."""


class UnknownLanguage(AccountError):
    """The language code is not one the platform offers."""


# Werkzeug's scrypt defaults (n=2**15, r=8, p=1: 32 MiB and about 0.1 s per hash). Tests lower
# the cost; stored hashes carry their own parameters, so changing this never breaks existing
# passwords, and a hash made another way is redone at the next sign-in (see authenticate).
PASSWORD_METHOD = "scrypt"
# The default of LMS_MIN_PASSWORD_LENGTH; accounts with shorter passwords still sign in.
MIN_PASSWORD_LENGTH = 12


def hash_password(password: str) -> str:
    """Return a salted scrypt hash of `password`."""
    return generate_password_hash(password, method=PASSWORD_METHOD)


@cache
def _dummy_hash(method: str) -> str:
    """Return a hash to check against when the email is unknown.

    Checking it makes a wrong email cost as long as a wrong password, so response times do not
    reveal which addresses have accounts.
    """
    return generate_password_hash("not anybody's password", method=method)


def check_password_length(password: str, minimum: int) -> None:
    """Raise PasswordTooShort if `password` has fewer than `minimum` characters."""
    if len(password) < minimum:
        raise PasswordTooShort(minimum)


def check_new_password(password: str, minimum: int) -> None:
    """Raise PasswordTooShort or PasswordTooCommon unless `password` may be chosen."""
    check_password_length(password, minimum)
    if is_common(password):
        raise PasswordTooCommon()


def _method_of(password_hash: str) -> str:
    """The method and parameters a hash was made with, e.g. "scrypt:32768:8:1"."""
    return password_hash.split("$", 1)[0]


def needs_rehash(password_hash: str) -> bool:
    """Whether a stored hash was made with other parameters than PASSWORD_METHOD's."""
    return _method_of(password_hash) != _method_of(_dummy_hash(PASSWORD_METHOD))


def find_user_by_email(session: Session, email: str) -> User | None:
    """Return the user with this email (any case), or None."""
    return session.scalar(select(User).where(User.email == normalize_email(email)))


def authenticate(session: Session, email: str, password: str) -> User:
    """Return the user whose email and password match, or raise InvalidCredentials."""
    user = find_user_by_email(session, email)
    if user is None:
        check_password_hash(_dummy_hash(PASSWORD_METHOD), password)
        raise InvalidCredentials()
    if not check_password_hash(user.password_hash, password):
        raise InvalidCredentials()
    if needs_rehash(user.password_hash):
        # The password is known only now: the moment to bring an old hash up to today's cost.
        user.password_hash = hash_password(password)
        session.flush()
    return user


def create_user(
    session: Session,
    *,
    email: str,
    name: str,
    password: str,
    role: Role = Role.LEARNER,
    ui_language: str = "es",
    min_password_length: int = MIN_PASSWORD_LENGTH,
) -> User:
    """Create an account, or raise EmailTaken; safe against two simultaneous sign-ups.

    Raises PasswordTooShort or PasswordTooCommon for a password that may not be chosen.
    """
    check_new_password(password, min_password_length)
    if ui_language not in LANGUAGES:
        raise UnknownLanguage(ui_language)
    statement = insert_or_ignore(
        session,
        User,
        {
            "email": normalize_email(email),
            "name": name.strip(),
            "password_hash": hash_password(password),
            "role": role,
            "ui_language": ui_language,
            "content_language": default_content_language(ui_language),
        },
        conflict_columns=["email"],
    ).returning(User.id)
    user_id = session.scalar(statement)
    if user_id is None:
        raise EmailTaken(normalize_email(email))
    user = session.get(User, user_id)
    assert user is not None
    return user


def end_all_sessions(session: Session, user: User) -> None:
    """Bump the session version, so every copied session or remember cookie stops working."""
    # An atomic increment: two sign-outs at once must both invalidate the old cookies.
    session.flush()
    session.execute(
        update(User)
        .where(User.id == user.id)
        .values(session_version=User.session_version + 1)
        .execution_options(synchronize_session=False)
    )
    session.refresh(user, ["session_version"])


def password_matches(user: User, password: str) -> bool:
    """Whether `password` is the account's password (for confirming a serious step)."""
    return check_password_hash(user.password_hash, password)


def change_password(
    session: Session,
    user: User,
    current: str,
    new: str,
    *,
    min_password_length: int = MIN_PASSWORD_LENGTH,
) -> None:
    """Replace the password after checking the current one; signs out every other session."""
    if not password_matches(user, current):
        raise InvalidCredentials()
    check_new_password(new, min_password_length)
    set_password(session, user, new)
    audit.record(session, user.id, "account.password_change", f"user {user.id}")


def set_password(session: Session, user: User, new: str) -> None:
    """Replace the password without checking the old one (for administrators' commands).

    A pending change of email address is dropped too: someone securing their account after
    an intrusion must not find the intruder's address confirmed later.
    """
    user.password_hash = hash_password(new)
    session.execute(delete(EmailChange).where(EmailChange.user_id == user.id))
    end_all_sessions(session, user)


def change_role(session: Session, user: User, role: Role, actor_id: int | None) -> None:
    """Give `user` a new role, refusing to demote the last administrator."""
    if role != Role.ADMIN and is_last_admin(session, user):
        raise LastAdmin()
    if role == user.role:
        return
    audit.record(
        session, actor_id, "account.role", f"user {user.id}", old=user.role.value, new=role.value
    )
    user.role = role
    session.flush()


def is_last_admin(session: Session, user: User) -> bool:
    """Whether `user` is the platform's only administrator."""
    if user.role != Role.ADMIN:
        return False
    admins = session.scalar(select(func.count()).select_from(User).where(User.role == Role.ADMIN))
    return (admins or 0) <= 1


def set_name(session: Session, user: User, name: str) -> None:
    """Change the name shown to instructors and printed on the certificate."""
    user.name = " ".join(name.split())[:200]
    session.flush()


def set_interface_language(session: Session, user: User, language: str) -> None:
    """Switch the interface language; content follows unless the person chose it."""
    if language not in LANGUAGES:
        raise UnknownLanguage(language)
    user.ui_language = language
    if not user.content_language_chosen:
        user.content_language = default_content_language(language)
    session.flush()


def set_content_language(session: Session, user: User, language: str | None) -> None:
    """Choose the content language, or with None let it follow the interface language again."""
    if language is None:
        user.content_language_chosen = False
        user.content_language = default_content_language(user.ui_language)
    elif language in CONTENT_LANGUAGES:
        user.content_language_chosen = True
        user.content_language = language
    else:
        raise UnknownLanguage(language)
    session.flush()


def count_users(session: Session) -> int:
    """Return how many accounts exist."""
    return session.scalar(select(func.count()).select_from(User)) or 0


def list_users(session: Session) -> list[User]:
    """Return every account, newest first."""
    return list(session.scalars(select(User).order_by(User.created_at.desc(), User.id.desc())))
