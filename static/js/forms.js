/* EBTR Trainer: two progressive enhancements for forms (the pages work without them).
 *
 * 1. A live count under every text field that declares its limit (data-limit): "1,204 of
 *    5,000 characters"; over the limit it says by how much. The server refuses text over the
 *    limit with a message; nothing is ever cut.
 * 2. Drafts kept in this browser for forms marked data-keep-drafts="<key>": what is typed is
 *    saved as it is typed, and filled back into the empty form when the page is opened again
 *    (after an expired session, a sign-in, a failed submission). A draft is forgotten when the
 *    page after its submission reports success, when its user signs out, or after a week.
 *
 * External file, no inline code: the Content-Security-Policy allows scripts from this site only.
 */
(function () {
  "use strict";

  var PREFIX = "ebtr-draft:";
  var SUBMITTED = "ebtr-submitted";
  var WEEK = 7 * 24 * 3600 * 1000;
  var numbers = new Intl.NumberFormat("en-GB");

  function storage(kind) {
    try {
      var store = window[kind];
      store.setItem("ebtr-test", "1");
      store.removeItem("ebtr-test");
      return store;
    } catch (error) {
      return null;
    }
  }
  var local = storage("localStorage");
  var perTab = storage("sessionStorage");

  /* 1. Counters ------------------------------------------------------------------------- */
  function setUpCounter(field) {
    var limit = parseInt(field.getAttribute("data-limit"), 10);
    var count = document.getElementById(field.id + "-count");
    if (!limit || !count) {
      return;
    }
    var wasOver = false;
    function update() {
      var length = field.value.length;
      var over = length > limit;
      count.textContent = over
        ? numbers.format(length - limit) + " characters over the limit of " + numbers.format(limit) + ": shorten it before you send it."
        : numbers.format(length) + " of " + numbers.format(limit) + " characters";
      count.classList.toggle("text-danger", over);
      count.classList.toggle("fw-semibold", over);
      if (over !== wasOver) {
        /* announce crossing the limit once, not every keystroke */
        count.setAttribute("aria-live", "polite");
        wasOver = over;
      } else {
        count.removeAttribute("aria-live");
      }
    }
    field.addEventListener("input", update);
    update();
  }

  /* 2. Drafts --------------------------------------------------------------------------- */
  function draftFields(form) {
    return Array.prototype.filter.call(form.elements, function (element) {
      if (!element.name || element.disabled) {
        return false;
      }
      var type = (element.getAttribute("type") || element.tagName).toLowerCase();
      return type === "textarea" || type === "text" || type === "date" || type === "select";
    });
  }

  function keyOf(form) {
    return PREFIX + form.getAttribute("data-keep-drafts");
  }

  function save(form) {
    var values = {};
    var any = false;
    draftFields(form).forEach(function (field) {
      values[field.name] = field.value;
      if (field.tagName.toLowerCase() === "textarea" && field.value.trim()) {
        any = true;
      }
    });
    try {
      if (any) {
        local.setItem(keyOf(form), JSON.stringify({ saved: Date.now(), values: values }));
      } else {
        local.removeItem(keyOf(form));
      }
    } catch (error) {
      /* storage full or refused: the form still works */
    }
  }

  function restore(form) {
    var raw = local.getItem(keyOf(form));
    if (!raw) {
      return;
    }
    var draft;
    try {
      draft = JSON.parse(raw);
    } catch (error) {
      local.removeItem(keyOf(form));
      return;
    }
    if (!draft || !draft.values || Date.now() - draft.saved > WEEK) {
      local.removeItem(keyOf(form));
      return;
    }
    var restored = false;
    draftFields(form).forEach(function (field) {
      var value = draft.values[field.name];
      if (typeof value === "string" && value && !field.value.trim()) {
        field.value = value;
        field.dispatchEvent(new Event("input"));
        restored = true;
      }
    });
    if (restored) {
      var note = document.createElement("div");
      note.className = "alert alert-info";
      note.setAttribute("role", "status");
      note.textContent = "What you typed here earlier on this device has been filled back in. It has not been sent yet: check it and send the form.";
      var forget = document.createElement("button");
      forget.type = "button";
      forget.className = "btn btn-sm btn-outline-dark ms-2";
      forget.textContent = "Clear what was filled in";
      forget.addEventListener("click", function () {
        draftFields(form).forEach(function (field) {
          if (draft.values[field.name] === field.value && field.tagName.toLowerCase() === "textarea") {
            field.value = "";
            field.dispatchEvent(new Event("input"));
          }
        });
        local.removeItem(keyOf(form));
        note.remove();
      });
      note.appendChild(forget);
      form.parentNode.insertBefore(note, form);
    }
  }

  function forgetAll() {
    if (!local) {
      return;
    }
    for (var index = local.length - 1; index >= 0; index -= 1) {
      var key = local.key(index);
      if (key && key.indexOf(PREFIX) === 0) {
        local.removeItem(key);
      }
    }
  }

  function setUpDrafts(form) {
    if (!local) {
      return;
    }
    restore(form);
    var timer = null;
    form.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { save(form); }, 300);
    });
    form.addEventListener("change", function () { save(form); });
    form.addEventListener("submit", function () {
      save(form);
      if (perTab) {
        perTab.setItem(SUBMITTED, keyOf(form));
      }
    });
  }

  /* A draft whose submission was followed by a success message is done with. */
  function settleLastSubmission() {
    if (!perTab || !local) {
      return;
    }
    var key = perTab.getItem(SUBMITTED);
    perTab.removeItem(SUBMITTED);
    if (key && document.querySelector(".flash-messages .alert-success")) {
      local.removeItem(key);
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    settleLastSubmission();
    Array.prototype.forEach.call(document.querySelectorAll("[data-limit]"), setUpCounter);
    Array.prototype.forEach.call(document.querySelectorAll("form[data-keep-drafts]"), setUpDrafts);
    Array.prototype.forEach.call(document.querySelectorAll("form[data-forget-drafts]"), function (form) {
      form.addEventListener("submit", forgetAll);
    });
  });
})();
