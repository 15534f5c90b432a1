"""Forms for ending an account's identity link: support finds the account by email address and
gives a reason; the person confirms. The rules are the services' (``services.links``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from onegate.identity.services.links import MAX_NOTE


class SupportFindForm(forms.Form):
    """Which account: its email address, as the person gives it."""

    email = forms.EmailField(
        label=_("Email address of the account"),
        max_length=254,
        error_messages={
            "required": _("Enter the email address of the account."),
            "invalid": _("Enter an email address like name@example.com."),
        },
    )


class SupportUnlinkForm(forms.Form):
    """Why support is ending the link: kept on the record, in the audit log and sent to the
    person."""

    note = forms.CharField(
        label=_("Why are you unlinking this account?"),
        help_text=_(
            "For example: the person reported that someone else proved their identity on this "
            "account. The person is sent this reason."
        ),
        max_length=MAX_NOTE,
        widget=forms.Textarea,
        error_messages={
            "required": _("Say why you are unlinking this account."),
            "max_length": _("Use %(limit_value)s characters or fewer."),
        },
    )


class PersonUnlinkForm(forms.Form):
    """The person confirms they mean it."""

    confirm = forms.BooleanField(
        label=_(
            "I understand that services that need a proved identity will ask me to prove it again"
        ),
        error_messages={"required": _("Confirm that you want to unlink your account.")},
    )
