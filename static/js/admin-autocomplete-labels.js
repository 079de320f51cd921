/* The admin's autocomplete (select2) draws a search box for multiple choices with no label, so
 * a screen reader announces an unnamed text field. Give each one the label of the <select> it
 * stands for, now and whenever select2 draws one again. */
(function () {
  "use strict";
  function label(root) {
    root.querySelectorAll(".select2-search__field:not([aria-label])").forEach(function (field) {
      var container = field.closest(".select2-container");
      var select = container && container.previousElementSibling;
      var text = select && select.id && document.querySelector('label[for="' + select.id + '"]');
      if (text) {
        field.setAttribute("aria-label", text.textContent.trim().replace(/:$/, ""));
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    label(document);
    new MutationObserver(function () { label(document); })
      .observe(document.body, { childList: true, subtree: true });
  });
})();
