// OneGate's progressive enhancement. Every page works without this file; it only adds
// GOV.UK Frontend's behaviours where the browser can run them: error summary focus, skip link
// focus, password "Show" buttons, the double-click guard on buttons and the live character count
// (the runner, issue 8), and the questions revealed under a chosen radio or checkbox.
import {
  Button,
  CharacterCount,
  createAll,
  ErrorSummary,
  PasswordInput,
  SkipLink,
} from "govuk-frontend";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
createAll(SkipLink);
createAll(ErrorSummary);
// Accounts (issue 5): "Show" buttons on password fields.
createAll(PasswordInput);
// Runner (issue 8): one submission per click, characters left.
createAll(Button);
createAll(CharacterCount);

// Runner (issue 8): a question revealed under a radio or checkbox is shown only while its option
// is chosen. GOV.UK Frontend's own Radios and Checkboxes modules also put aria-expanded on the
// inputs, which ARIA does not allow on a radio or a checkbox (axe: aria-allowed-attr); this
// keeps aria-controls, which is allowed, and nothing else.
function revealUnderChosen(group, hiddenClass) {
  const inputs = [...group.querySelectorAll("input[data-aria-controls]")];
  const sync = () => {
    for (const input of inputs) {
      const target = document.getElementById(input.dataset.ariaControls);
      if (target) target.classList.toggle(hiddenClass, !input.checked);
    }
  };
  for (const input of inputs) {
    input.setAttribute("aria-controls", input.dataset.ariaControls);
  }
  // A radio unchecked by choosing another fires no event of its own: a change to any input of
  // the group (those without a question of their own too) syncs them all.
  for (const input of group.querySelectorAll("input")) {
    input.addEventListener("change", sync);
  }
  sync();
}
for (const group of document.querySelectorAll('[data-module="govuk-radios"]')) {
  revealUnderChosen(group, "govuk-radios__conditional--hidden");
}
for (const group of document.querySelectorAll('[data-module="govuk-checkboxes"]')) {
  revealUnderChosen(group, "govuk-checkboxes__conditional--hidden");
}
