// "What changed" page: a button that hides the unchanged paragraphs (and shows them again). Loaded from a
// file (the CSP forbids inline scripts); without it every paragraph stays shown.
(function () {
  "use strict";

  function setUp() {
    var button = document.querySelector(".changes-only");
    var list = document.querySelector("ol.changes");
    if (!button || !list) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var only = button.getAttribute("aria-pressed") !== "true";
      button.setAttribute("aria-pressed", only ? "true" : "false");
      list.classList.toggle("changes-only-shown", only);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
