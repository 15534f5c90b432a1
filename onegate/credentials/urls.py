"""The verification pages, inside the language prefixes: the border gate and the clinic verifier.

Namespace ``verification`` (``verification:gate`` at ``gate/``, ``verification:verifier`` at
``verify/``): the ``credentials`` namespace belongs to the issuer's machine endpoints
(``urls_public``, outside the language prefixes), and one namespace cannot span both.
"""

from django.urls import path

from onegate.credentials import views_gate, views_verifier

app_name = "verification"

urlpatterns = [
    path("gate/", views_gate.gate, name="gate"),
    path("verify/", views_verifier.verifier, name="verifier"),
]
