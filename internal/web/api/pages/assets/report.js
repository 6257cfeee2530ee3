// The citizen's report page: on sending, the proof-of-work runs in a Web
// Worker and a progress bar with its text (in the page's language, from
// the #pow element's data attributes) shows how far it is. Without
// Worker support the form goes as it would without JavaScript.
"use strict";
(function () {
	var form = document.getElementById("report"), box = document.getElementById("pow");
	if (!form || !box || !window.Worker) return;
	var challenge = form.elements.challenge, counter = form.elements.counter, difficulty = +challenge.dataset.difficulty;
	var bar = document.getElementById("pow-bar"), text = document.getElementById("pow-text"), send = document.getElementById("send");
	var percent = new Intl.NumberFormat(document.documentElement.lang, { style: "percent" });
	var busy = false, shown = -1;
	function show(p) {
		bar.value = p;
		// The live region speaks at each tenth, not at each bar update.
		var step = Math.floor(p / 10) * 10;
		if (step !== shown) {
			shown = step;
			text.textContent = box.dataset.working.replace("{p}", percent.format(step / 100));
		}
	}
	form.addEventListener("submit", function (ev) {
		if (counter.value) return;
		ev.preventDefault();
		if (busy) return;
		busy = true;
		box.hidden = false;
		send.disabled = true;
		show(0);
		var expected = Math.pow(2, difficulty), worker = new Worker(box.dataset.worker);
		worker.onmessage = function (m) {
			if (m.data.counter !== undefined) {
				worker.terminate();
				counter.value = m.data.counter;
				bar.value = 100;
				text.textContent = box.dataset.done;
				form.dataset.tried = m.data.tried;
				form.submit();
				return;
			}
			// The chance that the work is done by now: honest, and
			// never stuck at 100 %.
			show(Math.min(99, Math.floor(100 * (1 - Math.exp(-m.data.tried / expected)))));
		};
		worker.onerror = function () {
			// The server's way for browsers without JavaScript: wait.
			text.textContent = box.dataset.failed;
			busy = false;
			send.disabled = false;
			counter.value = "";
			form.submit();
		};
		worker.postMessage({ challenge: challenge.value, difficulty: difficulty });
	});
})();
