/* Knowledge checks answered in place: the answer is posted in the background and the server's
   review of it replaces the check, so the learner keeps their place in the lesson. Without
   JavaScript, or when anything goes wrong, the form is posted the ordinary way. */
(function () {
  "use strict";

  function replaceCheck(section, html) {
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var fresh = holder.querySelector("section.check");
    if (!fresh || fresh.id !== section.id) {
      throw new Error("the answer did not come back as this check");
    }
    section.parentNode.replaceChild(fresh, section);
    // Screen readers announce the feedback when focus moves to it.
    var review = fresh.querySelector(".review") || fresh;
    review.setAttribute("tabindex", "-1");
    review.focus();
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var section = form.closest ? form.closest("section.check") : null;
    if (!section || !window.fetch || !window.FormData) {
      return;
    }
    event.preventDefault();
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
  });
})();
