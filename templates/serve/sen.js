// sen serve's only script: a chosen CSV file is read into the text box the form sends, so
// the export never needs a multipart upload; a file edited as text keeps its line numbers
// beside it as lines are added, and opens at the line an error names. Nothing is fetched
// from anywhere.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("input[type=file][data-into]").forEach(function (input) {
    input.addEventListener("change", function () {
      var target = document.getElementById(input.getAttribute("data-into"));
      var file = input.files && input.files[0];
      if (!target || !file) return;
      var reader = new FileReader();
      reader.onload = function () { target.value = reader.result; };
      reader.readAsText(file);
    });
  });
  var text = document.querySelector(".editor textarea");
  var gutter = document.querySelector(".editor .gutter");
  if (text && gutter) {
    var shown = gutter.children.length;
    text.addEventListener("input", function () {
      var lines = text.value.split("\n").length;
      if (lines === shown) return;
      while (gutter.children.length < lines) {
        var span = document.createElement("span");
        span.textContent = String(gutter.children.length + 1);
        gutter.appendChild(span);
      }
      while (gutter.children.length > lines) gutter.removeChild(gutter.lastChild);
      shown = lines;
      text.rows = lines + 1;
    });
    var line = parseInt(text.getAttribute("data-line") || "0", 10);
    if (line > 0) {
      var at = 0;
      for (var i = 1; i < line && at >= 0; i++) at = text.value.indexOf("\n", at) + 1;
      if (at >= 0) text.setSelectionRange(at, at);
      text.focus();
      var bad = gutter.querySelector(".bad");
      if (bad) bad.scrollIntoView({ block: "center" });
    }
  }
});
