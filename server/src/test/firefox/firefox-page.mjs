// One page of the web client in Debian's Firefox ESR, driven over WebDriver BiDi, audited with axe-core.
// Usage: node firefox-page.mjs <URL> <axe.min.js> <sv|en> <check|visit> [seconds to stay]
// check: waits for the pre-call check, its camera preview and its verdicts;
// visit: waits until the visit shows a remote picture that plays. Then runs axe (WCAG 2.1 AA tags) and prints one
// JSON line: {"screen","lang","violations":[{"id","impact","targets"}],"passes","preview","verdicts","errors","documentLang"}.
// With seconds to stay, it then stays in the page (a visit goes on for the other side) before closing.
import { readFileSync } from 'node:fs';
import { launchFirefox } from './firefox-launch.mjs';

const [url, axePath, lang, screen] = process.argv.slice(2, 6);
const stay = Number(process.argv[6] || 0);
const axeSource = readFileSync(axePath, 'utf8');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const browser = await launchFirefox();
const errors = [];
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 800 });
  page.on('pageerror', (e) => errors.push(String(e && e.message || e)));
  await page.evaluateOnNewDocument((chosen, isVisit) => {
    try { localStorage.setItem('vardmote.lang', chosen); } catch (e) { /* storage refused: the default stays */ }
    window.vardmoteMediaConstraints = { audio: true, video: { width: 320, height: 240, frameRate: 15 } };
    if (isVisit) window.vardmoteSkipCheck = true;
  }, lang, screen === 'visit');
  await page.goto(url);
  const out = { screen, lang, preview: null, verdicts: {} };
  if (screen === 'check') {
    await page.waitForSelector('[data-testid=precall]:not([hidden])', { timeout: 20000 });
    for (let i = 0; i < 100 && !out.preview; i++) {
      out.preview = await page.evaluate(() => {
        const v = document.querySelector('[data-testid=precall] video');
        return v && v.readyState >= 2 && v.videoWidth > 0 ? v.videoWidth + 'x' + v.videoHeight : null;
      });
      if (!out.preview) await sleep(100);
    }
    // Web Audio: headless Firefox here has no sound device, so its AudioContext stays suspended and the meter
    // cannot move (Chromium's tests check the meter); reported, not asserted.
    out.audioContext = await page.evaluate(() => new AudioContext().state);
    await sleep(600);
    out.micTouchHint = await page.evaluate(() => {
      const hint = document.querySelector('[data-testid=mic-level-touch]');
      return hint && !hint.hidden ? hint.textContent : null;
    });
    for (let i = 0; i < 200; i++) {
      out.verdicts = await page.evaluate(() => {
        const v = {};
        document.querySelectorAll('[data-verdict]').forEach((e) => { v[e.dataset.testid || e.id] = e.dataset.verdict; });
        return v;
      });
      if (!Object.values(out.verdicts).includes('checking')) break;
      await sleep(100);
    }
  } else {
    for (let i = 0; i < 600; i++) {
      const playing = await page.evaluate(() => window.vardmote && window.vardmote.state === 'joined'
        && [...document.querySelectorAll('.tile:not(.own) video')].some((v) => v.readyState >= 2 && v.videoWidth > 0));
      if (playing) break;
      await sleep(100);
    }
    out.state = await page.evaluate(() => window.vardmote && window.vardmote.state);
  }
  out.documentLang = await page.evaluate(() => document.documentElement.lang);
  await page.evaluate(axeSource);
  const results = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
  }).then((r) => ({
    violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target.join(' ')) })),
    passes: r.passes.length,
  })));
  Object.assign(out, results, { errors });
  console.log(JSON.stringify(out));
  if (stay > 0) await sleep(stay * 1000);
} finally {
  await browser.close();
}
