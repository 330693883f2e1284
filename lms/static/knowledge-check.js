/* Knowledge checks answered in place: the answer is posted in the background and the server's
   review of it replaces the check, so the learner keeps their place in the lesson. The answer
   goes through the outbox (outbox.js): without a connection it waits on this device and is
   sent when the connection returns. Without JavaScript, the form is posted the ordinary way;
   without the outbox, or when anything goes wrong, too. */
(function () {
  "use strict";

  function replaceCheck(section, html) {
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var fresh = holder.querySelector("section.check");
    if (!fresh || fresh.id !== section.id) {
      throw new Error("the answer did not come back as this check");
    }
    var active = document.activeElement;
    var answeringHere = !active || active === document.body || section.contains(active);
    section.parentNode.replaceChild(fresh, section);
    if (answeringHere) {
      // Screen readers announce the feedback when focus moves to it. (An answer sent later,
      // when the connection returned, leaves the focus where the learner is now.)
      var review = fresh.querySelector(".review") || fresh;
      review.setAttribute("tabindex", "-1");
      review.focus();
    }
  }

  function postNow(form, section) {
    var button = form.querySelector("button[type=submit]");
    if (button) {
      button.disabled = true;
    }
    window
      .fetch(form.action, {
        method: "POST",
        body: new FormData(form), // carries the form's CSRF token
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" }
      })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        replaceCheck(section, html);
      })
      .catch(function () {
        // The ordinary post shows whatever the server has to say (an expired session, say).
        if (button) {
          button.disabled = false;
        }
        form.submit();
      });
  }

  function outboxItem(form, section) {
    return {
      id: "check " + form.action, // a newer answer to the same check replaces a waiting one
      url: form.action,
      fields: Array.from(new FormData(form).entries()),
      label: form.getAttribute("data-outbox-label") || document.title,
      target: section.id,
      proof: "section.check#" + CSS.escape(section.id) // the server's review of the answer
    };
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var section = form.closest ? form.closest("section.check") : null;
    if (!section || !window.fetch || !window.FormData) {
      return;
    }
    event.preventDefault();
    if (!window.lmsOutbox) {
      postNow(form, section);
      return;
    }
    window.lmsOutbox.add(outboxItem(form, section)).catch(function () {
      postNow(form, section); // the device refused to keep it (storage full or disabled)
    });
  });

  // An answer the outbox sent, now or after a wait: its review replaces the check, if shown.
  document.addEventListener("lms:outbox-stored", function (event) {
    var section = document.getElementById(event.detail.item.target);
    if (section && section.matches("section.check")) {
      replaceCheck(section, event.detail.html);
    }
  });
})();
