// Portal quiz: instant feedback and a score, all in the browser. Nothing is stored or sent.
(function () {
  var form = document.querySelector("[data-quiz]");
  if (!form) { return; }
  var questions = Array.prototype.slice.call(form.querySelectorAll(".question"));
  var result = document.querySelector(".quiz-result");
  var answered = 0, correct = 0;

  questions.forEach(function (fieldset) {
    var details = fieldset.querySelector(".explain");
    details.querySelector("summary").hidden = true;  // with JS, feedback comes on choosing
    fieldset.addEventListener("change", function (event) {
      if (fieldset.dataset.done) { return; }
      fieldset.dataset.done = "1";
      var right = event.target.value === fieldset.dataset.answer;
      answered += 1;
      if (right) { correct += 1; }
      fieldset.classList.add(right ? "is-right" : "is-wrong");
      fieldset.querySelector(".feedback").textContent = right ? "Chính xác!" : "Chưa đúng — xem giải thích bên dưới.";
      fieldset.querySelectorAll("input").forEach(function (input) {
        input.disabled = true;
        if (input.value === fieldset.dataset.answer) { input.parentNode.classList.add("answer"); }
      });
      details.open = true;
      if (answered === questions.length) { showResult(); }
    });
  });

  function showResult() {
    var ratio = correct / questions.length;
    var praise = ratio === 1 ? "Tuyệt vời! Em đã nắm rất chắc." : ratio >= 0.7 ? "Rất tốt! Xem lại vài câu chưa đúng nhé." : "Cảm ơn em đã làm bài. Đọc lại các giải thích để nhớ thêm nhé.";
    result.querySelector(".score").textContent = "Em trả lời đúng " + correct + "/" + questions.length + " câu. " + praise;
    result.hidden = false;
    result.querySelector("h2").setAttribute("tabindex", "-1");
    result.querySelector("h2").focus();
  }

  result.querySelector("[data-restart]").addEventListener("click", function () {
    answered = 0; correct = 0;
    form.reset();
    questions.forEach(function (fieldset) {
      delete fieldset.dataset.done;
      fieldset.classList.remove("is-right", "is-wrong");
      fieldset.querySelector(".feedback").textContent = "";
      fieldset.querySelector(".explain").open = false;
      fieldset.querySelectorAll("input").forEach(function (input) { input.disabled = false; input.parentNode.classList.remove("answer"); });
    });
    result.hidden = true;
    questions[0].querySelector("input").focus();
  });
})();
