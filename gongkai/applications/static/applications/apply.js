// Show only the applicant fields that apply: a natural person's ID or an organisation's code and type.
// Without JavaScript every field stays visible and the server still checks what is needed.
(function () {
  function update(form) {
    var checked = form.querySelector('input[name="kind"]:checked');
    var kind = checked ? checked.value : "";
    form.querySelectorAll("[data-applicant]").forEach(function (group) {
      group.hidden = kind !== "" && group.getAttribute("data-applicant") !== kind;
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form.application-form");
    if (!form) return;
    form.addEventListener("change", function (event) {
      if (event.target.name === "kind") update(form);
    });
    update(form);
    // A second click while the first submission is on its way must not send the form twice.
    form.addEventListener("submit", function () {
      var button = form.querySelector('button[type="submit"]');
      if (button) setTimeout(function () { button.disabled = true; }, 0);
    });
  });
})();
