// SAQ autosave that survives a dropped connection or a server outage.
//
// Every answer an operator changes is sent by htmx (hx-post on .saq-input). This file keeps a
// copy of each value until the server has answered it — in localStorage, so a closed tab or a
// dead battery loses nothing — says at once when a save did not reach the server ("Belum
// tersimpan"), retries with back-off, sends again when the connection returns, and warns
// before a tab with unsent values closes. Resending carries the version the operator last
// read, so a newer value saved by someone else is never overwritten: the server answers with
// the usual conflict box instead.
(function () {
  "use strict";

  var texts = document.getElementById("autosave-texts");
  if (!texts) return;
  var storageKey = "ppid-unsent-" + texts.dataset.submission;
  var csrf = (function () {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"]; }
    catch (e) { return ""; }
  })();
  var delay = 0;
  var timer = null;
  var inFlight = {};
  // The value and version of each field the server last answered. Leaving a field fires its
  // "change" after the typing already sent the same value: sent again with the same version,
  // it would only bring back a conflict box the operator has just dealt with.
  var answered = {};
  function keyOf(entry) { return entry.value + "\u0000" + entry.version; }

  function load() {
    try { return JSON.parse(window.localStorage.getItem(storageKey) || "{}"); }
    catch (e) { return {}; }
  }
  function store(pending) {
    try {
      if (Object.keys(pending).length) window.localStorage.setItem(storageKey, JSON.stringify(pending));
      else window.localStorage.removeItem(storageKey);
    } catch (e) { /* private mode or full: the in-page copy still retries */ }
  }

  // What one .saq-input would send now: its field, value, version and where it goes.
  function entryOf(box) {
    var field = box.querySelector("[name]");
    if (!field) return null;
    var name = field.name;
    var value = "";
    if (field.type === "radio") {
      var checked = box.querySelector('[name="' + name + '"]:checked');
      value = checked ? checked.value : "";
    } else {
      value = field.value;
    }
    var vals = JSON.parse(box.getAttribute("hx-vals") || "{}");
    var prefix = vals.prefix || "";
    var indicator = name.slice(prefix.length + 1);
    var versionInput = document.getElementById("id_" + prefix + "v" + indicator);
    return {
      name: name,
      value: value,
      prefix: prefix,
      indicator: indicator,
      version: versionInput ? versionInput.value : "0",
      url: box.getAttribute("hx-post"),
      at: Date.now()
    };
  }

  function statusBox(indicator) { return document.getElementById("status-" + indicator); }

  function showUnsaved(entry) {
    var box = statusBox(entry.indicator);
    if (box) {
      box.innerHTML = "";
      var span = document.createElement("span");
      span.className = "text-danger fw-semibold";
      span.textContent = texts.dataset.unsaved;
      box.appendChild(span);
    }
    paintBanner();
  }

  function paintBanner() {
    var banner = document.getElementById("autosave-banner");
    if (!banner) return;
    var count = Object.keys(load()).length;
    banner.classList.toggle("d-none", count === 0);
    var label = banner.querySelector("[data-count]");
    if (label) label.textContent = texts.dataset.banner.replace("{n}", String(count));
  }

  function remember(entry) {
    var pending = load();
    var previous = pending[entry.name];
    // Keep the version of the first unsent edit: it is the last one the server confirmed.
    if (previous) entry.version = previous.version;
    pending[entry.name] = entry;
    store(pending);
  }

  function forget(name, value) {
    var pending = load();
    if (pending[name] && pending[name].value === value) {
      delete pending[name];
      store(pending);
    }
    paintBanner();
  }

  function schedule() {
    if (timer) return;
    delay = delay ? Math.min(delay * 2, 60000) : 2000;
    timer = window.setTimeout(function () { timer = null; flush(); }, delay);
  }

  // Send every unsent value (on this page or from an earlier visit) with its own version.
  function flush() {
    var pending = load();
    var names = Object.keys(pending);
    if (!names.length) { delay = 0; paintBanner(); return; }
    names.forEach(function (name) {
      if (inFlight[name]) return;
      var entry = pending[name];
      var body = new URLSearchParams();
      body.set("prefix", entry.prefix);
      body.set(entry.prefix + "i" + entry.indicator, entry.value);
      body.set(entry.prefix + "v" + entry.indicator, entry.version);
      inFlight[name] = true;
      window.fetch(entry.url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrf, "HX-Request": "true" }
      }).then(function (response) {
        return response.text().then(function (html) {
          if (response.status >= 500) throw new Error("server " + response.status);
          // 200 saved, 409 conflict (someone saved a newer value), 422 refused: answered.
          var box = statusBox(entry.indicator);
          if (box && window.htmx) window.htmx.swap(box, html, { swapStyle: "outerHTML" });
          forget(name, entry.value);
          answered[name] = keyOf(entry);
          delay = 0;
        });
      }).catch(function () {
        showUnsaved(entry);
        schedule();
      }).finally(function () {
        delete inFlight[name];
      });
    });
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var box = event.detail.elt;
    if (!box.classList || !box.classList.contains("saq-input")) return;
    var entry = entryOf(box);
    if (!entry) return;
    if (answered[entry.name] === keyOf(entry)) { event.preventDefault(); return; }
    remember(entry);
    box.dataset.sending = entry.value;
    box.dataset.sendingKey = keyOf(entry);
  });

  function saqBox(event) {
    var box = event.detail.elt;
    return box && box.classList && box.classList.contains("saq-input") ? box : null;
  }

  // The server answered (saved, conflict or refused): the copy is no longer needed.
  document.addEventListener("htmx:afterRequest", function (event) {
    var box = saqBox(event);
    if (!box || !event.detail.successful) return;
    var entry = entryOf(box);
    if (!entry) return;
    forget(entry.name, box.dataset.sending);
    answered[entry.name] = box.dataset.sendingKey;
  });

  // No answer (connection down) or a server error (database or Redis down): keep, say, retry.
  function failed(event) {
    var box = saqBox(event);
    if (!box) return;
    var entry = entryOf(box);
    if (!entry) return;
    showUnsaved(load()[entry.name] || entry);
    schedule();
  }
  document.addEventListener("htmx:sendError", failed);
  document.addEventListener("htmx:responseError", failed);

  window.addEventListener("online", function () { delay = 0; flush(); });
  window.addEventListener("beforeunload", function (event) {
    if (!Object.keys(load()).length) return;
    event.preventDefault();
    event.returnValue = texts.dataset.leave;
    return texts.dataset.leave;
  });

  // Values that never reached the server on an earlier visit: put them back and send them.
  document.addEventListener("DOMContentLoaded", function () {
    var pending = load();
    Object.keys(pending).forEach(function (name) {
      var entry = pending[name];
      var fields = document.querySelectorAll('[name="' + name + '"]');
      fields.forEach(function (field) {
        if (field.type === "radio") field.checked = field.value === entry.value;
        else field.value = entry.value;
      });
      if (fields.length) showUnsaved(entry);
    });
    paintBanner();
    if (Object.keys(pending).length) flush();
  });
})();
