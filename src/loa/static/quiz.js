// Portal quiz: instant feedback and a score, all in the browser. Nothing is stored; when the campaign
// configures a results API (data-api) and the page was opened with a class code (?ma=27700-THCS/6A),
// the score alone is posted once per completed quiz — and the quiz never waits for or depends on it.
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
    sendResult();
  }

  function sendResult() {
    try {
      var api = form.dataset.api;
      var code = new URLSearchParams(window.location.search).get("ma") || "";
      if (!api || !window.fetch || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}(\/[A-Za-z0-9][A-Za-z0-9._-]{0,19})?$/.test(code)) { return; }
      fetch(api, {
        method: "POST", keepalive: true, credentials: "omit", mode: "cors",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ submission_id: newId(), quiz: form.dataset.quizId, audience: form.dataset.audience,
                               code: code, score: correct, answers: questions.length })
      }).catch(function () {});  // offline or API down: the quiz has already shown its result
    } catch (e) { /* never let reporting break the quiz */ }
  }

  function newId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
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
