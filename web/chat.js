/* Shopper chat page: talks to Rasa's socket.io channel directly.
 *
 * Protocol (Rasa's defaults): emit `session_request` {session_id} and get
 * `session_confirm`; emit `user_uttered` {message, session_id, metadata}; receive
 * `bot_uttered` {text, buttons | quick_replies, attachment}.
 */
"use strict";

(() => {
  // Interface text comes from i18n.js, loaded just before this file.
  const { t, apply: applyTranslations, formatNumber } = window.I18N;

  const STORAGE_KEYS = {
    session: "demoShop.chat.sessionId",
    history: "demoShop.chat.history",
  };
  const HISTORY_LIMIT = 100;
  const DEFAULT_MAX_CHARS = 2000;
  const DEFAULT_SOCKET_PATH = "/socket.io";
  const REPLY_TIMEOUT_MS = 30000;
  // Some channels never confirm the session; do not leave the shopper blocked then.
  const SESSION_CONFIRM_GRACE_MS = 4000;
  const SCROLL_STICK_PX = 120;

  const dom = {
    status: document.getElementById("status"),
    statusText: document.getElementById("status-text"),
    notice: document.getElementById("notice"),
    noticeText: document.getElementById("notice-text"),
    messages: document.getElementById("messages"),
    welcome: document.getElementById("welcome"),
    list: document.getElementById("message-list"),
    typing: document.getElementById("typing"),
    form: document.getElementById("composer"),
    input: document.getElementById("message-input"),
    send: document.getElementById("send-button"),
    charCount: document.getElementById("char-count"),
    newConversation: document.getElementById("new-conversation"),
  };

  const state = {
    socket: null,
    sessionId: null,
    ready: false,
    everOnline: false,
    maxChars: DEFAULT_MAX_CHARS,
    history: [],
    replyTimer: null,
    confirmTimer: null,
  };

  /* ---------- storage (may be unavailable, e.g. blocked cookies) ---------- */

  const storage = {
    get(key) {
      try {
        return window.localStorage.getItem(key);
      } catch (_) {
        return null;
      }
    },
    set(key, value) {
      try {
        window.localStorage.setItem(key, value);
      } catch (_) {
        /* Quota or privacy mode: the chat still works, it just won't survive a reload. */
      }
    },
    remove(key) {
      try {
        window.localStorage.removeItem(key);
      } catch (_) {
        /* Nothing stored then. */
      }
    },
  };

  function randomSessionId() {
    // getRandomValues works on plain http too, unlike crypto.randomUUID.
    const bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function loadSessionId() {
    let id = storage.get(STORAGE_KEYS.session);
    if (!id || !/^[A-Za-z0-9_-]{8,64}$/.test(id)) {
      id = randomSessionId();
      storage.set(STORAGE_KEYS.session, id);
      storage.remove(STORAGE_KEYS.history);
    }
    return id;
  }

  function loadHistory() {
    try {
      const entries = JSON.parse(storage.get(STORAGE_KEYS.history) || "[]");
      return Array.isArray(entries) ? entries.filter(isValidEntry).slice(-HISTORY_LIMIT) : [];
    } catch (_) {
      return [];
    }
  }

  function isValidEntry(entry) {
    return entry && (entry.from === "user" || entry.from === "bot") && typeof entry.text === "string";
  }

  function remember(entry) {
    state.history.push(entry);
    state.history = state.history.slice(-HISTORY_LIMIT);
    storage.set(STORAGE_KEYS.history, JSON.stringify(state.history));
  }

  /* ---------- connection status ---------- */

  // Keys into i18n.js.
  const STATUS = {
    connecting: { label: "statusConnecting", notice: null },
    online: { label: "statusOnline", notice: null },
    reconnecting: { label: "statusReconnecting", notice: "noticeReconnecting" },
    offline: { label: "statusOffline", notice: "noticeOffline" },
    broken: { label: "statusBroken", notice: "noticeBroken" },
  };

  function setStatus(name) {
    const status = STATUS[name];
    state.ready = name === "online";
    dom.status.dataset.state = name;
    dom.statusText.textContent = t(status.label);
    dom.notice.hidden = !status.notice;
    if (status.notice) dom.noticeText.textContent = t(status.notice);
    if (!state.ready) hideTyping();
    updateComposer();
  }

  /* ---------- rendering ---------- */

  const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+/g;

  // Text with its web addresses made clickable; never parsed as HTML.
  function appendLinkedText(parent, text) {
    let last = 0;
    for (const match of text.matchAll(URL_PATTERN)) {
      const url = match[0].replace(/[.,;:!?)\]]+$/, "");
      parent.append(text.slice(last, match.index));
      parent.append(externalLink(url, url));
      last = match.index + url.length;
    }
    parent.append(text.slice(last));
  }

  function externalLink(url, label) {
    const link = document.createElement("a");
    link.href = url;
    link.textContent = label;
    link.target = "_blank";
    link.rel = "noopener noreferrer nofollow";
    return link;
  }

  function isHttpUrl(value) {
    return typeof value === "string" && /^https?:\/\//i.test(value);
  }

  function messageItem(from) {
    const item = document.createElement("li");
    item.className = `message from-${from}`;
    const previous = dom.list.lastElementChild;
    if (previous && !previous.classList.contains(`from-${from}`)) item.classList.add("from-other-side");
    const speaker = document.createElement("span");
    speaker.className = "visually-hidden";
    speaker.textContent = from === "user" ? t("youSaid") : t("assistantSaid");
    item.append(speaker);
    return item;
  }

  function bubble(text) {
    const node = document.createElement("div");
    node.className = "bubble";
    node.dir = "auto"; // Arabic or Hebrew replies read right to left.
    appendLinkedText(node, text);
    return node;
  }

  function renderUserMessage(text) {
    const item = messageItem("user");
    item.append(bubble(text));
    addToList(item, { forceScroll: true });
  }

  function renderBotMessage(entry, interactive) {
    const item = messageItem("bot");
    if (entry.text) item.append(bubble(entry.text));
    const buttons = entry.buttons || [];
    const links = entry.links || [];
    if (buttons.length || links.length) {
      const chips = document.createElement("div");
      chips.className = "chips";
      chips.setAttribute("role", "group");
      chips.setAttribute("aria-label", t("suggestedReplies"));
      for (const button of buttons) chips.append(chip(button, interactive));
      for (const link of links) {
        const anchor = externalLink(link.url, link.title);
        anchor.className = "chip";
        anchor.dir = "auto";
        chips.append(anchor);
      }
      item.append(chips);
    }
    addToList(item, { forceScroll: false });
  }

  function chip(button, interactive) {
    const node = document.createElement("button");
    node.type = "button";
    node.className = "chip";
    node.dir = "auto";
    node.textContent = button.title;
    node.disabled = !interactive;
    node.addEventListener("click", () => {
      if (sendMessage(button.payload, button.title)) node.classList.add("is-chosen");
    });
    return node;
  }

  function renderSystemNote(text) {
    const item = document.createElement("li");
    item.className = "message from-bot";
    const note = document.createElement("p");
    note.className = "message-meta";
    note.textContent = text;
    item.append(note);
    addToList(item, { forceScroll: false });
  }

  function addToList(item, { forceScroll }) {
    const nearBottom =
      dom.messages.scrollHeight - dom.messages.scrollTop - dom.messages.clientHeight < SCROLL_STICK_PX;
    dom.welcome.hidden = true;
    dom.list.append(item);
    if (forceScroll || nearBottom) scrollToBottom();
  }

  function scrollToBottom() {
    window.requestAnimationFrame(() => {
      dom.messages.scrollTop = dom.messages.scrollHeight;
    });
  }

  // Older suggestions answer questions that have moved on: only the latest stay clickable.
  function retireChips() {
    for (const node of dom.list.querySelectorAll("button.chip")) node.disabled = true;
  }

  function showTyping() {
    dom.typing.hidden = false;
    scrollToBottom();
    window.clearTimeout(state.replyTimer);
    state.replyTimer = window.setTimeout(() => {
      hideTyping();
      renderSystemNote(t("noReply"));
    }, REPLY_TIMEOUT_MS);
  }

  function hideTyping() {
    window.clearTimeout(state.replyTimer);
    dom.typing.hidden = true;
  }

  /* ---------- bot messages ---------- */

  function toButtons(list) {
    if (!Array.isArray(list)) return [];
    return list
      .filter((b) => b && typeof b.title === "string" && typeof b.payload === "string")
      .map((b) => ({ title: b.title, payload: b.payload }));
  }

  function toLinks(list) {
    if (!Array.isArray(list)) return [];
    return list
      .filter((b) => b && typeof b.title === "string" && isHttpUrl(b.url))
      .map((b) => ({ title: b.title, url: b.url }));
  }

  // Turns whatever Rasa sent into {text, buttons, links}; null if nothing to show.
  function normalizeBotMessage(data) {
    if (!data || typeof data !== "object") return null;
    const texts = typeof data.text === "string" && data.text.trim() ? [data.text] : [];
    const buttons = [...toButtons(data.buttons), ...toButtons(data.quick_replies)];
    const links = toLinks(data.buttons);
    const attachment = data.attachment;
    const payload = attachment && typeof attachment === "object" ? attachment.payload : null;
    if (payload && attachment.type === "image" && isHttpUrl(payload.src)) {
      // Shown as a link: the page's CSP only allows images from this site.
      links.push({ title: t("viewImage"), url: payload.src });
    } else if (payload && attachment.type === "template" && payload.elements) {
      const elements = Array.isArray(payload.elements) ? payload.elements : [payload.elements];
      for (const element of elements) {
        if (!element || typeof element !== "object") continue;
        const lines = [element.title, element.subtitle].filter((t) => typeof t === "string" && t);
        if (lines.length) texts.push(lines.join("\n"));
        buttons.push(...toButtons(element.buttons));
        links.push(...toLinks(element.buttons));
      }
    }
    const text = texts.join("\n\n");
    if (!text && !buttons.length && !links.length) return null;
    return { from: "bot", text, buttons, links };
  }

  function onBotMessage(data) {
    hideTyping();
    const entry = normalizeBotMessage(data);
    if (!entry) return;
    if (entry.buttons.length) retireChips();
    remember(entry);
    renderBotMessage(entry, true);
  }

  /* ---------- sending ---------- */

  function sendMessage(message, shownText) {
    const text = message.trim().slice(0, state.maxChars);
    if (!text || !state.ready) return false;
    const shown = (shownText || text).trim();
    retireChips();
    remember({ from: "user", text: shown });
    renderUserMessage(shown);
    state.socket.emit("user_uttered", {
      message: text,
      session_id: state.sessionId,
      metadata: { locale: navigator.language || "" },
    });
    showTyping();
    return true;
  }

  function updateComposer() {
    const length = dom.input.value.length;
    dom.send.disabled = !state.ready || !dom.input.value.trim();
    const near = length >= state.maxChars * 0.8;
    dom.charCount.textContent = near
      ? t("charCount", { count: formatNumber(length), max: formatNumber(state.maxChars) })
      : "";
    dom.charCount.classList.toggle("is-near-limit", length >= state.maxChars * 0.95);
  }

  function autoGrow() {
    dom.input.style.height = "auto";
    dom.input.style.height = `${dom.input.scrollHeight + 2}px`;
  }

  function submitInput() {
    if (sendMessage(dom.input.value)) {
      dom.input.value = "";
      autoGrow();
      updateComposer();
    }
  }

  function bindComposer() {
    dom.form.addEventListener("submit", (event) => {
      event.preventDefault();
      submitInput();
    });
    dom.input.addEventListener("keydown", (event) => {
      // Enter while an input method (Chinese, Japanese…) is composing picks a word.
      if (event.key !== "Enter" || event.shiftKey || event.isComposing || event.keyCode === 229) return;
      event.preventDefault();
      submitInput();
    });
    dom.input.addEventListener("input", () => {
      autoGrow();
      updateComposer();
    });
    dom.newConversation.addEventListener("click", (event) => {
      event.preventDefault();
      storage.remove(STORAGE_KEYS.session);
      storage.remove(STORAGE_KEYS.history);
      if (state.socket) state.socket.disconnect();
      window.location.assign("/");
    });
  }

  /* ---------- connection ---------- */

  async function fetchConfig() {
    const response = await fetch("/config.json", { cache: "no-store" });
    if (!response.ok) throw new Error(`config.json: HTTP ${response.status}`);
    const config = await response.json();
    const port = Number(config.socket_port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error("config.json: bad socket_port");
    const path =
      typeof config.socket_path === "string" && config.socket_path.startsWith("/")
        ? config.socket_path
        : DEFAULT_SOCKET_PATH;
    const maxChars = Number(config.max_message_chars);
    return {
      port,
      path,
      maxChars: Number.isInteger(maxChars) && maxChars > 0 ? maxChars : DEFAULT_MAX_CHARS,
    };
  }

  async function fetchConfigWithRetry() {
    for (let delay = 1000; ; delay = Math.min(delay * 2, 15000)) {
      try {
        return await fetchConfig();
      } catch (_) {
        setStatus("offline");
        await new Promise((resolve) => window.setTimeout(resolve, delay));
      }
    }
  }

  function connect(config) {
    // Rasa's socket.io server allows no cross-origin polling, hence websocket only.
    const url = `${window.location.protocol}//${window.location.hostname}:${config.port}`;
    const socket = window.io(url, {
      path: config.path,
      transports: ["websocket"],
      reconnectionDelay: 1000,
      reconnectionDelayMax: 8000,
      timeout: 10000,
    });
    state.socket = socket;

    socket.on("connect", () => {
      socket.emit("session_request", { session_id: state.sessionId });
      window.clearTimeout(state.confirmTimer);
      state.confirmTimer = window.setTimeout(onSessionConfirmed, SESSION_CONFIRM_GRACE_MS);
    });
    socket.on("session_confirm", onSessionConfirmed);
    socket.on("bot_uttered", onBotMessage);
    socket.on("connect_error", () => {
      setStatus(state.everOnline ? "reconnecting" : "offline");
    });
    socket.on("disconnect", (reason) => {
      window.clearTimeout(state.confirmTimer);
      if (reason === "io client disconnect") return;
      setStatus("reconnecting");
      // After a server-side disconnect socket.io does not retry by itself.
      if (reason === "io server disconnect") socket.connect();
    });
    // The network came back: retry now rather than wait for the back-off.
    window.addEventListener("online", () => {
      if (!socket.connected) socket.connect();
    });
  }

  function onSessionConfirmed() {
    window.clearTimeout(state.confirmTimer);
    if (!state.socket || !state.socket.connected) return;
    state.everOnline = true;
    setStatus("online");
  }

  function restoreConversation() {
    state.history = loadHistory();
    const lastIndex = state.history.length - 1;
    state.history.forEach((entry, index) => {
      if (entry.from === "user") renderUserMessage(entry.text);
      else renderBotMessage(entry, index === lastIndex);
    });
  }

  async function start() {
    applyTranslations(document);
    state.sessionId = loadSessionId();
    bindComposer();
    restoreConversation();
    setStatus("connecting");
    if (typeof window.io !== "function") {
      setStatus("broken");
      return;
    }
    const config = await fetchConfigWithRetry();
    state.maxChars = config.maxChars;
    dom.input.maxLength = config.maxChars;
    setStatus("connecting");
    connect(config);
  }

  start();
})();
