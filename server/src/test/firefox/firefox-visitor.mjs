// One visit participant in Debian's Firefox ESR, driven over WebDriver BiDi (there is no geckodriver here).
// Usage: node firefox-visitor.mjs <join URL> <seconds> [getUserMedia constraints as JSON]
// Joins with Firefox's fake camera and microphone, then prints one JSON line of what it receives every
// second ({"frames":…,"minFrames":…,"videos":…,"audioPackets":…,"minAudioPackets":…,"audios":…,"state":…,
// "error":…,"sent":[{"rid":…,"width":…}…]}; the minima are over the streams, so one stalled stream shows; "sent"
// lists the video layers it sends) until <seconds> pass.
import { launchFirefox } from './firefox-launch.mjs';

const [url, seconds] = [process.argv[2], Number(process.argv[3] || 60)];
const constraints = process.argv[4] ? JSON.parse(process.argv[4]) : { audio: true, video: { width: 320, height: 240, frameRate: 15 } };

const browser = await launchFirefox();
try {
  const page = await browser.newPage();
  await page.evaluateOnNewDocument((wanted) => {
    window.vardmoteMediaConstraints = wanted;
    window.vardmoteSkipCheck = true; // straight into the visit: the pre-call check is tested in Chromium
  }, constraints);
  await page.goto(url);
  for (let i = 0; i < seconds; i++) {
    await new Promise(r => setTimeout(r, 1000));
    const seen = await page.evaluate(async () => {
      const v = window.vardmote || {};
      const out = { frames: 0, minFrames: 0, videos: 0, audioPackets: 0, minAudioPackets: 0, audios: 0, state: v.state || null,
                    error: v.lastError ? (v.lastError.code || String(v.lastError)) : null, sent: [] };
      if (v.publishPc) {
        (await v.publishPc.getStats()).forEach(s => {
          if (s.type === 'outbound-rtp' && s.kind === 'video') out.sent.push({ rid: s.rid || null, width: s.frameWidth || 0 });
        });
      }
      if (!v.subscribePc) return out;
      (await v.subscribePc.getStats()).forEach(s => {
        if (s.type !== 'inbound-rtp') return;
        const frames = s.framesDecoded || 0, packets = s.packetsReceived || 0;
        if (s.kind === 'video') { out.minFrames = out.videos++ ? Math.min(out.minFrames, frames) : frames; out.frames += frames; }
        if (s.kind === 'audio') { out.minAudioPackets = out.audios++ ? Math.min(out.minAudioPackets, packets) : packets; out.audioPackets += packets; }
      });
      return out;
    });
    console.log(JSON.stringify(seen));
  }
} finally {
  await browser.close();
}
