/* Agents' console: logs in, shows the queue and one ticket at a time, through the
 * ticketing REST API on the same origin (/api, see /api/openapi.json).
 *
 * No framework, no inline script (the page's CSP forbids it). Every text from the API is
 * put in with textContent, never innerHTML. The bearer token lives in sessionStorage
 * (gone with the tab), never in a URL. The open view refreshes every few seconds while
 * the tab is visible, and pauses while it is hidden.
 */
"use strict";

(() => {
  const TOKEN_KEY = "demoShop.console.token";
  const AGENT_KEY = "demoShop.console.agent";
  const POLL_MS = 3000;
  const PER_PAGE = 20;
  const MESSAGES_PER_PAGE = 100; // the API's maximum

  const $ = (id) => document.getElementById(id);
  const dom = {
    notice: $("notice"),
    whoami: $("whoami"),
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
    reference: null, // the ticket open in the ticket view
    ticket: null,
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
      logout("Your session has ended. Please log in again.");
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
    if (minutes < 60) return `${minutes} min`;
    const hours = Math.floor(minutes / 60);
    if (hours < 48) return `${hours} h ${minutes % 60} min`;
    return `${Math.floor(hours / 24)} d ${hours % 24} h`;
  }

  function age(iso) {
    return iso ? duration(Date.now() - Date.parse(iso)) : "—";
  }

  function localTime(iso) {
    return iso ? new Date(iso).toLocaleString() : "—";
  }

  function showNotice(text) {
    dom.notice.textContent = text || "";
    dom.notice.hidden = !text;
  }

  function agentName(agent) {
    return agent ? agent.display_name || agent.username : "Unassigned";
  }

  /** A badge for the next timer: overdue (red), or when it falls due. */
  function dueBadge(ticket) {
    if (ticket.overdue && ticket.overdue.length) {
      const which = ticket.overdue.map(humanize).join(", ");
      return el("span", `Overdue: ${which}`, "badge badge-overdue");
    }
    if (ticket.status === "resolved" || ticket.status === "closed") {
      return el("span", humanize(ticket.status), "badge badge-done");
    }
    const due = ticket.first_response_at ? ticket.resolution_due : ticket.first_response_due;
    if (!due) return el("span", "—", "badge");
    const label = ticket.first_response_at ? "resolve" : "reply";
    const badge = el("span", `${label} in ${duration(Date.parse(due) - Date.now())}`, "badge badge-due");
    badge.title = localTime(due);
    return badge;
  }

  /* ---------- views and polling ---------- */

  function show(view) {
    state.view = view;
    for (const [name, node] of Object.entries(dom.views)) node.hidden = name !== view;
    const agent = session.agent;
    dom.whoami.hidden = view === "login";
    dom.agentName.textContent = agent ? `${agentName(agent)} (${agent.role})` : "";
    document.body.dataset.view = view;
    schedule();
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
      showNotice(`Could not refresh: ${error.message}`);
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
    dom.loginError.hidden = true;
    const username = dom.loginUser.value.trim();
    const password = dom.loginPassword.value;
    if (!username || !password) {
      dom.loginError.textContent = "Enter your username and password.";
      dom.loginError.hidden = false;
      return;
    }
    try {
      const answer = await api("POST", "/api/login", { username, password });
      session.save(answer.token, answer.agent);
      dom.loginPassword.value = "";
      showNotice("");
      await openQueue();
    } catch (error) {
      const code = error.body && error.body.error;
      dom.loginError.textContent =
        code === "invalid_credentials" ? "Wrong username or password."
          : code === "too_many_attempts" ? `Too many attempts: try again in ${error.body.retry_after_seconds} s.`
            : `Could not log in: ${error.message}`;
      dom.loginError.hidden = false;
    }
  });

  function logout(message) {
    session.clear();
    state.reference = null;
    state.ticket = null;
    state.seen = null;
    showNotice(message || "");
    show("login");
    dom.loginUser.focus();
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
      priority.append(el("span", ticket.priority, `pill pill-${ticket.priority}`));
      const language = el("td", ticket.language || "—", "lang");
      const due = el("td");
      due.append(dueBadge(ticket));
      row.append(
        refCell,
        priority,
        el("td", humanize(ticket.status), "status"),
        language,
        el("td", humanize(ticket.reason), "reason"),
        el("td", age(ticket.created_at), "age"),
        due,
        el("td", agentName(ticket.assignee), "assignee"),
      );
      return row;
    });
    state.seen = seen;
    dom.queueBody.replaceChildren(...rows);
    dom.queueEmpty.hidden = rows.length > 0;
    dom.queueTotal.textContent = `(${page.total})`;
    dom.pageInfo.textContent = `Page ${page.page} of ${pages}`;
    dom.prev.disabled = page.page <= 1;
    dom.next.disabled = page.page >= pages;
    dom.queueUpdated.textContent = `Updated ${new Date().toLocaleTimeString()}`;
  }

  async function openQueue() {
    state.reference = null;
    state.ticket = null;
    show("queue");
    try {
      await loadQueue();
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 401)) showNotice(`Could not load the queue: ${error.message}`);
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
    dom.title.textContent = `${ticket.reference} · ${humanize(ticket.reason)}`;

    const facts = document.createDocumentFragment();
    const list = { append: (...nodes) => facts.append(...nodes) };
    fact(list, "Status", humanize(ticket.status));
    fact(list, "Priority", ticket.priority);
    fact(list, "Language", ticket.language);
    fact(list, "Order number", ticket.order_number);
    fact(list, "Market", ticket.market);
    fact(list, "Channel", ticket.channel);
    fact(list, "Assignee", agentName(ticket.assignee));
    fact(list, "Opened", `${localTime(ticket.created_at)} (${age(ticket.created_at)} ago)`);
    const dueCell = el("dd");
    dueCell.append(dueBadge(ticket));
    facts.append(el("dt", "Due"), dueCell);
    dom.facts.replaceChildren(facts);
    dom.facts.dataset.status = ticket.status;

    const details = document.createDocumentFragment();
    const detailList = { append: (...nodes) => details.append(...nodes) };
    const entries = Object.entries(ticket.details || {});
    for (const [name, value] of entries) {
      fact(detailList, humanize(name), typeof value === "object" && value !== null ? JSON.stringify(value) : value);
    }
    if (!entries.length) details.append(el("dd", "Nothing collected.", "muted"));
    dom.details.replaceChildren(details);

    const transcript = (ticket.transcript || []).map((turn) => {
      const who = turn.event === "user" ? "Shopper" : turn.event === "bot" ? "Assistant" : humanize(turn.event);
      const item = el("li", null, `turn turn-${turn.event === "user" ? "user" : "bot"}`);
      item.append(el("span", who, "who"), el("p", turn.text, "text"));
      if (typeof turn.timestamp === "number") item.title = new Date(turn.timestamp * 1000).toLocaleString();
      return item;
    });
    if (!transcript.length) transcript.push(el("li", "No transcript.", "muted"));
    dom.transcript.replaceChildren(...transcript);

    const messages = ticket.messages.items.map((message) => {
      const item = el("li", null, `message message-${message.author}`);
      item.dataset.id = String(message.id);
      const meta = el("div", null, "meta");
      const author = message.author === "agent" ? agentName(message.agent) : humanize(message.author);
      meta.append(el("span", author, "who"));
      if (message.language) meta.append(el("span", message.language, "lang-code"));
      meta.append(el("time", localTime(message.created_at)));
      if (message.author === "agent") {
        meta.append(el("span", message.delivered_at ? "delivered" : message.last_error ? "delivery failed" : "sending", "delivery"));
      }
      const text = el("p", message.text, "text");
      text.dir = "auto";
      if (message.language) text.lang = message.language;
      item.append(meta, text);
      if (message.translation) {
        const translation = el("p", message.translation, "translation");
        translation.dir = "auto";
        if (message.translated_to) translation.lang = message.translated_to;
        const label = el("span", `Translation${message.translated_to ? ` (${message.translated_to})` : ""}: `, "muted");
        translation.prepend(label);
        item.append(translation);
      }
      return item;
    });
    if (!messages.length) messages.push(el("li", "No messages yet.", "muted"));
    dom.thread.replaceChildren(...messages);

    const me = session.agent;
    const active = ["new", "open", "waiting_on_customer"].includes(ticket.status);
    const mine = ticket.assignee && me && ticket.assignee.id === me.id;
    dom.claim.disabled = !active || Boolean(mine);
    dom.claim.textContent = mine ? "Claimed by you" : ticket.assignee ? `Take over from ${agentName(ticket.assignee)}` : "Claim";
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
      showNotice("");
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 401)) showNotice(`Could not open ${reference}: ${error.message}`);
    }
  }

  async function act(button, work) {
    state.busy = true;
    button.disabled = true;
    try {
      await work();
      showNotice("");
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 401)) {
        const who = error.body && error.body.assignee;
        showNotice(error.status === 409 ? `Refused: ${error.message}${who ? ` (${agentName(who)})` : ""}` : error.message);
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

  if (session.token) openQueue();
  else show("login");
})();
