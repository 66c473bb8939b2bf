// Small enhancements only: every page works without this file.
(function () {
  "use strict";

  // The words this file writes, in the page's language (the layout puts them in the page).
  var WORDS = (function () {
    var found = document.getElementById("script-words");
    try { return JSON.parse(found ? found.textContent : "{}"); } catch (e) { return {}; }
  })();
  function word(key, time) {
    return (WORDS[key] || key).replace("{time}", time || "");
  }

  // Timezones ------------------------------------------------------------------------------
  function browserZone() {
    var zone = window.Intl && Intl.DateTimeFormat().resolvedOptions().timeZone;
    return zone && /^[A-Za-z0-9_+\-\/]+$/.test(zone) ? zone : "";
  }

  // Offer the browser's own timezone first on a new account: the short list may not hold it,
  // so it is added (the server checks every name it is sent).
  function prefillTimezone() {
    var select = document.querySelector("select[data-prefill]");
    var zone = browserZone();
    if (!select || !zone) return;
    var found = Array.prototype.some.call(select.options, function (option) {
      return option.value === zone;
    });
    if (!found) select.insertBefore(new Option(zone.replace(/_/g, " "), zone), select.firstChild);
    select.value = zone;
  }

  // A visitor's first meeting list comes in the server's default timezone. The browser knows
  // theirs: keep it in a cookie every later page reads, and bring this page's times up to date
  // in the background, in place. No reload, and nothing to do when the zones agree.
  function learnVisitorZone() {
    var results = document.querySelector("[data-zone-guess]");
    var zone = browserZone();
    if (!results || !zone) return;
    document.cookie = "caregiver_zone=" + zone + "; path=/; max-age=34560000; SameSite=Lax" +
      (location.protocol === "https:" ? "; Secure" : "");
    if (zone === results.getAttribute("data-zone-guess") || !window.fetch) return;
    fetch(location.href, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html");
        document.querySelectorAll("[data-zone-part][id]").forEach(function (part) {
          var twin = fresh.getElementById(part.id);
          if (twin) part.replaceWith(document.adoptNode(twin));
        });
      }).catch(function () { /* the times stay in the default zone, which the page names */ });
  }

  // A "show" toggle beside password inputs: easier than a confirmation field on a phone.
  function passwordToggles() {
    document.querySelectorAll(".password-wrap input[type='password']").forEach(function (input) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button button-secondary";
      button.textContent = word("show");
      button.setAttribute("aria-pressed", "false");
      var secret = input.getAttribute("inputmode") === "numeric" ? "show PIN" : "show password";
      button.setAttribute("aria-label", word(secret));
      button.addEventListener("click", function () {
        var show = input.type === "password";
        input.type = show ? "text" : "password";
        button.textContent = word(show ? "hide" : "show");
        button.setAttribute("aria-pressed", String(show));
      });
      input.parentNode.appendChild(button);
    });
  }

  // "Print or save as PDF": the button stays hidden without a script; the page says how instead.
  function printButtons() {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
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

  // Journal drafts: kept in this browser while the person types, so a crash, a lost connection
  // or an expired session never costs them what they wrote. Cleared once the server has saved
  // the entry, and on log-out (a shared family device must not keep private text).
  var DRAFT_PREFIX = "caregiver-draft:";
  var DRAFT_FIELDS = ["title", "body", "mood", "tags", "entry_date", "entry_time", "prompt_key"];

  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  function readFields(form) {
    var values = {};
    DRAFT_FIELDS.forEach(function (name) {
      var inputs = form.querySelectorAll("[name='" + name + "']");
      inputs.forEach(function (input) {
        if (input.type === "radio") { if (input.checked) values[name] = input.value; }
        else values[name] = input.value;
      });
      if (!(name in values)) values[name] = "";
    });
    return values;
  }

  function writeFields(form, values) {
    DRAFT_FIELDS.forEach(function (name) {
      form.querySelectorAll("[name='" + name + "']").forEach(function (input) {
        if (input.type === "radio") input.checked = input.value === values[name];
        else if (name in values) input.value = values[name];
      });
    });
  }

  function sameText(a, b) {
    return (a.body || "") === (b.body || "") && (a.title || "") === (b.title || "") &&
      (a.tags || "") === (b.tags || "");
  }

  function timeLabel(stamp) {
    var language = document.documentElement.lang || [];
    return new Date(stamp).toLocaleTimeString(language, { hour: "numeric", minute: "2-digit" });
  }

  function journalDrafts() {
    var store = storage();
    var form = document.querySelector("form[data-draft]");
    if (!store || !form) return;
    var key = DRAFT_PREFIX + form.getAttribute("data-draft-owner") + ":" +
      form.getAttribute("data-draft");
    var status = form.querySelector(".draft-status");
    var saved = null;
    try { saved = JSON.parse(store.getItem(key) || "null"); } catch (e) { saved = null; }

    if (saved && saved.fields && saved.fields.body && !sameText(saved.fields, readFields(form))) {
      var offer = document.createElement("div");
      offer.className = "notice draft-offer";
      offer.setAttribute("role", "status");
      var text = document.createElement("p");
      text.textContent = word("draft from", timeLabel(saved.at));
      var restore = document.createElement("button");
      restore.type = "button";
      restore.className = "button button-primary";
      restore.textContent = word("restore draft");
      var discard = document.createElement("button");
      discard.type = "button";
      discard.className = "button button-secondary";
      discard.textContent = word("discard draft");
      restore.addEventListener("click", function () {
        writeFields(form, saved.fields);
        offer.remove();
        form.querySelector("[name='body']").focus();
      });
      discard.addEventListener("click", function () {
        store.removeItem(key);
        offer.remove();
      });
      offer.append(text, restore, discard);
      form.insertBefore(offer, form.firstChild);
    }

    var timer = null;
    function save() {
      var fields = readFields(form);
      if (!fields.body && !fields.title) { store.removeItem(key); return; }
      try {
        store.setItem(key, JSON.stringify({ at: Date.now(), fields: fields }));
      } catch (e) { return; }
      if (status) {
        status.hidden = false;
        status.textContent = word("draft kept", timeLabel(Date.now()));
      }
    }
    form.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(save, 400);
    });
    form.addEventListener("submit", function () { clearTimeout(timer); save(); });
  }

  function clearDrafts() {
    var store = storage();
    if (!store) return;
    var done = document.querySelector("meta[name='caregiver-draft-saved']");
    if (done) {
      var owner = done.getAttribute("data-owner");
      store.removeItem(DRAFT_PREFIX + owner + ":" + done.getAttribute("content"));
    }
    document.addEventListener("submit", function (event) {
      if (!event.defaultPrevented && event.target.matches("form[data-logout]")) {
        Object.keys(store).forEach(function (name) {
          if (name.indexOf(DRAFT_PREFIX) === 0) store.removeItem(name);
        });
      }
    });
  }

  // Check-in buttons on the today list: without this file each tap posts the form and the page
  // comes back; with it, the tap is sent in the background and only that card is replaced, so
  // the person keeps their place. Anything unexpected falls back to the plain form post.
  function inlineCheckins() {
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (!form.matches("form[data-checkin]") || event.defaultPrevented) return;
      if (!window.fetch || !window.FormData) return;
      event.preventDefault();
      var button = event.submitter;
      var data = new FormData(form);
      if (button && button.name) data.set(button.name, button.value);
      var card = form.closest("[data-checkin-card]");
      card.setAttribute("aria-busy", "true");
      fetch(form.action, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" }
      }).then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (response.redirected || type.indexOf("text/html") !== 0 ||
            (response.status !== 200 && response.status !== 400)) {
          throw new Error("unexpected answer");
        }
        return response.text();
      }).then(function (html) {
        var holder = document.createElement("template");
        holder.innerHTML = html.trim();
        var fresh = holder.content.firstElementChild;
        card.replaceWith(fresh);
        // Keep focus where the person was: on the same button of the new card.
        var key = button && button.getAttribute("data-key");
        var again = key && fresh.querySelector("button[data-key='" + key + "']");
        var problem = fresh.querySelector(".error");
        (problem ? fresh.querySelector("textarea") : again || fresh).focus();
      }).catch(function () {
        card.removeAttribute("aria-busy");
        var plain = document.createElement("input");
        plain.type = "hidden";
        plain.name = button ? button.name : "value";
        plain.value = button ? button.value : "";
        form.appendChild(plain);
        HTMLFormElement.prototype.submit.call(form);
      });
    });
  }

  // Meeting form: show only the parts that fit the chosen schedule and place, and refresh the
  // "next five dates" preview as the facilitator types (the button does it without JS).
  function meetingForm() {
    var form = document.querySelector("form[data-preview-url]");
    if (!form) return;
    function sync() {
      var repeat = (form.querySelector("input[name='repeat']:checked") || {}).value;
      var mode = (form.querySelector("input[name='mode']:checked") || {}).value;
      form.querySelectorAll("[data-repeat]").forEach(function (part) {
        part.hidden = part.dataset.repeat.split(" ").indexOf(repeat) < 0;
      });
      form.querySelectorAll("[data-mode]").forEach(function (part) {
        part.hidden = part.dataset.mode.split(" ").indexOf(mode) < 0;
      });
    }
    var timer = null;
    var button = form.querySelector("[data-preview-button]");
    if (button) button.hidden = true;
    function refresh() {
      var params = new URLSearchParams(new FormData(form));
      params.delete("csrf_token");
      fetch(form.dataset.previewUrl + "?" + params.toString(), {
        headers: { "X-Requested-With": "fetch" }, credentials: "same-origin"
      }).then(function (response) {
        return response.ok ? response.text() : null;
      }).then(function (html) {
        var current = document.getElementById("meeting-preview");
        if (!html || !current) return;
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var fresh = holder.querySelector("#meeting-preview");
        if (fresh) current.replaceWith(fresh);
      }).catch(function () { /* the button-less form still saves; the preview just waits */ });
    }
    form.addEventListener("change", function () { sync(); clearTimeout(timer); timer = setTimeout(refresh, 300); });
    form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(refresh, 500); });
    sync();
  }

  // Passkeys. Options come from the server as JSON with binary values in base64url; the
  // browser's answer goes back the same way, in a hidden field of an ordinary form post.
  function fromBase64url(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    var binary = atob(base64 + "===".slice((base64.length + 3) % 4));
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer), binary = "";
    for (var i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function withBuffers(options) {
    options.challenge = fromBase64url(options.challenge);
    if (options.user) options.user.id = fromBase64url(options.user.id);
    (options.excludeCredentials || options.allowCredentials || []).forEach(function (item) {
      item.id = fromBase64url(item.id);
    });
    return options;
  }

  function credentialJSON(credential) {
    var answer = credential.response, response = { clientDataJSON: toBase64url(answer.clientDataJSON) };
    if (answer.attestationObject) {
      response.attestationObject = toBase64url(answer.attestationObject);
      response.transports = answer.getTransports ? answer.getTransports() : [];
    } else {
      response.authenticatorData = toBase64url(answer.authenticatorData);
      response.signature = toBase64url(answer.signature);
      if (answer.userHandle) response.userHandle = toBase64url(answer.userHandle);
    }
    return JSON.stringify({
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      response: response,
      authenticatorAttachment: credential.authenticatorAttachment || undefined,
      clientExtensionResults: credential.getClientExtensionResults()
    });
  }

  // The phone asks the person (fingerprint, face or screen lock); a refusal or a closed prompt
  // is not an error of theirs, so it gets a calm line and the form stays as it was.
  function passkeyForm(form, ask) {
    if (!form || !window.PublicKeyCredential || !window.fetch || !navigator.credentials) return;
    form.hidden = false;
    var status = form.querySelector("[data-passkey-status]");
    var busy = false;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var name = form.querySelector("[name='name']");
      if (name && !name.value.trim()) {
        HTMLFormElement.prototype.submit.call(form); // the server explains what is missing
        return;
      }
      if (busy) return;
      busy = true;
      status.hidden = true;
      fetch(form.getAttribute("data-options-url"), {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "X-CSRFToken": form.querySelector("[name='csrf_token']").value,
          "Accept": "application/json"
        }
      }).then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (type.indexOf("application/json") !== 0) throw new Error("");
        return response.json().then(function (body) {
          if (!response.ok) throw new Error(body.message || body.error || "");
          return body;
        });
      }).then(function (options) {
        return ask(withBuffers(options));
      }).then(function (credential) {
        form.querySelector("[name='credential']").value = credentialJSON(credential);
        HTMLFormElement.prototype.submit.call(form);
      }).catch(function (error) {
        busy = false;
        status.hidden = false;
        status.textContent = error && error.name === "NotAllowedError"
          ? word("no passkey")
          : error && error.name === "InvalidStateError"
            ? word("passkey here")
            : (error && error.message) || word("try again");
      });
    });
  }

  function passkeys() {
    var login = document.querySelector("form[data-passkey-login]");
    passkeyForm(login, function (options) {
      var remember = document.querySelector("input[name='remember'][type='checkbox']");
      login.querySelector("[name='remember']").value = remember && remember.checked ? "y" : "";
      return navigator.credentials.get({ publicKey: options });
    });
    var unlock = document.querySelector("form[data-passkey-unlock]");
    passkeyForm(unlock, function (options) {
      return navigator.credentials.get({ publicKey: options });
    });
    var add = document.querySelector("form[data-passkey-add]");
    passkeyForm(add, function (options) {
      return navigator.credentials.create({ publicKey: options });
    });
    if (add && !add.hidden) {
      document.querySelectorAll("[data-passkey-unsupported]").forEach(function (note) {
        note.hidden = true;
      });
    }
  }

  // Leave quickly: without this file the link simply opens the other site. With it, the words in
  // view are wiped, the session ends in the background, and the page is replaced rather than
  // left behind, so the back button does not return to it. Esc three times does the same.
  function quickExit() {
    var link = document.querySelector("a[data-quick-exit]");
    if (!link) return;
    var presses = [];
    function leave(event) {
      if (event) event.preventDefault();
      var token = document.querySelector("form[data-logout] input[name='csrf_token']");
      if (token && navigator.sendBeacon) {
        var data = new FormData();
        data.append("csrf_token", token.value);
        navigator.sendBeacon(document.body.getAttribute("data-leave"), data);
      }
      var store = storage();
      var draft = document.querySelector("form[data-draft]");
      document.querySelectorAll("textarea, input[type='text'], input[type='search']").forEach(
        function (input) { input.value = ""; }
      );
      if (store && draft) {
        store.removeItem(DRAFT_PREFIX + draft.getAttribute("data-draft-owner") + ":" +
          draft.getAttribute("data-draft"));
      }
      document.title = "";
      document.documentElement.hidden = true;
      window.location.replace(link.href);
    }
    link.addEventListener("click", leave);
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") return;
      var now = Date.now();
      presses = presses.filter(function (at) { return now - at < 1500; });
      presses.push(now);
      if (presses.length >= 3) leave();
    });
  }

  // The offline page and shared files, kept by a service worker (static/../sw.js says what).
  function offlineShell() {
    var url = document.body.getAttribute("data-sw");
    if (!url || !("serviceWorker" in navigator)) return;
    navigator.serviceWorker.register(url, { scope: "/" }).catch(function () {});
  }

  // "Add to home screen" on the account page, where the browser offers it itself.
  function installButton() {
    var button = document.querySelector("[data-install]");
    if (!button) return;
    window.addEventListener("beforeinstallprompt", function (event) {
      event.preventDefault();
      button.hidden = false;
      button.addEventListener("click", function () {
        button.hidden = true;
        event.prompt();
      }, { once: true });
    });
  }

  // Warm lines: a check-in sent in the background comes back as a new card carrying its line
  // ([data-cheer]). A newly added element is not announced by screen readers, so the line is
  // also put, unseen, into the page's polite status region, which they already follow.
  function celebrations() {
    var region = document.querySelector(".flashes[role='status']");
    var main = document.querySelector("main");
    if (!region || !main || !window.MutationObserver) return;
    new MutationObserver(function (records) {
      records.forEach(function (record) {
        record.addedNodes.forEach(function (node) {
          if (node.nodeType !== 1) return;
          var cheer = node.matches("[data-cheer]") ? node : node.querySelector("[data-cheer]");
          if (!cheer) return;
          region.querySelectorAll("[data-announced]").forEach(function (old) { old.remove(); });
          var line = document.createElement("p");
          line.className = "visually-hidden";
          line.setAttribute("data-announced", "");
          line.textContent = cheer.textContent.trim();
          region.appendChild(line);
        });
      });
    }).observe(main, { childList: true, subtree: true });
  }

  // The app lock of this device. A page left open shows its words until the next request,
  // so after the idle minutes with no tap or key the page locks the device and replaces
  // itself with the lock page. Typing is activity the server cannot see, so while someone
  // types or taps the page tells the server, at most every half minute.
  function appLock() {
    var form = document.querySelector("form[data-app-lock]");
    if (!form) return;
    var idle = parseFloat(form.getAttribute("data-idle-minutes")) * 60000;
    if (!(idle > 0)) return;
    var timer, told = Date.now(), last = Date.now(), locking = false;
    function lockPage() {
      var url = form.getAttribute("data-locked-url") + "?next=" +
        encodeURIComponent(location.pathname + location.search);
      return function () { location.replace(url); };
    }
    function lock() {
      locking = true;
      var show = lockPage();
      if (!window.fetch || !window.FormData) { show(); return; }
      fetch(form.action, {
        method: "POST", credentials: "same-origin", redirect: "manual", body: new FormData(form)
      }).then(show, show);
    }
    function active() {
      if (locking) return;
      last = Date.now();
      clearTimeout(timer);
      timer = setTimeout(lock, idle);
      if (window.fetch && Date.now() - told > 30000) {
        told = Date.now();
        fetch(form.getAttribute("data-still-here-url"), {
          credentials: "same-origin", headers: { "Accept": "application/json" }
        }).catch(function () { /* offline: the page's own timer still locks it */ });
      }
    }
    ["pointerdown", "keydown", "input", "scroll", "touchstart"].forEach(function (name) {
      document.addEventListener(name, active, { passive: true, capture: true });
    });
    // A phone asleep in a pocket pauses timers: on waking, the time that passed still counts.
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible" && !locking && Date.now() - last >= idle) lock();
    });
    timer = setTimeout(lock, idle);
  }

  document.addEventListener("DOMContentLoaded", function () {
    celebrations();
    inlineCheckins();
    prefillTimezone();
    passwordToggles();
    confirmations();
    clearDrafts();
    journalDrafts();
    meetingForm();
    learnVisitorZone();
    printButtons();
    passkeys();
    quickExit();
    offlineShell();
    installButton();
    appLock();
  });
})();
