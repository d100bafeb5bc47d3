// Drives revsearch's search page in Debian's Chromium (headless) through playwright-core.
// tests/browser/run sets the environment: REVSEARCH_QUERY_BIN, REVSEARCH_DB (an index of
// corpus/samples and tests/fixtures/serve/hostile.jsonl), REVSEARCH_OUT (screenshots) and
// REVSEARCH_CHROMIUM. Prints one line per check and a closing "N passed, N failed" line.
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";

const QUERY_BIN = process.env.REVSEARCH_QUERY_BIN;
const DB = process.env.REVSEARCH_DB;
const COPIES_DB = process.env.REVSEARCH_COPIES_DB;  // tests/fixtures/serve/copies.jsonl
const OUT = process.env.REVSEARCH_OUT;
const CHROMIUM = process.env.REVSEARCH_CHROMIUM || "/usr/bin/chromium";
for (const [name, value] of Object.entries({ REVSEARCH_QUERY_BIN: QUERY_BIN, REVSEARCH_DB: DB, REVSEARCH_OUT: OUT,
                                            REVSEARCH_COPIES_DB: COPIES_DB })) {
  if (!value) {
    console.error(`browser test: ${name} is not set (run tests/browser/run)`);
    process.exit(2);
  }
}
mkdirSync(OUT, { recursive: true });

