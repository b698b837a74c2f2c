// Drives the agents' console in Debian's headless Chromium (playwright-core, no bundled browser).
// Run by tests/console/test_console.py, which starts the ticketing app and opens the tickets.
//
// Environment: CONSOLE_URL, AGENT_USERNAME, AGENT_PASSWORD, SCREENSHOT_DIR, CHROMIUM (path),
// SPANISH_USERNAME (an agent whose only language is es, same password), and the references of
// the tickets: REF_ES (high, es, with order and transcript), REF_DE, REF_LATE (low, overdue).
// Labels are read from the console's catalogs (ticketing/console/i18n/).
// Talks to the test on stdout/stdin, one JSON object a line:
//   {"step": name, "screenshot": file}   after each step
//   {"need": "new_ticket"}               the test opens a ticket, answers its reference on stdin
//   {"result": {...}}                    at the end (the process exits 1 on a failure)
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const readline = require("node:readline");
const { chromium } = require("playwright-core");

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const URL = env("CONSOLE_URL");
const SHOTS = env("SCREENSHOT_DIR");
const TIMEOUT = 15000;
const CATALOGS = path.join(__dirname, "..", "..", "ticketing", "console", "i18n");
const catalog = (lang) => JSON.parse(fs.readFileSync(path.join(CATALOGS, `${lang}.json`), "utf8"));
const en = catalog("en");

const say = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);
const lines = readline.createInterface({ input: process.stdin });
const nextLine = () => new Promise((resolve) => lines.once("line", resolve));

function check(condition, message) {
  if (!condition) throw new Error(message);
}

