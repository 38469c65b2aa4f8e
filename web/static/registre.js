// Registre's own script: small, optional (every page works without it).
// A "select all" checkbox ticks every checkbox named by its data-select-all attribute.
document.addEventListener("change", function (event) {
  var box = event.target;
  if (!box.matches || !box.matches("input[data-select-all]")) return;
  var name = box.getAttribute("data-select-all");
  var form = box.form || document;
  form.querySelectorAll('input[type="checkbox"][name="' + name + '"]').forEach(function (other) {
    other.checked = box.checked;
  });
});