/** Starts `revsearch-query --serve 127.0.0.1:0` and resolves with its URL once it prints it. */
function startServer(db = DB) {
  const child = spawn(QUERY_BIN, ["--db", db, "--serve", "127.0.0.1:0"], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL from the server in 20 s:\n${stderr}`)), 20000);
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
      const m = stderr.match(/http:\/\/127\.0\.0\.1:\d+\//);
      if (m) {
        clearTimeout(timer);
        resolve(m[0]);
      }
    });
    exited.then(({ code }) => reject(new Error(`the server exited (${code}) before listening:\n${stderr}`)));
  });
  return { child, ready, exited, stderr: () => stderr };
}

const results = { passed: 0, failed: 0 };
async function check(name, body) {
  try {
    await body();
    results.passed++;
    console.log(`ok - ${name}`);
  } catch (e) {
    results.failed++;
    console.log(`not ok - ${name}\n  ${String(e && e.stack ? e.stack : e).split("\n").join("\n  ")}`);
  }
}

const server = startServer();
const base = await server.ready;
console.log(`# server at ${base}`);
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
const screenshots = [];
let page;

try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.setDefaultTimeout(15000);
  const consoleErrors = [];
  const foreignRequests = [];
  page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  page.on("request", (r) => { if (!r.url().startsWith(base) && !r.url().startsWith("data:")) foreignRequests.push(r.url()); });
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener("securitypolicyviolation", (e) => window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });

  const hitCount = () => page.locator("#hits > li.hit").count();
  const summary = () => page.locator("#summary").innerText();
  // Waits until the results on show are those of the address's state (the page records it).
  const settled = () => page.waitForFunction(() => location.hash !== "" &&
    document.querySelector("#results").dataset.shown === location.hash &&
    !document.querySelector("#results").hasAttribute("aria-busy"));
  async function search(q) {
    await page.fill("#q", q);
    await page.press("#q", "Enter");
    await page.waitForFunction((want) => new URLSearchParams(location.hash.slice(1)).get("q") === want, q);
    await settled();
  }

  await check("the page loads from the server alone and shows the size of the index", async () => {
    await page.goto(base);
    await page.waitForFunction(() => /\d+ reviews/.test(document.querySelector("#index-size").textContent));
    assert.match(await page.locator("#index-size").innerText(), /28 reviews/);
    assert.match(await summary(), /Type a query/);
    // Before a search, the index's topics are offered to browse.
    assert.ok((await page.locator("#facet-topic button").count()) > 5);
  });

  await check("a query lists hits with highlighted snippets, reviewer, date, rating and topics", async () => {
    await search("compassion fatigue");
    const n = await hitCount();
    assert.ok(n >= 4, `expected at least 4 hits, got ${n}`);
    const marks = await page.locator("#hits .snippet mark").allInnerTexts();
    assert.ok(marks.length > 0, "no highlighted words");
    assert.ok(marks.some((m) => /compassion|fatigue/i.test(m)), `marks: ${marks.join(", ")}`);
    const first = page.locator("#hits > li.hit").first();
    assert.match(await first.locator("> .meta").innerText(), /\d{4}/);
    assert.ok((await page.locator("#hits .stars").count()) > 0, "no rating stars");
    assert.ok((await first.locator(".topics .chip").count()) > 0, "no topic chips");
    // The page asks for facets, which count the whole match, so its count is exact: a
    // number, never worded as an estimate (issue 17, point 4).
    assert.match(await summary(), /Results 1–\d+ of \d+$/);
    assert.doesNotMatch(await summary(), /about|estimated/);
  });

  let chosenTopic;
  await check("clicking a topic facet narrows the results to reviews with that topic", async () => {
    const before = await hitCount();
    const buttons = page.locator("#facet-topic button");
    const facets = [];
    for (let i = 0; i < (await buttons.count()); i++) {
      const b = buttons.nth(i);
      facets.push({ value: await b.getAttribute("data-value"), count: Number(await b.locator(".count").innerText()) });
    }
    const pick = facets.find((f) => f.count > 0 && f.count < before);
    assert.ok(pick, `no topic narrower than ${before} hits among ${JSON.stringify(facets)}`);
    chosenTopic = pick.value;
    await page.locator(`#facet-topic button[data-value="${pick.value}"]`).click();
    await page.waitForFunction((t) => [...document.querySelectorAll("#active-filters .chip")].some((c) => c.textContent.includes(`topic:${t}`)), pick.value);
    await page.waitForFunction((want) => document.querySelectorAll("#hits > li.hit").length === want, pick.count);
    // The count beside the facet is the count the summary gives for the filtered search.
    assert.match(await summary(), new RegExp(`of ${pick.count}$`));
    const topicsPerHit = await page.locator("#hits > li.hit").evaluateAll((hits) =>
      hits.map((h) => [...h.querySelectorAll(".topics .chip")].map((c) => c.textContent)));
    for (const topics of topicsPerHit) assert.ok(topics.includes(pick.value), `a hit without ${pick.value}: ${topics}`);
    assert.equal(await page.locator(`#facet-topic button[data-value="${pick.value}"]`).getAttribute("aria-pressed"), "true");
  });

  await check("clicking a bar of the year histogram filters by that year", async () => {
    await page.locator("#active-filters .chip").first().click();  // back to all topics
    await page.waitForFunction(() => document.querySelector("#active-filters .hint"));
    await page.waitForSelector("#hist-year rect.bar");
    const bars = await page.locator("#hist-year rect.bar").evaluateAll((rs) =>
      rs.map((r) => ({ filter: r.getAttribute("data-filter"), label: r.getAttribute("aria-label") })));
    const bar = bars.find((b) => !/: 0 reviews$/.test(b.label));
    assert.ok(bar, "no non-empty bar");
    const year = bar.filter.split(":")[1];
    await page.locator(`#hist-year rect.bar[data-filter="${bar.filter}"]`).click();
    await page.waitForFunction((f) => [...document.querySelectorAll("#active-filters .chip")].some((c) => c.textContent.includes(f)), bar.filter);
    await page.waitForFunction((y) => {
      const metas = [...document.querySelectorAll("#hits > li.hit > .meta")];
      return metas.length > 0 && metas.every((m) => m.textContent.includes(y));
    }, year);
    assert.equal(await page.locator(`#hist-year rect.bar.on[data-filter="${bar.filter}"]`).count(), 1);
    await page.locator("#active-filters .chip").first().click();
    await page.waitForFunction(() => document.querySelector("#active-filters .hint"));
  });

  await check("clicking a result opens the whole review, with the query's words marked", async () => {
    await search("compassion fatigue");
    const title = await page.locator("#hits .hit-title").first().innerText();
    await page.locator("#hits .hit-title").first().click();
    await page.waitForSelector("#review-dialog[open]");
    assert.equal(await page.locator("#review-title").innerText(), title);
    const body = await page.locator("#review-body").innerText();
    assert.ok(body.length > 300, `short body: ${body.length} characters`);
    assert.ok((await page.locator("#review-body mark").count()) > 0, "no marks in the review");
    assert.ok((await page.locator("#review-body p").count()) >= 2, "paragraphs not kept");
    const shot = path.join(OUT, "search-page.png");
    await page.screenshot({ path: shot });
    screenshots.push(shot);
    await page.click("#review-close");
    await page.waitForFunction(() => !document.querySelector("#review-dialog").open);
  });

  await check("the pager moves to the next page of results", async () => {
    await search("book");
    assert.equal(await hitCount(), 10);
    const shot = path.join(OUT, "search-page-results.png");
    await page.screenshot({ path: shot, fullPage: true });
    screenshots.push(shot);
    await page.getByRole("button", { name: "Next ›" }).click();
    await page.waitForFunction(() => /^11\./.test(document.querySelector("#hits > li.hit .rank")?.textContent || ""));
    assert.match(page.url(), /page=2/);
    assert.match(await summary(), /Results 11–/);
    await page.goBack();
    await page.waitForFunction(() => /^1\./.test(document.querySelector("#hits > li.hit .rank")?.textContent || ""));
  });

  await check("markup in a review is shown as text and never runs", async () => {
    await search("pwned");
    assert.equal(await hitCount(), 1);
    const hit = page.locator("#hits > li.hit").first();
    assert.match(await hit.locator(".hit-title").innerText(), /<img src=x onerror="window\.__pwned=1"> Pwned by markup/);
    assert.match(await hit.locator("> .meta").innerText(), /<script>window\.__pwned=2<\/script>Mallory/);
    assert.match(await hit.locator(".snippet").innerText(), /<script>window\.__pwned=3<\/script>/);
    assert.ok((await hit.locator(".topics .chip", { hasText: "<b>bold</b> topic" }).count()) === 1);
    assert.equal(await page.locator("#hits script, #hits img, #hits b, #hits i, #hits a").count(), 0);
    await hit.locator(".hit-title").click();
    await page.waitForSelector("#review-dialog[open]");
    assert.match(await page.locator("#review-body").innerText(), /<a href="javascript:window\.__pwned=7">hostile<\/a>/);
    assert.equal(await page.locator("#review-dialog a, #review-dialog script, #review-dialog img").count(), 0);
    await page.click("#review-close");
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
  });

  await check("the console shows no errors and the content security policy blocked nothing", async () => {
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(await page.evaluate(() => window.__cspViolations), []);
    assert.deepEqual(foreignRequests, []);
  });

  // Another server, on another port: after the check of foreign requests above.
  await check("the page shows one of each review, and lists a review's copies on request", async () => {
    const copies = startServer(COPIES_DB);
    try {
      const copiesBase = await copies.ready;
      await page.goto(`${copiesBase}#q=kettle`);
      await settled();
      assert.equal(await hitCount(), 2);
      assert.equal(await page.locator("#distinct").isChecked(), true);
      assert.match(await summary(), /2 duplicate copies folded in/);
      const more = page.locator("#hits .copies");
      assert.equal(await more.count(), 1);
      assert.equal(await more.innerText(), "+2 more copies");
      // The stars are the rating on the 0-5 scale; the rating as given stands beside them.
      assert.match(await page.locator("#hits .stars").allInnerTexts().then((t) => t.join(" ")), /9\/10/);
      await more.click();
      await page.waitForFunction(() => (new URLSearchParams(location.hash.slice(1)).get("q") || "").startsWith("dup:"));
      await settled();
      assert.equal(await hitCount(), 3);
      assert.equal(await page.locator("#distinct").isChecked(), false);
      await search("kettle");
      assert.equal(await hitCount(), 4);  // the box stays unticked: every copy
      await page.locator("#distinct").check();
      await page.waitForFunction(() => !new URLSearchParams(location.hash.slice(1)).has("all"));
      await settled();
      assert.equal(await hitCount(), 2);
    } finally {
      copies.child.kill("SIGTERM");
      await copies.exited;
      await page.goto(base);
    }
  });

  await check("on a narrow phone screen the page fits its width and still searches", async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const small = await phone.newPage();
    small.setDefaultTimeout(15000);
    await small.goto(`${base}#q=${encodeURIComponent(chosenTopic || "mindfulness")}`);
    await small.waitForSelector("#hits > li.hit");
    const widths = await small.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
    assert.ok(widths.scroll <= widths.inner, `the page is ${widths.scroll}px wide on a ${widths.inner}px screen`);
    // The filters are folded above the results, and open with a tap.
    assert.equal(await small.locator("#facet-topic").isVisible(), false);
    const shot = path.join(OUT, "search-page-narrow.png");
    await small.screenshot({ path: shot });
    screenshots.push(shot);
    await small.locator("#filters-panel > summary").tap();
    await small.locator("#facet-topic button").first().waitFor({ state: "visible" });
    const topic = await small.locator("#facet-topic button").first().getAttribute("data-value");
    await small.locator("#facet-topic button").first().tap();
    await small.waitForFunction((t) => new URLSearchParams(location.hash.slice(1)).getAll("filter").includes(`topic:${t}`) &&
      document.querySelector("#results").dataset.shown === location.hash, topic);
    assert.match(await small.locator("#filter-count").innerText(), /1 on/);
    const open = path.join(OUT, "search-page-narrow-filters.png");
    await small.screenshot({ path: open });
    screenshots.push(open);
    await phone.close();
  });
} catch (e) {
  results.failed++;
  console.log(`not ok - the test could not go on: ${e && e.stack ? e.stack : e}`);
} finally {
  if (results.failed > 0 && page) {
    const shot = path.join(OUT, "search-page-failure.png");
    await page.screenshot({ path: shot, fullPage: true }).catch(() => {});
    screenshots.push(shot);
  }
  await browser.close();
  server.child.kill("SIGTERM");
  const { code, signal } = await server.exited;
  if (code !== 0) {
    results.failed++;
    console.log(`not ok - the server stops cleanly on SIGTERM (exit ${code}, signal ${signal})\n${server.stderr()}`);
  } else {
    results.passed++;
    console.log("ok - the server stops cleanly on SIGTERM");
  }
}

for (const shot of screenshots) console.log(`screenshot: ${shot}`);
console.log(`${results.passed} passed, ${results.failed} failed`);
process.exit(results.failed === 0 ? 0 : 1);