async function main() {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", headless: true });
  const result = { steps: [], violations: [], errors: [] };
  let shot = 0;
  // A browser that asks for `locale`, watched for script errors and (below) CSP violations.
  async function openPage(locale) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale });
    const opened = await context.newPage();
    opened.setDefaultTimeout(TIMEOUT);
    opened.on("pageerror", (error) => result.errors.push(String(error)));
    opened.on("console", (message) => {
      if (message.type() === "error") result.errors.push(message.text());
    });
    // Watch CSP: any blocked script, style or request is a failure.
    await opened.addInitScript(() => {
      window.__violations = [];
      document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    return opened;
  }
  let page = await openPage("en-US");

  async function step(name) {
    shot += 1;
    const file = path.join(SHOTS, `${String(shot).padStart(2, "0")}-${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    result.steps.push(name);
    say({ step: name, screenshot: file });
  }

  const rows = () => page.locator("#queue-body tr");
  const references = async () => rows().evaluateAll((trs) => trs.map((tr) => tr.dataset.reference));
  async function expectReferences(expected, what) {
    const want = [...expected].sort().join(",");
    await page.waitForFunction(
      (w) => [...document.querySelectorAll("#queue-body tr")].map((tr) => tr.dataset.reference).sort().join(",") === w,
      want, { timeout: TIMEOUT },
    ).catch(async () => {
      throw new Error(`${what}: the queue shows ${(await references()).join(",")}, expected ${want}`);
    });
  }

  // 1. The login form; a wrong password is refused.
  const response = await page.goto(URL);
  result.csp = response.headers()["content-security-policy"] || "";
  await page.waitForSelector("#login-form", { state: "visible" });
  result.english = await page.evaluate(() => ({
    lang: document.documentElement.lang,
    dir: document.documentElement.dir,
    title: document.title,
    heading: document.querySelector("#login-form h2").textContent,
  }));
  await step("login-form");
  await page.fill("#login-username", env("AGENT_USERNAME"));
  await page.fill("#login-password", "not the password");
  await page.click("#login-submit");
  await page.waitForSelector("#login-error", { state: "visible" });
  result.wrongPassword = await page.textContent("#login-error");
  await step("login-refused");

  // 2. Log in: the queue shows the three tickets; the token is in sessionStorage only.
  await page.fill("#login-password", env("AGENT_PASSWORD"));
  await page.click("#login-submit");
  await page.waitForSelector("#queue-view", { state: "visible" });
  const all = [env("REF_ES"), env("REF_DE"), env("REF_LATE")];
  await expectReferences(all, "after login");
  result.token = await page.evaluate(() => Boolean(sessionStorage.getItem("demoShop.console.token")));
  result.tokenInLocalStorage = await page.evaluate(() => Object.keys(localStorage).length > 0);
  result.queueRows = await rows().evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent.trim())));
  await step("queue");

  // 3. Filters narrow the queue.
  await page.fill("#filter-language", "es");
  await expectReferences([env("REF_ES")], "language es");
  await step("filter-language");
  await page.fill("#filter-language", "");
  await expectReferences(all, "language cleared");
  await page.selectOption("#filter-priority", "low");
  await expectReferences([env("REF_LATE")], "priority low");
  await step("filter-priority");
  await page.selectOption("#filter-priority", "");
  await page.selectOption("#filter-overdue", "true");
  await expectReferences([env("REF_LATE")], "overdue");
  result.overdueBadge = await page.textContent(`#queue-body tr[data-reference="${env("REF_LATE")}"] .badge`);
  await step("filter-overdue");
  await page.selectOption("#filter-overdue", "false");
  await expectReferences([env("REF_ES"), env("REF_DE")], "on time");
  await page.click("#filters-reset");
  await expectReferences(all, "filters reset");

  // 4. A ticket opened after the page loaded appears without a reload.
  await page.evaluate(() => { window.__sameDocument = true; });
  say({ need: "new_ticket" });
  const fresh = (await nextLine()).trim();
  await page.waitForSelector(`#queue-body tr[data-reference="${fresh}"]`, { timeout: TIMEOUT });
  result.newTicket = fresh;
  result.newTicketMarked = await page.getAttribute(`#queue-body tr[data-reference="${fresh}"]`, "class");
  result.noReload = await page.evaluate(() => window.__sameDocument === true);
  await step("new-ticket-arrived");

  // 4b. Polling pauses while the tab is hidden and resumes when it shows again.
  let polls = 0;
  const countPolls = (request) => { if (request.url().includes("/api/tickets?")) polls += 1; };
  page.on("request", countPolls);
  const setHidden = (hidden) => page.evaluate((h) => {
    Object.defineProperty(document, "hidden", { configurable: true, get: () => h });
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => (h ? "hidden" : "visible") });
    document.dispatchEvent(new Event("visibilitychange"));
  }, hidden);
  await setHidden(true);
  await page.waitForTimeout(500); // a request already under way may finish
  polls = 0;
  await page.waitForTimeout(7000); // more than two polling periods
  result.pollsWhileHidden = polls;
  await setHidden(false);
  await page.waitForTimeout(1000);
  result.pollsOnShow = polls;
  page.off("request", countPolls);

  // 5. Open the Spanish ticket: transcript, order, market, details, messages with languages.
  await page.click(`#queue-body tr[data-reference="${env("REF_ES")}"] button.ref`);
  await page.waitForSelector("#ticket-view", { state: "visible" });
  await page.waitForSelector("#thread .message");
  result.title = await page.textContent("#ticket-title");
  result.facts = await page.textContent("#ticket-facts");
  result.details = await page.textContent("#ticket-details");
  result.transcript = await page.locator("#transcript li").allTextContents();
  result.messages = await page.locator("#thread .message").allTextContents();
  result.messageLanguages = await page.locator("#thread .lang-code").allTextContents();
  result.translations = await page.locator("#thread .translation").allTextContents();
  await step("ticket");

  // 6. Claim, reply, resolve.
  await page.click("#claim");
  await page.waitForFunction((label) => document.querySelector("#claim").textContent === label, en["ticket.claimedByYou"]);
  result.afterClaim = await page.textContent("#ticket-facts");
  await step("claimed");
  const reply = "Hola, ya estamos revisando su pedido.";
  await page.fill("#reply-text", reply);
  await page.click("#reply-send");
  await page.waitForSelector("#thread .message-agent");
  result.reply = await page.textContent("#thread .message-agent .text");
  result.replyLanguage = await page.textContent("#thread .message-agent .lang-code");
  await step("replied");
  await page.click("#resolve");
  await page.waitForFunction(() => document.querySelector("#ticket-facts").dataset.status === "resolved");
  result.afterResolve = await page.textContent("#ticket-facts");
  result.replyDisabled = await page.isDisabled("#reply-send");
  await step("resolved");

  // 7. Back to the queue: the resolved ticket has left the active queue.
  await page.click("#back");
  await page.waitForSelector("#queue-view", { state: "visible" });
  await expectReferences([env("REF_DE"), env("REF_LATE"), fresh], "after resolving");
  await step("queue-after-resolve");
  result.urls = [page.url()];
  result.violations = await page.evaluate(() => window.__violations);

  // 8. A French browser: the login form speaks French. Lucía, whose language is Spanish, logs
  // in: Spanish. She picks Arabic: right to left, remembered over a reload.
  page = await openPage("fr-FR");
  await page.goto(URL);
  await page.waitForSelector("#login-form", { state: "visible" });
  result.french = await page.evaluate(() => ({
    lang: document.documentElement.lang,
    dir: document.documentElement.dir,
    heading: document.querySelector("#login-form h2").textContent,
    submit: document.querySelector("#login-submit").textContent,
    username: document.querySelector('label[for="login-username"]').textContent,
    picker: document.querySelector("#language-picker").value,
  }));
  await step("login-form-fr");
  await page.fill("#login-username", env("SPANISH_USERNAME"));
  await page.fill("#login-password", env("AGENT_PASSWORD"));
  await page.click("#login-submit");
  await page.waitForSelector("#queue-view", { state: "visible" });
  const hers = [env("REF_DE"), env("REF_LATE"), fresh];
  await expectReferences(hers, "Lucía's queue");

  const queueSnapshot = () => page.evaluate(([de, late]) => {
    const text = (selector) => document.querySelector(selector).textContent.trim();
    const row = (reference) => [...document.querySelector(`#queue-body tr[data-reference="${reference}"]`).cells]
      .map((td) => td.textContent.trim());
    return {
      lang: document.documentElement.lang,
      dir: document.documentElement.dir,
      queueTitle: text('#queue-view [data-i18n="queue.title"]'),
      logout: text("#logout"),
      headers: [...document.querySelectorAll("#queue-table th")].map((th) => th.textContent.trim()),
      statusOptions: [...document.querySelectorAll("#filter-status option")].map((option) => option.textContent),
      placeholder: document.querySelector("#filter-language").placeholder,
      pageInfo: text("#page-info"),
      rowDE: row(de),
      rowLate: row(late),
      updated: text("#queue-updated"),
      agent: text("#agent-name"),
    };
  }, [env("REF_DE"), env("REF_LATE")]);

  const ticketSnapshot = (openedLabel) => page.evaluate(async ([reference, label]) => {
    const dts = [...document.querySelectorAll("#ticket-facts dt")];
    const opened = dts.find((dt) => dt.textContent === label);
    // The date as Intl.DateTimeFormat writes it in the page's language.
    const answer = await fetch(`/api/tickets/${reference}`, {
      headers: { Authorization: `Bearer ${sessionStorage.getItem("demoShop.console.token")}` },
    });
    const ticket = await answer.json();
    const lang = document.documentElement.lang;
    const root = document.documentElement;
    return {
      title: document.querySelector("#ticket-title").textContent,
      facts: document.querySelector("#ticket-facts").textContent,
      opened: opened ? opened.nextElementSibling.textContent : null,
      openedDate: new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" }).format(new Date(ticket.created_at)),
      claim: document.querySelector("#claim").textContent,
      reply: document.querySelector("#reply-send").textContent,
      headings: [...document.querySelectorAll("#ticket-view h3")].map((h3) => h3.textContent),
      transcriptWho: [...document.querySelectorAll("#transcript .who")].map((who) => who.textContent),
      dir: root.dir,
      overflow: root.scrollWidth > root.clientWidth,
    };
  }, [env("REF_DE"), openedLabel]);

  async function openDE() {
    await page.click(`#queue-body tr[data-reference="${env("REF_DE")}"] button.ref`);
    await page.waitForSelector("#ticket-view", { state: "visible" });
    await page.waitForFunction(() => Boolean(document.querySelector("#ticket-facts").dataset.status));
  }

  result.spanish = await queueSnapshot();
  await step("queue-es");
  await openDE();
  result.spanish.ticket = await ticketSnapshot(catalog("es")["field.opened"]);
  await step("ticket-es");
  await page.click("#back");
  await page.waitForSelector("#queue-view", { state: "visible" });
  await expectReferences(hers, "back in Lucía's queue");

  const ar = catalog("ar");
  await page.selectOption("#language-picker", "ar");
  await page.waitForFunction((title) => document.documentElement.lang === "ar"
    && document.querySelector('#queue-view [data-i18n="queue.title"]').textContent === title, ar["queue.title"]);
  result.arabic = await queueSnapshot();
  result.arabic.storage = await page.evaluate(() => ({ ...localStorage }));
  result.arabic.layout = await page.evaluate(() => {
    const left = (selector) => document.querySelector(selector).getBoundingClientRect().left;
    const headers = document.querySelectorAll("#queue-table th");
    const root = document.documentElement;
    return {
      brandLeft: left(".brand"),
      pickerLeft: left("#language-picker"),
      firstHeaderLeft: headers[0].getBoundingClientRect().left,
      lastHeaderLeft: headers[headers.length - 1].getBoundingClientRect().left,
      overflow: root.scrollWidth > root.clientWidth,
    };
  });
  await step("queue-ar");
  result.violations.push(...await page.evaluate(() => window.__violations));

  await page.reload();
  await page.waitForSelector("#queue-view", { state: "visible" });
  await expectReferences(hers, "Lucía's queue after a reload");
  result.arabic.afterReload = await page.evaluate(() => ({
    lang: document.documentElement.lang,
    dir: document.documentElement.dir,
    queueTitle: document.querySelector('#queue-view [data-i18n="queue.title"]').textContent,
    picker: document.querySelector("#language-picker").value,
  }));
  await openDE();
  result.arabic.ticket = await ticketSnapshot(ar["field.opened"]);
  await step("ticket-ar");
  result.violations.push(...await page.evaluate(() => window.__violations));

  await browser.close();
  say({ result });
}

main().then(
  () => { lines.close(); process.exit(0); },
  (error) => {
    process.stderr.write(`${error.stack || error}\n`);
    lines.close();
    process.exit(1);
  },
);
