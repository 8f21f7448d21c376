// vardmote media checks for the pre-call check (precall.js): the real media path to this server, before any visit.
// Both run an echo session (docs/protocol.md, "echo"): a publish connection to the server's media port (ICE, DTLS,
// SRTP, exactly as in a visit) whose streams the server sends straight back on a subscribe connection. Nothing is
// recorded anywhere; the server forwards live and forgets. The connections use the ICE servers the server hands
// out for the session (its TURN relay, where it has one, as a visit would), asked for before they are made.
//
// - checkPath(): sends a generated test picture (not the camera) for a few seconds and reads the publish
//   connection's own statistics: did ICE and DTLS complete, the candidate pair's round trip, and the sender's
//   bandwidth estimate (availableOutgoingBitrate; the server's transport-cc feedback lets it ramp).
// - startEcho(): sends the microphone and plays what comes back from the server, a second late (the receiver's
//   jitter buffer holds it, in this browser), so a person hears their own voice as an echo.
//
// Holds no words: precall.js renders the results through the catalogues.
'use strict';

(() => {
  const CONNECT_TIMEOUT_MS = 10000;   // ICE + DTLS to the media port; a blocked port never gets there
  const MEASURE_MS = 5000;            // sending after connecting, for the bandwidth estimate to ramp
  const SAMPLE_MS = 250;
  const GOOD_RTT_MS = 300;            // as the signalling check: above this is noticeable in conversation
  const GOOD_KBPS = 500;              // below this a visit's picture gets small and blurred
  const TEST_PICTURE = { width: 640, height: 480, fps: 15, maxBitrate: 2500000 };
  const ECHO_DELAY_MS = 1000;         // heard a second late: an echo, not a voice under one's own
  const ECHO_SECONDS = 12;            // then the echo test stops by itself

  /** A canvas that changes every frame (moving blocks of noise), so the encoder has something to send. */
  function testPicture() {
    const canvas = document.createElement('canvas');
    canvas.width = TEST_PICTURE.width;
    canvas.height = TEST_PICTURE.height;
    const g = canvas.getContext('2d');
    let frame = 0;
    const paint = () => {
      frame++;
      for (let i = 0; i < 48; i++) {
        const v = Math.floor(Math.random() * 256);
        g.fillStyle = `rgb(${v},${(v * 7 + frame) % 256},${(v * 13) % 256})`;
        g.fillRect(Math.floor(Math.random() * 16) * 40, Math.floor(Math.random() * 12) * 40, 40, 40);
      }
    };
    paint();
    const stream = canvas.captureStream(TEST_PICTURE.fps);
    const timer = setInterval(paint, 1000 / TEST_PICTURE.fps);
    return { track: stream.getVideoTracks()[0], stop: () => { clearInterval(timer); stream.getTracks().forEach((t) => t.stop()); } };
  }

  /**
   * One echo session: a WebSocket, the publish connection with {@code tracks}, and (if {@code loopBack}) the
   * subscribe connection that brings them back, handed to {@code onTrack}. Resolves {@code answered} once the
   * server answered the publish offer; rejects it with {code} on an error from the server or a closed socket.
   */
  function openSession(tracks, options) {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const session = { publishPc: null, subscribePc: null, socket: null, ended: false, error: null };
    let resolveAnswered;
    let rejectAnswered;
    session.answered = new Promise((resolve, reject) => { resolveAnswered = resolve; rejectAnswered = reject; });
    session.answered.catch(() => {});
    // Tests force the TURN relay (window.vardmoteIceTransportPolicy = 'relay'), as in a visit; people use every path.
    const pcConfig = { iceServers: [], bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require',
      iceTransportPolicy: window.vardmoteIceTransportPolicy || 'all' };
    const send = (message) => {
      if (session.socket && session.socket.readyState === WebSocket.OPEN) session.socket.send(JSON.stringify(message));
    };
    const fail = (code) => {
      if (!session.error) session.error = code;
      rejectAnswered({ code });
    };
    session.close = () => {
      if (session.ended) return;
      session.ended = true;
      try {
        session.socket.close(1000);
      } catch (e) {
        // not open
      }
      if (session.publishPc) session.publishPc.close();
      if (session.subscribePc) session.subscribePc.close();
    };
    try {
      session.socket = new WebSocket(`${scheme}://${location.host}/ws`);
    } catch (e) {
      fail('socket');
      return session;
    }
    const publish = async () => {
      try {
        const pc = new RTCPeerConnection(pcConfig);
        session.publishPc = pc;
        for (const t of tracks) pc.addTransceiver(t.track, { direction: 'sendonly', sendEncodings: t.encodings || [{}] });
        await pc.setLocalDescription(await pc.createOffer());
        send({ type: 'echo', sdp: pc.localDescription.sdp });
      } catch (e) {
        fail('browser');
      }
    };
    // The ICE servers first: a connection takes its TURN relay only when it is made.
    session.socket.addEventListener('open', () => send({ type: 'echoIceServers' }));
    session.socket.addEventListener('message', async (event) => {
      let msg = null;
      try {
        msg = JSON.parse(event.data);
      } catch (e) {
        return;
      }
      if (!msg || session.ended) return;
      try {
        if (msg.type === 'echoIceServers' && !session.publishPc) {
          pcConfig.iceServers = Array.isArray(msg.iceServers) ? msg.iceServers : [];
          await publish();
        } else if (msg.type === 'publishAnswer') {
          await session.publishPc.setRemoteDescription({ type: 'answer', sdp: msg.sdp });
          resolveAnswered();
        } else if (msg.type === 'subscribeOffer' && options.loopBack) {
          const pc = session.subscribePc || new RTCPeerConnection(pcConfig);
          if (!session.subscribePc) {
            session.subscribePc = pc;
            pc.addEventListener('track', (e) => options.onTrack && options.onTrack(e.track, e.receiver));
          }
          await pc.setRemoteDescription({ type: 'offer', sdp: msg.sdp });
          await pc.setLocalDescription(await pc.createAnswer());
          send({ type: 'subscribeAnswer', sdp: pc.localDescription.sdp, version: msg.version });
        } else if (msg.type === 'error') {
          fail(msg.code);
        } else if (msg.type === 'echoEnded') {
          session.close();
          if (options.onEnded) options.onEnded();
        }
      } catch (e) {
        fail('browser');
      }
    });
    session.socket.addEventListener('close', () => fail('socket'));
    return session;
  }

  /** Waits until {@code pc} is connected (ICE and DTLS done); false after {@code timeoutMs}, on failure or when stopped. */
  function connected(pc, timeoutMs, session, stopped) {
    return new Promise((resolve) => {
      const started = performance.now();
      const poll = () => {
        if (session.ended || stopped()) return resolve(false);
        if (pc.connectionState === 'connected') return resolve(true);
        if (pc.connectionState === 'failed' || performance.now() - started > timeoutMs) return resolve(false);
        setTimeout(poll, 100);
      };
      poll();
    });
  }

  /** The selected candidate pair's round trip, the sender's estimate and whether the path is TCP. */
  async function pathStats(pc) {
    const stats = await pc.getStats();
    let pair = null;
    stats.forEach((s) => {
      if (s.type === 'transport' && s.selectedCandidatePairId) pair = stats.get(s.selectedCandidatePairId);
    });
    // Firefox names no selected pair on the transport: its pair says so itself (selected), or is the nominated one.
    if (!pair) stats.forEach((s) => { if (s.type === 'candidate-pair' && s.selected) pair = s; });
    if (!pair) stats.forEach((s) => { if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') pair = s; });
    if (!pair) return null;
    const local = stats.get(pair.localCandidateId);
    const remote = stats.get(pair.remoteCandidateId);
    return {
      // currentRoundTripTime where the browser has it; else the mean over the pair's checks so far.
      rttMs: typeof pair.currentRoundTripTime === 'number' ? pair.currentRoundTripTime * 1000
        : pair.responsesReceived > 0 && typeof pair.totalRoundTripTime === 'number'
          ? 1000 * pair.totalRoundTripTime / pair.responsesReceived : null,
      kbps: typeof pair.availableOutgoingBitrate === 'number' ? pair.availableOutgoingBitrate / 1000 : null,
      tcp: (remote && remote.protocol === 'tcp') || (local && local.protocol === 'tcp'),
      relay: Boolean(local && local.candidateType === 'relay'),
      pair: `${local && local.protocol} ${local && local.address}:${local && local.port} -> ${remote && remote.protocol} ${remote && remote.address}:${remote && remote.port}`,
    };
  }

  /**
   * The media path check: {verdict: ok|weak|failed|unavailable, rttMs, kbps, tcp, relay, reason} (relay: through the
   * server's TURN relay). {@code failed}: ICE and DTLS did not complete within 10 s (media cannot reach the server);
   * {@code unavailable}: the server could not run a check just now (busy, too many from this network, or no
   * answer), which says nothing of the network.
   * options.isStopped(): true once the page no longer wants it.
   */
  async function checkPath(options) {
    const stopped = (options && options.isStopped) || (() => false);
    const picture = testPicture();
    const session = openSession([{ track: picture.track, encodings: [{ maxBitrate: TEST_PICTURE.maxBitrate }] }], { loopBack: false });
    const result = { verdict: 'unavailable', rttMs: null, kbps: null, tcp: false, relay: false, reason: null };
    try {
      try {
        await session.answered;
      } catch (e) {
        result.reason = e.code;
        return result;
      }
      if (!(await connected(session.publishPc, CONNECT_TIMEOUT_MS, session, stopped))) {
        if (stopped() || session.error) {
          result.reason = session.error || 'stopped';
          return result;
        }
        result.verdict = 'failed';
        result.reason = 'no_media_path';
        return result;
      }
      const rtts = [];
      let last = null;
      const until = performance.now() + MEASURE_MS;
      while (performance.now() < until && !session.ended && !stopped()) {
        await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS));
        const s = await pathStats(session.publishPc);
        if (!s) continue;
        last = s;
        if (s.rttMs !== null) rtts.push(s.rttMs);
      }
      if (!last) {
        result.verdict = 'failed';
        result.reason = 'no_media_path';
        return result;
      }
      rtts.sort((a, b) => a - b);
      result.rttMs = rtts.length ? Math.round(rtts[Math.floor(rtts.length / 2)]) : null;
      result.kbps = last.kbps !== null ? Math.round(last.kbps) : null;
      result.tcp = !!last.tcp;
      result.relay = last.relay;
      result.pair = last.pair;
      // A browser that reports no send estimate (Firefox has no availableOutgoingBitrate) is judged by its round trip.
      const good = (result.rttMs === null || result.rttMs <= GOOD_RTT_MS) && (result.kbps === null || result.kbps >= GOOD_KBPS);
      result.verdict = good ? 'ok' : 'weak';
      return result;
    } finally {
      session.close();
      picture.stop();
    }
  }

  /**
   * The echo test: the microphone {@code track} to the server and back, played a second late (on
   * options.sinkId, the chosen speaker, where the browser lets us choose). Returns a handle {session, stop(), result}: result
   * is a promise of {verdict: ok|silent|failed|unavailable, energy} when the test ends (after ECHO_SECONDS, on
   * stop(), or at the server's limit). options.onChange(handle) hears when sound first comes back.
   */
  function startEcho(track, options) {
    const opts = options || {};
    const handle = { session: null, heard: false, energy: 0, connectedAt: null, stop: null, result: null };
    let player = null;
    let finish;
    handle.result = new Promise((resolve) => { finish = resolve; });
    const session = openSession([{ track }], {
      loopBack: true,
      onTrack: (remote, receiver) => {
        if (remote.kind !== 'audio') return;
        // Heard a second late, as an echo: the receiver's jitter buffer holds it (jitterBufferTarget, in ms; older
        // Chromium: playoutDelayHint, in s). Played by a media element, whose volume Chromium applies before it
        // measures the received level: so the element plays at full volume, and the statistics hear what the
        // person hears.
        try {
          if ('jitterBufferTarget' in receiver) receiver.jitterBufferTarget = ECHO_DELAY_MS;
          else if ('playoutDelayHint' in receiver) receiver.playoutDelayHint = ECHO_DELAY_MS / 1000;
        } catch (e) {
          // heard without the delay
        }
        player = new Audio();
        player.srcObject = new MediaStream([remote]);
        if (opts.sinkId && typeof player.setSinkId === 'function') player.setSinkId(opts.sinkId).catch(() => {});
        player.play().catch(() => {});
      },
      onEnded: () => end(),
    });
    handle.session = session;
    let ended = false;
    const timers = [];
    const end = async (verdictIfNotHeard) => {
      if (ended) return;
      ended = true;
      timers.forEach(clearTimeout);
      clearInterval(poll);
      await sample();
      let verdict;
      if (handle.heard) verdict = 'ok';
      else if (session.error && session.error !== 'socket' && session.error !== 'browser') verdict = 'unavailable';
      else verdict = verdictIfNotHeard || (handle.connectedAt ? 'silent' : 'failed');
      session.close();
      if (player) {
        player.pause();
        player.srcObject = null;
      }
      finish({ verdict, energy: handle.energy, reason: session.error });
    };
    handle.stop = () => end();
    /** Energy of the audio that came back from the server (inbound-rtp totalAudioEnergy, from the browser itself). */
    async function sample() {
      if (!session.subscribePc) return;
      let stats;
      try {
        stats = await session.subscribePc.getStats();
      } catch (e) {
        return;
      }
      stats.forEach((s) => {
        if (s.type === 'inbound-rtp' && s.kind === 'audio') {
          handle.energy = s.totalAudioEnergy || 0;
          if (!handle.heard && handle.energy > 0 && (s.packetsReceived || 0) > 0) {
            handle.heard = true;
            if (opts.onChange) opts.onChange(handle);
          }
        }
      });
      if (!handle.connectedAt && session.subscribePc.connectionState === 'connected') handle.connectedAt = performance.now();
    }
    const poll = setInterval(sample, SAMPLE_MS);
    session.answered.catch(() => end('unavailable'));
    timers.push(setTimeout(() => { if (!handle.connectedAt) end('failed'); }, CONNECT_TIMEOUT_MS));
    timers.push(setTimeout(() => end(), ECHO_SECONDS * 1000));
    return handle;
  }

  window.vardmoteMediaCheck = { checkPath, startEcho, ECHO_SECONDS, ECHO_DELAY_MS };
})();
