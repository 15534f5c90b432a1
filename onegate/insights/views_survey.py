"""The satisfaction survey's page: "Overall, how did you feel about this service?" after sending
an application, at ``/apply/<application>/feedback/``.

The confirmation page (``runner/sent.html``) carries the form and posts it here; a GET shows the
same form on a page of its own, for someone who lands here without it. Only the person who sent
the application may answer (the runner's access rules: anyone else gets a 404, audited), once;
an answer again is thanked all the same. ``services.survey.satisfaction_record`` checks it all
again, keeps the answer without the account, and limits how many one account may send an hour.
"""

from __future__ import annotations

import uuid

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from onegate.core.languages import current_language, pick
from onegate.insights.constants import COMMENT_MAX_CHARS
from onegate.insights.forms import FeedbackForm
from onegate.insights.services.survey import SurveyRefused, satisfaction_record
from onegate.pages.formerrors import error_list
from onegate.runner.constants import ApplicationStatus
from onegate.runner.models import Application
from onegate.runner.selectors import application_compiled, application_for

__all__ = ["feedback"]

FORM, THANKS, TOO_MANY = (
    "insights/survey/feedback.html",
    "insights/survey/thanks.html",
    "insights/survey/too_many.html",
)


def _sent_application(request: HttpRequest, application_id: uuid.UUID) -> Application:
    """The person's sent application: 404 (audited by the runner) for anyone else's, and for
    one still being filled in."""
    application = application_for(user=request.user, application_id=application_id, request=request)
    if application.status != ApplicationStatus.SUBMITTED:
        raise Http404("not sent")
    return application


def _page(
    request: HttpRequest,
    application: Application,
    template: str,
    *,
    form: FeedbackForm | None = None,
    errors: list[dict[str, str]] | None = None,
    status: int = 200,
    already: bool = False,
) -> HttpResponse:
    context = {
        "already": already,
        "application": application,
        "service_title": pick(application_compiled(application).model.title),
        "form": form or FeedbackForm(),
        "errors": errors or [],
        "comment_max": COMMENT_MAX_CHARS,
    }
    return render(request, template, context, status=status)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def feedback(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    """The survey's form (GET), or the answer (POST): thanks, the form again with what is wrong,
    or "too many answers" (429)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    application = _sent_application(request, application_id)
    if request.method != "POST":
        return _page(request, application, FORM)
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        return _page(
            request,
            application,
            FORM,
            form=form,
            errors=error_list(form),
        )
    try:
        satisfaction_record(
            user=request.user,
            application_id=application.pk,
            rating=form.cleaned_data["rating"],
            comment=form.cleaned_data["comment"],
            language=current_language(),
        )
    except SurveyRefused as refused:
        return _refused(request, application, form, refused.code)
    return _page(request, application, THANKS)


def _refused(
    request: HttpRequest, application: Application, form: FeedbackForm, code: str
) -> HttpResponse:
    if code == "already":
        return _page(request, application, THANKS, already=True)
    if code == "rate_limited":
        return _page(request, application, TOO_MANY, status=429)
    if code == "invalid":  # the form let through what the service refuses: say so on the form
        form.add_error("comment", FeedbackForm.base_fields["comment"].error_messages["max_length"])
        errors = error_list(form)
        return _page(request, application, FORM, form=form, errors=errors)
    raise Http404("not this person's sent application")
