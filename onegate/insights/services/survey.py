"""The satisfaction survey on the confirmation page: "Overall, how did you feel about this
service?", five answers and an optional comment.

An answer is kept without the account or the application (``SatisfactionResponse``), with a
RATED event for the figures, both in one transaction. A keyed hash of the application stops one
application answering twice; a counter in the cache, under a keyed hash of the account, stops
one account answering more than ``MOST_ANSWERS_AN_HOUR`` times an hour. A refused answer changes
no figure. Answers are not audited: an audit row naming the account would undo the anonymity
the survey promises.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils.crypto import salted_hmac

from onegate.core.languages import ENGLISH, SUPPORTED
from onegate.insights.constants import COMMENT_MAX_CHARS, EventKind
from onegate.insights.models import SatisfactionResponse
from onegate.insights.services.recording import event_dedup_key, event_record

__all__ = ["MOST_ANSWERS_AN_HOUR", "SurveyRefused", "satisfaction_record"]

MOST_ANSWERS_AN_HOUR = 10
_RATE_WINDOW_SECONDS = 3600
_RATE_SALT = "onegate.insights.survey.rate"
# Unicode categories a comment drops: controls, lone surrogates, private use, unassigned.
_DROPPED = frozenset({"Cc", "Cs", "Co", "Cn"})
# Characters that can reorder or hide text when a comment is shown: bidirectional controls.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


class SurveyRefused(Exception):
    """An answer not kept: ``code`` is "invalid" (a rating not 1 to 5, a comment too long),
    "rate_limited", "not_found" (not the person's application, or not sent) or "already"."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _shown(char: str) -> bool:
    """Whether a comment keeps ``char``: not a control, unassigned or private character, nor
    a bidirectional control; line breaks and tabs are kept."""
    if char in "\n\t":
        return True
    return unicodedata.category(char) not in _DROPPED and char not in _BIDI_CONTROLS


def _comment_cleaned(comment: Any) -> str:
    text = str(comment or "").replace("\r\n", "\n").replace("\r", "\n")
    return "".join(char for char in text if _shown(char)).strip()


def _rating_checked(rating: Any) -> int:
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise SurveyRefused("invalid")
    return rating


def _within_rate(user: Any) -> bool:
    """Count this answer against the account's hour; False past ``MOST_ANSWERS_AN_HOUR``.

    The window opens with the account's first answer and lasts an hour (``add`` sets it only
    when absent); the key is a keyed hash, so the cache does not name the account.
    """
    key = "insights:survey:" + salted_hmac(_RATE_SALT, str(user.pk)).hexdigest()
    cache.add(key, 0, timeout=_RATE_WINDOW_SECONDS)
    try:
        answers = cache.incr(key)
    except ValueError:  # the window closed between add and incr: this answer opens a new one
        cache.set(key, 1, timeout=_RATE_WINDOW_SECONDS)
        answers = 1
    return answers <= MOST_ANSWERS_AN_HOUR


def _sent_application(user: Any, application_id: Any) -> Any:
    """The user's sent application (the runner's access rules; a refusal is audited there)."""
    from onegate.runner.constants import ApplicationStatus
    from onegate.runner.selectors import application_for

    try:
        application = application_for(user=user, application_id=application_id)
    except Http404:
        raise SurveyRefused("not_found") from None
    if application.status != ApplicationStatus.SUBMITTED:
        raise SurveyRefused("not_found")
    # The officer who assisted may still open the application for an hour; the survey is the
    # person's, so an officer's answer would speak for them (and stop their own).
    if application.assisted_by_id == user.pk and application.user_id != user.pk:
        raise SurveyRefused("not_found")
    return application


def satisfaction_record(
    *, user: Any, application_id: Any, rating: int, comment: str, language: str
) -> None:
    """Keep the answer to the survey about ``application_id``, sent by ``user``; raises
    ``SurveyRefused`` (and keeps nothing) when it cannot be kept."""
    rating = _rating_checked(rating)
    if len(str(comment or "")) > 2 * COMMENT_MAX_CHARS:  # no work on a flood
        raise SurveyRefused("invalid")
    text = _comment_cleaned(comment)
    if len(text) > COMMENT_MAX_CHARS:
        raise SurveyRefused("invalid")
    if user is None or not getattr(user, "is_authenticated", False):
        raise SurveyRefused("not_found")
    if not _within_rate(user):
        raise SurveyRefused("rate_limited")
    application = _sent_application(user, application_id)
    dedup = event_dedup_key("rated", application.pk)
    if SatisfactionResponse.objects.filter(dedup=dedup).exists():
        raise SurveyRefused("already")
    _keep(application, rating=rating, text=text, language=language, dedup=dedup)


def _keep(application: Any, *, rating: int, text: str, language: str, dedup: str) -> None:
    version = application.definition_version.number
    try:
        with transaction.atomic():
            SatisfactionResponse.objects.create(
                service_slug=application.service_slug,
                version=version,
                channel=application.channel,
                rating=rating,
                comment=text,
                language=language if language in SUPPORTED else ENGLISH,
                dedup=dedup,
            )
            recorded = event_record(
                kind=EventKind.RATED,
                service_slug=application.service_slug,
                version=version,
                channel=application.channel,
                rating=rating,
                dedup=dedup,
            )
            if not recorded:  # an answer kept once and then deleted: still counted once
                raise SurveyRefused("already")
    except IntegrityError:  # the same application answered at the same moment elsewhere
        raise SurveyRefused("already") from None
