// One Debian Firefox ESR for the page tests, driven over WebDriver BiDi and steered by the Java test one command
// at a time, so that a whole visit (check, lobby, visit, ended) runs in one launch. Each page is a window in a
// browser context of its own (its own storage, as another person's browser would be).
// Usage: node firefox-browser.mjs <axe.min.js>   (VARDMOTE_COLOR_SCHEME=dark for the dark colour scheme)
// Reads one JSON command a line on stdin and answers each with one JSON line on stdout, {"id","ok":true,"value"}
// or {"id","ok":false,"error"}:
//   {"id","op":"open","page","url","lang","skipCheck"}  a 1280×800 window in the language chosen on this device,
//                                                        the fake camera at 320×240, straight into the visit if
//                                                        skipCheck; confirm() dialogs are accepted
//   {"id","op":"evaluate","page","fn"}                   the value of fn (a function's source; may be async)
//   {"id","op":"click","page","selector"}
//   {"id","op":"viewport","page","width","height"}
//   {"id","op":"audit","page"}                           axe-core with the WCAG 2.1 AA tags: {"violations":
//                                                        [{"id","impact","targets"}],"passes","incomplete",
//                                                        "documentLang","viewport","errors"} (viewport: its CSS
//                                                        width x height; errors: uncaught, so far)
//   {"id","op":"close","page"}
// Firefox closes when stdin ends.
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { launchFirefox } from './firefox-launch.mjs';

const axeSource = readFileSync(process.argv[2], 'utf8');
const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const browser = await launchFirefox();
const pages = new Map(); // name -> {context, page, errors}

function opened(name) {
  const p = pages.get(name);
  if (!p) throw new Error('no page ' + name);
  return p;
}

async function open({ page: name, url, lang, skipCheck }) {
  const context = await browser.createBrowserContext();
  const page = await context.newPage({ type: 'window' });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String((e && e.message) || e)));
  page.on('dialog', (d) => d.accept().catch(() => {}));
  await page.setViewport({ width: 1280, height: 800 });
  await page.evaluateOnNewDocument((chosen, skip) => {
    try { localStorage.setItem('vardmote.lang', chosen); } catch (e) { /* storage refused: the default stays */ }
    window.vardmoteMediaConstraints = { audio: true, video: { width: 320, height: 240, frameRate: 15 } };
    if (skip) window.vardmoteSkipCheck = true;
  }, lang, Boolean(skipCheck));
  pages.set(name, { context, page, errors });
  await page.goto(url);
  return null;
}

async function audit({ page: name }) {
  const { page, errors } = opened(name);
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.evaluate(axeSource);
  const found = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } })
    .then((r) => ({
      violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target.join(' ')) })),
      passes: r.passes.length,
      incomplete: r.incomplete.map((v) => v.id),
    })), WCAG_21_AA);
  found.documentLang = await page.evaluate(() => document.documentElement.lang);
  found.viewport = await page.evaluate(() => `${window.innerWidth}x${window.innerHeight}`);
  found.errors = [...errors];
  return found;
}

const OPS = {
  open,
  audit,
  evaluate: ({ page, fn }) => opened(page).page.evaluate(`(${fn})()`),
  click: async ({ page, selector }) => { await opened(page).page.click(selector); return null; },
  viewport: async ({ page, width, height }) => { await opened(page).page.setViewport({ width, height }); return null; },
  close: async ({ page }) => {
    const p = opened(page);
    pages.delete(page);
    await p.context.close();
    return null;
  },
};

try {
  for await (const line of createInterface({ input: process.stdin })) {
    if (!line.trim()) continue;
    let command = { id: null };
    try {
      command = JSON.parse(line);
      const value = await OPS[command.op](command);
      console.log(JSON.stringify({ id: command.id, ok: true, value: value === undefined ? null : value }));
    } catch (e) {
      console.log(JSON.stringify({ id: command.id, ok: false, error: String((e && e.stack) || e) }));
    }
  }
} finally {
  await browser.close();
}
