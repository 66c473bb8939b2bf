// Small enhancements only: every page works without this file.
(function () {
  "use strict";

  // Pre-fill a timezone select from the browser when the person has not chosen one yet.
  function prefillTimezone() {
    var select = document.querySelector("select[name='timezone'][data-prefill]");
    if (!select || !window.Intl) return;
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!zone) return;
    for (var i = 0; i < select.options.length; i++) {
      if (select.options[i].value === zone) { select.value = zone; return; }
    }
  }

  // A "show" toggle beside password inputs: easier than a confirmation field on a phone.
  function passwordToggles() {
    document.querySelectorAll(".password-wrap input[type='password']").forEach(function (input) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button button-secondary";
      button.textContent = "Show";
      button.setAttribute("aria-pressed", "false");
      button.setAttribute("aria-label", "Show password");
      button.addEventListener("click", function () {
        var show = input.type === "password";
        input.type = show ? "text" : "password";
        button.textContent = show ? "Hide" : "Show";
        button.setAttribute("aria-pressed", String(show));
      });
      input.parentNode.appendChild(button);
    });
  }

  // Ask before a destructive button does its work.
  function confirmations() {
    document.addEventListener("submit", function (event) {
      var button = event.submitter || event.target.querySelector("[data-confirm]");
      var message = button && button.getAttribute("data-confirm");
      if (message && !window.confirm(message)) event.preventDefault();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    prefillTimezone();
    passwordToggles();
    confirmations();
  });
})();
