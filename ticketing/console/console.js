/* Agents' console: logs in, shows the queue and one ticket at a time, through the
 * ticketing REST API on the same origin (/api, see /api/openapi.json).
 *
 * No framework, no inline script (the page's CSP forbids it). Every text from the API is
 * put in with textContent, never innerHTML. The bearer token lives in sessionStorage
 * (gone with the tab), never in a URL. The open view refreshes every few seconds while
 * the tab is visible, and pauses while it is hidden.
 *
 * Every label comes from the message catalog of the console's language (i18n/<lang>.json,
 * through t()): the one the agent picked on this browser, else the first of the agent's
 * languages (in their order of preference) the console speaks, else the browser's, else
 * English. Dates and numbers are formatted for that language.
 */
"use strict";

(() => {
  const TOKEN_KEY = "demoShop.console.token";
  const AGENT_KEY = "demoShop.console.agent";
  // The language the agent picked: the only thing the console keeps in localStorage.
  const LANGUAGE_KEY = "demoShop.console.language";
  const RTL_LANGUAGES = new Set(["ar"]);
  const POLL_MS = 3000;
  const PER_PAGE = 20;
  const MESSAGES_PER_PAGE = 100; // the API's maximum

  const $ = (id) => document.getElementById(id);
  const dom = {
    notice: $("notice"),
    whoami: $("whoami"),
    picker: $("language-picker"),
    agentName: $("agent-name"),
    logout: $("logout"),
    views: { login: $("login-view"), queue: $("queue-view"), ticket: $("ticket-view") },
    loginForm: $("login-form"),
    loginUser: $("login-username"),
    loginPassword: $("login-password"),
    loginError: $("login-error"),
    filters: $("filters"),
    status: $("filter-status"),
    priority: $("filter-priority"),
    language: $("filter-language"),
    overdue: $("filter-overdue"),
    reset: $("filters-reset"),
    queueBody: $("queue-body"),
    queueEmpty: $("queue-empty"),
    queueTotal: $("queue-total"),
    queueUpdated: $("queue-updated"),
    prev: $("page-prev"),
    next: $("page-next"),
    pageInfo: $("page-info"),
    back: $("back"),
    title: $("ticket-title"),
    facts: $("ticket-facts"),
    details: $("ticket-details"),
    transcript: $("transcript"),
    thread: $("thread"),
    claim: $("claim"),
    resolve: $("resolve"),
    replyForm: $("reply-form"),
    replyText: $("reply-text"),
    replySend: $("reply-send"),
  };

  const state = {
    view: null,
    page: 1,
    queue: null, // the last page of the queue shown, to redraw it in another language
    reference: null, // the ticket open in the ticket view
    ticket: null,
    notice: null, // [key, values] of the notice shown
    loginError: null, // [key, values] of the login form's error
    seen: null, // references the queue has shown, to mark the ones that come in
    timer: null,
    busy: false,
  };

  /* ---------- session ---------- */

  const session = {
    get token() {
      try { return window.sessionStorage.getItem(TOKEN_KEY); } catch (_) { return null; }
    },
    get agent() {
      try { return JSON.parse(window.sessionStorage.getItem(AGENT_KEY) || "null"); } catch (_) { return null; }
    },
    save(token, agent) {
      window.sessionStorage.setItem(TOKEN_KEY, token);
      window.sessionStorage.setItem(AGENT_KEY, JSON.stringify(agent));
    },
    clear() {
      try {
        window.sessionStorage.removeItem(TOKEN_KEY);
        window.sessionStorage.removeItem(AGENT_KEY);
      } catch (_) { /* storage blocked: nothing kept anyway */ }
    },
  };

  class ApiError extends Error {
    constructor(status, body) {
      super((body && (body.detail || body.error)) || `HTTP ${status}`);
      this.status = status;
      this.body = body || {};
    }
  }

  /* ---------- language ---------- */

  // The languages the page offers in its picker are the ones there is a catalog for.
  const LANGUAGES = [...dom.picker.options].map((option) => option.value).filter(Boolean);
  const catalogs = new Map(); // language -> promise of its messages
  const i18n = { lang: "en", messages: {}, formats: formatsFor("en"), wanted: null };

  const chosenLanguage = {
    get() {
      try { return window.localStorage.getItem(LANGUAGE_KEY); } catch (_) { return null; }
    },
    set(code) {
      try {
        if (code) window.localStorage.setItem(LANGUAGE_KEY, code);
        else window.localStorage.removeItem(LANGUAGE_KEY);
      } catch (_) { /* storage blocked: the choice lasts until the page is left */ }
    },
  };

  const baseLanguage = (tag) => String(tag || "").trim().toLowerCase().split(/[-_]/)[0];

  function browserLanguages() {
    const tags = (navigator.languages && navigator.languages.length) ? navigator.languages : [navigator.language];
    return tags.filter(Boolean);
  }

  /** The console's language: picked here, else the agent's, else the browser's, else English. */
  function preferredLanguage() {
    const chosen = chosenLanguage.get();
    if (LANGUAGES.includes(chosen)) return chosen;
    const browser = browserLanguages().map(baseLanguage).filter((code) => LANGUAGES.includes(code));
    const agent = session.agent;
    const spoken = (agent && Array.isArray(agent.languages) ? agent.languages : [])
      .map(baseLanguage).filter((code) => LANGUAGES.includes(code));
    return spoken[0] || browser[0] || "en";
  }

  function loadCatalog(lang) {
    if (!catalogs.has(lang)) {
      const loading = fetch(`/console/i18n/${lang}.json`, { cache: "no-store", credentials: "omit" })
        .then((response) => {
          if (!response.ok) throw new Error(`HTTP ${response.status}`);
          return response.json();
        });
      loading.catch(() => catalogs.delete(lang)); // try again next time
      catalogs.set(lang, loading);
    }
    return catalogs.get(lang);
  }

  function has(key) {
    return Object.prototype.hasOwnProperty.call(i18n.messages, key);
  }

  /** The message `key` of the catalog, its {placeholders} filled from `values`. */
  function t(key, values) {
    const template = has(key) ? i18n.messages[key] : key;
    const rtl = RTL_LANGUAGES.has(i18n.lang);
    return template.replace(/\{(\w+)\}/g, (whole, name) => {
      if (!values || !(name in values)) return whole;
      // A function is asked at each drawing, so that what it says follows a change of language.
      const value = typeof values[name] === "function" ? values[name]() : values[name];
      const text = typeof value === "number" ? i18n.formats.number.format(value) : String(value);
      // Isolated, so that a Latin name or reference keeps its order inside right-to-left text.
      return rtl ? `\u2068${text}\u2069` : text;
    });
  }

  /** A value of the API (a status, a priority...) in words, or as it is when the catalog has no name for it. */
  function term(group, value) {
    if (value === null || value === undefined || value === "") return "—";
    const key = `${group}.${value}`;
    return has(key) ? t(key) : humanize(value);
  }

  function useLanguage(lang, messages) {
    // Dates and numbers as the browser's own variant of the language has them (es-MX, pt-BR).
    const locale = browserLanguages().find((tag) => baseLanguage(tag) === lang) || lang;
    i18n.lang = lang;
    i18n.messages = messages;
    try {
      i18n.formats = formatsFor(locale);
    } catch (_) {
      i18n.formats = formatsFor(lang);
    }
    const root = document.documentElement;
    root.lang = lang;
    root.dir = RTL_LANGUAGES.has(lang) ? "rtl" : "ltr";
    for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
    for (const node of document.querySelectorAll("[data-i18n-placeholder]")) node.placeholder = t(node.dataset.i18nPlaceholder);
    for (const node of document.querySelectorAll("[data-i18n-aria-label]")) node.setAttribute("aria-label", t(node.dataset.i18nAriaLabel));
    for (const node of document.querySelectorAll("[data-i18n-title]")) node.title = t(node.dataset.i18nTitle);
    dom.picker.value = LANGUAGES.includes(chosenLanguage.get()) ? chosenLanguage.get() : "";
    redraw();
  }

  function formatsFor(locale) {
    return {
      number: new Intl.NumberFormat(locale),
      dateTime: new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" }),
      time: new Intl.DateTimeFormat(locale, { timeStyle: "medium" }),
      list: new Intl.ListFormat(locale, { style: "long", type: "conjunction" }),
    };
  }

  /** Switches to the preferred language once its catalog is in (English if it cannot be had). */
  async function applyLanguage() {
    const wanted = preferredLanguage();
    i18n.wanted = wanted;
    let lang = wanted;
    let messages = null;
    try {
      messages = await loadCatalog(lang);
    } catch (error) {
      console.warn(`The ${lang} catalog could not be loaded (${error.message}): English instead.`);
      lang = "en";
      if (wanted !== "en") messages = await loadCatalog("en").catch(() => null);
    }
    // No catalog at all: the page keeps the English it was written with.
    if (messages && i18n.wanted === wanted) useLanguage(lang, messages); // a switch made meanwhile wins
  }

  dom.picker.addEventListener("change", () => {
    chosenLanguage.set(dom.picker.value);
    applyLanguage();
  });

  /** Everything the console drew from the API, drawn again in the current language. */
  function redraw() {
    renderNotice();
    renderLoginError();
    renderWhoami();
    if (state.view === "queue" && state.queue) renderQueue(state.queue.page, state.queue.pages);
    if (state.view === "ticket" && state.ticket) renderTicket(state.ticket);
  }

  /** What went wrong, for a person: the catalog's words for the API's error code when it has them. */
  function problem(error) {
    if (error instanceof ApiError) {
      const code = error.body.error;
      if (code && has(`apiError.${code}`)) return t(`apiError.${code}`);
      return error.message;
    }
    return t("apiError.network");
  }

  async function api(method, path, body) {
    const headers = { Accept: "application/json" };
    const token = session.token;
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
      credentials: "omit",
    });
    let payload = null;
    try { payload = await response.json(); } catch (_) { payload = null; }
    if (response.status === 401 && path !== "/api/login") {
      // Expired or revoked: back to the login form.
      logout(["notice.sessionEnded"]);
    }
    if (!response.ok) throw new ApiError(response.status, payload);
    return payload;
  }

  /* ---------- small helpers ---------- */

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function humanize(value) {
    return value ? String(value).replace(/_/g, " ") : "—";
  }

  function duration(ms) {
    const minutes = Math.round(Math.abs(ms) / 60000);
    if (minutes < 60) return t("time.minutes", { minutes });
    const hours = Math.floor(minutes / 60);
    if (hours < 48) return t("time.hoursMinutes", { hours, minutes: minutes % 60 });
    return t("time.daysHours", { days: Math.floor(hours / 24), hours: hours % 24 });
  }

  function age(iso) {
    return iso ? duration(Date.now() - Date.parse(iso)) : "—";
  }

  function localTime(value) {
    return value ? i18n.formats.dateTime.format(new Date(value)) : "—";
  }

  /** Shows the catalog's message [key, values] above the page (none: hides it). */
  function showNotice(message) {
    state.notice = message || null;
    renderNotice();
  }

  function renderNotice() {
    const text = state.notice ? t(...state.notice) : "";
    dom.notice.textContent = text;
    dom.notice.hidden = !text;
  }

  function showLoginError(message) {
    state.loginError = message || null;
    renderLoginError();
  }

  function renderLoginError() {
    dom.loginError.textContent = state.loginError ? t(...state.loginError) : "";
    dom.loginError.hidden = !state.loginError;
  }

  function agentName(agent) {
    return agent ? agent.display_name || agent.username : t("ticket.unassigned");
  }

  /** A name from the API, kept whole inside text of the other direction. */
  function isolated(text) {
    return el("bdi", text);
  }

  /** A badge for the next timer: overdue (red), or when it falls due. */
  function dueBadge(ticket) {
    if (ticket.overdue && ticket.overdue.length) {
      const timers = i18n.formats.list.format(ticket.overdue.map((timer) => term("timer", timer)));
      return el("span", t("due.overdue", { timers }), "badge badge-overdue");
    }
    if (ticket.status === "resolved" || ticket.status === "closed") {
      return el("span", term("status", ticket.status), "badge badge-done");
    }
    const due = ticket.first_response_at ? ticket.resolution_due : ticket.first_response_due;
    if (!due) return el("span", "—", "badge");
    const left = { duration: duration(Date.parse(due) - Date.now()) };
    const badge = el("span", ticket.first_response_at ? t("due.resolveIn", left) : t("due.replyIn", left), "badge badge-due");
    badge.title = localTime(due);
    return badge;
  }

  /* ---------- views and polling ---------- */

  function show(view) {
    state.view = view;
    for (const [name, node] of Object.entries(dom.views)) node.hidden = name !== view;
    dom.whoami.hidden = view === "login";
    renderWhoami();
    document.body.dataset.view = view;
    schedule();
  }

  function renderWhoami() {
    const agent = session.agent;
    if (!agent) {
      dom.agentName.replaceChildren();
      return;
    }
    dom.agentName.replaceChildren(isolated(agentName(agent)), ` (${term("role", agent.role)})`);
  }

  function schedule() {
    window.clearTimeout(state.timer);
    state.timer = null;
    if (state.view === "login" || document.hidden) return; // paused while the tab is hidden
    state.timer = window.setTimeout(async () => {
      await refresh();
      schedule();
    }, POLL_MS);
  }

  async function refresh() {
    if (state.busy) return;
    try {
      if (state.view === "queue") await loadQueue();
      else if (state.view === "ticket") await loadTicket();
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return;
      showNotice(["notice.refreshFailed", { error: () => problem(error) }]);
    }
  }

  document.addEventListener("visibilitychange", () => {
    if (document.hidden) {
      window.clearTimeout(state.timer);
      state.timer = null;
    } else {
      refresh().then(schedule);
    }
  });

  /* ---------- login ---------- */

  dom.loginForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    showLoginError(null);
    const username = dom.loginUser.value.trim();
    const password = dom.loginPassword.value;
    if (!username || !password) {
      showLoginError(["login.missing"]);
      return;
    }
    let answer;
    try {
      answer = await api("POST", "/api/login", { username, password });
    } catch (error) {
      const code = error instanceof ApiError ? error.body.error : null;
      showLoginError(
        code === "invalid_credentials" ? ["login.invalidCredentials"]
          : code === "too_many_attempts" ? ["login.tooManyAttempts", { seconds: error.body.retry_after_seconds }]
            : ["login.failed", { error: () => problem(error) }],
      );
      return;
    }
    session.save(answer.token, answer.agent);
    dom.loginPassword.value = "";
    showNotice(null);
    await applyLanguage(); // now the agent's language
    await openQueue();
  });

  /** Back to the login form, with the catalog's message [key, values] if one is given. */
  function logout(message) {
    session.clear();
    state.reference = null;
    state.ticket = null;
    state.queue = null;
    state.seen = null;
    showNotice(message);
    show("login");
    dom.loginUser.focus();
    applyLanguage(); // the browser's language again, unless one was picked here
  }

  dom.logout.addEventListener("click", () => logout());

  /* ---------- the queue ---------- */

  function queueQuery() {
    const params = new URLSearchParams({ page: String(state.page), per_page: String(PER_PAGE) });
    if (dom.status.value) params.set("status", dom.status.value);
    if (dom.priority.value) params.set("priority", dom.priority.value);
    const language = dom.language.value.trim();
    if (language && dom.language.checkValidity()) params.set("language", language);
    if (dom.overdue.value) params.set("overdue", dom.overdue.value);
    return params.toString();
  }

  async function loadQueue() {
    const page = await api("GET", `/api/tickets?${queueQuery()}`);
    const pages = Math.max(1, Math.ceil(page.total / page.per_page));
    if (state.page > pages) {
      state.page = pages; // the last page emptied: show the one before
      return loadQueue();
    }
    state.queue = { page, pages, at: Date.now() };
    renderQueue(page, pages);
  }

  function renderQueue(page, pages) {
    const firstLoad = state.seen === null;
    const seen = state.seen || new Set();
    const rows = page.items.map((ticket) => {
      const row = el("tr");
      row.dataset.reference = ticket.reference;
      row.className = `priority-${ticket.priority}`;
      if (!firstLoad && !seen.has(ticket.reference)) row.classList.add("is-new");
      seen.add(ticket.reference);

      const refCell = el("td");
      const open = el("button", ticket.reference, "link-button ref");
      open.type = "button";
      open.addEventListener("click", () => openTicket(ticket.reference));
      refCell.append(open);
      const priority = el("td");
      priority.append(el("span", term("priority", ticket.priority), `pill pill-${ticket.priority}`));
      // The shopper's language, as its code.
      const language = el("td", ticket.language || "—", "lang");
      const due = el("td");
      due.append(dueBadge(ticket));
      row.append(
        refCell,
        priority,
        el("td", term("status", ticket.status), "status"),
        language,
        el("td", term("reason", ticket.reason), "reason"),
        el("td", age(ticket.created_at), "age"),
        due,
        el("td", agentName(ticket.assignee), "assignee"),
      );
      return row;
    });
    state.seen = seen;
    dom.queueBody.replaceChildren(...rows);
    dom.queueEmpty.hidden = rows.length > 0;
    dom.queueTotal.textContent = `(${i18n.formats.number.format(page.total)})`;
    dom.pageInfo.textContent = t("pager.info", { page: page.page, pages });
    dom.prev.disabled = page.page <= 1;
    dom.next.disabled = page.page >= pages;
    dom.queueUpdated.textContent = t("queue.updated", { time: i18n.formats.time.format(new Date(state.queue.at)) });
  }

  async function openQueue() {
    state.reference = null;
    state.ticket = null;
    show("queue");
    try {
      await loadQueue();
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 401)) showNotice(["notice.queueFailed", { error: () => problem(error) }]);
    }
  }

  function filtersChanged() {
    state.page = 1;
    refresh();
  }

  dom.filters.addEventListener("change", filtersChanged);
  dom.filters.addEventListener("submit", (event) => {
    event.preventDefault();
    filtersChanged();
  });
  dom.language.addEventListener("input", () => {
    if (dom.language.value === "" || dom.language.checkValidity()) filtersChanged();
  });
  dom.reset.addEventListener("click", () => {
    dom.filters.reset();
    filtersChanged();
  });
  dom.prev.addEventListener("click", () => {
    state.page = Math.max(1, state.page - 1);
    refresh();
  });
  dom.next.addEventListener("click", () => {
    state.page += 1;
    refresh();
  });

  /* ---------- one ticket ---------- */

  function fact(list, name, value) {
    list.append(el("dt", name), el("dd", value === null || value === undefined || value === "" ? "—" : value));
  }

  async function fetchTicket(reference) {
    const base = `/api/tickets/${encodeURIComponent(reference)}`;
    let ticket = await api("GET", `${base}?messages_per_page=${MESSAGES_PER_PAGE}&events_per_page=1`);
    const pages = Math.ceil(ticket.messages.total / MESSAGES_PER_PAGE);
    if (pages > 1) {
      // A long thread: the latest messages are the ones an agent needs.
      ticket = await api("GET", `${base}?messages_per_page=${MESSAGES_PER_PAGE}&messages_page=${pages}&events_per_page=1`);
    }
    return ticket;
  }

  async function loadTicket() {
    const reference = state.reference;
    const ticket = await fetchTicket(reference);
    if (state.reference === reference) renderTicket(ticket);
  }

  function renderTicket(ticket) {
    state.ticket = ticket;
    dom.title.replaceChildren(isolated(ticket.reference), ` · ${term("reason", ticket.reason)}`);

    const facts = document.createDocumentFragment();
    const list = { append: (...nodes) => facts.append(...nodes) };
    fact(list, t("field.status"), term("status", ticket.status));
    fact(list, t("field.priority"), term("priority", ticket.priority));
    fact(list, t("field.language"), ticket.language); // the shopper's, as its code
    fact(list, t("field.orderNumber"), ticket.order_number);
    fact(list, t("field.market"), ticket.market);
    fact(list, t("field.channel"), ticket.channel);
    fact(list, t("field.assignee"), agentName(ticket.assignee));
    fact(list, t("field.opened"), ticket.created_at
      ? t("ticket.openedAt", { time: localTime(ticket.created_at), duration: age(ticket.created_at) }) : null);
    const dueCell = el("dd");
    dueCell.append(dueBadge(ticket));
    facts.append(el("dt", t("field.due")), dueCell);
    dom.facts.replaceChildren(facts);
    dom.facts.dataset.status = ticket.status;

    const details = document.createDocumentFragment();
    const detailList = { append: (...nodes) => details.append(...nodes) };
    const entries = Object.entries(ticket.details || {});
    for (const [name, value] of entries) {
      fact(detailList, humanize(name), typeof value === "object" && value !== null ? JSON.stringify(value) : value);
    }
    if (!entries.length) details.append(el("dd", t("ticket.noDetails"), "muted"));
    dom.details.replaceChildren(details);

    const transcript = (ticket.transcript || []).map((turn) => {
      const who = term("turn", turn.event);
      const item = el("li", null, `turn turn-${turn.event === "user" ? "user" : "bot"}`);
      const text = el("p", turn.text, "text");
      text.dir = "auto"; // the shopper's or the bot's language, not necessarily the console's
      item.append(el("span", who, "who"), text);
      if (typeof turn.timestamp === "number") item.title = localTime(turn.timestamp * 1000);
      return item;
    });
    if (!transcript.length) transcript.push(el("li", t("ticket.noTranscript"), "muted"));
    dom.transcript.replaceChildren(...transcript);

    const messages = ticket.messages.items.map((message) => {
      const item = el("li", null, `message message-${message.author}`);
      item.dataset.id = String(message.id);
      const meta = el("div", null, "meta");
      const who = el("span", null, "who");
      who.append(message.author === "agent" ? isolated(agentName(message.agent)) : term("author", message.author));
      meta.append(who);
      if (message.language) meta.append(el("span", message.language, "lang-code"));
      const sent = el("time", localTime(message.created_at));
      if (message.created_at) sent.dateTime = message.created_at;
      meta.append(sent);
      if (message.author === "agent") {
        const delivery = message.delivered_at ? t("delivery.delivered")
          : message.last_error ? t("delivery.failed") : t("delivery.sending");
        meta.append(el("span", delivery, "delivery"));
      }
      const text = el("p", message.text, "text");
      text.dir = "auto";
      if (message.language) text.lang = message.language;
      item.append(meta, text);
      if (message.translation) {
        const translation = el("p", message.translation, "translation");
        translation.dir = "auto";
        if (message.translated_to) translation.lang = message.translated_to;
        const label = message.translated_to
          ? t("message.translationTo", { language: message.translated_to }) : t("message.translation");
        const prefix = el("span", `${label} `, "muted");
        prefix.lang = i18n.lang; // the console's language, not the translation's
        translation.prepend(prefix);
        item.append(translation);
      }
      return item;
    });
    if (!messages.length) messages.push(el("li", t("ticket.noMessages"), "muted"));
    dom.thread.replaceChildren(...messages);

    const me = session.agent;
    const active = ["new", "open", "waiting_on_customer"].includes(ticket.status);
    const mine = ticket.assignee && me && ticket.assignee.id === me.id;
    dom.claim.disabled = !active || Boolean(mine);
    dom.claim.textContent = mine ? t("ticket.claimedByYou")
      : ticket.assignee ? t("ticket.takeOver", { name: agentName(ticket.assignee) }) : t("ticket.claim");
    dom.resolve.disabled = !active;
    dom.replySend.disabled = !active;
    dom.replyText.disabled = !active;
  }

  async function openTicket(reference) {
    state.reference = reference;
    dom.replyText.value = "";
    show("ticket");
    try {
      await loadTicket();
      showNotice(null);
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 401)) {
        showNotice(["notice.ticketFailed", { reference, error: () => problem(error) }]);
      }
    }
  }

  async function act(button, work) {
    state.busy = true;
    button.disabled = true;
    try {
      await work();
      showNotice(null);
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 401)) {
        const who = error instanceof ApiError && error.body.assignee;
        showNotice(error.status !== 409 ? ["notice.failed", { error: () => problem(error) }]
          : who ? ["notice.refusedBy", { error: () => problem(error), name: agentName(who) }]
            : ["notice.refused", { error: () => problem(error) }]);
      }
    } finally {
      state.busy = false;
      button.disabled = false;
      if (state.view === "ticket") await refresh();
    }
  }

  const ticketPath = (action) => `/api/tickets/${encodeURIComponent(state.reference)}/${action}`;

  dom.claim.addEventListener("click", () => act(dom.claim, () => api("POST", ticketPath("claim"))));
  dom.resolve.addEventListener("click", () => act(dom.resolve, () => api("POST", ticketPath("resolve"))));
  dom.replyForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = dom.replyText.value.trim();
    if (!text) return;
    const body = { text };
    if (state.ticket && state.ticket.language) body.language = state.ticket.language;
    act(dom.replySend, async () => {
      await api("POST", ticketPath("reply"), body);
      dom.replyText.value = "";
    });
  });
  dom.back.addEventListener("click", openQueue);

  /* ---------- start ---------- */

  applyLanguage().then(() => {
    if (session.token) openQueue();
    else show("login");
  });
})();
