// OneGate's progressive enhancement. Every page works without this file; it only adds
// GOV.UK Frontend's behaviours (error summary focus, skip link focus) where the browser can run them.
import { createAll, ErrorSummary, PasswordInput, SkipLink } from "govuk-frontend";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
createAll(SkipLink);
createAll(ErrorSummary);
// Accounts (issue 5): "Show" buttons on password fields.
createAll(PasswordInput);
