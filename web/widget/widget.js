/*
 * AHSCT Guide chat widget. Embed with one tag:
 *   <script src="/widget/widget.js" data-server="https://bot.example.org" defer></script>
 * It loads its style sheet and the socket.io client from beside itself, talks to Rasa's socket.io
 * channel, and keeps the conversation in sessionStorage so a reload keeps it (closing the tab forgets
 * it, which matters on a shared computer).
 *
 * Safety rules kept throughout: message content only ever reaches the page through textContent or
 * attributes we build ourselves, and only https: addresses become links.
 */
(function () {
  "use strict";

  // Words the visitor reads in the widget's own controls. The bot's words live in the Rasa domain.
  var TEXT = {
    launcher: "Questions about stem cell therapy? Chat with AHSCT Guide",
    title: "AHSCT Guide",
    subtitle: "Information from MS organisations, not medical advice",
    close: "Close the chat",
    newConversation: "New conversation",
    inputLabel: "Your question",
    placeholder: "Type your question",
    send: "Send",
    you: "You said:",
    bot: "AHSCT Guide said:",
    source: "Source:",
    suggestions: "Suggested questions",
    externalLink: "(opens a website outside this one, in a new tab)",
    sourceLink: "(opens the organisation's page, in a new tab)",
    rateQuestion: "Was this answer helpful?",
    helpful: "Helpful",
    notHelpful: "Not helpful",
    typing: "AHSCT Guide is writing",
    offline: "We can't reach AHSCT Guide at the moment. Trying again…",
    offlineQueued: "Your message will be sent as soon as the connection is back.",
    back: "Connected again."
  };

  var STORAGE_KEY = "ahsct-guide:conversation:v1";
  var MAX_MESSAGE_LENGTH = 1000;   // The bot refuses longer messages kindly; the field stops them first.
  var RATED_TEXT_LENGTH = 300;     // Enough of a rated answer for an editor to recognise it.
  var SOURCE_PREFIX = "Source:";
  var LIST_ITEM = /^\s*- +(.*)$/;
  var GREETING_PAYLOAD = "/greet";
  var HTTPS_URL = /https:\/\/[^\s<>"'`]+/g;
  var TRAILING_PUNCTUATION = /[.,;:!?)\]]+$/;
  // Under this width the chat fills the screen (widget.css), so keyboard focus must stay inside it.
  var FULL_SCREEN_QUERY = "(max-width: 30rem)";
  var FOCUSABLE = "button:not([disabled]), input:not([disabled]), textarea:not([disabled]), a[href]";

  var script = document.currentScript;
  var serverUrl = (script && script.getAttribute("data-server")) || window.location.origin;
  var assetBase = script ? script.src.replace(/[^/]*$/, "") : "/widget/";

  // ---- DOM helpers: text only, never markup from a message ----
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function visuallyHidden(text) {
    return el("span", "ahsct-visually-hidden", text);
  }

  function randomId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  // ---- Conversation state, kept in sessionStorage ----
  function loadState() {
    try {
      var saved = JSON.parse(window.sessionStorage.getItem(STORAGE_KEY));
      if (saved && typeof saved.sessionId === "string" && Array.isArray(saved.messages)) return saved;
    } catch (e) { /* unreadable or blocked storage: start afresh */ }
    return freshState();
  }

  function freshState() {
    return { sessionId: randomId(), greeted: false, open: false, messages: [] };
  }

  function saveState() {
    try { window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify(state)); } catch (e) { /* storage full or blocked */ }
  }

  // ---- Rendering one message ----
  function appendTextWithLinks(parent, line, linkNote) {
    var last = 0;
    line.replace(HTTPS_URL, function (match, offset) {
      var url = match.replace(TRAILING_PUNCTUATION, "");
      parent.appendChild(document.createTextNode(line.slice(last, offset)));
      parent.appendChild(externalLink(url, linkNote));
      last = offset + url.length;
      return match;
    });
    parent.appendChild(document.createTextNode(line.slice(last)));
  }

  function externalLink(url, note) {
    var link = el("a", "ahsct-link", url);
    link.href = url;
    // The address is checked again after the browser parsed it: only https links are made.
    if (link.protocol !== "https:") return document.createTextNode(url);
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    link.appendChild(visuallyHidden(" " + (note || TEXT.externalLink)));
    return link;
  }

  // An answer ends with one "Source:" line for each of its sources.
  function splitSource(text) {
    var lines = String(text).split("\n");
    var first = lines.length;
    while (first > 1 && lines[first - 1].indexOf(SOURCE_PREFIX) === 0) first -= 1;
    var sources = lines.slice(first).map(function (line) { return line.slice(SOURCE_PREFIX.length).trim(); });
    return { body: lines.slice(0, first), sources: sources };
  }

  function renderMessage(message, index) {
    var item = el("div", "ahsct-msg ahsct-msg--" + message.from);
    item.appendChild(visuallyHidden(message.from === "user" ? TEXT.you : TEXT.bot));
    var parts = message.from === "bot" ? splitSource(message.text) : { body: [message.text], sources: [] };
    var list = null;
    parts.body.forEach(function (line) {
      if (line.trim() === "") return;
      // The corpus writes a list as lines starting "- ": shown as a list, it is shorter on a phone and
      // a screen reader announces how many items it has.
      var listItem = LIST_ITEM.exec(line);
      if (!listItem) {
        list = null;
        var paragraph = el("p", "ahsct-msg__text");
        appendTextWithLinks(paragraph, line);
        item.appendChild(paragraph);
        return;
      }
      if (!list) list = item.appendChild(el("ul", "ahsct-msg__list"));
      var entry = el("li");
      appendTextWithLinks(entry, listItem[1]);
      list.appendChild(entry);
    });
    parts.sources.forEach(function (source) {
      var citation = el("p", "ahsct-msg__source");
      citation.appendChild(el("span", "ahsct-msg__source-label", TEXT.source + " "));
      var cite = el("cite");
      appendTextWithLinks(cite, source, TEXT.sourceLink);
      citation.appendChild(cite);
      item.appendChild(citation);
    });
    if (parts.sources.length) item.appendChild(renderRating(message, index));
    return item;
  }

  function renderRating(message, index) {
    var group = el("div", "ahsct-rating");
    group.setAttribute("role", "group");
    var questionId = "ahsct-rate-" + index;
    var question = el("span", "ahsct-rating__question", TEXT.rateQuestion);
    question.id = questionId;
    group.setAttribute("aria-labelledby", questionId);
    group.appendChild(question);
    [["helpful", TEXT.helpful], ["not_helpful", TEXT.notHelpful]].forEach(function (choice) {
      var button = el("button", "ahsct-rating__button", choice[1]);
      button.type = "button";
      button.setAttribute("data-rating", choice[0]);
      button.setAttribute("aria-pressed", String(message.rating === choice[0]));
      button.addEventListener("click", function () { rate(index, choice[0], group); });
      group.appendChild(button);
    });
    return group;
  }

  function renderQuickReplies(replies) {
    var group = el("div", "ahsct-quick-replies");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", TEXT.suggestions);
    replies.forEach(function (reply) {
      var button = el("button", "ahsct-quick-reply", String(reply.title));
      button.type = "button";
      button.addEventListener("click", function () {
        send(String(reply.payload), String(reply.title));
        ui.input.focus();  // the buttons go once used; focus must not fall back to the page
      });
      group.appendChild(button);
    });
    return group;
  }

  // ---- The widget's frame ----
  var state = loadState();
  var socket = null;
  var sessionReady = false;  // Rasa confirmed our session: replies reach this socket
  var pending = [];          // messages written before that, sent in order once it is
  var socketIoLoading = false;
  var ui = {};

  function build() {
    var link = el("link");
    link.rel = "stylesheet";
    link.href = assetBase + "widget.css";
    document.head.appendChild(link);

    var root = el("div", "ahsct-widget");
    ui.launcher = el("button", "ahsct-launcher", TEXT.launcher);
    ui.launcher.type = "button";
    ui.launcher.setAttribute("aria-expanded", "false");
    ui.launcher.setAttribute("aria-controls", "ahsct-panel");

    ui.panel = el("section", "ahsct-panel");
    ui.panel.id = "ahsct-panel";
    ui.panel.setAttribute("role", "dialog");
    ui.panel.setAttribute("aria-labelledby", "ahsct-title");
    ui.panel.setAttribute("aria-describedby", "ahsct-subtitle");
    ui.panel.hidden = true;

    var header = el("header", "ahsct-header");
    var heading = el("div", "ahsct-header__text");
    var title = el("h2", "ahsct-title", TEXT.title);
    title.id = "ahsct-title";
    var subtitle = el("p", "ahsct-subtitle", TEXT.subtitle);
    subtitle.id = "ahsct-subtitle";
    heading.appendChild(title);
    heading.appendChild(subtitle);
    ui.restart = el("button", "ahsct-header__button", TEXT.newConversation);
    ui.restart.type = "button";
    ui.close = el("button", "ahsct-header__button ahsct-close");
    ui.close.type = "button";
    ui.close.setAttribute("aria-label", TEXT.close);
    ui.close.appendChild(el("span", null, "×")).setAttribute("aria-hidden", "true");
    header.appendChild(heading);
    header.appendChild(ui.restart);
    header.appendChild(ui.close);

    ui.status = el("p", "ahsct-status");
    ui.status.setAttribute("role", "status");

    ui.log = el("div", "ahsct-log");
    ui.log.setAttribute("role", "log");
    ui.log.setAttribute("aria-live", "polite");
    ui.log.setAttribute("aria-label", "Conversation");
    ui.log.tabIndex = 0;  // so keyboard users can scroll a long conversation

    ui.typing = el("div", "ahsct-typing");
    ui.typing.hidden = true;
    ui.typing.appendChild(visuallyHidden(TEXT.typing));
    for (var i = 0; i < 3; i++) ui.typing.appendChild(el("span", "ahsct-typing__dot")).setAttribute("aria-hidden", "true");

    ui.form = el("form", "ahsct-form");
    var label = el("label", "ahsct-visually-hidden", TEXT.inputLabel);
    label.htmlFor = "ahsct-input";
    ui.input = el("input", "ahsct-input");
    ui.input.id = "ahsct-input";
    ui.input.type = "text";
    ui.input.autocomplete = "off";
    ui.input.maxLength = MAX_MESSAGE_LENGTH;
    ui.input.placeholder = TEXT.placeholder;
    var sendButton = el("button", "ahsct-send", TEXT.send);
    sendButton.type = "submit";
    ui.form.appendChild(label);
    ui.form.appendChild(ui.input);
    ui.form.appendChild(sendButton);

    ui.panel.appendChild(header);
    ui.panel.appendChild(ui.status);
    ui.panel.appendChild(ui.log);
    ui.panel.appendChild(ui.typing);
    ui.panel.appendChild(ui.form);
    root.appendChild(ui.panel);
    root.appendChild(ui.launcher);
    document.body.appendChild(root);

    ui.launcher.addEventListener("click", function () { ui.panel.hidden ? open() : close(); });
    ui.close.addEventListener("click", close);
    ui.restart.addEventListener("click", newConversation);
    ui.panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { event.preventDefault(); close(); }
      if (event.key === "Tab") keepFocusInside(event);
    });
    ui.form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = ui.input.value.trim();
      if (!text) return;
      ui.input.value = "";
      send(text, text);
    });
  }

  // The log is only ever appended to, so screen readers announce each new message once.
  function renderAll() {
    ui.log.textContent = "";
    ui.quickReplies = null;
    state.messages.forEach(showMessage);
    ui.lastQuestion = null;
    scrollToLatest();
  }

  function addMessage(message) {
    state.messages.push(message);
    saveState();
    showMessage(message, state.messages.length - 1);
  }

  function showMessage(message, index) {
    if (ui.quickReplies) { ui.quickReplies.remove(); ui.quickReplies = null; }
    var item = ui.log.appendChild(renderMessage(message, index));
    var isLast = index === state.messages.length - 1;
    if (isLast && message.from === "bot" && message.quickReplies && message.quickReplies.length) {
      ui.quickReplies = ui.log.appendChild(renderQuickReplies(message.quickReplies));
    }
    if (message.from === "user") ui.lastQuestion = item;
    scrollToLatest();
  }

  // Long answers are read from their start: keep the visitor's question at the top once replies fill the log.
  function scrollToLatest() {
    var bottom = ui.log.scrollHeight;
    var question = ui.lastQuestion && ui.lastQuestion.isConnected ? ui.lastQuestion.offsetTop - ui.log.offsetTop - 8 : bottom;
    ui.log.scrollTop = Math.min(bottom, question);
  }

  // When the chat covers the whole screen, the page behind it cannot be seen: Tab wraps inside the chat.
  function keepFocusInside(event) {
    if (!window.matchMedia(FULL_SCREEN_QUERY).matches) return;
    var focusable = Array.prototype.filter.call(ui.panel.querySelectorAll(FOCUSABLE), function (node) {
      return node.offsetParent !== null;
    });
    if (!focusable.length) return;
    var first = focusable[0], last = focusable[focusable.length - 1];
    if (event.shiftKey && document.activeElement === first) { event.preventDefault(); last.focus(); }
    else if (!event.shiftKey && document.activeElement === last) { event.preventDefault(); first.focus(); }
  }

  function open() {
    ui.panel.hidden = false;
    ui.launcher.setAttribute("aria-expanded", "true");
    state.open = true;
    saveState();
    connect();
    ui.input.focus();
    scrollToLatest();
  }

  function close() {
    ui.panel.hidden = true;
    ui.launcher.setAttribute("aria-expanded", "false");
    state.open = false;
    saveState();
    ui.launcher.focus();
  }

  function setStatus(text) {
    ui.status.textContent = text;
    ui.status.classList.toggle("ahsct-status--shown", Boolean(text));
  }

  // ---- Talking to Rasa's socket.io channel ----
  function connect() {
    if (socket) return;
    if (typeof window.io !== "function") { loadSocketIo(connect); return; }
    socket = window.io(serverUrl, {
      path: "/socket.io",
      transports: ["websocket"],
      reconnectionDelay: 1000,
      reconnectionDelayMax: 5000
    });
    socket.on("connect", function () {
      if (ui.status.textContent) setStatus(TEXT.back);
      window.setTimeout(function () { if (ui.status.textContent === TEXT.back) setStatus(""); }, 3000);
      socket.emit("session_request", { session_id: state.sessionId });
    });
    socket.on("session_confirm", function () {
      sessionReady = true;
      if (!state.greeted) {
        // A new conversation: the unseen greeting brings the welcome, before anything the visitor wrote.
        state.greeted = true;
        saveState();
        pending.unshift(GREETING_PAYLOAD);
      }
      pending.splice(0).forEach(emitMessage);
    });
    socket.on("connect_error", showOffline);
    socket.on("disconnect", function (reason) {
      sessionReady = false;
      if (reason !== "io client disconnect") showOffline();
    });
    socket.on("bot_uttered", receive);
  }

  function loadSocketIo(then) {
    if (socketIoLoading) return;
    socketIoLoading = true;
    var tag = el("script");
    tag.src = assetBase + "vendor/socket.io.min.js";
    tag.onload = then;
    tag.onerror = showOffline;
    document.head.appendChild(tag);
  }

  function showOffline() {
    setStatus(TEXT.offline + (ui.typing.hidden ? "" : " " + TEXT.offlineQueued));
  }

  // Not socket.io's own buffer: after a reconnection it would send before our session_request, and Rasa
  // would answer into a room this socket has not joined yet.
  function emitMessage(text) {
    setTyping(true);
    connect();
    if (!sessionReady) {
      pending.push(text);
      if (ui.status.textContent) showOffline();
      return;
    }
    socket.emit("user_uttered", { message: text, session_id: state.sessionId });
  }

  function send(payload, shownText) {
    addMessage({ from: "user", text: shownText });
    emitMessage(payload);
  }

  function receive(data) {
    if (!data || typeof data !== "object") return;
    setTyping(false);
    var text = typeof data.text === "string" ? data.text : "";
    var replies = Array.isArray(data.quick_replies) ? data.quick_replies.filter(function (reply) {
      return reply && reply.title !== undefined && reply.payload !== undefined;
    }) : [];
    if (!text && !replies.length) return;  // images, cards and custom payloads are not shown
    addMessage({ from: "bot", text: text, quickReplies: replies });
  }

  function setTyping(on) {
    ui.typing.hidden = !on;
  }

  function rate(index, rating, group) {
    var message = state.messages[index];
    if (!message || message.rating) return;  // one rating per answer
    message.rating = rating;
    saveState();
    Array.prototype.forEach.call(group.querySelectorAll("button"), function (button) {
      button.setAttribute("aria-pressed", String(button.getAttribute("data-rating") === rating));
    });
    emitMessage("/rate_" + rating + JSON.stringify({ rated_answer: message.text.slice(0, RATED_TEXT_LENGTH) }));
  }

  function newConversation() {
    if (socket) { socket.disconnect(); socket = null; }
    sessionReady = false;
    pending = [];
    state = freshState();
    state.open = true;
    saveState();
    setTyping(false);
    setStatus("");
    renderAll();
    connect();
    ui.input.focus();
  }

  function start() {
    build();
    renderAll();
    if (state.open) {
      ui.panel.hidden = false;
      ui.launcher.setAttribute("aria-expanded", "true");
      connect();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
