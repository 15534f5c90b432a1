// OneGate's progressive enhancement. Every page works without this file; it only adds
// GOV.UK Frontend's behaviours where the browser can run them: error summary focus, skip link
// focus, password "Show" buttons, and (the runner, issue 8) the questions revealed under a
// chosen radio or checkbox, the double-click guard on buttons and the live character count.
import {
  Button,
  CharacterCount,
  Checkboxes,
  createAll,
  ErrorSummary,
  PasswordInput,
  Radios,
  SkipLink,
} from "govuk-frontend";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
createAll(SkipLink);
createAll(ErrorSummary);
// Accounts (issue 5): "Show" buttons on password fields.
createAll(PasswordInput);
// Runner (issue 8): conditional reveal, one submission per click, characters left.
createAll(Radios);
createAll(Checkboxes);
createAll(Button);
createAll(CharacterCount);
