// Copy-link and cite controls, and the language toggle of a side-by-side page. Loaded from a file (the CSP
// forbids inline scripts); without it the permanent links, citation boxes and both columns still work, only
// the copy buttons and the toggle stay hidden.
(function () {
  "use strict";

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return fallbackCopy(text); });
    }
    return fallbackCopy(text);
  }

  function textToCopy(button) {
    if (button.dataset.copy) { return button.dataset.copy; }
    var box = document.getElementById(button.dataset.copyFrom);
    if (!box) { return ""; }
    return Array.prototype.map.call(box.querySelectorAll("p"), function (p) {
      return p.textContent.trim();
    }).join("\n");
  }

  function statusFor(button) {
    var el = button.nextElementSibling;
    while (el && !el.classList.contains("copy-status")) { el = el.nextElementSibling; }
    return el;
  }

  function onClick(event) {
    var button = event.target.closest("button.copy");
    if (!button) { return; }
    var text = textToCopy(button);
    var status = statusFor(button);
    copy(text).then(function () {
      if (status) {
        status.textContent = "已复制 Copied";
        status.dataset.copied = text;
      }
    }, function () {
      if (status) {
        status.textContent = "请手动复制 Copy by hand: " + text;
        status.dataset.copied = "";
      }
    });
  }

  // A long document's contents sit beside the text; on a narrow screen they fold above it, closed until
  // opened (without this script they simply stay open).
  function foldContents() {
    var narrow = window.matchMedia("(max-width: 60rem)");
    var contents = document.querySelectorAll(".res-body > details.contents");
    function fit() {
      Array.prototype.forEach.call(contents, function (details) { details.open = !narrow.matches; });
    }
    fit();
    if (narrow.addEventListener) { narrow.addEventListener("change", fit); }
    // Following a link in the folded contents closes them again, so the text it leads to is in view.
    Array.prototype.forEach.call(contents, function (details) {
      details.addEventListener("click", function (event) {
        if (narrow.matches && event.target.closest("a")) { details.open = false; }
      });
    });
  }

  // Side by side: show both languages, or one (on a phone, one under the other is long).
  function setupParallelToggle() {
    var toggle = document.querySelector(".parallel-toggle");
    var parallel = document.querySelector(".parallel");
    if (!toggle || !parallel) { return; }
    toggle.hidden = false;
    toggle.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-show]");
      if (!button) { return; }
      parallel.dataset.show = button.dataset.show;
      Array.prototype.forEach.call(toggle.querySelectorAll("button[data-show]"), function (other) {
        other.setAttribute("aria-pressed", other === button ? "true" : "false");
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("button.copy[hidden]"), function (button) {
      button.hidden = false;
    });
    document.addEventListener("click", onClick);
    foldContents();
    setupParallelToggle();
  });
})();
