// sen serve's only script: a chosen CSV file is read into the text box the form sends, so
// the export never needs a multipart upload. Nothing is fetched from anywhere.
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
});
