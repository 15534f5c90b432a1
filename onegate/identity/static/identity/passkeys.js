// Passkey pages: allauth's own scripts (mfa/js/webauthn.js) talk to the browser; this one shows
// the passkey buttons only where the browser can use passkeys (otherwise the page keeps saying
// what to do instead), and turns allauth's error events into a GOV.UK error summary.
const supported = typeof window.PublicKeyCredential === "function";

for (const element of document.querySelectorAll(".og-passkey-js-only")) {
  element.hidden = !supported;
}
for (const element of document.querySelectorAll(".og-passkey-fallback")) {
  element.hidden = supported;
}

document.addEventListener("allauth.error", (event) => {
  const summary = document.getElementById("og-passkey-error");
  if (!summary) {
    return;
  }
  // The message on the page says what to do; the browser's own reason stays out of sight.
  event.preventDefault();
  summary.hidden = false;
  summary.focus();
});
