// The session-timeout warning (GOV.UK "timeout warning" pattern), an enhancement of the header's
// <dialog id="og-timeout">. Two minutes before the session would end it asks the server how long
// is really left (another tab may have kept the session alive), then shows the dialog with a
// countdown. "Stay signed in" and Escape keep the session; at zero the page is reloaded and the
// server explains that the person was signed out. Without this script nothing here happens and
// the session page (/account/session/) explains and extends the session instead.
const dialog = document.getElementById("og-timeout");

if (dialog && typeof dialog.showModal === "function") {
  const warningMs = Number(dialog.dataset.warningSeconds) * 1000;
  const countdown = dialog.querySelector("[data-countdown]");
  const announce = dialog.querySelector("[data-announce]");
  const extendForm = dialog.querySelector("[data-extend]").form;
  let deadline = Date.now() + Number(dialog.dataset.secondsLeft) * 1000;
  let checkTimer = null;
  let tickTimer = null;
  let lastAnnounced = "";
  let focusBefore = null;

  const words = (seconds) => {
    if (seconds >= 90) {
      return dialog.dataset.textMinutes.replace("{count}", String(Math.round(seconds / 60)));
    }
    if (seconds >= 60) {
      return dialog.dataset.textMinute;
    }
    return dialog.dataset.textSeconds.replace("{count}", String(seconds));
  };

  const signedOut = () => {
    window.location.assign(window.location.href);
  };

  const schedule = () => {
    window.clearTimeout(checkTimer);
    checkTimer = window.setTimeout(check, Math.max(0, deadline - warningMs - Date.now()));
  };

  const close = () => {
    window.clearInterval(tickTimer);
    if (dialog.open) {
      dialog.close();
      if (focusBefore && typeof focusBefore.focus === "function") {
        focusBefore.focus();
      }
    }
    schedule();
  };

  const tick = () => {
    const seconds = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
    const text = words(seconds);
    countdown.textContent = text;
    // Screen readers hear the time left each minute and once near the end, not every second.
    const milestone = seconds >= 60 ? text : seconds <= 20 ? "last" : "";
    if (milestone && milestone !== lastAnnounced) {
      lastAnnounced = milestone;
      announce.textContent = document.getElementById("og-timeout-message").textContent.trim();
    }
    if (seconds === 0) {
      window.clearInterval(tickTimer);
      // A few seconds' grace so the server, not this clock, decides the session has ended.
      window.setTimeout(() => check(true), 3000);
    }
  };

  const open = () => {
    if (!dialog.open) {
      focusBefore = document.activeElement;
      dialog.showModal();
    }
    window.clearInterval(tickTimer);
    tick();
    tickTimer = window.setInterval(tick, 1000);
  };

  async function check(atZero = false) {
    let response;
    try {
      response = await fetch(dialog.dataset.statusUrl, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
    } catch (error) {
      // Offline: trust our own clock.
      if (atZero) {
        signedOut();
      } else {
        open();
      }
      return;
    }
    if (response.status === 401) {
      signedOut();
      return;
    }
    const status = await response.json();
    deadline = Date.now() + status.seconds_left * 1000;
    if (status.seconds_left * 1000 > warningMs) {
      close();
    } else if (status.seconds_left <= 0) {
      signedOut();
    } else {
      open();
    }
  }

  async function stay(event) {
    event.preventDefault();
    try {
      const response = await fetch(extendForm.action, {
        method: "POST",
        body: new FormData(extendForm),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (response.status === 401) {
        signedOut();
        return;
      }
      const status = await response.json();
      deadline = Date.now() + status.seconds_left * 1000;
      close();
    } catch (error) {
      extendForm.submit();
    }
  }

  extendForm.addEventListener("submit", stay);
  // Escape closes the dialog: that is also a way of saying "stay signed in".
  dialog.addEventListener("cancel", (event) => {
    stay(event);
  });
  schedule();
}
