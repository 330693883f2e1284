/* Keeps a quiz's answers on this device until the server has recorded the attempt, so a
   dropped connection, a closed tab or a failed submission loses nothing. Submitted without a
   connection, the answers go to the outbox (outbox.js), which sends them when it returns. The
   quiz works the same without JavaScript; this only adds the safety copy.

   Quiz page:    <form id="…" data-autosave="KEY" data-recorded="TOKENS" data-outbox-label="…"
                       data-restored-message="…" data-offline-message="…" data-reachable="URL">
   Attempt page: <… data-autosave-clear="KEY" data-submission="TOKEN">
   KEY names the learner, module and course version; TOKEN is the form's submission token. */
(function () {
  "use strict";

  // Fields the server fills in itself: a stale copy of these must never replace the page's.
  var SERVER_FIELDS = { csrf_token: true, version_id: true, lang: true, submission_token: true };

  function store() {
    try {
      return window.localStorage; // may be missing or refused (private modes, settings)
    } catch (error) {
      return null;
    }
  }

  function load(key) {
    var storage = store();
    try {
      var saved = storage && JSON.parse(storage.getItem(key) || "null");
      return saved && saved.fields ? saved : null;
    } catch (error) {
      return null;
    }
  }

  function keep(key, value) {
    var storage = store();
    try {
      if (storage) {
        storage.setItem(key, JSON.stringify(value));
      }
    } catch (error) {
      // A full or refused storage leaves the quiz as it is without this script.
    }
  }

  function forget(key) {
    var storage = store();
    if (storage) {
      storage.removeItem(key);
    }
  }

  function answerFields(form) {
    return Array.prototype.filter.call(form.elements, function (field) {
      return field.name && !SERVER_FIELDS[field.name] && field.type !== "submit";
    });
  }

  function answersOf(form) {
    var pairs = [];
    answerFields(form).forEach(function (field) {
      if ((field.type !== "radio" && field.type !== "checkbox") || field.checked) {
        pairs.push([field.name, field.value]);
      }
    });
    return pairs;
  }

  function fillIn(form, pairs) {
    answerFields(form).forEach(function (field) {
      var values = pairs
        .filter(function (pair) { return pair[0] === field.name; })
        .map(function (pair) { return pair[1]; });
      if (field.type === "radio" || field.type === "checkbox") {
        field.checked = values.indexOf(field.value) !== -1;
      } else if (values.length) {
        field.value = values[0];
      }
    });
  }

  function tell(form, message, kind) {
    var box = form.parentNode.querySelector(".autosave-notice");
    if (!box) {
      box = document.createElement("p");
      box.setAttribute("role", "status");
      form.parentNode.insertBefore(box, form);
    }
    box.className = "flash flash-" + kind + " autosave-notice";
    box.textContent = message || "";
    box.hidden = !message;
  }

  // A new submission token: the page may be the offline copy, whose token was used already.
  function newToken() {
    var bytes = new Uint8Array(18);
    window.crypto.getRandomValues(bytes);
    var text = window.btoa(String.fromCharCode.apply(null, bytes));
    return text.replace(/\+/g, "-").replace(/\//g, "_");
  }

  // navigator.onLine only knows whether there is a network, not whether the server can be
  // reached through it (a router whose line is down, a captive portal, a link that dropped a
  // moment ago): before the browser posts the quiz, a small request asks the server itself.
  // Any answer, even an error, means the post can arrive; no answer in time means it cannot.
  var ASK_TIMEOUT_MS = 8000;
  function serverAnswers(form) {
    var address = form.getAttribute("data-reachable");
    if (navigator.onLine === false) {
      return Promise.resolve(false);
    }
    if (!address) {
      return Promise.resolve(true);
    }
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller && window.setTimeout(function () { controller.abort(); }, ASK_TIMEOUT_MS);
    var asked = { method: "HEAD", cache: "no-store", credentials: "same-origin" };
    if (controller) {
      asked.signal = controller.signal;
    }
    return fetch(address, asked).then(
      function () { return true; },
      function () { return false; }
    ).then(function (reachable) {
      window.clearTimeout(timer);
      return reachable;
    });
  }

  function outboxItem(form, token) {
    return {
      id: "quiz " + token, // submitted again while it waits: the newer answers replace it
      url: form.action,
      fields: Array.from(new FormData(form).entries()),
      label: form.getAttribute("data-outbox-label") || document.title,
      target: form.id,
      // The attempt page of this very submission is the proof that it was recorded.
      proof: '[data-submission="' + CSS.escape(token) + '"]'
    };
  }

  function tokenSent(item) {
    var field = item.fields.filter(function (pair) { return pair[0] === "submission_token"; });
    return field.length ? field[0][1] : null;
  }

  function setUpQuiz(form) {
    var key = form.getAttribute("data-autosave");
    var token = form.elements.namedItem("submission_token");
    var recorded = (form.getAttribute("data-recorded") || "").split(" ");
    var saved = load(key);
    if (saved && saved.token && recorded.indexOf(saved.token) !== -1) {
      forget(key); // that attempt was recorded, even if its review page never arrived
      saved = null;
    }
    if (token && window.crypto && window.crypto.getRandomValues) {
      token.value = newToken();
    }
    if (saved && saved.fields.length) {
      fillIn(form, saved.fields);
      if (saved.token && token) {
        // The same token again: if the lost submission did reach the server, it counts once.
        token.value = saved.token;
      }
      tell(form, form.getAttribute("data-restored-message"), "info");
    }

    function save() {
      keep(key, { token: token ? token.value : "", fields: answersOf(form), at: Date.now() });
    }

    function sendLater() {
      var outbox = window.lmsOutbox;
      var failed = function () {
        tell(form, form.getAttribute("data-offline-message"), "error");
      };
      if (!outbox || !token || !window.CSS) {
        failed();
        return;
      }
      outbox.add(outboxItem(form, token.value)).then(function () {
        tell(form, "", "info"); // the outbox says it waits, at the top and under the form
      }, failed);
    }

    form.addEventListener("change", save);
    form.addEventListener("input", save);
    var asking = false;
    form.addEventListener("submit", function (event) {
      save();
      if (!window.lmsOutbox || !window.fetch) {
        if (navigator.onLine === false) {
          event.preventDefault(); // the post could only fail
          sendLater();
        }
        return; // the browser posts the form as it would without this script
      }
      event.preventDefault();
      if (asking) {
        return; // a second click while the server is asked: one submission
      }
      asking = true;
      serverAnswers(form).then(function (reachable) {
        asking = false;
        if (reachable) {
          form.submit(); // posted as without this script: the server's own page follows
        } else {
          sendLater(); // the outbox sends it when the server answers again
        }
      });
    });
    // Sent from the outbox: the answers on the device are done with, and the form (should the
    // learner stay on it) is for a new attempt.
    document.addEventListener("lms:outbox-stored", function (event) {
      var sent = tokenSent(event.detail.item);
      var current = load(key);
      if (current && current.token === sent) {
        forget(key);
      }
      if (token && token.value === sent) {
        form.reset();
        token.value = newToken();
        tell(form, "", "info");
      }
    });
    window.addEventListener("online", function () {
      var box = form.parentNode.querySelector(".autosave-notice.flash-error");
      if (box) {
        box.hidden = true;
      }
    });
  }

  function clearAfterAttempt(marker) {
    var key = marker.getAttribute("data-autosave-clear");
    var saved = load(key);
    // Another attempt may be in progress in another tab: only this attempt's answers go.
    if (saved && (!saved.token || saved.token === marker.getAttribute("data-submission"))) {
      forget(key);
    }
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-autosave]"), setUpQuiz);
  Array.prototype.forEach.call(
    document.querySelectorAll("[data-autosave-clear]"),
    clearAfterAttempt
  );
})();
