// Staff idle time-out warning: two minutes before the server ends the session,
// offer to stay; "stay" pings the server, which slides the session forward.
(function () {
  "use strict";
  const body = document.body;
  const timeout = parseInt(body.dataset.idleTimeout || "0", 10);
  if (!timeout) return;
  const warnBefore = Math.min(120, Math.floor(timeout / 3));
  // The session is one for all of this person's tabs: activity in any of them (a
  // safety plan typed in the tab the alert page opened) keeps every tab's clock
  // from running out and taking the sign-in page over a half-typed assessment.
  const SHARED = "iop-staff-activity";
  // A draft being written when the time is up (a safety plan, a treatment plan, a
  // note) is saved shortly before the server would end the session, and the session
  // is then ended here: what was typed is kept, and the screen is not left open.
  const saveBefore = Math.min(30, Math.max(1, Math.floor(warnBefore / 2)));
  let warnTimer, saveTimer, endTimer;

  function signInPage(next, draft) {
    window.iopLeaving = true;  // the time-out's own way out: no "leave this page?" in its way
    let url = "/accounts/login/?next=" + encodeURIComponent(next) + "&signed_out=idle";
    if (draft) url += "&draft=" + draft;
    window.location.assign(url);
  }
  function end() { signInPage(window.location.pathname); }
  function schedule() {
    clearTimeout(warnTimer);
    clearTimeout(saveTimer);
    clearTimeout(endTimer);
    warnTimer = setTimeout(showWarning, (timeout - warnBefore) * 1000);
    saveTimer = setTimeout(saveDraftAndEnd, (timeout - saveBefore) * 1000);
    endTimer = setTimeout(end, timeout * 1000);
  }
  document.addEventListener("input", function (event) {
    const form = event.target.closest && event.target.closest("form[data-save-on-timeout]");
    if (form) form.dataset.changed = "1";
  });
  document.addEventListener("submit", function (event) {
    if (event.target.dataset) delete event.target.dataset.changed;
  });
  function saveDraftAndEnd() {
    const form = document.querySelector("form[data-save-on-timeout][data-changed]");
    if (!form) return;  // nothing typed since the page loaded: the end comes as usual
    clearTimeout(endTimer);
    const data = new FormData(form);
    data.append("save", "");  // a draft: never the signing button
    const token = data.get("csrfmiddlewaretoken");
    function signOut() {
      const out = new FormData();
      out.append("csrfmiddlewaretoken", token);
      // The sign-in page says why (no "You have signed out." above it as well).
      const headers = { "X-Idle-Sign-Out": "1" };
      return fetch(body.dataset.logoutUrl, { method: "POST", body: out, credentials: "same-origin", redirect: "manual", headers: headers });
    }
    fetch(form.action, { method: "POST", body: data, credentials: "same-origin", redirect: "manual", headers: { "X-Draft-Save": "1" } })
      .then(function (response) {
        const resume = response.status === 204 ? response.headers.get("X-Draft-Location") : null;
        return signOut().then(function () {
          if (resume) signInPage(resume, "saved");
          else signInPage(window.location.pathname, "unsaved");
        });
      })
      .catch(function () { signOut().finally(function () { signInPage(window.location.pathname, "unsaved"); }); });
  }
  function warning(show) {
    const el = document.getElementById("idle-warning");
    if (!el || !window.bootstrap) return;
    const modal = window.bootstrap.Modal.getOrCreateInstance(el);
    if (show) modal.show(); else modal.hide();
  }
  function showWarning() { warning(true); }
  // This tab's own activity, which the server has heard of: start again, and tell the other tabs.
  function active() {
    schedule();
    try { window.localStorage.setItem(SHARED, String(Date.now())); } catch (error) { /* storage off: this tab only */ }
  }
  window.addEventListener("storage", function (event) {
    if (event.key !== SHARED) return;
    schedule();  // only for this tab: telling the others again would bounce between tabs
    warning(false);
  });
  document.addEventListener("click", function (event) {
    if (!event.target.closest("[data-idle-continue]")) return;
    fetch(body.dataset.keepaliveUrl, { credentials: "same-origin" }).then(active);
    warning(false);
  });
  // A panel refreshing itself (a report's status, every few seconds; it sends
  // X-Poll) is not the clinician at work: it moves neither the server's clock nor
  // this tab's. Any other htmx request was something the clinician did: this tab's.
  document.addEventListener("htmx:afterRequest", function (event) {
    const config = event.detail && event.detail.requestConfig;
    if (config && config.headers && config.headers["X-Poll"] === "1") return;
    schedule();
  });
  // Typing is activity: a clinician writing a long note without a page load is not
  // idle. The server hears of it at most once a minute (a fifteenth of the time-out),
  // so the session ends about that long after the last keystroke or click, not after
  // the last page load.
  const pingEvery = Math.min(60, timeout / 15) * 1000;
  let lastPing = Date.now();
  function activity() {
    if (Date.now() - lastPing < pingEvery) return;
    lastPing = Date.now();
    fetch(body.dataset.keepaliveUrl, { credentials: "same-origin", redirect: "manual" }).then(function (response) {
      if (response.status === 204) active();  // a session already over answers with the sign-in page
    });
  }
  document.addEventListener("input", activity);
  document.addEventListener("keydown", activity);
  document.addEventListener("pointerdown", activity);
  active();  // loading this page was activity too
})();

