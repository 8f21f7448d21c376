// vardmote web client: joins one video visit over the signalling WebSocket (/ws) and two peer connections,
// one to publish our camera and microphone (we offer) and one to receive the others (the server offers).
// Plain modern JavaScript, no build step, no external resources; loaded by /join with `defer`.
//
// The join token arrives in the URL fragment (/join#<token>): fragments never reach the server or its logs.
// We read it once, remove it from the address bar and send it only in the first WebSocket message.
'use strict';

(() => {
  /** What tests (and curious developers) can read: window.vardmote. */
  const vm = {
    state: 'connecting',        // connecting → [waiting →] joined → left | ended | denied | removed | error | closed
    participantId: null,
    self: null,                 // {participantId, role, displayName, roomKind, meetingId}
    participants: {},           // the others: participantId → {participantId, role, displayName, audioMuted, videoMuted}
    publishPc: null,
    subscribePc: null,
    localStream: null,
    remoteStreams: {},          // participantId → MediaStream (audio and video of that participant)
    lastError: null,            // {code, message}
    audioMuted: false,
    videoMuted: false,
    audioOnly: false,           // interpreters start with the microphone only
    lobby: [],                  // clinicians: who waits, [{participantId, role, displayName, joinedVia}]
    mutedBy: null,              // the clinician who last muted us
  };
  window.vardmote = vm;

  const PING_INTERVAL_MS = 20000; // the server closes connections silent for 75 s

  // Plain words for the error codes a participant can meet; Swedish first, English after.
  const ERROR_TEXT = {
    room_full: 'Besöket har redan sina deltagare. / This visit already has its participants.',
    invalid_token: 'Länken är ogiltig eller har gått ut. / This link is not valid or has expired.',
    sdp_rejected: 'Din webbläsare kunde inte koppla upp ljud och bild. / Your browser could not connect sound and video.',
    not_started: 'Besöket har inte börjat än. / The visit has not started yet.',
    meeting_ended: 'Besöket har avslutats. / The visit has ended.',
    meeting_not_found: 'Besöket finns inte längre. / This visit no longer exists.',
    replaced: 'Du anslöt till besöket i ett annat fönster. / You joined this visit in another window.',
    meeting_not_open: 'Besöket är inte öppet nu. / The visit is not open now.',
    lobby_full: 'Väntrummet är fullt just nu; försök igen om en stund. / The waiting room is full; try again in a while.',
    denied: 'Du blev inte insläppt i besöket. / You were not let into the visit.',
    removed: 'Du har tagits bort från besöket. / You have been removed from the visit.',
    forbidden: 'Det får bara vårdpersonalen göra. / Only the clinician may do that.',
  };
  // After these the server closes the connection (docs/protocol.md, "Error codes").
  const FATAL = new Set(['invalid_token', 'meeting_not_found', 'room_full', 'replaced', 'meeting_not_open',
    'meeting_ended', 'lobby_full', 'denied', 'removed']);
  // Fatal errors that are a decision, not a fault: the state says which.
  const FINAL_STATE = { denied: 'denied', removed: 'removed', meeting_ended: 'ended' };
  const ROLE_NAMES = {
    clinician: 'vårdpersonal / clinician', patient: 'patient', guardian: 'vårdnadshavare / guardian',
    interpreter: 'tolk / interpreter',
  };
  const VIA_NAMES = { video: 'video', phone: 'telefon / phone' };
  const METHOD_NAMES = { 'id-document': 'legitimation / ID document', bankid: 'BankID' };

  let ws = null;
  let pingTimer = null;
  let subscribeQueue = Promise.resolve(); // subscribe offers are handled strictly one at a time
  const midToParticipant = {};            // from subscribeOffer.tracks, for tracks that arrive without a stream
  let ui = null;

  document.addEventListener('DOMContentLoaded', start);
  if (document.readyState !== 'loading') start();

  let started = false;
  async function start() {
    if (started) return;
    started = true;
    ui = {
      status: document.querySelector('[data-testid="status"]'),
      tiles: document.getElementById('tiles'),
      ownVideo: document.getElementById('own-video'),
      mute: document.querySelector('[data-testid="mute"]'),
      camera: document.querySelector('[data-testid="camera"]'),
      leave: document.querySelector('[data-testid="leave"]'),
      endMeeting: document.querySelector('[data-testid="end-meeting"]'),
      waitingNotice: document.getElementById('waiting-notice'),
      endedNotice: document.getElementById('ended-notice'),
      lobby: document.getElementById('lobby'),
      lobbyList: document.getElementById('lobby-list'),
      lobbyEmpty: document.getElementById('lobby-empty'),
    };
    ui.mute.addEventListener('click', toggleMicrophone);
    ui.camera.addEventListener('click', toggleCamera);
    ui.leave.addEventListener('click', leave);
    ui.endMeeting.addEventListener('click', () => {
      if (window.confirm('Avsluta besöket för alla? / End the visit for everyone?')) send({ type: 'endMeeting' });
    });

    const token = readTokenFromFragment();
    if (!token) {
      fail('invalid_token', 'Länken saknar sin nyckel. Öppna länken du fick igen. / The link is missing its key. Open the link you were sent again.');
      return;
    }
    setStatus('Ansluter… / Connecting…');
    // Interpreters start audio-only. The role is read from our own token only to choose the devices;
    // the server decides what the role may do.
    vm.audioOnly = roleInToken(token) === 'interpreter';
    vm.localStream = await openCamera();
    if (vm.localStream) {
      ui.ownVideo.srcObject = vm.localStream;
      ui.ownVideo.play().catch(() => {});
    }
    openSocket(token);
  }

  /** The token from #fragment, removed from the address bar (and history) right away. */
  function readTokenFromFragment() {
    const raw = location.hash.length > 1 ? location.hash.substring(1) : '';
    history.replaceState(null, '', location.pathname + location.search);
    if (!raw) return null;
    try {
      return decodeURIComponent(raw);
    } catch (e) {
      return raw;
    }
  }

  /** The role claim of our own join token (a JWT), or null; never sent anywhere. */
  function roleInToken(token) {
    try {
      const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
      return JSON.parse(atob(payload)).role || null;
    } catch (e) {
      return null;
    }
  }

  /** Camera and microphone; audio only when the camera fails; nothing (receive only) when both fail. */
  async function openCamera() {
    if (vm.audioOnly) {
      try {
        return await navigator.mediaDevices.getUserMedia({ audio: true });
      } catch (e) {
        vm.audioMuted = true;
        return null;
      }
    }
    try {
      // Tests may ask for smaller frames (window.vardmoteMediaConstraints); people get the defaults.
      return await navigator.mediaDevices.getUserMedia(window.vardmoteMediaConstraints || { audio: true, video: true });
    } catch (e) {
      try {
        const audioOnly = await navigator.mediaDevices.getUserMedia({ audio: true });
        vm.videoMuted = true;
        return audioOnly;
      } catch (e2) {
        setStatus('Kamera och mikrofon kunde inte startas; du kan se och höra de andra. / '
          + 'Camera and microphone could not be started; you can still see and hear the others.');
        vm.audioMuted = true;
        vm.videoMuted = true;
        return null;
      }
    }
  }

  function openSocket(token) {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    ws = new WebSocket(`${scheme}://${location.host}/ws`);
    ws.addEventListener('open', () => {
      send({ type: 'join', token });
      pingTimer = setInterval(() => send({ type: 'ping' }), PING_INTERVAL_MS);
    });
    ws.addEventListener('message', (event) => {
      let msg;
      try {
        msg = JSON.parse(event.data);
      } catch (e) {
        return;
      }
      handle(msg).catch((e) => fail('client_error', `${e && e.message ? e.message : e}`));
    });
    ws.addEventListener('close', () => {
      clearInterval(pingTimer);
      if (vm.state === 'connecting' || vm.state === 'waiting' || vm.state === 'joined') {
        vm.state = 'closed';
        setStatus('Anslutningen bröts. Ladda om sidan för att ansluta igen. / The connection was lost. Reload the page to join again.', true);
        disableControls();
      }
    });
  }

  function send(message) {
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
  }

  async function handle(msg) {
    switch (msg.type) {
      case 'waiting': return onWaiting();
      case 'joined': return onJoined(msg);
      case 'lobbyUpdated': return renderLobby(msg.lobby);
      case 'mutedBy': return onMutedBy(msg);
      case 'meetingEnded': return onMeetingEnded(msg);
      case 'publishAnswer':
        if (vm.publishPc) await vm.publishPc.setRemoteDescription({ type: 'answer', sdp: msg.sdp });
        return;
      case 'subscribeOffer':
        subscribeQueue = subscribeQueue.then(() => onSubscribeOffer(msg)).catch((e) =>
          fail('client_error', `${e && e.message ? e.message : e}`));
        return subscribeQueue;
      case 'participantJoined': return upsertParticipant(msg.participant);
      case 'participantUpdated': return upsertParticipant(msg.participant);
      case 'participantLeft': return removeParticipant(msg.participantId);
      case 'error': return onError(msg);
      case 'pong': return;
      case 'left': return;
      default: return; // newer servers may say more than we understand
    }
  }

  /** In the lobby: nothing is sent or received until a clinician lets us in. */
  function onWaiting() {
    vm.state = 'waiting';
    ui.waitingNotice.hidden = false;
    ui.leave.disabled = false;
    setStatus('Väntar på att bli insläppt… / Waiting to be let in…');
  }

  async function onJoined(msg) {
    vm.state = 'joined';
    ui.waitingNotice.hidden = true;
    vm.participantId = msg.participantId;
    vm.self = {
      participantId: msg.participantId, role: msg.role, displayName: msg.displayName,
      roomKind: msg.roomKind, meetingId: msg.meetingId,
    };
    (msg.participants || []).forEach(upsertParticipant);
    vm.iceServers = msg.iceServers || [];
    if (msg.role === 'clinician') {
      ui.endMeeting.hidden = false;
      renderLobby(msg.lobby || []);
    }
    enableControls();
    updatePresenceStatus();
    if (vm.localStream) await publish();
    // Tell the others what state our devices start in (audio-only fallback means camera off).
    if (vm.audioMuted || vm.videoMuted) sendMute();
  }

  function peerConnection() {
    return new RTCPeerConnection({ iceServers: vm.iceServers, bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
  }

  /** Publish: we offer our tracks send-only; the server answers. No need to wait for ICE gathering (ICE-lite server). */
  async function publish() {
    const pc = peerConnection();
    vm.publishPc = pc;
    const stream = vm.localStream;
    for (const kind of ['audio', 'video']) {
      for (const track of stream.getTracks().filter((t) => t.kind === kind)) {
        pc.addTransceiver(track, { direction: 'sendonly', streams: [stream] });
      }
    }
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    send({ type: 'publish', sdp: pc.localDescription.sdp });
  }

  /** Subscribe: the server offers everyone else's tracks; we answer with the same version. */
  async function onSubscribeOffer(msg) {
    if (vm.state !== 'joined') return;
    for (const t of msg.tracks || []) midToParticipant[t.mid] = t.participantId;
    if (!vm.subscribePc) {
      const pc = peerConnection();
      pc.addEventListener('track', onRemoteTrack);
      vm.subscribePc = pc;
    }
    const pc = vm.subscribePc;
    await pc.setRemoteDescription({ type: 'offer', sdp: msg.sdp });
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    send({ type: 'subscribeAnswer', sdp: pc.localDescription.sdp, version: msg.version });
  }

  /** The server names each remote stream after the publishing participant: one tile per participant. */
  function onRemoteTrack(event) {
    const participantId = (event.streams && event.streams[0] && event.streams[0].id)
      || midToParticipant[event.transceiver && event.transceiver.mid];
    if (!participantId) return;
    let stream = vm.remoteStreams[participantId];
    if (!stream) {
      stream = new MediaStream();
      vm.remoteStreams[participantId] = stream;
    }
    const track = event.track;
    if (!stream.getTracks().includes(track)) stream.addTrack(track);
    track.addEventListener('ended', () => stream.removeTrack(track));
    if (event.streams && event.streams[0]) {
      event.streams[0].addEventListener('removetrack', (e) => {
        if (e.track === track) stream.removeTrack(track);
      });
    }
    const video = ensureTile(participantId);
    if (video.srcObject !== stream) video.srcObject = stream;
    video.play().catch(() => {});
  }

  function ensureTile(participantId) {
    let video = ui.tiles.querySelector(`video[data-participant-id="${CSS.escape(participantId)}"]`);
    if (video) return video;
    const figure = document.createElement('figure');
    figure.className = 'tile';
    figure.dataset.tileFor = participantId;
    video = document.createElement('video');
    video.autoplay = true;
    video.playsInline = true;
    video.setAttribute('playsinline', '');
    video.dataset.participantId = participantId;
    const caption = document.createElement('figcaption');
    figure.append(video, caption);
    if (vm.self && vm.self.role === 'clinician') figure.append(tileActions(participantId));
    ui.tiles.append(figure);
    updateLabel(participantId);
    return video;
  }

  /** What a clinician can do to a participant: verify identity (two ways), mute, remove. */
  function tileActions(participantId) {
    const actions = document.createElement('div');
    actions.className = 'tile-actions';
    const button = (testId, label, onClick, extra) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.dataset.testid = testId;
      b.dataset.participantId = participantId;
      b.textContent = label;
      Object.entries(extra || {}).forEach(([k, v]) => { b.dataset[k] = v; });
      b.addEventListener('click', onClick);
      actions.append(b);
      return b;
    };
    button('verify', 'ID ✓ legitimation', () => send({ type: 'verifyIdentity', participantId, method: 'id-document' }),
      { method: 'id-document' });
    button('verify', 'ID ✓ BankID', () => send({ type: 'verifyIdentity', participantId, method: 'bankid' }),
      { method: 'bankid' });
    button('mute-participant', 'Stäng av mikrofon / Mute', () => send({ type: 'muteParticipant', participantId }));
    button('remove', 'Ta bort / Remove', () => {
      const who = (vm.participants[participantId] || {}).displayName || '';
      if (window.confirm(`Ta bort ${who} från besöket? / Remove ${who} from the visit?`)) {
        send({ type: 'removeParticipant', participantId });
      }
    }).classList.add('remove');
    return actions;
  }

  function updateLabel(participantId) {
    const figure = ui.tiles.querySelector(`figure[data-tile-for="${CSS.escape(participantId)}"]`);
    if (!figure) return;
    const info = vm.participants[participantId];
    const caption = figure.querySelector('figcaption');
    caption.textContent = info ? info.displayName : '';
    caption.classList.toggle('muted-mark', !!(info && info.audioMuted));
    if (info && info.identityVerified) {
      const mark = document.createElement('span');
      mark.className = 'verified-mark';
      mark.dataset.testid = 'identity-verified';
      mark.textContent = `✓ ${METHOD_NAMES[info.identityVerified] || info.identityVerified}`;
      caption.append(mark);
    }
  }

  function upsertParticipant(p) {
    if (!p || !p.participantId || p.participantId === vm.participantId) return;
    vm.participants[p.participantId] = {
      participantId: p.participantId, role: p.role, displayName: p.displayName,
      audioMuted: !!p.audioMuted, videoMuted: !!p.videoMuted,
      identityVerified: p.identityVerified || null, joinedVia: p.joinedVia || 'video',
    };
    ensureTile(p.participantId); // a tile from the start, so a clinician can act before media flows
    updateLabel(p.participantId);
    updatePresenceStatus();
  }

  function removeParticipant(participantId) {
    delete vm.participants[participantId];
    const stream = vm.remoteStreams[participantId];
    if (stream) stream.getTracks().forEach((t) => stream.removeTrack(t));
    delete vm.remoteStreams[participantId];
    const figure = ui.tiles.querySelector(`figure[data-tile-for="${CSS.escape(participantId)}"]`);
    if (figure) figure.remove();
    updatePresenceStatus();
  }

  function updatePresenceStatus() {
    if (vm.state !== 'joined') return;
    const others = Object.values(vm.participants);
    if (others.length === 0) setStatus('Väntar på de andra… / Waiting for others…');
    else setStatus(`I besöket med ${others.map((p) => p.displayName).join(', ')} / In the visit`);
  }

  /** Clinicians: the waiting list with Admit and Deny per person. */
  function renderLobby(list) {
    vm.lobby = list || [];
    if (!vm.self || vm.self.role !== 'clinician') return;
    ui.lobby.hidden = false;
    ui.lobbyEmpty.hidden = vm.lobby.length > 0;
    const items = vm.lobby.map((entry) => {
      const li = document.createElement('li');
      li.dataset.participantId = entry.participantId;
      const who = document.createElement('span');
      who.className = 'who';
      who.textContent = `${entry.displayName} (${ROLE_NAMES[entry.role] || entry.role}, ${VIA_NAMES[entry.joinedVia] || entry.joinedVia})`;
      const admit = document.createElement('button');
      admit.type = 'button';
      admit.dataset.testid = 'admit';
      admit.dataset.participantId = entry.participantId;
      admit.textContent = 'Släpp in / Admit';
      admit.addEventListener('click', () => send({ type: 'admit', participantId: entry.participantId }));
      const deny = document.createElement('button');
      deny.type = 'button';
      deny.className = 'deny';
      deny.dataset.testid = 'deny';
      deny.dataset.participantId = entry.participantId;
      deny.textContent = 'Neka / Deny';
      deny.addEventListener('click', () => send({ type: 'deny', participantId: entry.participantId }));
      li.append(who, admit, deny);
      return li;
    });
    ui.lobbyList.replaceChildren(...items);
  }

  /** A clinician muted us: turn the microphone off here too (we may turn it on again ourselves). */
  function onMutedBy(msg) {
    vm.mutedBy = msg.participantId;
    if (!vm.audioMuted) toggleMicrophone();
    const by = (vm.participants[msg.participantId] || {}).displayName;
    setStatus(`${by ? by + ' stängde av' : 'Vårdpersonalen stängde av'} din mikrofon. / Your microphone was muted.`);
  }

  function onMeetingEnded() {
    vm.state = 'ended';
    finish();
    ui.endedNotice.hidden = false;
    document.body.classList.add('ended');
    setStatus('Besöket har avslutats. / The visit has ended.');
  }

  /** The visit is over for us: no more media, no controls. */
  function finish() {
    closePeerConnections();
    clearInterval(pingTimer);
    if (vm.localStream) vm.localStream.getTracks().forEach((t) => t.stop());
    ui.waitingNotice.hidden = true;
    ui.lobby.hidden = true;
    ui.endMeeting.hidden = true;
    disableControls();
  }

  function onError(msg) {
    vm.lastError = { code: msg.code, message: msg.message };
    let words = ERROR_TEXT[msg.code] || msg.message || msg.code;
    if (msg.code === 'meeting_not_open' && msg.message) words = `${words} (${msg.message})`;
    if (FATAL.has(msg.code)) {
      vm.state = FINAL_STATE[msg.code] || 'error';
      finish();
      if (msg.code === 'meeting_ended') ui.endedNotice.hidden = false;
    }
    setStatus(words, true);
  }

  function fail(code, message) {
    vm.lastError = { code, message };
    vm.state = 'error';
    setStatus(ERROR_TEXT[code] || message, true);
    disableControls();
  }

  function toggleMicrophone() {
    vm.audioMuted = !vm.audioMuted;
    (vm.localStream ? vm.localStream.getAudioTracks() : []).forEach((t) => { t.enabled = !vm.audioMuted; });
    ui.mute.setAttribute('aria-pressed', String(vm.audioMuted));
    ui.mute.textContent = vm.audioMuted ? 'Slå på mikrofon / Unmute' : 'Stäng av mikrofon / Mute';
    sendMute();
  }

  function toggleCamera() {
    vm.videoMuted = !vm.videoMuted;
    (vm.localStream ? vm.localStream.getVideoTracks() : []).forEach((t) => { t.enabled = !vm.videoMuted; });
    ui.camera.setAttribute('aria-pressed', String(vm.videoMuted));
    ui.camera.textContent = vm.videoMuted ? 'Slå på kamera / Camera on' : 'Stäng av kamera / Camera off';
    sendMute();
  }

  function sendMute() {
    send({ type: 'mute', audio: vm.audioMuted, video: vm.videoMuted });
  }

  function leave() {
    send({ type: 'leave' });
    vm.state = 'left';
    closePeerConnections();
    if (ws) ws.close(1000);
    clearInterval(pingTimer);
    if (vm.localStream) vm.localStream.getTracks().forEach((t) => t.stop());
    document.body.classList.add('left');
    ui.waitingNotice.hidden = true;
    ui.lobby.hidden = true;
    disableControls();
    setStatus('Du har lämnat besöket. / You have left the visit.');
  }

  function closePeerConnections() {
    if (vm.publishPc) vm.publishPc.close();
    if (vm.subscribePc) vm.subscribePc.close();
  }

  function enableControls() {
    ui.mute.disabled = !vm.localStream || vm.localStream.getAudioTracks().length === 0;
    ui.camera.disabled = !vm.localStream || vm.localStream.getVideoTracks().length === 0;
    ui.leave.disabled = false;
  }

  function disableControls() {
    if (!ui) return;
    ui.mute.disabled = true;
    ui.camera.disabled = true;
    ui.leave.disabled = true;
    ui.endMeeting.hidden = true;
  }

  function setStatus(text, isError) {
    if (!ui) return;
    ui.status.textContent = text;
    ui.status.classList.toggle('error', !!isError);
  }
})();
