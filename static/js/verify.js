// Verification page: verdicts save as the jury makes them (same version rule as the SAQ:
// a verdict changed in another window is never overwritten silently), and keyboard
// shortcuts for a tablet with a keyboard: A accept and go on, J/↓ next, K/↑ previous.
(function () {
  "use strict";
  var items = Array.prototype.slice.call(document.querySelectorAll(".verify-item"));
  var texts = (document.getElementById("verify-keys") || { dataset: {} }).dataset;
  var current = 0;

  function status(form, key, cls) {
    var el = form.querySelector(".verdict-status");
    if (!el) return;
    el.textContent = key ? texts[key] || "" : "";
    el.className = "small verdict-status " + (cls || "");
  }

  // The counter and bar above the sheet, from what the server counted after the save.
  function progress(data) {
    var count = document.getElementById("verify-count");
    if (count && count.dataset.template && data.total) {
      count.textContent = count.dataset.template
        .replace("{done}", data.done).replace("{total}", data.total);
    }
    var bar = document.getElementById("verify-progress");
    if (!bar || data.percent === undefined) return;
    bar.setAttribute("aria-valuenow", String(data.percent));
    var fill = bar.querySelector(".progress-bar");
    fill.style.width = data.percent + "%";
    fill.classList.toggle("bg-success", data.percent === 100);
  }

  function ready(form) {
    var decision = form.querySelector("input[name=decision]:checked");
    if (!decision) return false;
    if (decision.value === "accept") return true;
    var reason = form.querySelector("[name=reason]").value.trim();
    if (!reason) return false;
    return decision.value === "reject" || form.querySelector("[name=value]").value !== "";
  }

  function save(form) {
    if (!ready(form)) return Promise.resolve(false);
    status(form, "saving", "text-secondary");
    return fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "X-Autosave": "1" },
      credentials: "same-origin",
    }).then(function (response) {
      return response.json().then(function (data) {
        if (data.ok) {
          form.querySelector("[name=version]").value = data.version;
          status(form, "saved", "text-success");
          progress(data);
          return true;
        }
        if (data.conflict) { status(form, "conflict", "text-danger"); return false; }
        var el = form.querySelector(".verdict-status");
        var messages = [];
        Object.keys(data.errors || {}).forEach(function (k) { messages = messages.concat(data.errors[k]); });
        el.textContent = messages.join(" ");
        el.className = "small verdict-status text-danger";
        return false;
      });
    }).catch(function () { status(form, "offline", "text-danger"); return false; });
  }

  document.querySelectorAll("form[data-verdict]").forEach(function (form) {
    var timer = null;
    form.addEventListener("change", function () { save(form); });
    form.querySelector("[name=reason]").addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { save(form); }, 800);
    });
    // "Simpan dan lanjut" sends the form itself: no autosave may race it.
    form.addEventListener("submit", function () { clearTimeout(timer); });
  });

  function focusItem(index) {
    if (!items.length) return;
    current = Math.max(0, Math.min(items.length - 1, index));
    items[current].focus({ preventScroll: true });
    items[current].scrollIntoView({ block: "start", behavior: "smooth" });
  }

  items.forEach(function (item, index) {
    item.addEventListener("focusin", function () { current = index; });
  });

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var typing = target.matches && target.matches("textarea, input[type=text], input:not([type]), select");
    if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
    var key = event.key.toLowerCase();
    if (key === "j" || key === "arrowdown") { event.preventDefault(); focusItem(current + 1); }
    else if (key === "k" || key === "arrowup") { event.preventDefault(); focusItem(current - 1); }
    else if (key === "a") {
      var form = items[current] && items[current].querySelector("form[data-verdict]");
      if (!form) return;
      event.preventDefault();
      form.querySelector("input[name=decision][value=accept]").checked = true;
      save(form).then(function (ok) { if (ok) focusItem(current + 1); });
    }
  });
})();
