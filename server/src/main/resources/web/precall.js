// vardmote pre-call check: what a person sees before a visit (on /join, before the lobby) and on /check
// (no token, nothing joined). Camera preview, camera / microphone / speaker pickers, a live microphone level,
// a test tone, a light check from the camera's own frames, a check of the connection to this server, a check of the
// media path to its media port and an echo test (both in mediacheck.js).
// Nothing here is needed to join: the Join button works from the first moment.
//
// Used through window.vardmotePrecall.run(options); holds no words of its own (the host's t() gives them).
'use strict';

(() => {
  // The light check: frames drawn small, luma (Rec. 601, 0–255) of the whole, of the centre (where a face
  // is) and of the edges (where a window or lamp behind a person shows).
  const LIGHT_SAMPLE_MS = 400;
  const LIGHT_WIDTH = 64;
  const LIGHT_HEIGHT = 48;
  const DARK_BELOW = 60;            // mean luma under this: too dark to see a face well
  const BACKLIT_EDGE_OVER = 150;    // edges at least this bright …
  const BACKLIT_CONTRAST = 60;      // … and this much brighter than the centre: light behind the person
  // The connection check: WebSocket pings to this server, answered with pong.
  const NETWORK_PINGS = 5;
  const NETWORK_TIMEOUT_MS = 6000;
  const NETWORK_SLOW_MS = 300;      // a round trip above this is noticeable in conversation
  const MIC_SAMPLE_MS = 100;
  const MIC_FLOOR_DB = 60;          // the meter shows -60 dBFS (silence) to 0 dBFS
  const DEVICES_KEY = 'vardmote.devices';

  // The check's heading and controls, the same on /join and /check: written once, into each page's placeholder
  // (this script runs deferred, after the page is parsed and before the page's own script; words come later,
  // from the catalogues, through the data-i18n attributes).
  const CONTROLS = `
    <h2 id="precall-heading" data-i18n="precallHeading">Innan du ansluter</h2>
    <p class="precall-intro" data-i18n="precallIntro">Kontrollera bild och ljud. Allt är valfritt: du kan ansluta direkt.</p>
    <p class="precall-note" data-testid="precall-devices" role="alert" hidden></p>
    <div class="precall-body">
      <div class="precall-preview">
        <video data-testid="precall-preview" autoplay playsinline muted></video>
      </div>
      <div class="precall-settings">
        <div class="precall-field precall-camera">
          <label for="camera-picker" data-i18n="cameraLabel">Kamera</label>
          <select id="camera-picker" data-testid="camera-picker"></select>
        </div>
        <div class="precall-field">
          <label for="microphone-picker" data-i18n="microphoneLabel">Mikrofon</label>
          <select id="microphone-picker" data-testid="microphone-picker"></select>
          <label for="mic-level" class="precall-hint" data-i18n="micLevelLabel">Mikrofonnivå – säg något, stapeln ska röra sig</label>
          <meter id="mic-level" data-testid="mic-level" min="0" max="1" low="0.15" high="0.95" optimum="0.6" value="0" data-level="0"></meter>
          <p class="precall-hint" data-testid="mic-level-touch" data-i18n="micLevelTouch" hidden>Klicka eller tryck någonstans på sidan så visar stapeln ljudet</p>
        </div>
        <div class="precall-field precall-speaker">
          <label for="speaker-picker" data-i18n="speakerLabel">Högtalare</label>
          <select id="speaker-picker" data-testid="speaker-picker"></select>
        </div>
        <div class="precall-buttons">
          <button type="button" class="secondary" data-testid="speaker-test" data-i18n="speakerTest">Spela testljud</button>
          <button type="button" class="secondary" data-testid="echo-test" aria-pressed="false" data-i18n="echoStart">Hör dig själv (ekotest)</button>
        </div>
        <div class="precall-verdicts" aria-live="polite">
          <p class="precall-light"><strong data-i18n="lightHeading">Ljus:</strong> <span data-testid="light-verdict" data-verdict="checking"></span></p>
          <p><strong data-i18n="networkHeading">Anslutning:</strong> <span data-testid="network-verdict" data-verdict="checking"></span></p>
          <p><strong data-i18n="mediaHeading">Videoanslutning:</strong> <span data-testid="media-verdict" data-verdict="checking"></span></p>
          <p class="precall-echo" hidden><strong data-i18n="echoHeading">Ekotest:</strong> <span data-testid="echo-verdict" data-verdict="idle"></span></p>
        </div>
      </div>
    </div>
  `;
  document.querySelectorAll('[data-precall-controls]').forEach((e) => { e.outerHTML = CONTROLS; });

  /** The device ids chosen on this device before (localStorage), or {}. */
  function rememberedDevices() {
    try {
      return JSON.parse(localStorage.getItem(DEVICES_KEY) || '{}') || {};
    } catch (e) {
      return {};
    }
  }

  function rememberDevices(choice) {
    try {
      localStorage.setItem(DEVICES_KEY, JSON.stringify(choice));
    } catch (e) {
      // not kept: this visit still uses them
    }
  }

  /** getUserMedia constraints for one kind: the host's (tests ask for small frames), with a device if chosen. */
  function constraintFor(kind, base, deviceId, exact) {
    const own = base && base[kind] && typeof base[kind] === 'object' ? { ...base[kind] } : {};
    if (deviceId) own.deviceId = exact ? { exact: deviceId } : { ideal: deviceId };
    return Object.keys(own).length ? own : true;
  }

  /** Luma of a 64×48 RGBA frame: mean, centre (the middle half in each direction) and the rest (edges). */
  function measureLight(data, width, height) {
    let all = 0, centre = 0, centreCount = 0, edge = 0, edgeCount = 0;
    for (let y = 0; y < height; y++) {
      const inRows = y >= height / 4 && y < height * 3 / 4;
      for (let x = 0; x < width; x++) {
        const i = (y * width + x) * 4;
        const luma = 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
        all += luma;
        if (inRows && x >= width / 4 && x < width * 3 / 4) {
          centre += luma;
          centreCount++;
        } else {
          edge += luma;
          edgeCount++;
        }
      }
    }
    return { mean: all / (width * height), centre: centre / centreCount, edge: edge / edgeCount };
  }

  /** ok, dark or backlit, from one measurement. */
  function lightVerdict(m) {
    if (m.edge >= BACKLIT_EDGE_OVER && m.edge - m.centre >= BACKLIT_CONTRAST) return 'backlit';
    if (m.mean < DARK_BELOW) return 'dark';
    return 'ok';
  }

  /** Round trips of WebSocket pings to this server: {verdict: ok|slow|failed, rttMs}. */
  function checkNetwork() {
    return new Promise((resolve) => {
      const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
      let socket;
      const rtts = [];
      let sentAt = 0;
      let done = false;
      const finish = (result) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        try {
          socket.close(1000);
        } catch (e) {
          // already closed
        }
        resolve(result);
      };
      const timer = setTimeout(() => finish({ verdict: 'failed', rttMs: null }), NETWORK_TIMEOUT_MS);
      const ping = () => {
        sentAt = performance.now();
        socket.send(JSON.stringify({ type: 'ping' }));
      };
      try {
        socket = new WebSocket(`${scheme}://${location.host}/ws`);
      } catch (e) {
        finish({ verdict: 'failed', rttMs: null });
        return;
      }
      socket.addEventListener('open', ping);
      socket.addEventListener('message', (event) => {
        let msg = null;
        try {
          msg = JSON.parse(event.data);
        } catch (e) {
          // not ours
        }
        if (!msg || msg.type !== 'pong') return;
        rtts.push(performance.now() - sentAt);
        if (rtts.length < NETWORK_PINGS) {
          ping();
          return;
        }
        // The first round trip pays for the connection's warm-up: the median of the rest.
        const sorted = rtts.slice(1).sort((a, b) => a - b);
        const rttMs = Math.round(sorted[Math.floor(sorted.length / 2)]);
        finish({ verdict: rttMs > NETWORK_SLOW_MS ? 'slow' : 'ok', rttMs });
      });
      socket.addEventListener('error', () => finish({ verdict: 'failed', rttMs: null }));
      socket.addEventListener('close', () => finish({ verdict: 'failed', rttMs: null }));
    });
  }

  /**
   * Shows the check in {@code root} (the [data-testid=precall] section) and runs it.
   * options: t(key, params) for words; audioOnly (interpreters: no camera, no light check); constraints (the
   * host's getUserMedia constraints, for sizes); joinable (false on /check: no Join button).
   * Returns a controller: {state, done (a promise of {stream, devices} when Join is pressed), relabel(), stop()}.
   */
  function run(options) {
    const t = options.t;
    const audioOnly = !!options.audioOnly;
    const base = options.constraints || null;
    const root = options.root;
    const q = (id) => root.querySelector(`[data-testid="${id}"]`);
    const el = {
      preview: q('precall-preview'),
      previewBox: root.querySelector('.precall-preview'),
      camera: q('camera-picker'),
      microphone: q('microphone-picker'),
      speaker: q('speaker-picker'),
      cameraRow: root.querySelector('.precall-camera'),
      speakerRow: root.querySelector('.precall-speaker'),
      micLevel: q('mic-level'),
      micLevelTouch: q('mic-level-touch'),
      speakerTest: q('speaker-test'),
      light: q('light-verdict'),
      lightRow: root.querySelector('.precall-light'),
      network: q('network-verdict'),
      media: q('media-verdict'),
      echo: q('echo-verdict'),
      echoRow: root.querySelector('.precall-echo'),
      echoButton: q('echo-test'),
      devicesNote: q('precall-devices'),
      join: q('join'),
    };
    const state = {
      stream: null,
      devices: { ...rememberedDevices() },      // {videoinput, audioinput, audiooutput}: device ids
      light: { verdict: 'checking', mean: null, centre: null, edge: null, samples: 0 },
      network: { verdict: 'checking', rttMs: null },
      media: { verdict: 'checking', rttMs: null, kbps: null, tcp: false, relay: false },
      echo: { verdict: 'idle', energy: 0 },
      micLevel: 0,
      audioOnly,
    };
    const timers = [];
    let audio = null;           // {context, analyser, source}
    let stopped = false;
    let lightCandidate = null;  // a new light verdict shows once two samples in a row agree
    let echo = null;            // the echo test while it runs (mediacheck.js)
    const canvas = document.createElement('canvas');
    canvas.width = LIGHT_WIDTH;
    canvas.height = LIGHT_HEIGHT;
    const drawing = canvas.getContext('2d', { willReadFrequently: true });

    root.hidden = false;
    el.cameraRow.hidden = audioOnly;
    el.previewBox.hidden = audioOnly;
    el.lightRow.hidden = audioOnly;
    // Choosing where sound plays needs setSinkId (Chromium, Edge, Firefox 116+); elsewhere the system decides.
    const canChooseSpeaker = typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;
    el.speakerRow.hidden = !canChooseSpeaker;

    let resolveJoin;
    const done = new Promise((resolve) => { resolveJoin = resolve; });
    if (el.join) {
      el.join.addEventListener('click', () => {
        const result = { stream: state.stream, devices: { ...state.devices } };
        rememberDevices(state.devices);
        stop(true);
        resolveJoin(result);
      });
    }
    el.speakerTest.addEventListener('click', playTestTone);
    el.echoButton.addEventListener('click', toggleEcho);
    el.camera.addEventListener('change', () => changeDevice('video', el.camera.value));
    el.microphone.addEventListener('change', () => changeDevice('audio', el.microphone.value));
    el.speaker.addEventListener('change', () => {
      state.devices.audiooutput = el.speaker.value || null;
      rememberDevices(state.devices);
    });
    if (navigator.mediaDevices && navigator.mediaDevices.addEventListener) {
      navigator.mediaDevices.addEventListener('devicechange', listDevices);
    }

    renderLight();
    renderNetwork();
    renderMedia();
    openDevices().then(() => {
      if (stopped) return;
      listDevices();
      startMicLevel();
      if (!audioOnly) timers.push(setInterval(sampleLight, LIGHT_SAMPLE_MS));
    });
    checkNetwork().then((result) => {
      if (stopped) return;
      state.network = result;
      renderNetwork();
    });
    const checks = window.vardmoteMediaCheck;
    if (checks) {
      checks.checkPath({ isStopped: () => stopped }).then((result) => {
        if (stopped) return;
        state.media = result;
        renderMedia();
      });
    }

    /** The echo test: starts, or stops early when pressed again. */
    async function toggleEcho() {
      if (echo) {
        echo.stop();
        return;
      }
      const track = state.stream && state.stream.getAudioTracks()[0];
      if (!track || !checks) {
        state.echo = { verdict: 'nomic', energy: 0 };
        renderEcho();
        return;
      }
      const handle = checks.startEcho(track, { sinkId: state.devices.audiooutput });
      echo = handle;
      controller.echo = handle;
      state.echo = { verdict: 'running', energy: 0 };
      renderEcho();
      const result = await handle.result;
      if (echo === handle) echo = null;
      if (stopped) return;
      state.echo = result;
      renderEcho();
    }

    /** Camera and microphone as remembered (or the defaults), the camera left out for interpreters. */
    async function openDevices() {
      const wanted = {
        audio: constraintFor('audio', base, state.devices.audioinput, false),
        video: audioOnly ? false : constraintFor('video', base, state.devices.videoinput, false),
      };
      try {
        state.stream = await navigator.mediaDevices.getUserMedia(wanted);
      } catch (e) {
        try {
          state.stream = await navigator.mediaDevices.getUserMedia({ audio: wanted.audio });
          if (!audioOnly) noteDevices('cameraFailed');
        } catch (e2) {
          state.stream = null;
          noteDevices('precallDevicesFailed');
        }
      }
      if (stopped) {
        if (state.stream) state.stream.getTracks().forEach((track) => track.stop());
        return;
      }
      showPreview();
      readChosenDevices();
    }

    function noteDevices(key) {
      el.devicesNote.hidden = false;
      el.devicesNote.dataset.i18n = key;
      el.devicesNote.textContent = t(key);
    }

    function showPreview() {
      if (audioOnly) return;
      el.preview.srcObject = state.stream;
      el.preview.play().catch(() => {});
    }

    /** What the browser actually opened (the default, or the remembered one if still there). */
    function readChosenDevices() {
      if (!state.stream) return;
      for (const track of state.stream.getTracks()) {
        const id = track.getSettings ? track.getSettings().deviceId : null;
        if (id) state.devices[track.kind === 'audio' ? 'audioinput' : 'videoinput'] = id;
      }
    }

    /** Fills the pickers from enumerateDevices; labels are known once a device has been opened. */
    async function listDevices() {
      if (stopped || !navigator.mediaDevices || !navigator.mediaDevices.enumerateDevices) return;
      let devices = [];
      try {
        devices = await navigator.mediaDevices.enumerateDevices();
      } catch (e) {
        return;
      }
      const fill = (select, kind, fallbackKey) => {
        const ofKind = devices.filter((d) => d.kind === kind && d.deviceId);
        const options = ofKind.map((d, i) => {
          const option = document.createElement('option');
          option.value = d.deviceId;
          option.textContent = d.label || t(fallbackKey, { n: i + 1 });
          return option;
        });
        select.replaceChildren(...options);
        const chosen = state.devices[kind];
        if (chosen && ofKind.some((d) => d.deviceId === chosen)) select.value = chosen;
        select.disabled = ofKind.length === 0;
      };
      fill(el.camera, 'videoinput', 'cameraN');
      fill(el.microphone, 'audioinput', 'microphoneN');
      if (canChooseSpeaker) fill(el.speaker, 'audiooutput', 'speakerN');
    }

    /** Opens the chosen camera or microphone in place of the current one. */
    async function changeDevice(kind, deviceId) {
      if (!deviceId) return;
      let fresh;
      try {
        fresh = await navigator.mediaDevices.getUserMedia({ [kind]: constraintFor(kind, base, deviceId, true) });
      } catch (e) {
        noteDevices(kind === 'video' ? 'cameraFailed' : 'microphoneFailed');
        return;
      }
      if (stopped) {
        fresh.getTracks().forEach((track) => track.stop());
        return;
      }
      if (!state.stream) state.stream = new MediaStream();
      for (const old of state.stream.getTracks().filter((track) => track.kind === kind)) {
        state.stream.removeTrack(old);
        old.stop();
      }
      const track = fresh.getTracks()[0];
      state.stream.addTrack(track);
      state.devices[kind === 'audio' ? 'audioinput' : 'videoinput'] = (track.getSettings().deviceId) || deviceId;
      rememberDevices(state.devices);
      if (kind === 'video') {
        el.preview.srcObject = null;
        showPreview();
        lightCandidate = null;
      } else {
        startMicLevel();
      }
    }

    function audioContext() {
      if (!audio) {
        const Context = window.AudioContext || window.webkitAudioContext;
        if (!Context) return null;
        audio = { context: new Context(), analyser: null, source: null };
        // A browser may start it suspended until the person touches the page (Firefox's autoplay policy): the
        // meter then cannot move, so the page says what to do rather than show a microphone that seems dead.
        const shown = () => { el.micLevelTouch.hidden = !audio || audio.context.state !== 'suspended'; };
        audio.context.addEventListener('statechange', shown);
        const resume = () => audio && audio.context.state === 'suspended' && audio.context.resume().catch(() => {});
        resume();
        setTimeout(shown, 500);
        document.addEventListener('pointerdown', resume);
        document.addEventListener('keydown', resume);
      }
      return audio.context;
    }

    /** The microphone's level, 0–1 (RMS of the waveform in dBFS, -60 to 0). */
    function startMicLevel() {
      const track = state.stream && state.stream.getAudioTracks()[0];
      const context = track ? audioContext() : null;
      if (!context) return;
      if (audio.source) audio.source.disconnect();
      audio.source = context.createMediaStreamSource(new MediaStream([track]));
      if (!audio.analyser) {
        audio.analyser = context.createAnalyser();
        audio.analyser.fftSize = 1024;
        const samples = new Float32Array(audio.analyser.fftSize);
        timers.push(setInterval(() => {
          audio.analyser.getFloatTimeDomainData(samples);
          let sum = 0;
          for (const s of samples) sum += s * s;
          const rms = Math.sqrt(sum / samples.length);
          // Loudness in dB full scale, -60 dB (a quiet room) to 0 dB, as 0–1: speech fills the middle.
          const db = rms > 0 ? 20 * Math.log10(rms) : -Infinity;
          state.micLevel = Math.max(0, Math.min(1, (db + MIC_FLOOR_DB) / MIC_FLOOR_DB));
          el.micLevel.value = state.micLevel;
          el.micLevel.dataset.level = state.micLevel.toFixed(3);
        }, MIC_SAMPLE_MS));
      }
      audio.source.connect(audio.analyser);
    }

    /** A short two-note chime, on the chosen speaker where the browser lets us choose. */
    async function playTestTone() {
      const context = audioContext();
      if (!context) return;
      try {
        if (context.state === 'suspended') await context.resume();
        if (state.devices.audiooutput && typeof context.setSinkId === 'function') {
          await context.setSinkId(state.devices.audiooutput);
        }
      } catch (e) {
        // the default output plays it
      }
      playNotes(context, [[660, 0], [880, 0.25]], 0.3, 0.4);
      state.tonesPlayed = (state.tonesPlayed || 0) + 1;
      el.speakerTest.dataset.played = String(state.tonesPlayed);
    }

    function sampleLight() {
      const video = el.preview;
      if (stopped || video.readyState < 2 || !video.videoWidth) return;
      drawing.drawImage(video, 0, 0, LIGHT_WIDTH, LIGHT_HEIGHT);
      const m = measureLight(drawing.getImageData(0, 0, LIGHT_WIDTH, LIGHT_HEIGHT).data, LIGHT_WIDTH, LIGHT_HEIGHT);
      const verdict = lightVerdict(m);
      state.light.mean = Math.round(m.mean);
      state.light.centre = Math.round(m.centre);
      state.light.edge = Math.round(m.edge);
      state.light.samples++;
      el.light.dataset.luma = String(state.light.mean);
      el.light.dataset.centre = String(state.light.centre);
      el.light.dataset.edge = String(state.light.edge);
      // Speak only when the verdict changes, and only once two samples agree (no flicker in the live region).
      if (verdict === state.light.verdict) {
        lightCandidate = null;
      } else if (lightCandidate === verdict) {
        state.light.verdict = verdict;
        lightCandidate = null;
        renderLight();
      } else {
        lightCandidate = verdict;
      }
    }

    /** A verdict is a symbol and words, never colour alone. */
    function renderVerdict(node, key, verdict, params) {
      node.dataset.verdict = verdict;
      node.dataset.i18nKey = key;
      const mark = verdict === 'ok' ? '✓ ' : verdict === 'checking' || verdict === 'running' ? '' : '⚠ ';
      node.textContent = mark + t(key, params);
    }

    function renderLight() {
      renderVerdict(el.light, 'light_' + state.light.verdict, state.light.verdict);
    }

    function renderNetwork() {
      renderVerdict(el.network, 'network_' + state.network.verdict, state.network.verdict, { ms: state.network.rttMs });
    }

    function renderMedia() {
      const m = state.media;
      const measured = m.verdict === 'ok' || m.verdict === 'weak';
      // Figures as measured: a browser without a send estimate (Firefox) gets the round trip alone.
      // The path as taken: through the TURN relay (a network that stops direct calls), else over TCP, else direct.
      const path = m.verdict !== 'ok' ? '' : m.relay ? '_relay' : m.tcp ? '_tcp' : '';
      const key = 'media_' + m.verdict + path + (measured && m.kbps === null ? '_rtt' : '');
      el.media.dataset.rttMs = m.rttMs === null ? '' : String(m.rttMs);
      el.media.dataset.kbps = m.kbps === null ? '' : String(m.kbps);
      el.media.dataset.tcp = String(!!m.tcp);
      el.media.dataset.relay = String(!!m.relay);
      renderVerdict(el.media, key, m.verdict, { ms: m.rttMs, mbit: m.kbps === null ? '?' : (m.kbps / 1000).toFixed(1) });
    }

    function renderEcho() {
      const running = state.echo.verdict === 'running';
      el.echoRow.hidden = state.echo.verdict === 'idle';
      el.echoButton.setAttribute('aria-pressed', String(running));
      el.echoButton.dataset.i18n = running ? 'echoStop' : 'echoStart';
      el.echoButton.textContent = t(el.echoButton.dataset.i18n);
      el.echo.dataset.energy = String(state.echo.energy || 0);
      if (state.echo.verdict !== 'idle') renderVerdict(el.echo, 'echo_' + state.echo.verdict, state.echo.verdict);
    }

    /** Says everything again in the host's current language. */
    function relabel() {
      renderLight();
      renderNetwork();
      renderMedia();
      renderEcho();
      if (!el.devicesNote.hidden && el.devicesNote.dataset.i18n) el.devicesNote.textContent = t(el.devicesNote.dataset.i18n);
      listDevices();
    }

    /** Ends the check; the stream stays open when it goes on into the visit ({@code keepStream}). */
    function stop(keepStream) {
      if (stopped) return;
      stopped = true;
      timers.forEach(clearInterval);
      if (echo) echo.stop();
      if (navigator.mediaDevices && navigator.mediaDevices.removeEventListener) {
        navigator.mediaDevices.removeEventListener('devicechange', listDevices);
      }
      if (audio) {
        if (audio.source) audio.source.disconnect();
        audio.context.close().catch(() => {});
        audio = null;
      }
      el.preview.srcObject = null;
      if (!keepStream && state.stream) state.stream.getTracks().forEach((track) => track.stop());
      root.hidden = true;
    }

    const controller = { state, done, relabel, stop, echo: null };
    window.vardmotePrecall.current = controller;
    return controller;
  }

  /** Short notes ([frequency Hz, start s]) that swell to {@code peak} and fade over {@code length} s. */
  function playNotes(context, notes, peak, length) {
    const now = context.currentTime;
    notes.forEach(([frequency, at]) => {
      const tone = context.createOscillator();
      const gain = context.createGain();
      tone.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, now + at);
      gain.gain.exponentialRampToValueAtTime(peak, now + at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, now + at + length);
      tone.connect(gain).connect(context.destination);
      tone.start(now + at);
      tone.stop(now + at + length + 0.05);
    });
  }

  window.vardmotePrecall = { run, current: null, measureLight, lightVerdict, rememberedDevices, constraintFor, playNotes };
})();
