// The evening's chart: drafts are saved as the clinician types (a few seconds
// after the last key, and on leaving a field); the Save and Sign buttons work
// the same without this file. Choosing "Late" or "Left early" moves to the minutes.
(function () {
  "use strict";
  const form = document.getElementById("chart-form");
  if (!form) return;
  const url = form.dataset.autosaveUrl;
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const DELAY = 3000;
  const text = form.dataset;

  function fields(part) {
    return part.querySelectorAll("input[name], select[name], textarea[name]");
  }

  function show(part, text, failed) {
    const status = part.querySelector("[data-autosave-status]");
    if (!status) return;
    status.textContent = text;
    // A refusal reads in red, not in the quiet grey of "Draft saved".
    status.classList.toggle("text-danger", Boolean(failed));
    status.classList.toggle("text-body-secondary", !failed);
  }

  // The fields a refused save names are outlined (and say so to a screen reader);
  // a save that went through clears them.
  function markInvalid(part, errors) {
    const prefix = part.dataset.autosavePart + "-";
    fields(part).forEach(function (field) {
      const refused = Boolean(errors[field.name.slice(prefix.length)]);
      field.classList.toggle("is-invalid", refused);
      if (refused) field.setAttribute("aria-invalid", "true");
      else field.removeAttribute("aria-invalid");
    });
  }

  function messages(errors) {
    const out = [];
    Object.keys(errors).forEach(function (name) {
      errors[name].forEach(function (error) { out.push(error.message); });
    });
    return out.join(" ");
  }

  function save(part) {
    clearTimeout(part.autosaveTimer);
    if (!part.dirty) return Promise.resolve();
    part.dirty = false;
    const data = new FormData();
    data.append("csrfmiddlewaretoken", csrf);
    data.append("part", part.dataset.autosavePart);
    fields(part).forEach(function (field) { data.append(field.name, field.value); });
    show(part, text.savingText);
    part.pending = new AbortController();
    const saving = fetch(url, {
      method: "POST", body: data, credentials: "same-origin", headers: { "X-CSRFToken": csrf }, signal: part.pending.signal,
    })
      .then(function (response) {
        if (response.status === 204) {
          // The clinic's time, as everywhere else in the app (not this device's clock).
          show(part, text.savedText + " " + (response.headers.get("X-Saved-At") || "") + ".");
          markInvalid(part, {});
          if (!part.dirty) delete part.dataset.unsaved;
          return;
        }
        part.dirty = true;
        return response.json().then(function (body) {
          const failed = body.rest_saved ? text.restSavedText.replace("%(time)s", body.saved_at) : text.failedText;
          show(part, failed + " " + messages(body.errors || {}), true);
          markInvalid(part, body.errors || {});
        });
      })
      .catch(function (error) {
        if (error.name === "AbortError") return;
        part.dirty = true;
        show(part, text.failedText + " " + text.offlineText, true);
      });
    part.saving = saving;
    // Only this save's own end clears the mark: a later save may still be on its way.
    saving.then(function () { if (part.saving === saving) part.saving = null; });
    return saving;
  }

  document.querySelectorAll("[data-autosave-part]").forEach(function (part) {
    function changed() {
      part.dirty = true;
      part.dataset.unsaved = "1";  // leaving the page before it is saved asks first
      clearTimeout(part.autosaveTimer);
      part.autosaveTimer = setTimeout(function () { save(part); }, DELAY);
    }
    part.addEventListener("input", changed);
    part.addEventListener("change", changed);
    part.addEventListener("focusout", function (event) {
      const next = event.relatedTarget;
      // Leaving for a Save or Sign button: that submit saves the part itself, and an
      // autosave racing it could arrive after the signature and be refused. The
      // buttons sit outside the (empty) form element and join it by their form
      // attribute, so ask the button which form it submits.
      if (next && next.type === "submit" && next.form === form) return;
      if (!part.contains(next)) save(part);
    });
  });

  // A full submit saves everything itself: drop pending autosaves.
  form.addEventListener("submit", function () {
    document.querySelectorAll("[data-autosave-part]").forEach(function (part) {
      clearTimeout(part.autosaveTimer);
      part.dirty = false;
      delete part.dataset.unsaved;
      if (part.pending) part.pending.abort();
    });
  });

  const attendance = document.querySelector("[data-attendance-form]");
  // Attendance is a form of its own: the drafts' saves land first (one leaving a
  // field for this form's button, one still waiting), so the page that comes back,
  // with a message or with an error, shows the text just typed.
  if (attendance) {
    attendance.addEventListener("submit", function (event) {
      if (attendance.dataset.draftsSaved) return;
      const waiting = [];
      document.querySelectorAll("[data-autosave-part]").forEach(function (part) {
        if (part.dirty) waiting.push(save(part));
        else if (part.saving) waiting.push(part.saving);
      });
      if (!waiting.length) return;
      event.preventDefault();
      const submitter = event.submitter;
      Promise.allSettled(waiting).then(function () {
        attendance.dataset.draftsSaved = "1";
        if (attendance.requestSubmit && submitter) {
          attendance.requestSubmit(submitter);
          return;
        }
        // An older browser: send the button's choice along by hand.
        if (submitter && submitter.name) {
          const choice = document.createElement("input");
          choice.type = "hidden";
          choice.name = submitter.name;
          choice.value = submitter.value;
          attendance.appendChild(choice);
        }
        attendance.submit();
      });
    });
  }
  if (attendance && form) {
    // Marks chosen and not yet saved with "Save attendance" go with "Save drafts" and
    // "Sign all" too: a clinician who fills in the sheet, then the note, then signs,
    // must not find the marks gone (and signing refused for want of them).
    attendance.addEventListener("change", function () { attendance.dataset.changed = "1"; });
    form.addEventListener("submit", function () {
      if (!attendance.dataset.changed) return;
      Array.prototype.forEach.call(attendance.elements, function (field) {
        if (!field.name || field.name === "csrfmiddlewaretoken" || field.name === "action") return;
        const copy = document.createElement("input");
        copy.type = "hidden";
        copy.name = field.name;
        copy.value = field.value;
        form.appendChild(copy);
      });
    });
  }
  if (attendance) {
    attendance.addEventListener("change", function (event) {
      const select = event.target;
      if (!select.name || select.name.indexOf("status_") !== 0) return;
      const pk = select.name.slice("status_".length);
      const target = { late: "late_", left_early: "left_" }[select.value];
      const minutes = target && attendance.querySelector("input[name=" + target + pk + "]");
      if (minutes) minutes.focus();
    });
  }
})();
