"""Tests of service definitions: the language, versions, the designer and the form.io import."""
