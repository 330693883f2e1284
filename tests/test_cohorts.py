"""Cohorts: who may manage them, invitation links and joining."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from lms.cohorts import services
from lms.db import db_session
from lms.models import Cohort, Enrollment, Role, User
from tests.conftest import StatementCounter


def _cohort(
    app: Flask, name: str = "39th edition, March 2017", runner: User | None = None
) -> Cohort:
    """A cohort, run by `runner` when given (an instructor sees only the cohorts they run)."""
    with app.app_context():
        cohort = services.create_cohort(db_session(), name, created_by=runner)
        db_session().commit()
        return cohort


def _enrollments(app: Flask) -> list[tuple[int, int]]:
    with app.app_context():
        rows = db_session().execute(select(Enrollment.user_id, Enrollment.cohort_id))
        return [tuple(row) for row in rows]  # type: ignore[misc]


MANAGE_PAGES = ["/manage/cohorts", "/manage/cohorts/new", "/manage/cohorts/{id}"]


class TestAccess:
    """Only instructors and administrators manage cohorts."""

    @pytest.mark.parametrize("page", MANAGE_PAGES)
    def test_anonymous_is_sent_to_sign_in(self, app: Flask, client: FlaskClient, page: str) -> None:
        cohort = _cohort(app)
        response = client.get(page.format(id=cohort.id))
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")

    @pytest.mark.parametrize("page", [*MANAGE_PAGES, "/manage"])
    def test_learner_is_refused(
        self,
        app: Flask,
        client: FlaskClient,
        make_user: Callable[..., User],
        login: Callable[..., Any],
        page: str,
    ) -> None:
        cohort = _cohort(app)
        login(client, make_user(role=Role.LEARNER))
        response = client.get(page.format(id=cohort.id))
        assert response.status_code == 403
        assert "No puede abrir esta página" in response.get_data(as_text=True)

    def test_learner_cannot_replace_a_link(
        self,
        app: Flask,
        client: FlaskClient,
        make_user: Callable[..., User],
        login: Callable[..., Any],
    ) -> None:
        cohort = _cohort(app)
        login(client, make_user(role=Role.LEARNER))
        assert client.post(f"/manage/cohorts/{cohort.id}/invite").status_code == 403
        assert client.post("/manage/cohorts/new", data={"name": "X"}).status_code == 403

    @pytest.mark.parametrize("role", [Role.INSTRUCTOR, Role.ADMIN])
    @pytest.mark.parametrize("page", [*MANAGE_PAGES, "/manage"])
    def test_staff_may(
        self,
        app: Flask,
        client: FlaskClient,
        make_user: Callable[..., User],
        login: Callable[..., Any],
        role: Role,
        page: str,
    ) -> None:
        user = make_user(role=role)
        cohort = _cohort(app, runner=user)
        login(client, user)
        assert client.get(page.format(id=cohort.id)).status_code == 200

    def test_unknown_cohort_is_404(
        self, client: FlaskClient, make_user: Callable[..., User], login: Callable[..., Any]
    ) -> None:
        login(client, make_user(role=Role.INSTRUCTOR))
        assert client.get("/manage/cohorts/987654321").status_code == 404
        assert client.post("/manage/cohorts/987654321/invite").status_code == 404


class TestManage:
    """Creating cohorts and replacing their links."""

    @pytest.fixture
    def instructor(self, make_user: Callable[..., User]) -> User:
        return make_user(role=Role.INSTRUCTOR, ui_language="en")

    @pytest.fixture
    def staff(
        self, client: FlaskClient, instructor: User, login: Callable[..., Any]
    ) -> FlaskClient:
        login(client, instructor)
        return client

    def test_instructors_see_only_the_cohorts_they_run_and_admins_see_all(
        self,
        app: Flask,
        staff: FlaskClient,
        instructor: User,
        make_user: Callable[..., User],
        login: Callable[..., Any],
    ) -> None:
        mine = _cohort(app, "Mine", runner=instructor)
        theirs = _cohort(app, "Theirs", runner=make_user(role=Role.INSTRUCTOR))
        listing = staff.get("/manage/cohorts").get_data(as_text=True)
        assert "Mine" in listing and "Theirs" not in listing
        assert staff.get(f"/manage/cohorts/{mine.id}").status_code == 200
        assert staff.get(f"/manage/cohorts/{theirs.id}").status_code == 404
        assert staff.post(f"/manage/cohorts/{theirs.id}/invite").status_code == 404
        admin = app.test_client()
        login(admin, make_user(role=Role.ADMIN))
        listing = admin.get("/manage/cohorts").get_data(as_text=True)
        assert "Mine" in listing and "Theirs" in listing

    def test_create_shows_the_invitation_link(self, app: Flask, staff: FlaskClient) -> None:
        response = staff.post(
            "/manage/cohorts/new",
            data={"name": "39th edition, March 2017", "starts_on": "2017-03-06"},
        )
        assert response.status_code == 302
        page = staff.get(response.headers["Location"]).get_data(as_text=True)
        with app.app_context():
            cohort = db_session().scalars(select(Cohort)).one()
        assert cohort.name == "39th edition, March 2017"
        assert str(cohort.starts_on) == "2017-03-06"
        assert f"http://localhost/join/{cohort.invite_token}" in page
        assert "Mar 6, 2017" in page

    def test_create_needs_a_name(self, app: Flask, staff: FlaskClient) -> None:
        response = staff.post("/manage/cohorts/new", data={"name": "  "})
        assert response.status_code == 422
        assert "Give the cohort a name." in response.get_data(as_text=True)

    def test_create_rejects_a_bad_date(self, staff: FlaskClient) -> None:
        response = staff.post("/manage/cohorts/new", data={"name": "X", "starts_on": "March"})
        assert response.status_code == 422

    def test_list_shows_member_counts(
        self, app: Flask, staff: FlaskClient, instructor: User, make_user: Callable[..., User]
    ) -> None:
        cohort = _cohort(app, "Edition with two", runner=instructor)
        _cohort(app, "Empty edition", runner=instructor)
        members = [make_user(), make_user()]
        with app.app_context():
            for user in members:
                services.enroll(db_session(), user, cohort)
            db_session().commit()
        page = staff.get("/manage/cohorts").get_data(as_text=True)
        assert "Edition with two" in page
        assert "Empty edition" in page
        assert '<td class="number">2</td>' in page
        assert '<td class="number">0</td>' in page

    def test_list_queries_do_not_grow_with_cohorts(
        self,
        app: Flask,
        staff: FlaskClient,
        instructor: User,
        count_statements: StatementCounter,
    ) -> None:
        _cohort(app, "One", runner=instructor)
        count_statements.statements.clear()
        staff.get("/manage/cohorts")
        few = count_statements.count
        for number in range(5):
            _cohort(app, f"More {number}", runner=instructor)
        count_statements.statements.clear()
        staff.get("/manage/cohorts")
        assert count_statements.count == few

    def test_detail_queries_do_not_grow_with_members(
        self,
        app: Flask,
        staff: FlaskClient,
        instructor: User,
        make_user: Callable[..., User],
        count_statements: StatementCounter,
    ) -> None:
        cohort = _cohort(app, runner=instructor)

        def add_member() -> None:
            user = make_user()
            with app.app_context():
                services.enroll(db_session(), user, cohort)
                db_session().commit()

        add_member()
        count_statements.statements.clear()
        staff.get(f"/manage/cohorts/{cohort.id}")
        few = count_statements.count
        for _ in range(4):
            add_member()
        count_statements.statements.clear()
        page = staff.get(f"/manage/cohorts/{cohort.id}").get_data(as_text=True)
        assert count_statements.count == few
        assert "Participants (5)" in page

    def test_replacing_the_link_kills_the_old_one(
        self, app: Flask, staff: FlaskClient, instructor: User
    ) -> None:
        cohort = _cohort(app, runner=instructor)
        response = staff.post(f"/manage/cohorts/{cohort.id}/invite")
        assert response.headers["Location"] == f"/manage/cohorts/{cohort.id}"
        with app.app_context():
            new_token = db_session().get(Cohort, cohort.id).invite_token  # type: ignore[union-attr]
        assert new_token != cohort.invite_token
        assert staff.get(f"/join/{cohort.invite_token}").status_code == 404
        assert staff.get(f"/join/{new_token}").status_code == 200


class TestJoin:
    """The invitation link."""

    def test_unknown_link_explains_what_to_do(self, client: FlaskClient) -> None:
        response = client.get("/join/not-a-token", headers={"Accept-Language": "en"})
        assert response.status_code == 404
        assert "Ask your instructor for the current link." in response.get_data(as_text=True)

    def test_signed_out_visitor_sees_the_sign_up_form(
        self, app: Flask, client: FlaskClient
    ) -> None:
        cohort = _cohort(app)
        page = client.get(f"/join/{cohort.invite_token}", headers={"Accept-Language": "en"})
        html = page.get_data(as_text=True)
        assert page.status_code == 200
        assert "Create account and join" in html
        assert 'autocomplete="new-password"' in html
        assert f"/login?next=/join/{cohort.invite_token}" in html.replace("%2F", "/")

    def test_sign_up_creates_an_enrolled_signed_in_learner(
        self, app: Flask, client: FlaskClient
    ) -> None:
        cohort = _cohort(app)
        response = client.post(
            f"/join/{cohort.invite_token}",
            data={
                "name": "Ana Pérez",
                "email": "Ana@Example.org",
                "password": "a long password",
                "confirm": "a long password",
            },
            headers={"Accept-Language": "pt-BR,pt;q=0.9"},
        )
        assert response.status_code == 302
        with app.app_context():
            user = db_session().scalars(select(User)).one()
        assert user.email == "ana@example.org"
        assert user.role == Role.LEARNER
        assert user.ui_language == "pt"
        assert user.content_language == "es"
        assert _enrollments(app) == [(user.id, cohort.id)]
        assert client.get("/account").status_code == 200, "signed in"

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            (
                {"name": "A", "email": "a@example.org", "password": "short", "confirm": "short"},
                "Use at least 12 characters.",
            ),
            (
                {
                    "name": "A",
                    "email": "a@example.org",
                    "password": "long password 1",
                    "confirm": "long password 2",
                },
                "The two passwords are not the same.",
            ),
            (
                {
                    "name": "A",
                    "email": "not an email",
                    "password": "long password",
                    "confirm": "long password",
                },
                "Enter an email address such as name@example.org.",
            ),
            (
                {
                    "name": "",
                    "email": "a@example.org",
                    "password": "long password",
                    "confirm": "long password",
                },
                "Enter your name.",
            ),
        ],
    )
    def test_sign_up_errors(
        self, app: Flask, client: FlaskClient, data: dict[str, str], message: str
    ) -> None:
        cohort = _cohort(app)
        response = client.post(
            f"/join/{cohort.invite_token}", data=data, headers={"Accept-Language": "en"}
        )
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
        assert _enrollments(app) == []

    def test_existing_email_is_asked_to_sign_in_first(
        self,
        app: Flask,
        client: FlaskClient,
        make_user: Callable[..., User],
    ) -> None:
        cohort = _cohort(app)
        existing = make_user(email="ana@example.org", password="0123456789-ab", ui_language="en")
        response = client.post(
            f"/join/{cohort.invite_token}",
            data={
                "name": "Impostor",
                "email": "ANA@example.org",
                "password": "another password",
                "confirm": "another password",
            },
            headers={"Accept-Language": "en"},
        )
        assert response.status_code == 422
        page = response.get_data(as_text=True)
        assert "There is already an account with this email." in page
        assert "Sign in first, then this link will let you join." in page
        assert _enrollments(app) == []
        with app.app_context():
            assert db_session().scalar(select(func.count()).select_from(User)) == 1
            assert db_session().get(User, existing.id).name != "Impostor"  # type: ignore[union-attr]

        # Signing in through the offered link comes back to the invitation, which now enrolls.
        login = client.post(
            f"/login?next=/join/{cohort.invite_token}",
            data={
                "email": "ana@example.org",
                "password": "0123456789-ab",
                "next": f"/join/{cohort.invite_token}",
            },
        )
        assert login.headers["Location"] == f"/join/{cohort.invite_token}"
        assert "Join this cohort" in client.get(
            f"/join/{cohort.invite_token}", headers={"Accept-Language": "en"}
        ).get_data(as_text=True)
        client.post(f"/join/{cohort.invite_token}")
        assert _enrollments(app) == [(existing.id, cohort.id)]

    def test_signed_in_person_joins_with_one_button(
        self,
        app: Flask,
        client: FlaskClient,
        make_user: Callable[..., User],
        login: Callable[..., Any],
    ) -> None:
        cohort = _cohort(app)
        user = make_user(ui_language="en")
        login(client, user)
        page = client.get(f"/join/{cohort.invite_token}").get_data(as_text=True)
        assert "Join this cohort" in page
        response = client.post(f"/join/{cohort.invite_token}")
        assert response.status_code == 302
        assert _enrollments(app) == [(user.id, cohort.id)]
        # A second click, or a second tab, changes nothing.
        client.post(f"/join/{cohort.invite_token}")
        assert _enrollments(app) == [(user.id, cohort.id)]
        again = client.get(f"/join/{cohort.invite_token}").get_data(as_text=True)
        assert "You are already enrolled in this cohort." in again

    def test_account_lists_the_cohorts(
        self,
        app: Flask,
        client: FlaskClient,
        make_user: Callable[..., User],
        login: Callable[..., Any],
    ) -> None:
        cohort = _cohort(app, "40th edition")
        user = make_user()
        login(client, user)
        client.post(f"/join/{cohort.invite_token}")
        assert "40th edition" in client.get("/account").get_data(as_text=True)
