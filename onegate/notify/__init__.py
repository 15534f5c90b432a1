"""Notify: email, SMS and in-account messages from templates, through an outbox that loses none."""
