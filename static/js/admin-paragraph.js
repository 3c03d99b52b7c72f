// The paragraph form's live preview: as the curator types, ask the server how the paragraph will read
// (its links and footnote markers carried to the new words, its name as readers see it) and show it.
// Loaded from a file (the CSP forbids inline scripts); without it the preview shows the saved text.
(function () {
  "use strict";

  function field(name) { return document.getElementById("id_" + name); }

  function setup() {
    var box = document.querySelector(".paragraph-preview[data-preview-url]");
    var text = field("text");
    if (!box || !text) { return; }
    var form = text.form;
    var timer = null;
    var asked = 0;

    function show(data) {
      box.querySelector(".preview-text").innerHTML = data.html;  // server-rendered, every text escaped
      box.querySelector(".preview-number").textContent = data.printed;
      box.querySelector(".preview-name").textContent = data.label_zh + " · " + data.label_en;
      var flagged = box.querySelector(".preview-flagged");
      flagged.textContent = "";
      data.flagged.forEach(function (note) {
        var item = document.createElement("li");
        item.className = "needs-review";
        item.textContent = note;
        flagged.appendChild(item);
      });
    }

    function refresh() {
      var mine = ++asked;
      var body = new FormData();
      ["text", "kind", "number", "item"].forEach(function (name) {
        var input = field(name);
        if (input) { body.append(name, input.value); }
      });
      body.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
      box.classList.add("updating");
      fetch(box.dataset.previewUrl, { method: "POST", body: body, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) { if (data && mine === asked) { show(data); } })
        .catch(function () { /* the saved text stays shown */ })
        .then(function () { if (mine === asked) { box.classList.remove("updating"); } });
    }

    function later() {
      if (timer) { clearTimeout(timer); }
      timer = setTimeout(refresh, 300);
    }

    ["text", "kind", "number", "item"].forEach(function (name) {
      var input = field(name);
      if (input) { input.addEventListener("input", later); input.addEventListener("change", later); }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
