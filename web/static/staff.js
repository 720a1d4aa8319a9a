/* Staff console: search as you type, highlight, copy the phone script. Text goes in via textContent only. */
(function () {
  "use strict";
  var form = document.getElementById("staff-search");
  if (!form) return;
  var input = document.getElementById("q");
  var section = document.getElementById("section");
  var status = document.getElementById("search-status");
  var results = document.getElementById("results");
  var answer = document.getElementById("answer");
  var script = document.getElementById("answer-script");
  var copyButton = document.getElementById("copy-answer");
  var copyStatus = document.getElementById("copy-status");
  var endpoint = form.getAttribute("data-endpoint");
  var timer = null;
  var inflight = null;
  var seq = 0;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  // Fill `node` with `text`, wrapping the [start, end) spans in <mark>.
  function highlighted(node, text, spans) {
    node.textContent = "";
    var pos = 0;
    (spans || []).forEach(function (span) {
      if (span[0] > pos) node.appendChild(document.createTextNode(text.slice(pos, span[0])));
      node.appendChild(el("mark", null, text.slice(span[0], span[1])));
      pos = span[1];
    });
    if (pos < text.length) node.appendChild(document.createTextNode(text.slice(pos)));
    return node;
  }

  function clear() {
    results.textContent = "";
    answer.hidden = true;
    script.value = "";
    copyStatus.textContent = "";
  }

  function renderAnswer(data) {
    var a = data.answer;
    if (!a) { answer.hidden = true; return; }
    var c = a.citation || {};
    answer.querySelector(".answer-text").textContent = a.text;
    highlighted(answer.querySelector(".answer-quote"), c.quote || "", a.quote_highlights);
    answer.querySelector(".answer-source").textContent =
      "出处：" + (c.document || "") + " · " + (a.section_label || "") + " · " + (c.title || "");
    script.value = a.script;
    copyStatus.textContent = "";
    answer.hidden = false;
  }

  function renderResults(data) {
    results.textContent = "";
    data.results.forEach(function (r) {
      var li = el("li", "result");
      var head = el("p", "result-head");
      head.appendChild(el("span", "result-section", r.section));
      head.appendChild(el("span", "result-title", r.title));
      li.appendChild(head);
      li.appendChild(highlighted(el("p", "result-text"), r.text, r.highlights));
      results.appendChild(li);
    });
  }

  function search() {
    var q = input.value.trim();
    if (inflight) inflight.abort();
    if (!q) { clear(); status.textContent = ""; return; }
    var mine = ++seq;
    inflight = window.AbortController ? new AbortController() : null;
    var url = endpoint + "?q=" + encodeURIComponent(q) + (section.value ? "&section=" + section.value : "");
    fetch(url, { credentials: "same-origin", signal: inflight ? inflight.signal : undefined,
                 headers: { "Accept": "application/json" } })
      .then(function (res) { return res.json().then(function (body) { return { ok: res.ok, body: body }; }); })
      .then(function (r) {
        if (mine !== seq) return;  // a newer keystroke already asked again
        if (!r.ok) { clear(); status.textContent = r.body.error || "查询失败"; return; }
        renderAnswer(r.body);
        renderResults(r.body);
        status.textContent = r.body.results.length ? "找到 " + r.body.results.length + " 段相关原文"
                                                    : "报告中没有找到相关内容";
      })
      .catch(function (err) {
        if (err && err.name === "AbortError") return;
        if (mine === seq) status.textContent = "查询失败，请检查网络后重试";
      });
  }

  function copyScript() {
    var text = script.value;
    if (!text) return;
    var done = function () { copyStatus.textContent = "已复制，可直接照读"; };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, fallback);
    } else {
      fallback();
    }
    function fallback() {
      script.focus();
      script.select();
      try { document.execCommand("copy"); done(); } catch (e) { copyStatus.textContent = "请手动复制下方话术"; }
    }
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(search, 120);
  });
  section.addEventListener("change", search);
  form.addEventListener("submit", function (event) { event.preventDefault(); clearTimeout(timer); search(); });
  copyButton.addEventListener("click", copyScript);
  if (input.value.trim()) search();
})();
