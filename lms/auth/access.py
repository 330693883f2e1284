"""Who may open a view: every view declares it, and the declaration is the check.

Each decorator records a `Policy` on the view it wraps (`policy_of(view)` reads it), so the
rules can be listed and tested from `app.url_map`: a route without a declared policy is a
mistake the tests catch. Refusals are announced on the `access_refused` signal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, ParamSpec

from blinker import Namespace
from flask import abort, current_app, request
from flask.typing import ResponseReturnValue

from lms.auth.identity import current_account, send_to_sign_in
from lms.models import Role, User

P = ParamSpec("P")
View = Callable[P, ResponseReturnValue]
POLICY_ATTRIBUTE = "access_policy"

# Sent with `endpoint`, `user` (None when signed out) and `outcome`: "sign-in", "role", "scope".
access_refused = Namespace().signal("access-refused")


@dataclass(frozen=True)
class Scope:
    """An object-level rule: the viewer must reach what URL argument `argument` names, else 404.

    404 rather than 403, so that an instructor learns nothing about other cohorts.
    """

    argument: str
    reaches: Callable[[User, int], bool]
    description: str


@dataclass(frozen=True)
class Policy:
    """Who may open a view: nobody needs to sign in (public), or one of `roles` may."""

    roles: frozenset[Role]
    public_reason: str = ""
    scope: Scope | None = None

    @property
    def public(self) -> bool:
        return not self.roles

    def describe(self) -> str:
        """The policy in a few words, for documentation and test messages."""
        if self.public:
            return f"public: {self.public_reason}"
        names = ", ".join(role.value for role in Role if role in self.roles)
        return names + (f"; {self.scope.description}" if self.scope else "")


def policy_of(view: Callable[..., Any]) -> Policy | None:
    """The policy declared on `view`, or None when it declares none."""
    policy = getattr(view, POLICY_ATTRIBUTE, None)
    return policy if isinstance(policy, Policy) else None


def _refuse(user: User | None, outcome: str) -> None:
    access_refused.send(
        current_app._get_current_object(),  # type: ignore[attr-defined]
        endpoint=request.endpoint,
        user=user,
        outcome=outcome,
    )


def role_required(*roles: Role, scope: Scope | None = None) -> Callable[[View[P]], View[P]]:
    """Let only signed-in users with one of `roles` through: anonymous -> sign-in, others -> 403;
    with a `scope`, a viewer who does not reach the object in the URL -> 404."""
    policy = Policy(roles=frozenset(roles), scope=scope)

    def decorator(view: View[P]) -> View[P]:
        @wraps(view)
        def wrapped(*args: P.args, **kwargs: P.kwargs) -> ResponseReturnValue:
            user = current_account()
            if user is None:
                _refuse(None, "sign-in")
                return send_to_sign_in()
            if user.role not in roles:
                _refuse(user, "role")
                abort(403)
            if scope is not None and not scope.reaches(user, int(kwargs[scope.argument])):  # type: ignore[call-overload]
                _refuse(user, "scope")
                abort(404)
            return view(*args, **kwargs)

        setattr(wrapped, POLICY_ATTRIBUTE, policy)
        return wrapped

    return decorator


def public(reason: str) -> Callable[[View[P]], View[P]]:
    """Mark a view as open to everyone, signed in or not, saying why."""
    if not reason.strip():
        raise ValueError("a public view needs the reason it is public")
    policy = Policy(roles=frozenset(), public_reason=reason)

    def decorator(view: View[P]) -> View[P]:
        setattr(view, POLICY_ATTRIBUTE, policy)
        return view

    return decorator


def login_required(view: View[P]) -> View[P]:
    """Let only signed-in users through; anonymous visitors go to the sign-in page."""
    return role_required(*Role)(view)


staff_required = role_required(Role.INSTRUCTOR, Role.ADMIN)
admin_required = role_required(Role.ADMIN)
