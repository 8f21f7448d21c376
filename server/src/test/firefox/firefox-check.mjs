// The pre-call check's media checks in Debian's Firefox ESR, driven over WebDriver BiDi.
// Usage: node firefox-check.mjs <check URL> [relay]   (relay: the page may use the server's TURN relay alone)
// Opens the check, waits for the media path verdict, runs the echo test, and prints one JSON line:
// {"media":{verdict,rttMs,kbps,tcp,relay},"mediaText":…,"echo":{packets,energy},"echoVerdict":…,"errors":[…]}.
import { launchFirefox } from './firefox-launch.mjs';

const url = process.argv[2];
const relayOnly = process.argv[3] === 'relay';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const browser = await launchFirefox();
const out = { errors: [] };
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => out.errors.push(String(e)));
  await page.evaluateOnNewDocument((relay) => {
    window.vardmoteMediaConstraints = { audio: true, video: { width: 320, height: 240, frameRate: 15 } };
    if (relay) window.vardmoteIceTransportPolicy = 'relay';
  }, relayOnly);
  await page.goto(url);
  for (let i = 0; i < 60; i++) {
    await sleep(500);
    const verdict = await page.evaluate(() => window.vardmotePrecall && window.vardmotePrecall.current
      && window.vardmotePrecall.current.state.media.verdict);
    if (verdict && verdict !== 'checking') break;
  }
  out.media = await page.evaluate(() => ({ ...window.vardmotePrecall.current.state.media }));
  out.mediaText = await page.evaluate(() => document.querySelector('[data-testid=media-verdict]').textContent);
  await page.evaluate(() => document.querySelector('[data-testid=echo-test]').click());
  for (let i = 0; i < 60; i++) {
    await sleep(500);
    out.echo = await page.evaluate(async () => {
      const e = window.vardmotePrecall.current.echo;
      const seen = { packets: 0, energy: 0 };
      if (!e || !e.session.subscribePc) return seen;
      (await e.session.subscribePc.getStats()).forEach((s) => {
        if (s.type === 'inbound-rtp' && s.kind === 'audio') {
          seen.packets = s.packetsReceived || 0;
          seen.energy = s.totalAudioEnergy || 0;
        }
      });
      return seen;
    });
    if (out.echo.packets >= 75) break;
  }
  for (let i = 0; i < 40; i++) {
    out.echoVerdict = await page.evaluate(() => window.vardmotePrecall.current.state.echo.verdict);
    if (out.echoVerdict !== 'running') break;
    await sleep(500);
  }
} catch (e) {
  out.errors.push(String(e));
} finally {
  console.log(JSON.stringify(out));
  await browser.close();
}
