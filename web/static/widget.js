/* 吴中区政务助手 widget: embed with <script src="https://<server>/widget.js" defer></script>.
   Plain JS, no build step. All resident and passage text is inserted with textContent. */
(function () {
  "use strict";
  if (window.__wuzhongWidget) return;
  window.__wuzhongWidget = true;

  var script = document.currentScript || (function () {
    var all = document.querySelectorAll("script[src*='widget.js']");
    return all[all.length - 1];
  })();
  var BASE = new URL(script.src, location.href).origin;
  var KEY = "wuzhong-widget:";
  var MAX_CHARS = 500;
  var MAX_STORED = 80;
  var TIMEOUT_MS = 20000;
  var HANDOFF = "/request_human";
  var HISTORY_TURNS = 20;   // turns sent with each message (kept in a handoff made without the dialogue service)
  var STATUS_POLL_MS = 3000; // admins' notice / offline switch reach an open widget within this (+1 s cache)
  var FIGURE_RE = /\d+(?:[.,]\d+)*(?:\s*(?:万|亿))?(?:人次|万元|亿元|平方米|公顷|公里|千米|千瓦|个|张|条|家|元|%|％|辆|所|套|亩|项|座|处|名|户|次|台|间|场|届|例|栋|倍|吨|米|床|人|只|批|支)?/g;
  var REASONS = [["wrong_passage", "引用的段落不对"], ["wrong_figure", "数字不对"],
                 ["out_of_date", "内容过时"], ["other", "其他"]];
  var TOPICS = [["新增学位", "今年新增多少学位？"], ["公交线路", "今年新辟优化多少条公交线路？"],
                ["养老服务", "今年建设多少张家庭养老床位？"], ["文化旅游", "今年游客总人次目标是多少？"]];

  // Storage may be blocked (private mode, sandboxed frames): the widget then works without memory.
  function load(store, name, fallback) {
    try { var v = store.getItem(KEY + name); return v === null ? fallback : JSON.parse(v); }
    catch (e) { return fallback; }
  }
  function save(store, name, value) {
    try { store.setItem(KEY + name, JSON.stringify(value)); } catch (e) { /* memory only */ }
  }
  function newSender() {
    var bytes = new Uint8Array(12);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return "w-" + Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  // Personal data never stays in the browser: the stored copy of the conversation (what redraws it after a
  // reload) is masked with records/masking.py's rules for the common formats; the screen keeps what was typed.
  // No lookbehind (older Safari): the character before a number is captured and put back.
  var B = "(^|[^0-9A-Za-z+*])", E = "(?![0-9A-Za-z*])";
  var PII = [
    [new RegExp(B + "([A-Za-z0-9][A-Za-z0-9._%+\\-]*)(@[A-Za-z0-9\\-]+(?:\\.[A-Za-z0-9\\-]+)*\\.[A-Za-z]{2,})", "g"),
     function (d, all) { return all[2].charAt(0) + "***" + all[3]; }],
    [new RegExp(B + "([EeGg]\\d{8}|[Ee][A-Za-z]\\d{7})" + E, "g"), function (d, all) { return keep4(all[2]); }],
    // ID numbers, bank cards (13 digits or more, spaced, dotted or dashed; first, so no rule bites into them)
    [new RegExp(B + "(\\+?\\d(?:[ .\\-]{0,2}\\d){12,18}[Xx]?)" + E, "g"), function (d, all) {
      if (/^\d+\.\d+$/.test(all[2])) return null;  // a decimal figure (a timestamp), not a card
      var mobile = /^(?:86)?(1[3-9]\d{9})$/.exec(d);
      return mobile ? mobile[1].slice(0, 3) + "****" + mobile[1].slice(-4) : keep4(d); }],
    // Landlines with an area code: (0512)65251238, 0512-6525 1238
    [new RegExp(B + "(\\(?0\\d{2,3}\\)?[ .\\-]{0,2}[2-9]\\d{2,3}[ .\\-]{0,2}\\d{4})" + E, "g"), function (d) {
      var area = d.length === 11 && d.charAt(1) <= "2" ? 3 : 4;
      return d.slice(0, area) + "-****" + d.slice(-4); }],
    // Mobiles: 158 1234 5678, 158.1234.5678
    [new RegExp(B + "(1[3-9]\\d(?:[ .\\-]{0,2}\\d){8})" + E, "g"), function (d) { return d.slice(0, 3) + "****" + d.slice(-4); }],
    // A Suzhou number without area code (65251237); a figure's unit (个, 万, 年 …) rules it out
    [new RegExp(B + "([2-9]\\d{3}-?\\d{4})(?![0-9A-Za-z*%.,]|\\s*[年月日号个万亿元人次项家条张所座])", "g"),
     function (d) { return /^(19|20)\d\d(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$/.test(d) ? null : "****" + d.slice(-4); }]
  ];
  function keep4(digits) { return new Array(digits.length - 3).join("*") + digits.slice(-4); }
  function maskPII(text) {
    if (!text) return text;
    // Full-width digits (０-９) read as ASCII.
    text = String(text).replace(/[\uFF10-\uFF19]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0xFEE0); });
    PII.forEach(function (rule) {
      text = text.replace(rule[0], function () {
        var all = arguments, found = all[2], d = found.replace(/[^0-9Xx]/g, "").toUpperCase();
        var out = rule[1](d, all);
        return all[1] + (out === null ? found : out);
      });
    });
    return text;
  }
  function masked(m) {
    var copy = {};
    for (var k in m) copy[k] = m[k];
    if (typeof copy.text === "string") copy.text = maskPII(copy.text);
    return copy;
  }

  var state = {
    sender: load(localStorage, "sender", null) || newSender(),
    messages: load(localStorage, "messages", []).map(masked),  // older versions stored raw text: masked now
    elderly: load(localStorage, "elderly", false),
    open: load(sessionStorage, "open", false),
    pending: false
  };
  save(localStorage, "sender", state.sender);
  function persist() {
    state.messages = state.messages.slice(-MAX_STORED);
    save(localStorage, "messages", state.messages.map(masked));
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    for (var k in attrs || {}) {
      if (k === "class") node.className = attrs[k];
      else node.setAttribute(k, attrs[k]);
    }
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }
  function srOnly(text) { return el("span", { "class": "wz-sr" }, text); }

  // Text with the figures (7530个, 180张 …) wrapped in <mark>.
  function withFigures(node, text) {
    var pos = 0, m;
    FIGURE_RE.lastIndex = 0;
    while ((m = FIGURE_RE.exec(text)) !== null) {
      if (!m[0]) { FIGURE_RE.lastIndex++; continue; }
      if (m.index > pos) node.appendChild(document.createTextNode(text.slice(pos, m.index)));
      node.appendChild(el("mark", null, m[0]));
      pos = m.index + m[0].length;
    }
    if (pos < text.length) node.appendChild(document.createTextNode(text.slice(pos)));
    return node;
  }

  /* ---- DOM ---- */
  var host = el("div", { id: "wuzhong-widget" });
  var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
  root.appendChild(el("link", { rel: "stylesheet", href: BASE + "/static/widget.css" }));
  var box = el("div", { "class": "wz", lang: "zh-CN" });
  root.appendChild(box);

  var launcher = el("button", { type: "button", "class": "wz-launcher", "aria-expanded": "false",
                                "aria-controls": "wz-panel" });
  launcher.appendChild(el("span", { "aria-hidden": "true" }, "💬"));
  launcher.appendChild(el("span", null, " 问政务助手"));

  var panel = el("section", { id: "wz-panel", "class": "wz-panel", role: "dialog", "aria-labelledby": "wz-title" });
  panel.hidden = true;
  var header = el("header", { "class": "wz-header" });
  header.appendChild(el("h2", { id: "wz-title" }, "吴中区政务助手"));
  var tools = el("div", { "class": "wz-tools" });
  var elderlyBtn = el("button", { type: "button", "class": "wz-tool", "aria-pressed": "false",
                                  title: "大字号、高对比度" }, "适老化");
  var resetBtn = el("button", { type: "button", "class": "wz-tool", title: "清空对话，重新开始" }, "新对话");
  var closeBtn = el("button", { type: "button", "class": "wz-tool wz-close", "aria-label": "关闭对话窗口" }, "✕");
  tools.appendChild(elderlyBtn); tools.appendChild(resetBtn); tools.appendChild(closeBtn);
  header.appendChild(tools);
  panel.appendChild(header);
  panel.appendChild(el("p", { "class": "wz-source-note" },
    "回答内容来自《2025年吴中区政府工作报告》，并注明出处；个人事务请拨打12345。"));

  // Admins' notice and the offline message (GET /api/status), above the conversation.
  var noticeBar = el("p", { "class": "wz-notice-bar", role: "status" });
  noticeBar.hidden = true;
  panel.appendChild(noticeBar);
  var offlineBar = el("p", { "class": "wz-offline-bar", role: "alert" });
  offlineBar.hidden = true;
  panel.appendChild(offlineBar);

  var log = el("div", { "class": "wz-log", role: "log", "aria-live": "polite", "aria-relevant": "additions",
                        "aria-label": "对话记录", tabindex: "0" });
  panel.appendChild(log);
  var typing = el("div", { "class": "wz-typing", role: "status" });
  typing.appendChild(el("span", { "class": "wz-dots", "aria-hidden": "true" }, "● ● ●"));
  typing.appendChild(srOnly("助手正在输入…"));
  typing.hidden = true;
  panel.appendChild(typing);

  var actions = el("div", { "class": "wz-actions" });
  var handoffBtn = el("button", { type: "button", "class": "wz-handoff" }, "转人工 / 12345");
  actions.appendChild(handoffBtn);
  actions.appendChild(el("a", { href: "tel:12345", "class": "wz-tel" }, "拨打 12345 热线"));
  panel.appendChild(actions);

  var form = el("form", { "class": "wz-form", novalidate: "" });
  form.appendChild(el("label", { "for": "wz-input", "class": "wz-sr" }, "输入您的问题"));
  var input = el("textarea", { id: "wz-input", rows: "2", placeholder: "请输入您的问题，如：今年新增多少学位？",
                               "aria-describedby": "wz-error", autocomplete: "off" });
  var sendBtn = el("button", { type: "submit", "class": "wz-send" }, "发送");
  form.appendChild(input); form.appendChild(sendBtn);
  panel.appendChild(form);
  var errorLine = el("p", { id: "wz-error", "class": "wz-error", role: "alert" });
  panel.appendChild(errorLine);

  var viewer = el("div", { "class": "wz-viewer", role: "dialog", "aria-modal": "true", "aria-labelledby": "wz-viewer-title" });
  viewer.hidden = true;
  panel.appendChild(viewer);

  box.appendChild(panel);
  box.appendChild(launcher);

  /* ---- rendering ---- */
  function renderMessage(msg) {
    if (msg.role === "user") {
      var u = el("div", { "class": "wz-msg wz-user" });
      u.appendChild(srOnly("您说："));
      u.appendChild(el("span", { "class": "wz-text" }, msg.text));
      return u;
    }
    var cls = "wz-msg wz-bot" + (msg.kind ? " wz-" + msg.kind : "");
    var b = el("div", { "class": cls });
    b.appendChild(srOnly(msg.kind === "error" ? "提示：" : "助手："));
    if (msg.text) b.appendChild(el("p", { "class": "wz-text" }, msg.text));
    if (msg.citation) b.appendChild(renderCitation(msg.citation));
    if (msg.handoff) b.appendChild(el("a", { href: "tel:12345", "class": "wz-tel" }, "拨打 12345 热线"));
    if (msg.buttons && msg.buttons.length) {
      var chips = el("div", { "class": "wz-chips", role: "group", "aria-label": "推荐问题" });
      msg.buttons.forEach(function (btn) {
        var chip = el("button", { type: "button", "class": "wz-chip" }, btn.title);
        chip.addEventListener("click", function () { send(btn.payload || btn.title, btn.title); });
        chips.appendChild(chip);
      });
      b.appendChild(chips);
    }
    if (msg.message_id && !msg.kind) b.appendChild(renderFeedback(msg));
    return b;
  }

  function renderCitation(c) {
    var card = el("div", { "class": "wz-cite" });
    var src = el("p", { "class": "wz-cite-src" });
    src.appendChild(el("span", { "class": "wz-doc" }, "《" + (c.document || "政府工作报告") + "》"));
    src.appendChild(el("span", { "class": "wz-sec" }, c.section || ""));
    src.appendChild(el("span", { "class": "wz-para" }, c.title || ""));
    // Several documents are published: the card names the version quoted, so a resident can cite it exactly.
    if (c.kb_version) src.appendChild(el("span", { "class": "wz-ver" }, "版本 " + c.kb_version));
    // An operator's curated answer (reviewed by a second person) says so; the passage below is what it rests on.
    if (c.curated) src.appendChild(el("span", { "class": "wz-curated" }, "官方标准答复"));
    card.appendChild(src);
    card.appendChild(renderQuote(c.quote || "", c.clause || ""));
    var open = el("button", { type: "button", "class": "wz-link" }, "查看原文");
    open.addEventListener("click", function () { showPassage(c, open); });
    card.appendChild(open);
    return card;
  }

  // The clause that answers is set in bold inside the full sentence it was quoted from.
  function renderQuote(quote, clause) {
    var box = el("blockquote", { "class": "wz-quote" });
    var at = clause ? quote.indexOf(clause) : -1;
    if (at < 0 || clause === quote) return withFigures(box, quote);
    box.appendChild(document.createTextNode(quote.slice(0, at)));
    box.appendChild(withFigures(el("strong", { "class": "wz-clause" }), clause));
    box.appendChild(document.createTextNode(quote.slice(at + clause.length)));
    return box;
  }

  function renderFeedback(msg) {
    var wrap = el("div", { "class": "wz-fb" });
    if (msg.feedback) {
      wrap.appendChild(el("p", { "class": "wz-fb-done" }, "感谢您的反馈！"));
      return wrap;
    }
    wrap.appendChild(el("span", { "class": "wz-fb-q" }, "有帮助吗？"));
    var up = el("button", { type: "button", "class": "wz-fb-btn wz-up", "aria-label": "有帮助" }, "👍");
    var down = el("button", { type: "button", "class": "wz-fb-btn wz-down", "aria-label": "没帮助", "aria-expanded": "false" }, "👎");
    wrap.appendChild(up); wrap.appendChild(down);
    up.addEventListener("click", function () { submitFeedback(msg, true, null, "", wrap); });
    down.addEventListener("click", function () {
      if (wrap.querySelector("fieldset")) return;
      down.setAttribute("aria-expanded", "true");
      var fs = el("fieldset", { "class": "wz-reasons" });
      fs.appendChild(el("legend", null, "哪里有问题？"));
      var name = "wz-r-" + msg.message_id;
      REASONS.forEach(function (r, i) {
        var label = el("label", { "class": "wz-reason" });
        var radio = el("input", { type: "radio", name: name, value: r[0] });
        if (i === 0) radio.checked = true;
        label.appendChild(radio); label.appendChild(document.createTextNode(" " + r[1]));
        fs.appendChild(label);
      });
      var comment = el("input", { type: "text", "class": "wz-comment", maxlength: "500", "aria-label": "补充说明（可选）",
                                  placeholder: "补充说明（可选）" });
      fs.appendChild(comment);
      var submit = el("button", { type: "button", "class": "wz-fb-send" }, "提交");
      submit.addEventListener("click", function () {
        var checked = fs.querySelector("input[type=radio]:checked");
        submitFeedback(msg, false, checked ? checked.value : "other", comment.value, wrap);
      });
      fs.appendChild(submit);
      wrap.appendChild(fs);
      fs.querySelector("input").focus();
    });
    return wrap;
  }

  function renderAll() {
    log.textContent = "";
    if (!state.messages.length) log.appendChild(renderWelcome());
    state.messages.forEach(function (m) { log.appendChild(renderMessage(m)); });
    log.scrollTop = log.scrollHeight;
  }

  function renderWelcome() {
    return renderMessage({ role: "bot", kind: "welcome", text:
      "您好！我是吴中区政务助手，可以回答2025年区政府工作报告里的内容，并给出原文出处。您可以直接提问，或选择下面的话题：",
      buttons: TOPICS.map(function (t) { return { title: t[0], payload: t[1] }; }) });
  }

  function append(msg) {
    var welcome = log.querySelector(".wz-welcome");
    if (welcome) log.removeChild(welcome);
    state.messages.push(msg);
    persist();
    log.appendChild(renderMessage(msg));
    log.scrollTop = log.scrollHeight;
  }

  /* ---- talking to the server ---- */
  function request(path, body) {
    var ctrl = window.AbortController ? new AbortController() : null;
    var timer = setTimeout(function () { if (ctrl) ctrl.abort(); }, TIMEOUT_MS);
    return fetch(BASE + path, { method: "POST", headers: { "Content-Type": "application/json" },
                                body: JSON.stringify(body), signal: ctrl ? ctrl.signal : undefined })
      .then(function (res) {
        return res.json().catch(function () { return {}; }).then(function (data) {
          clearTimeout(timer);
          return { ok: res.ok, status: res.status, data: data };
        });
      }, function (err) { clearTimeout(timer); throw err; });
  }

  function validate(text) {
    if (!text) return "请输入您的问题。";
    if (text.length > MAX_CHARS) return "问题太长（" + text.length + "字），请精简到" + MAX_CHARS + "字以内再问。";
    return "";
  }

  function send(message, display) {
    var text = (message || "").trim();
    var problem = validate(text);
    errorLine.textContent = problem;
    if (problem || state.pending) return;
    // The conversation so far (answers and questions only), so a person taking over can read it.
    var history = state.messages.filter(function (m) { return !m.kind && m.text; }).slice(-HISTORY_TURNS)
      .map(function (m) { return { role: m.role === "user" ? "user" : "bot", text: m.text.slice(0, 500) }; });
    append({ role: "user", text: display || text });
    state.pending = true;
    typing.hidden = false;
    sendBtn.disabled = true;
    request("/api/chat", { sender: state.sender, message: text, history: history }).then(function (r) {
      if (!r.ok) {
        append({ role: "bot", kind: "error", text: r.data.error || "抱歉，出了点问题，请稍后再试或拨打12345热线。" });
        return;
      }
      (r.data.messages || []).forEach(function (m) {
        append({ role: "bot", text: m.text || "", citation: m.citation, buttons: m.buttons, handoff: m.handoff,
                 kind: m.kind, message_id: m.message_id, mode: r.data.mode });
      });
    }).catch(function () {
      append({ role: "bot", kind: "error", text: "暂时无法连接助手服务，请稍后再试，或拨打12345热线。" });
    }).then(function () {
      state.pending = false;
      typing.hidden = true;
      sendBtn.disabled = false;
    });
  }

  function submitFeedback(msg, helpful, reason, comment, wrap) {
    var body = { sender: state.sender, message_id: msg.message_id, helpful: helpful };
    if (msg.citation) body.passage_id = msg.citation.passage_id;
    if (!helpful) { body.reason = reason; body.comment = (comment || "").slice(0, 500); }
    request("/api/feedback", body).then(function (r) {
      if (!r.ok) throw new Error(r.data.error || "feedback failed");
      msg.feedback = helpful ? "up" : "down";
      persist();
      wrap.textContent = "";
      wrap.appendChild(el("p", { "class": "wz-fb-done", role: "status" }, "感谢您的反馈！"));
    }).catch(function () {
      errorLine.textContent = "反馈提交失败，请稍后再试。";
    });
  }

  var passages = {};
  function showPassage(c, opener) {
    viewer.textContent = "";
    viewer.hidden = false;
    var title = el("h3", { id: "wz-viewer-title" }, "原文 · " + (c.title || ""));
    var close = el("button", { type: "button", "class": "wz-tool wz-viewer-close", "aria-label": "关闭原文" }, "✕");
    var meta = el("p", { "class": "wz-cite-src" }, "《" + (c.document || "") + "》 " + (c.section || ""));
    var body = el("p", { "class": "wz-passage" }, "正在加载…");
    viewer.appendChild(close); viewer.appendChild(title); viewer.appendChild(meta); viewer.appendChild(body);
    function done() { viewer.hidden = true; viewer.textContent = ""; opener.focus(); }
    close.addEventListener("click", done);
    viewer.onkeydown = function (e) { if (e.key === "Escape") { e.stopPropagation(); done(); } };
    close.focus();
    var fill = function (text) {
      body.textContent = "";
      var at = c.quote ? text.indexOf(c.quote) : -1;
      if (at < 0) { body.textContent = text; return; }
      body.appendChild(document.createTextNode(text.slice(0, at)));
      body.appendChild(withFigures(el("mark", { "class": "wz-quote-mark" }), c.quote));
      body.appendChild(document.createTextNode(text.slice(at + c.quote.length)));
    };
    // A citation from an earlier knowledge base version still opens, marked as superseded.
    var mark = function (p) {
      if (p.superseded) viewer.insertBefore(el("p", { "class": "wz-superseded" }, "此段出自旧版本，已被新版本取代。"), body);
      fill(p.text);
    };
    if (passages[c.passage_id]) return mark(passages[c.passage_id]);
    fetch(BASE + "/api/passages/" + encodeURIComponent(c.passage_id)).then(function (res) {
      if (!res.ok) throw new Error("HTTP " + res.status);
      return res.json();
    }).then(function (p) {
      // The whole paragraph, so the quote is read in its context.
      passages[c.passage_id] = { text: p.paragraph || p.text, superseded: !!p.superseded };
      mark(passages[c.passage_id]);
    })
      .catch(function () { fill(c.text || c.quote || ""); });
  }

  function showStatus(s) {
    noticeBar.textContent = s.notice || "";
    noticeBar.hidden = !s.notice;
    offlineBar.textContent = s.offline ? (s.offline_message || "") : "";
    offlineBar.hidden = !s.offline;
  }
  var statusTimer = null;
  function pollStatus() {
    clearTimeout(statusTimer);
    fetch(BASE + "/api/status", { cache: "no-store" }).then(function (res) {
      if (!res.ok) throw new Error("HTTP " + res.status);
      return res.json();
    }).then(showStatus, function () { /* keep what is shown; try again */ }).then(function () {
      if (state.open) statusTimer = setTimeout(pollStatus, STATUS_POLL_MS);
    });
  }

  /* ---- behaviour ---- */
  function setOpen(open, focus) {
    state.open = open;
    save(sessionStorage, "open", open);
    panel.hidden = !open;
    box.classList.toggle("wz-is-open", open);
    launcher.setAttribute("aria-expanded", String(open));
    if (open) { log.scrollTop = log.scrollHeight; pollStatus(); if (focus) input.focus(); }
    else if (focus) launcher.focus();
  }
  function setElderly(on) {
    state.elderly = on;
    save(localStorage, "elderly", on);
    box.classList.toggle("wz-elderly", on);
    elderlyBtn.setAttribute("aria-pressed", String(on));
  }

  launcher.addEventListener("click", function () { setOpen(!state.open, true); });
  closeBtn.addEventListener("click", function () { setOpen(false, true); });
  elderlyBtn.addEventListener("click", function () { setElderly(!state.elderly); });
  resetBtn.addEventListener("click", function () {
    state.messages = []; persist();
    state.sender = newSender(); save(localStorage, "sender", state.sender);
    errorLine.textContent = "";
    renderAll(); input.focus();
  });
  handoffBtn.addEventListener("click", function () { send(HANDOFF, "转人工"); });
  panel.addEventListener("keydown", function (e) { if (e.key === "Escape") setOpen(false, true); });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value;
    if (!validate(text.trim()) && !state.pending) input.value = "";
    send(text);
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit")); }
  });

  // Render the stored conversation before the log is in the page, so it is not read out again.
  renderAll();
  setElderly(!!state.elderly);
  function mount() { document.body.appendChild(host); setOpen(!!state.open, false); }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
})();
