"""Who may open a view: sign-in and role checks."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec

from flask import abort
from flask.typing import ResponseReturnValue

from lms.auth.identity import current_account, send_to_sign_in
from lms.models import Role

P = ParamSpec("P")


def role_required(
    *roles: Role,
) -> Callable[[Callable[P, ResponseReturnValue]], Callable[P, ResponseReturnValue]]:
    """Let only signed-in users with one of `roles` through: anonymous -> sign-in, others -> 403."""

    def decorator(view: Callable[P, ResponseReturnValue]) -> Callable[P, ResponseReturnValue]:
        @wraps(view)
        def wrapped(*args: P.args, **kwargs: P.kwargs) -> ResponseReturnValue:
            user = current_account()
            if user is None:
                return send_to_sign_in()
            if user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def login_required(view: Callable[P, ResponseReturnValue]) -> Callable[P, ResponseReturnValue]:
    """Let only signed-in users through; anonymous visitors go to the sign-in page."""
    return role_required(*Role)(view)


staff_required = role_required(Role.INSTRUCTOR, Role.ADMIN)
admin_required = role_required(Role.ADMIN)