// A form sent back with errors: take the keyboard and the eye to the first one (a
// long page, such as a safety alert's, would otherwise open at its top, the error
// out of sight). Its message is tied to the field, so a screen reader reads both.
(function () {
  "use strict";
  function focusFirstError() {
    // Fields outside their form's element (tied to it by form="...", as on an
    // evening's chart) count too.
    const field = document.querySelector("main .is-invalid, main [aria-invalid='true']");
    const target = field || document.querySelector("main form .alert-danger, main form .alert-block");
    if (!target) return;
    if (!field) target.setAttribute("tabindex", "-1");
    target.scrollIntoView({ block: "center" });
    target.focus({ preventScroll: true });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", focusFirstError);
  else focusFirstError();
})();

// A form whose action cannot be taken back in one click (revoking someone's access,
// closing a privacy review) asks first: data-confirm holds the question.
document.addEventListener("submit", function (event) {
  const question = event.target.dataset && event.target.dataset.confirm;
  if (!question) return;
  if (!window.confirm(question)) event.preventDefault();
  // Confirmed (discarding a draft with its words): "leave this page?" would ask twice.
  else window.iopLeaving = true;
});

// Parts of a form that apply to one choice only (a payer report's continued-stay
// fields, a family report's language) show while that choice is made. Without this
// script they all show, and the server ignores those of another choice.
(function () {
  "use strict";
  function update(form) {
    form.querySelectorAll("[data-shown-when]").forEach(function (part) {
      const [name, value] = part.dataset.shownWhen.split("=");
      const chosen = form.querySelector("[name='" + name + "']:checked");
      part.hidden = !chosen || chosen.value !== value;
    });
  }
  document.querySelectorAll("form").forEach(function (form) {
    if (!form.querySelector("[data-shown-when]")) return;
    update(form);
    form.addEventListener("change", function () { update(form); });
  });
})();

// "Copy the link" beside a read-only address (the family calendar's): one tap copies it.
document.addEventListener("click", function (event) {
  const button = event.target.closest && event.target.closest("[data-copy]");
  if (!button) return;
  const field = document.getElementById(button.dataset.copy);
  const status = button.parentElement.querySelector("[data-copy-status]");
  function done() { if (status) status.textContent = button.dataset.copiedText; }
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(field.value).then(done, function () { field.select(); });
  } else {
    field.select();  // no clipboard here: the address is selected for the phone's own Copy
    if (document.execCommand && document.execCommand("copy")) done();
  }
});

// A preview shown under a form (a closure's evenings) is of what was typed then:
// once a field changes, say so beside its "Save" (the server refuses a save whose
// preview no longer matches, and shows the new one).
document.addEventListener("change", function (event) {
  const form = event.target.closest && event.target.closest("form");
  const note = form && form.querySelector("[data-stale-note]");
  if (note && !event.target.closest("#closure-preview")) note.hidden = false;
});

// Leaving a page with words typed and not saved (a note, a plan, a safety plan; an
// evening's chart part not yet autosaved) asks first: a link or Back must not lose them.
window.addEventListener("beforeunload", function (event) {
  if (window.iopLeaving) return;
  const typed = document.querySelector("form[data-save-on-timeout][data-changed], [data-autosave-part][data-unsaved]");
  if (!typed) return;
  event.preventDefault();
  event.returnValue = "";
});

// A timeline row whose group note and entry could not be fetched (an error, or no
// network) says so above its link to the entry's own page, which is still there.
(function () {
  "use strict";
  function failed(event) {
    const row = event.detail && event.detail.elt;
    if (!row || !row.matches || !row.matches("details[data-load-error]")) return;
    const box = row.querySelector(".entry-details");
    if (!box || box.querySelector(".load-error")) return;
    const note = document.createElement("p");
    note.className = "load-error text-danger-emphasis mb-1";
    note.setAttribute("role", "alert");
    note.textContent = row.dataset.loadError;
    box.prepend(note);
  }
  document.addEventListener("htmx:responseError", failed);
  document.addEventListener("htmx:sendError", failed);
})();
