"""Trainings and enrolments: enrol a trainee, validate or cancel an enrolment."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette_admin import BooleanField, DateField, EmailField, IntegerField, StringField

from actions.enroll import STATE_LABELS, enroll, set_state
from actions.errors import Refused
from admin.auth import actor
from admin.i18n import N_, _, lazy_gettext
from models import Enrollment, EnrollmentState, Training
from views.base import SportelloModelView, StateField
from views.fragments import RowAction, call, done, list_row, refused, render
from views.rendering import LinkedHasOne


def _pending(row: dict[str, Any]) -> bool:
    return row.get("state") == EnrollmentState.PENDING.value


class TrainingView(SportelloModelView):
    model = Training
    key = "trainings"
    display_name = lazy_gettext("Training")
    menu_label = lazy_gettext("Trainings")
    icon = "fa fa-graduation-cap"
    fields = [
        IntegerField("id", label=lazy_gettext("No.")),
        StringField("training_type", label=lazy_gettext("Training type")),
        DateField("starts_on", label=lazy_gettext("Date")),
        BooleanField("public", label=lazy_gettext("Public")),
        IntegerField("capacity", label=lazy_gettext("Capacity")),
    ]
    exclude_fields_from_create = ["id"]
    exclude_fields_from_edit = ["id"]
    searchable_fields = ["training_type", "starts_on"]
    sortable_fields = ["starts_on", "training_type"]
    htmx_row_actions = [
        RowAction("enrol", lazy_gettext("Enrol a trainee"), "fa fa-user-plus", "enrol")
    ]

    async def enrol_form(self, request: Request, pk: int) -> Response:
        training = await call(request, lambda db, i: db.get_one(Training, i), pk)
        return render(request, "enrol_form.html", view=self, training=training, values={})

    async def enrol_submit(self, request: Request, pk: int) -> Response:
        form = await request.form()
        values = {name: str(form.get(name, "")) for name in ("trainee_name", "trainee_email")}
        training = await call(request, lambda db, i: db.get_one(Training, i), pk)
        try:
            enrollment = await call(
                request, enroll, actor(request), pk, values["trainee_name"], values["trainee_email"]
            )
        except Refused as refusal:
            return refused(
                request, refusal, "enrol_form.html", view=self, training=training, values=values
            )
        message = _("%(name)s is enrolled; the confirmation mail is queued.") % {
            "name": enrollment.trainee_name
        }
        return done(request, self.key, message, await list_row(request, self, training))


class EnrollmentView(SportelloModelView):
    model = Enrollment
    key = "enrollments"
    display_name = lazy_gettext("Enrolment")
    menu_label = lazy_gettext("Enrolments")
    icon = "fa fa-list-check"
    create_role = None
    edit_role = None
    fields = [
        IntegerField("id", label=lazy_gettext("No.")),
        LinkedHasOne("training", key="trainings", label=lazy_gettext("Training")),
        StringField("trainee_name", label=lazy_gettext("Trainee")),
        EmailField("trainee_email", label=lazy_gettext("E-mail")),
        StateField("state", enum=EnrollmentState, labels=STATE_LABELS, label=lazy_gettext("State")),
    ]
    searchable_fields = ["trainee_name", "trainee_email", "state"]
    sortable_fields = ["id", "trainee_name", "state"]
    fields_default_sort = [("id", True)]
    htmx_row_actions = [
        RowAction(
            "validate",
            lazy_gettext("Validate"),
            "fa fa-check",
            "validate-enrollment",
            available=_pending,
        ),
        RowAction(
            "cancel", lazy_gettext("Cancel"), "fa fa-xmark", "cancel-enrollment", available=_pending
        ),
    ]

    async def _confirm(self, request: Request, pk: int, action: str) -> Response:
        enrollment = await call(request, lambda db, i: db.get_one(Enrollment, i), pk)
        return render(
            request, "enrollment_action_form.html", view=self, enrollment=enrollment, action=action
        )

    async def _perform(
        self, request: Request, pk: int, action: str, state: EnrollmentState, text: str
    ) -> Response:
        run: Callable[..., Enrollment] = set_state
        try:
            enrollment = await call(request, run, actor(request), pk, state)
        except Refused as refusal:
            enrollment = await call(request, lambda db, i: db.get_one(Enrollment, i), pk)
            return refused(
                request,
                refusal,
                "enrollment_action_form.html",
                view=self,
                enrollment=enrollment,
                action=action,
            )
        return done(
            request,
            self.key,
            _(text) % {"name": enrollment.trainee_name},
            await list_row(request, self, enrollment),
        )

    async def validate_form(self, request: Request, pk: int) -> Response:
        return await self._confirm(request, pk, "validate")

    async def validate_submit(self, request: Request, pk: int) -> Response:
        return await self._perform(
            request,
            pk,
            "validate",
            EnrollmentState.VALIDATED,
            N_("The enrolment of %(name)s is validated."),
        )

    async def cancel_form(self, request: Request, pk: int) -> Response:
        return await self._confirm(request, pk, "cancel")

    async def cancel_submit(self, request: Request, pk: int) -> Response:
        return await self._perform(
            request,
            pk,
            "cancel",
            EnrollmentState.CANCELLED,
            N_("The enrolment of %(name)s is cancelled."),
        )
