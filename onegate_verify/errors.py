"""The one exception of the verifier: a machine code for programs and a sentence for people.

Callers that show the reason to someone in another language map ``code`` to their own
translated text; ``MESSAGES`` holds the English wording used by the console command.
"""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "malformed": "This is not a credential OneGate can read: the text is damaged or incomplete.",
    "too_large": "This credential is too large to be genuine.",
    "alg": "The credential uses a signature method that is not accepted.",
    "typ": "This is not the kind of credential expected here.",
    "header": "The credential asks for a processing rule that is not supported.",
    "key": "The key named in the credential cannot be used.",
    "unknown_kid": "The credential was signed with a key the issuer has not published.",
    "signature": "The signature does not match: the credential was changed or forged.",
    "issuer_untrusted": "The credential comes from an issuer this verifier does not trust.",
    "sd_alg": "The credential uses a digest method that is not accepted.",
    "digest_mismatch": "A disclosed detail does not belong to this credential.",
    "duplicate_disclosure": "A disclosed detail appears more than once.",
    "duplicate_digest": "The credential refers to the same detail more than once.",
    "unreferenced_disclosure": "A disclosed detail does not belong to this credential.",
    "disclosure_invalid": "A disclosed detail is damaged.",
    "disclosure_forbidden": "A detail that must always be visible was hidden.",
    "claim_collision": "A disclosed detail clashes with another detail of the credential.",
    "kb": "The holder's proof of possession does not match.",
    "kb_missing": "The holder's proof of possession is missing.",
    "expired": "The credential has expired.",
    "no_expiry": "The credential has no expiry date, so it is not accepted.",
    "status_no_expiry": (
        "The revocation status list has no expiry date, so it cannot show whether the "
        "credential is still valid."
    ),
    "not_yet_valid": "The credential is not valid yet.",
    "status_missing": "The credential does not say where its revocation status is published.",
    "status_uri": "The credential's revocation status is published at an unexpected address.",
    "status_unavailable": (
        "The revocation status list is not available. Connect to the internet and refresh."
    ),
    "status_stale": (
        "The cached revocation status list is out of date. Connect to the internet and refresh."
    ),
    "status_signature": "The revocation status list is not signed by the issuer.",
    "status_typ": "The revocation status list is not of the expected kind.",
    "status_malformed": "The revocation status list is damaged.",
    "status_index": "The credential's place in the revocation status list does not exist.",
    "status_unknown": "The revocation status list gives this credential an unknown status.",
    "qr": "No readable QR code was found in the image.",
    "io": "The input could not be read.",
}


class VerifyError(Exception):
    """A credential, status list or image failed a check; never a "valid" answer."""

    code: str
    message: str

    def __init__(self, code: str, message: str | None = None) -> None:
        self.code = code
        self.message = message or MESSAGES.get(code, "The credential could not be verified.")
        super().__init__(self.message)

    def __repr__(self) -> str:
        return f"VerifyError({self.code!r}, {self.message!r})"
