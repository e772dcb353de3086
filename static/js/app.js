// PPID Award front-end behaviour. Loaded as a file (the CSP forbids inline scripts).
(function () {
  "use strict";

  // Progress bars carry their value in data-progress; set the width from script (CSP-safe).
  function paintProgress(root) {
    root.querySelectorAll("[data-progress]").forEach(function (bar) {
      var value = Math.max(0, Math.min(100, parseInt(bar.dataset.progress, 10) || 0));
      bar.style.width = value + "%";
      // The value belongs to the element with role=progressbar (the bar's track), never to
      // the coloured bar itself, which has no role (axe: aria-allowed-attr).
      var meter = bar.getAttribute("role") === "progressbar" ? bar : bar.closest("[role=progressbar]");
      if (meter) meter.setAttribute("aria-valuenow", String(value));
    });
  }

  function keepSubmitter(form, submitter) {
    var previous = form.querySelector("input[data-submitter]");
    if (previous) previous.remove();
    if (!submitter || !submitter.name) return;
    var hidden = document.createElement("input");
    hidden.type = "hidden";
    hidden.name = submitter.name;
    hidden.value = submitter.value;
    hidden.setAttribute("data-submitter", "");
    form.appendChild(hidden);
  }

  // Forms marked data-confirm ask before submitting; data-once forms disable their buttons
  // after the first submit so that a double click sends one request.
  function wireForms(root) {
    root.querySelectorAll("form[data-confirm]").forEach(function (form) {
      if (form.dataset.confirmWired) return;
      form.dataset.confirmWired = "1";
      form.addEventListener("submit", function (event) {
        // "Previous" (formnovalidate) never needs the confirmation of the real submit.
        if (event.submitter && event.submitter.hasAttribute("formnovalidate")) return;
        if (!window.confirm(form.dataset.confirm)) event.preventDefault();
      });
    });
    root.querySelectorAll("form[data-once]").forEach(function (form) {
      if (form.dataset.onceWired) return;
      form.dataset.onceWired = "1";
      form.addEventListener("submit", function (event) {
        if (event.defaultPrevented) return;
        if (form.dataset.submitted) { event.preventDefault(); return; }
        form.dataset.submitted = "1";
        // A disabled button is left out of what the browser sends: carry the clicked button's
        // name and value in a hidden field so the server still learns which one it was
        // ("Previous" in the SAQ wizard, "remove" in the assignment matrix).
        keepSubmitter(form, event.submitter);
        form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (b) {
          b.disabled = true;
          if (b.dataset.busyLabel) b.textContent = b.dataset.busyLabel;
        });
      });
    });
  }

  // A file over the upload limit is refused before it is sent (a phone on a slow connection
  // would otherwise send 10 MB to hear "too large"); the message goes to the nearest
  // [data-upload-error] slot. Capture phase: runs before htmx sees the submit.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = null;
    form.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
      var limit = parseInt(input.dataset.maxBytes, 10);
      Array.prototype.forEach.call(input.files || [], function (file) {
        if (message === null && file.size > limit) {
          message = input.dataset.tooLarge
            .replace("{name}", file.name)
            .replace("{size}", (Math.round(file.size / 104857.6) / 10).toString().replace(".", ","));
        }
      });
    });
    if (message === null) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    var scope = form;
    while (scope && !scope.querySelector("[data-upload-error]")) scope = scope.parentElement;
    var slot = scope ? scope.querySelector("[data-upload-error]") : null;
    if (!slot) { window.alert(message); return; }
    var box = document.createElement("div");
    box.className = "alert alert-danger py-1 px-2 small mb-2";
    box.textContent = message;
    slot.replaceChildren(box);
  }, true);

  // Filter forms marked data-autosubmit submit themselves when a select changes.
  function wireAutosubmit(root) {
    root.querySelectorAll("[data-autosubmit] select").forEach(function (select) {
      select.addEventListener("change", function () { select.form.requestSubmit(); });
    });
  }

  // A countdown to a deadline: data-countdown holds an ISO date, data-template a sentence
  // with {d}, {h} and {m}, data-expired the sentence once it has passed.
  function paintCountdowns() {
    document.querySelectorAll("[data-countdown]").forEach(function (el) {
      var left = new Date(el.dataset.countdown).getTime() - Date.now();
      if (isNaN(left)) return;
      if (left <= 0) { el.textContent = el.dataset.expired || ""; return; }
      var minutes = Math.floor(left / 60000);
      el.textContent = (el.dataset.template || "{d} {h} {m}")
        .replace("{d}", Math.floor(minutes / 1440))
        .replace("{h}", Math.floor((minutes % 1440) / 60))
        .replace("{m}", minutes % 60);
    });
  }

  // "Use the saved one" after an editing conflict: put the stored value back in the field.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-use-value]");
    if (!button) return;
    var value = button.dataset.useValue;
    var inputs = document.querySelectorAll('[name="' + button.dataset.field + '"]');
    inputs.forEach(function (input) {
      if (input.type === "radio") input.checked = input.value === value;
      else input.value = value;
    });
    if (button.dataset.versionField) {
      var version = document.querySelector('[name="' + button.dataset.versionField + '"]');
      if (version) version.value = button.dataset.version;
    }
    var box = button.closest(".alert");
    if (box) box.remove();
    else button.remove();
  });

  // Questionnaire editor: the total of the aspect weights follows what is typed (the saved
  // total comes back from the server after each save).
  document.addEventListener("input", function (event) {
    var input = event.target;
    var forms = '[id^="aspect-"][id$="-form"]';
    // Each aspect's form has its own prefix ("a37-weight").
    var weight = 'input[name="weight"], input[name$="-weight"]';
    if (!input.matches(weight) || !input.closest(forms)) return;
    var total = 0;
    document.querySelectorAll(forms + " input").forEach(function (el) {
      if (!el.matches(weight)) return;
      var value = parseFloat((el.value || "0").replace(",", "."));
      if (!isNaN(value)) total += value;
    });
    var out = document.getElementById("weight-total");
    if (!out) return;
    var ok = Math.abs(total - 100) < 0.005;
    out.textContent = String(Math.round(total * 100) / 100).replace(".", ",") + " / 100";
    out.classList.toggle("text-success", ok);
    out.classList.toggle("text-danger", !ok);
  });

  function init(root) {
    paintProgress(root);
    wireForms(root);
    wireAutosubmit(root);
  }
  setInterval(paintCountdowns, 30000);
  document.addEventListener("DOMContentLoaded", paintCountdowns);

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSwap", function (event) { init(event.target); });
  // Out-of-band swaps (the SAQ sidebar's progress after each autosave) come through here.
  document.addEventListener("htmx:load", function (event) { init(event.target); });
  document.addEventListener("htmx:responseError", function () {
    var box = document.getElementById("htmx-error");
    if (box) box.classList.remove("d-none");
  });
})();
