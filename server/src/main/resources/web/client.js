// vardmote web client: joins one video visit over the signalling WebSocket (/ws) and two peer connections,
// one to publish our camera and microphone (we offer) and one to receive the others (the server offers).
// Plain modern JavaScript, no build step, no external resources; loaded by /join with `defer`.
//
// The join token arrives in the URL fragment (/join#<token>): fragments never reach the server or its logs.
// We take it out of the address bar at once and keep it in this tab's sessionStorage only, so that a reload
// (or a dropped connection) rejoins and closing the tab forgets it. It is sent only in the join message.
'use strict';

(() => {
  /** What tests (and curious developers) can read: window.vardmote. */
  const vm = {
    state: 'connecting',        // [checking →] connecting → [waiting →] joined [→ reconnecting → …] → left | ended | denied | removed | error | closed
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
    chimes: 0,                  // clinicians: arrival chimes played
    mutedBy: null,              // the clinician who last muted us
    reconnects: 0,              // how often this page has reconnected by itself
    devices: {},                // the device ids in use: {videoinput, audioinput, audiooutput} (chosen in the check)
    quality: {},                // participantId (ours too) → {rating: good|fair|poor|unknown, loss, fps, freezes, rttMs, kbps}
    selfViewCorner: 'bottom-right',
  };
  window.vardmote = vm;

  const PING_INTERVAL_MS = 20000; // the server closes connections silent for 75 s
  // A connection that has said nothing (not even pong) for this long is dead although not closed (a
  // sleeping laptop, a network that vanished): we give it up and reconnect.
  const SILENT_CONNECTION_MS = 2 * PING_INTERVAL_MS + 5000;
  // Reconnection back-off, then the last delay again, until we give up.
  const RECONNECT_DELAYS_MS = [300, 1000, 2000, 4000, 8000];
  const RECONNECT_GIVE_UP_MS = 3 * 60 * 1000;
  // A media path 'disconnected' this long (e.g. Wi-Fi → mobile) is rebuilt without waiting for 'failed'.
  const MEDIA_DISCONNECTED_MS = 4000;
  // How often the participant list's connection quality is measured from getStats().
  const QUALITY_INTERVAL_MS = 2000;
  // Where the small self-view can sit, in the order its button moves it.
  const CORNERS = ['bottom-right', 'bottom-left', 'top-left', 'top-right'];
  const TOKEN_KEY = 'vardmote.joinToken';
  // Set once this tab has gone from the pre-call check into the visit: a reload goes straight back in.
  const CHECKED_KEY = 'vardmote.checked';

  // After these the server closes the connection (docs/protocol.md, "Error codes").
  const FATAL = new Set(['invalid_token', 'meeting_not_found', 'room_full', 'replaced', 'meeting_not_open',
    'meeting_ended', 'lobby_full', 'denied', 'removed', 'too_many_attempts']);
  // Fatal errors that are a decision, not a fault: the state says which.
  const FINAL_STATE = { denied: 'denied', removed: 'removed', meeting_ended: 'ended' };
  // After these the link is of no more use in this tab: forget the token (a reload shows why).
  const FORGET_TOKEN = new Set(['invalid_token', 'meeting_not_found', 'meeting_ended', 'denied', 'removed']);
  // States in which a lost connection is won back by reconnecting.
  const RECOVERABLE = new Set(['connecting', 'waiting', 'joined', 'reconnecting']);
  // Words come from one catalogue per language (messages-sv.js, messages-en.js); none are written here.
  const LANGUAGE = window.vardmoteLanguage;
  let lang = LANGUAGE.choose();
  /** The last status line, kept by key so that a language switch can say it again. */
  let lastStatus = null;

  /** The text for {@code key} in the page's language, with {name} placeholders filled in. */
  function t(key, params) {
    return LANGUAGE.text(lang, key, params);
  }

  /** Fills every [data-i18n] (text) and [data-i18n-label] (aria-label) in the page, and the page's lang and dir. */
  function applyLanguage() {
    LANGUAGE.apply(lang, ui ? ui.language : null);
    updateTitle();
    if (!ui) return;
    renderMute();
    renderCamera();
    Object.keys(vm.participants).forEach(updateLabel);
    if (vm.self && vm.self.role === 'clinician') renderLobby(vm.lobby);
    if (precall) precall.relabel();
    if (lastStatus) say(lastStatus.key, lastStatus.params, lastStatus.isError);
    renderPeople();
  }

  function switchLanguage() {
    lang = LANGUAGE.switchFrom(lang);
    applyLanguage();
  }

  let ws = null;
  let pingTimer = null;
  let joinToken = null;
  let lastHeard = 0;          // when the current socket last said anything
  let reconnectAttempt = 0;
  let reconnectingSince = 0;  // 0 while connected
  let reconnectTimer = null;
  let subscribeQueue = Promise.resolve(); // subscribe offers are handled strictly one at a time
  const midToParticipant = {};            // from subscribeOffer.tracks, for tracks that arrive without a stream
  const videoMids = {};                   // participantId -> the mid of its video section, to say how large it is shown
  let lastViewSizes = '';
  let viewSizeTimer = null;
  const tileResize = typeof ResizeObserver === 'function' ? new ResizeObserver(() => scheduleViewSizes()) : null;
  let ui = null;
  let precall = null;                     // the pre-call check while it is shown (precall.js)

  let started = false;
  document.addEventListener('DOMContentLoaded', start);
  if (document.readyState !== 'loading') start();

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
      language: document.querySelector('[data-testid="language"]'),
      precall: document.querySelector('[data-testid="precall"]'),
      announcements: document.querySelector('[data-testid="announcements"]'),
      people: document.querySelector('[data-testid="participants"]'),
      peopleList: document.getElementById('people-list'),
      ownTile: document.getElementById('own-tile'),
      moveSelf: document.querySelector('[data-testid="move-self-view"]'),
    };
    ui.moveSelf.addEventListener('click', () => moveSelfView(null));
    dragSelfView();
    ui.language.addEventListener('click', switchLanguage);
    applyLanguage();
    ui.mute.addEventListener('click', toggleMicrophone);
    ui.camera.addEventListener('click', toggleCamera);
    ui.leave.addEventListener('click', leave);
    ui.endMeeting.addEventListener('click', () => {
      if (window.confirm(t('confirmEnd'))) send({ type: 'endMeeting' });
    });

    const freshLink = location.hash.length > 1;
    const token = readToken();
    if (!token) {
      fail('invalid_token', t('missingKey'));
      return;
    }
    // Interpreters start audio-only. The role is read from our own token only to choose the devices;
    // the server decides what the role may do.
    vm.audioOnly = roleInToken(token) === 'interpreter';
    vm.devices = window.vardmotePrecall ? window.vardmotePrecall.rememberedDevices() : {};
    if (showCheck(freshLink)) {
      await runCheck();
    } else {
      say('connecting');
      vm.localStream = await openCamera();
    }
    if (vm.localStream) {
      ui.ownVideo.srcObject = vm.localStream;
      ui.ownVideo.play().catch(() => {});
    }
    joinToken = token;
    openSocket();
  }

  /**
   * The pre-call check comes before the visit (and before the lobby) when the link is opened, and again on a
   * reload until the person has joined from it; a reload during the visit goes straight back in. Tests that
   * are about the visit itself skip it (window.vardmoteSkipCheck).
   */
  function showCheck(freshLink) {
    if (window.vardmoteSkipCheck || !window.vardmotePrecall || !ui.precall) return false;
    if (freshLink) return true;
    try {
      return sessionStorage.getItem(CHECKED_KEY) !== '1';
    } catch (e) {
      return true;
    }
  }

  /** Shows the check until Join is pressed; its stream and devices are the visit's. */
  async function runCheck() {
    vm.state = 'checking';
    document.body.classList.add('checking');
    say('precallStatus');
    precall = window.vardmotePrecall.run({
      root: ui.precall, t, audioOnly: vm.audioOnly, constraints: window.vardmoteMediaConstraints || null,
    });
    const chosen = await precall.done;
    precall = null;
    document.body.classList.remove('checking');
    try {
      sessionStorage.setItem(CHECKED_KEY, '1');
    } catch (e) {
      // a reload shows the check again
    }
    vm.state = 'connecting';
    say('connecting');
    vm.devices = chosen.devices;
    vm.localStream = chosen.stream;
    if (!vm.localStream) {
      vm.localStream = await openCamera();
    } else if (vm.localStream.getAudioTracks().length === 0) {
      vm.audioMuted = true;
    }
    if (vm.localStream && !vm.audioOnly && vm.localStream.getVideoTracks().length === 0) vm.videoMuted = true;
  }

  /**
   * The token from #fragment (removed from the address bar and history right away) and kept in this tab's
   * sessionStorage; without a fragment (a reload), the one this tab kept.
   */
  function readToken() {
    const raw = location.hash.length > 1 ? location.hash.substring(1) : '';
    if (location.hash) history.replaceState(null, '', location.pathname + location.search);
    let token = null;
    if (raw) {
      try {
        token = decodeURIComponent(raw);
      } catch (e) {
        token = raw;
      }
    }
    try {
      if (token) sessionStorage.setItem(TOKEN_KEY, token);
      else token = sessionStorage.getItem(TOKEN_KEY);
    } catch (e) {
      // storage refused (strict privacy settings): this load joins, a reload cannot
    }
    return token;
  }

  function forgetToken() {
    try {
      sessionStorage.removeItem(CHECKED_KEY);
      sessionStorage.removeItem(TOKEN_KEY);
    } catch (e) {
      // nothing kept
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

  /**
   * getUserMedia constraints for one kind: the test's sizes (window.vardmoteMediaConstraints) with the device
   * chosen on this device before, preferred but not required (it may be gone).
   */
  function wanted(kind) {
    const base = window.vardmoteMediaConstraints || null;
    const id = vm.devices[kind === 'audio' ? 'audioinput' : 'videoinput'];
    if (window.vardmotePrecall) return window.vardmotePrecall.constraintFor(kind, base, id, false);
    return (base && base[kind]) || true;
  }

  /** Camera and microphone; audio only when the camera fails; nothing (receive only) when both fail. */
  async function openCamera() {
    if (vm.audioOnly) {
      try {
        return await navigator.mediaDevices.getUserMedia({ audio: wanted('audio') });
      } catch (e) {
        vm.audioMuted = true;
        return null;
      }
    }
    try {
      // Tests may ask for smaller frames (window.vardmoteMediaConstraints); people get the defaults.
      return await navigator.mediaDevices.getUserMedia({ audio: wanted('audio'), video: wanted('video') });
    } catch (e) {
      try {
        const audioOnly = await navigator.mediaDevices.getUserMedia({ audio: wanted('audio') });
        vm.videoMuted = true;
        return audioOnly;
      } catch (e2) {
        say('devicesFailed');
        vm.audioMuted = true;
        vm.videoMuted = true;
        return null;
      }
    }
  }

  function openSocket() {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const socket = new WebSocket(`${scheme}://${location.host}/ws`);
    ws = socket;
    socket.addEventListener('open', () => {
      if (ws !== socket) return;
      lastHeard = Date.now();
      send({ type: 'join', token: joinToken });
      clearInterval(pingTimer);
      pingTimer = setInterval(() => {
        if (Date.now() - lastHeard > SILENT_CONNECTION_MS) connectionLost();
        else send({ type: 'ping' });
      }, PING_INTERVAL_MS);
    });
    socket.addEventListener('message', (event) => {
      if (ws !== socket) return; // a connection we gave up on
      lastHeard = Date.now();
      let msg;
      try {
        msg = JSON.parse(event.data);
      } catch (e) {
        return;
      }
      handle(msg).catch((e) => fail('client_error', `${e && e.message ? e.message : e}`));
    });
    socket.addEventListener('close', () => {
      if (ws !== socket) return;
      connectionLost();
    });
  }

  /**
   * The signalling connection or the media path is gone: unless the visit is over for us, reconnect with
   * back-off and join again with the same token. The server gives the seat back without the lobby and
   * replaces the old connection if it has not noticed yet; our camera and microphone stay open.
   */
  function connectionLost() {
    clearInterval(pingTimer);
    const old = ws;
    ws = null;
    if (old) {
      try {
        old.close(1000);
      } catch (e) {
        // already closing
      }
    }
    if (!RECOVERABLE.has(vm.state)) return;
    if (!reconnectingSince) reconnectingSince = Date.now();
    if (Date.now() - reconnectingSince > RECONNECT_GIVE_UP_MS) {
      vm.state = 'closed';
      resetVisit();
      say('connectionLost', null, true);
      disableControls();
      return;
    }
    vm.state = 'reconnecting';
    resetVisit();
    say('reconnecting');
    const delay = RECONNECT_DELAYS_MS[Math.min(reconnectAttempt, RECONNECT_DELAYS_MS.length - 1)];
    reconnectAttempt++;
    clearTimeout(reconnectTimer);
    reconnectTimer = setTimeout(() => {
      if (vm.state !== 'reconnecting') return;
      vm.reconnects++;
      openSocket();
    }, delay);
  }

  /** Back in the visit (or its lobby) after a reconnection: the back-off starts over. */
  function connected() {
    reconnectAttempt = 0;
    reconnectingSince = 0;
  }

  /** Forgets the peer connections and everyone we knew of: the server tells us again after a (re)join. */
  function resetVisit() {
    closePeerConnections();
    vm.publishPc = null;
    vm.subscribePc = null;
    Object.keys(vm.participants).forEach(removeParticipant);
    vm.remoteStreams = {};
    Object.keys(midToParticipant).forEach((mid) => { delete midToParticipant[mid]; });
    Object.keys(videoMids).forEach((id) => { delete videoMids[id]; });
    lastViewSizes = '';
    subscribeQueue = Promise.resolve();
    Object.keys(lastInbound).forEach((id) => { delete lastInbound[id]; });
    vm.quality = {};
    if (ui) {
      ui.tiles.replaceChildren();
      ui.waitingNotice.hidden = true;
    }
  }

  function send(message) {
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
  }

  async function handle(msg) {
    switch (msg.type) {
      case 'waiting': return onWaiting();
      case 'joined': return onJoined(msg);
      case 'lobbyUpdated': return onLobbyUpdated(msg.lobby);
      case 'mutedBy': return onMutedBy(msg);
      case 'meetingEnded': return onMeetingEnded(msg);
      case 'publishAnswer':
        if (vm.publishPc) await vm.publishPc.setRemoteDescription({ type: 'answer', sdp: msg.sdp });
        return;
      case 'subscribeOffer':
        subscribeQueue = subscribeQueue.then(() => onSubscribeOffer(msg)).catch((e) =>
          fail('client_error', `${e && e.message ? e.message : e}`));
        return subscribeQueue;
      case 'participantJoined':
      case 'participantUpdated': return onParticipant(msg.participant);
      case 'participantLeft': return onParticipantLeft(msg.participantId);
      case 'serverDraining': return onServerDraining(msg);
      case 'error': return onError(msg);
      case 'pong': return;
      case 'left': return;
      default: return; // newer servers may say more than we understand
    }
  }

  /** In the lobby: nothing is sent or received until a clinician lets us in. */
  function onWaiting() {
    connected();
    vm.state = 'waiting';
    ui.waitingNotice.hidden = false;
    ui.leave.disabled = false;
    say('waitingToBeLetIn');
  }

  async function onJoined(msg) {
    connected();
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
    ui.people.hidden = false;
    renderPeople();
    watchQuality();
    if (vm.localStream) await publish();
    // Tell the others what state our devices start in (audio-only fallback means camera off).
    if (vm.audioMuted || vm.videoMuted) sendMute();
  }

  function peerConnection() {
    // Tests force the TURN relay (window.vardmoteIceTransportPolicy = 'relay'); people use every path.
    const pc = new RTCPeerConnection({ iceServers: vm.iceServers, bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require',
      iceTransportPolicy: window.vardmoteIceTransportPolicy || 'all' });
    let disconnectedTimer = null;
    pc.addEventListener('connectionstatechange', () => {
      clearTimeout(disconnectedTimer);
      if (pc !== vm.publishPc && pc !== vm.subscribePc) return;
      // A lost media path is rebuilt by joining again: new peer connections, same seat, no lobby.
      if (pc.connectionState === 'failed') mediaLost();
      else if (pc.connectionState === 'disconnected') watchDisconnected(pc, (t) => { disconnectedTimer = t; });
    });
    return pc;
  }

  /**
   * A 'disconnected' path that still brings bytes has only lost a consent check or two (Firefox checks about every
   * 5 s and says 'disconnected' when one goes unanswered, which 5 % loss does every minute or so): it is rebuilt only
   * once nothing at all has arrived on it for MEDIA_DISCONNECTED_MS.
   */
  function watchDisconnected(pc, setTimer) {
    let last = -1;
    let silentSince = Date.now();
    const check = async () => {
      if (pc.connectionState !== 'disconnected' || (pc !== vm.publishPc && pc !== vm.subscribePc)) return;
      const bytes = await bytesReceived(pc);
      if (bytes !== last) {
        last = bytes;
        silentSince = Date.now();
      }
      if (Date.now() - silentSince >= MEDIA_DISCONNECTED_MS) mediaLost();
      else setTimer(setTimeout(check, 500));
    };
    check();
  }

  /** Everything a connection has received (media, RTCP, STUN), from its candidate pairs: both engines report those. */
  async function bytesReceived(pc) {
    let total = 0;
    try {
      (await pc.getStats()).forEach((s) => { if (s.type === 'candidate-pair') total += s.bytesReceived || 0; });
    } catch (e) {
      return -1;
    }
    return total;
  }

  function mediaLost() {
    if (vm.state === 'joined') connectionLost();
  }

  /**
   * Simulcast layers for a group visit, lowest first (the server picks one per viewer from its downlink and
   * switches at keyframes). Browsers send as many layers as the picture is large enough for (libwebrtc: three
   * from 960×540, two from 640×360), and drop the last ones asked for beyond that, so the list is cut to fit:
   * the full picture is always one of them. A two-party visit sends one layer: its only viewer gets the best
   * the path allows through the server's bandwidth feedback, and the encoder's work is not doubled.
   */
  function simulcastLayers(track) {
    const s = track.getSettings ? track.getSettings() : {};
    const pixels = (s.width || 640) * (s.height || 480);
    if (pixels >= 960 * 540) {
      return [
        { rid: 'q', scaleResolutionDownBy: 4, maxBitrate: 150000 },
        { rid: 'h', scaleResolutionDownBy: 2, maxBitrate: 500000 },
        { rid: 'f', scaleResolutionDownBy: 1, maxBitrate: 1700000 },
      ];
    }
    if (pixels >= 640 * 360) {
      return [
        { rid: 'h', scaleResolutionDownBy: 2, maxBitrate: 300000 },
        { rid: 'f', scaleResolutionDownBy: 1, maxBitrate: 1200000 },
      ];
    }
    return null;
  }

  function addSendTrack(pc, track, stream) {
    const init = { direction: 'sendonly', streams: [stream] };
    const layers = track.kind === 'video' && vm.self && vm.self.roomKind === 'group' ? simulcastLayers(track) : null;
    if (layers) init.sendEncodings = layers;
    pc.addTransceiver(track, init);
  }

  /** Publish: we offer our tracks send-only; the server answers. No need to wait for ICE gathering (ICE-lite server). */
  async function publish() {
    const pc = peerConnection();
    vm.publishPc = pc;
    const stream = vm.localStream;
    for (const kind of ['audio', 'video']) {
      for (const track of stream.getTracks().filter((t) => t.kind === kind)) {
        addSendTrack(pc, track, stream);
      }
    }
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    send({ type: 'publish', sdp: pc.localDescription.sdp });
  }

  /** Subscribe: the server offers everyone else's tracks; we answer with the same version. */
  async function onSubscribeOffer(msg) {
    if (vm.state !== 'joined') return;
    for (const t of msg.tracks || []) {
      midToParticipant[t.mid] = t.participantId;
      if (t.kind === 'video') videoMids[t.participantId] = t.mid;
    }
    scheduleViewSizes();
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

  /**
   * In a group visit the server sends each picture in the smallest simulcast layer that fills its tile, so
   * a phone's small tiles cost no more than they show: tell it each tile's size when it changes (debounced;
   * a resize, a rotation, someone arriving). CSS pixels, not device pixels: a 3x phone screen would otherwise
   * ask for the full picture for a thumbnail (LiveKit's adaptive stream makes the same default choice).
   */
  function scheduleViewSizes() {
    if (!vm.self || vm.self.roomKind !== 'group') return;
    clearTimeout(viewSizeTimer);
    viewSizeTimer = setTimeout(sendViewSizes, 300);
  }

  function sendViewSizes() {
    if (vm.state !== 'joined' || !ui) return;
    const views = [];
    for (const [participantId, mid] of Object.entries(videoMids)) {
      const video = ui.tiles.querySelector(`video[data-participant-id="${CSS.escape(participantId)}"]`);
      if (!video) continue;
      views.push({ mid, width: Math.round(video.clientWidth), height: Math.round(video.clientHeight) });
    }
    const key = JSON.stringify(views);
    if (views.length === 0 || key === lastViewSizes) return;
    lastViewSizes = key;
    send({ type: 'viewSizes', views });
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
    // Sound plays on the speaker chosen in the check, where the browser lets a page choose.
    if (vm.devices.audiooutput && typeof video.setSinkId === 'function') video.setSinkId(vm.devices.audiooutput).catch(() => {});
    const caption = document.createElement('figcaption');
    figure.append(video, caption);
    if (vm.self && vm.self.role === 'clinician') figure.append(tileActions(participantId));
    ui.tiles.append(figure);
    if (tileResize) tileResize.observe(video);
    updateLabel(participantId);
    scheduleViewSizes();
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
      b.dataset.i18n = label;
      b.textContent = t(label);
      Object.entries(extra || {}).forEach(([k, v]) => { b.dataset[k] = v; });
      b.addEventListener('click', onClick);
      actions.append(b);
      return b;
    };
    button('verify', 'verifyIdDocument', () => send({ type: 'verifyIdentity', participantId, method: 'id-document' }),
      { method: 'id-document' });
    button('verify', 'verifyBankId', () => send({ type: 'verifyIdentity', participantId, method: 'bankid' }),
      { method: 'bankid' });
    button('mute-participant', 'muteParticipant', () => send({ type: 'muteParticipant', participantId }));
    button('remove', 'remove', () => {
      const who = (vm.participants[participantId] || {}).displayName || '';
      if (window.confirm(t('confirmRemove', { name: who }))) {
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
    // Muted and camera off in words with a symbol, beside the name, never over the face.
    if (info && info.audioMuted) caption.append(mark('muted', '✕', 'micOffMark'));
    if (info && info.videoMuted) caption.append(mark('camera-off', '✕', 'cameraOffMark'));
    if (info && info.reconnecting) {
      const mark = document.createElement('span');
      mark.className = 'reconnecting-mark';
      mark.dataset.testid = 'reconnecting';
      mark.textContent = t('reconnecting');
      caption.append(mark);
    }
    if (info && info.identityVerified) {
      const mark = document.createElement('span');
      mark.className = 'verified-mark';
      mark.dataset.testid = 'identity-verified';
      mark.textContent = `✓ ${t('method_' + info.identityVerified)}`;
      caption.append(mark);
    }
  }

  /**
   * Someone joined or changed: the tile follows, and the change is announced (who joined, who turned their
   * microphone or camera off or on), so that a screen reader hears what a sighted person sees on the tiles.
   */
  function onParticipant(p) {
    if (!p || !p.participantId || p.participantId === vm.participantId) return;
    const before = vm.participants[p.participantId];
    upsertParticipant(p);
    const name = p.displayName;
    if (!before) {
      announce('announceJoined', { name, role: t('role_' + p.role) });
      return;
    }
    if (!!before.audioMuted !== !!p.audioMuted) announce(p.audioMuted ? 'announceMuted' : 'announceUnmuted', { name });
    if (!!before.videoMuted !== !!p.videoMuted) announce(p.videoMuted ? 'announceCameraOff' : 'announceCameraOn', { name });
  }

  function onParticipantLeft(participantId) {
    const who = vm.participants[participantId];
    removeParticipant(participantId);
    if (who) announce('announceLeft', { name: who.displayName });
  }

  /**
   * Clinicians hear who has come into the waiting room: a screen reader says who, a short chime sounds for
   * everyone else, and the tab's title counts those waiting ("(2) Videobesök"), so a clinician working in
   * another tab or window sees it too.
   */
  function onLobbyUpdated(list) {
    const before = new Set((vm.lobby || []).map((e) => e.participantId));
    renderLobby(list);
    const arrived = (list || []).filter((e) => !before.has(e.participantId));
    arrived.forEach((e) => announce('announceWaiting', { name: e.displayName, role: t('role_' + e.role) }));
    if (arrived.length > 0) chime();
  }

  function updateTitle() {
    const waiting = vm.self && vm.self.role === 'clinician' ? (vm.lobby || []).length : 0;
    document.title = (waiting > 0 ? `(${waiting}) ` : '') + t('title') + ' – vardmote';
  }

  /** Two soft rising notes, on the chosen speaker where the browser lets a page choose; counted for tests. */
  let chimeContext = null;
  function chime() {
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return;
    try {
      if (!chimeContext) {
        chimeContext = new Context();
        if (vm.devices.audiooutput && typeof chimeContext.setSinkId === 'function') {
          chimeContext.setSinkId(vm.devices.audiooutput).catch(() => {});
        }
      }
      if (chimeContext.state === 'suspended') chimeContext.resume().catch(() => {});
      window.vardmotePrecall.playNotes(chimeContext, [[523, 0], [784, 0.18]], 0.2, 0.35);
      vm.chimes += 1;
    } catch (e) {
      // no sound: the announcement and the title still tell
    }
  }

  /** A state shown on a tile: a symbol (not read out) and the catalogue's words. */
  function mark(testId, symbol, key) {
    const span = document.createElement('span');
    span.className = 'state-mark';
    span.dataset.testid = testId;
    const icon = document.createElement('span');
    icon.setAttribute('aria-hidden', 'true');
    icon.textContent = symbol + ' ';
    span.append(icon, t(key));
    return span;
  }

  function upsertParticipant(p) {
    if (!p || !p.participantId || p.participantId === vm.participantId) return;
    vm.participants[p.participantId] = {
      participantId: p.participantId, role: p.role, displayName: p.displayName,
      audioMuted: !!p.audioMuted, videoMuted: !!p.videoMuted,
      identityVerified: p.identityVerified || null, joinedVia: p.joinedVia || 'video',
      reconnecting: !!p.reconnecting,
    };
    ensureTile(p.participantId); // a tile from the start, so a clinician can act before media flows
    updateLabel(p.participantId);
    updatePresenceStatus();
    renderPeople();
  }

  function removeParticipant(participantId) {
    delete vm.participants[participantId];
    const stream = vm.remoteStreams[participantId];
    if (stream) stream.getTracks().forEach((t) => stream.removeTrack(t));
    delete vm.remoteStreams[participantId];
    const figure = ui.tiles.querySelector(`figure[data-tile-for="${CSS.escape(participantId)}"]`);
    if (figure) figure.remove();
    delete vm.quality[participantId];
    updatePresenceStatus();
    renderPeople();
  }

  /** The server restarts soon: this visit goes on until then; say so once, politely. */
  function onServerDraining(msg) {
    const at = new Date(msg.closesAt);
    const time = Number.isNaN(at.getTime()) ? '' : at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    say('serverDraining', { time });
  }

  function updatePresenceStatus() {
    if (vm.state !== 'joined') return;
    const others = Object.values(vm.participants);
    const away = others.filter((p) => p.reconnecting).map((p) => p.displayName);
    if (others.length === 0) say('waitingForOthers');
    else if (away.length > 0) say('othersReconnecting', { names: away.join(', ') });
    else say('inVisitWith', { names: others.map((p) => p.displayName).join(', ') });
  }

  /**
   * The participant list: each person's name, role in the catalogue's words, microphone and camera state, and
   * the quality of their connection as a symbol and a word (never colour alone). We come first.
   */
  function renderPeople() {
    if (!ui || !ui.peopleList) return;
    const people = [];
    if (vm.self) {
      people.push({ participantId: vm.self.participantId, displayName: vm.self.displayName, role: vm.self.role, self: true,
        audioMuted: vm.audioMuted, videoMuted: vm.videoMuted || !vm.localStream || vm.localStream.getVideoTracks().length === 0 });
    }
    Object.values(vm.participants).forEach((p) => people.push(p));
    ui.peopleList.replaceChildren(...people.map(personItem));
  }

  function personItem(p) {
    const li = document.createElement('li');
    li.dataset.participantId = p.participantId;
    const who = document.createElement('span');
    who.className = 'who';
    const name = document.createElement('strong');
    name.textContent = p.self ? `${p.displayName} (${t('you')})` : p.displayName;
    who.append(name, ` – ${t('role_' + p.role)}`);
    const states = document.createElement('span');
    states.className = 'states';
    if (p.audioMuted) states.append(mark('muted', '✕', 'micOffMark'));
    if (p.videoMuted) states.append(mark('camera-off', '✕', 'cameraOffMark'));
    const q = vm.quality[p.self ? 'self' : p.participantId] || { rating: 'unknown' };
    const quality = document.createElement('span');
    quality.className = 'quality';
    quality.dataset.testid = 'quality';
    quality.dataset.quality = q.rating;
    const symbol = document.createElement('span');
    symbol.setAttribute('aria-hidden', 'true');
    symbol.textContent = { good: '●●●', fair: '●●○', poor: '●○○', unknown: '○○○' }[q.rating] + ' ';
    quality.append(symbol, `${t('qualityLabel')} ${t('quality_' + q.rating)}`);
    quality.title = qualityDetail(q);
    li.append(who, states, quality);
    return li;
  }

  /** The figures behind a rating, for whoever hovers over it (and for tests). */
  function qualityDetail(q) {
    const parts = [];
    if (q.loss !== undefined) parts.push(`${t('qualityLoss')} ${Math.round(q.loss * 1000) / 10} %`);
    if (q.fps !== undefined && q.fps !== null) parts.push(`${Math.round(q.fps)} ${t('qualityFps')}`);
    if (q.freezes) parts.push(`${t('qualityFreezes')} ${q.freezes.toFixed(1)} s`);
    if (q.rttMs !== undefined && q.rttMs !== null) parts.push(`${t('qualityRtt')} ${q.rttMs} ms`);
    if (q.kbps) parts.push(`${q.kbps} kbit/s`);
    return parts.join(', ');
  }

  let qualityTimer = null;
  const lastInbound = {}; // inbound-rtp id → {packetsReceived, packetsLost, freezes} at the last measurement

  /** Measures everyone's connection every QUALITY_INTERVAL_MS while we are in the visit. */
  function watchQuality() {
    clearInterval(qualityTimer);
    qualityTimer = setInterval(async () => {
      if (vm.state !== 'joined') return;
      try {
        await measureQuality();
      } catch (e) {
        // a connection that closed meanwhile: measured again next time
      }
      renderPeople();
    }, QUALITY_INTERVAL_MS);
  }

  async function measureQuality() {
    // Ourselves: the publish connection's round trip and what the browser's estimate lets us send.
    if (vm.publishPc) {
      let rttMs = null;
      let kbps = 0;
      const stats = await vm.publishPc.getStats();
      let pairId = null;
      stats.forEach((r) => { if (r.type === 'transport' && r.selectedCandidatePairId) pairId = r.selectedCandidatePairId; });
      stats.forEach((r) => {
        if (r.type === 'candidate-pair' && (r.id === pairId || (!pairId && r.nominated))) {
          if (r.currentRoundTripTime !== undefined) rttMs = Math.round(r.currentRoundTripTime * 1000);
          if (r.availableOutgoingBitrate) kbps = Math.round(r.availableOutgoingBitrate / 1000);
        }
      });
      const sendsVideo = !!(vm.localStream && vm.localStream.getVideoTracks().length > 0 && !vm.videoMuted);
      vm.quality.self = { rating: rateOwn(rttMs, kbps, sendsVideo), rttMs, kbps };
    }
    // The others: loss, freezes and frames per second of the streams we receive from each.
    if (vm.subscribePc) {
      const trackOwner = {};
      Object.entries(vm.remoteStreams).forEach(([pid, stream]) => stream.getTracks().forEach((tr) => { trackOwner[tr.id] = pid; }));
      const per = {};
      (await vm.subscribePc.getStats()).forEach((r) => {
        if (r.type !== 'inbound-rtp') return;
        const pid = trackOwner[r.trackIdentifier];
        if (!pid) return;
        const before = lastInbound[r.id] || { packetsReceived: 0, packetsLost: 0, freezes: 0 };
        const now = { packetsReceived: r.packetsReceived || 0, packetsLost: Math.max(0, r.packetsLost || 0),
          freezes: r.totalFreezesDuration || 0 };
        lastInbound[r.id] = now;
        const p = per[pid] || (per[pid] = { received: 0, lost: 0, freezes: 0, fps: null });
        p.received += now.packetsReceived - before.packetsReceived;
        p.lost += now.packetsLost - before.packetsLost;
        p.freezes += now.freezes - before.freezes;
        if (r.kind === 'video' && r.framesPerSecond !== undefined) p.fps = r.framesPerSecond;
      });
      Object.entries(per).forEach(([pid, p]) => {
        const info = vm.participants[pid] || {};
        const loss = p.received + p.lost > 0 ? p.lost / (p.received + p.lost) : 0;
        const fps = info.videoMuted ? null : p.fps;
        vm.quality[pid] = { rating: rateRemote(p.received + p.lost, loss, p.freezes, fps, !info.videoMuted), loss, fps,
          freezes: p.freezes };
      });
    }
  }

  /** good / fair / poor for what we receive from someone over the last interval. */
  function rateRemote(packets, loss, freezes, fps, expectVideo) {
    if (packets === 0) return expectVideo ? 'poor' : 'unknown';
    if (loss > 0.08 || freezes > 0.5 || (expectVideo && fps !== null && fps < 5)) return 'poor';
    if (loss > 0.02 || freezes > 0 || (expectVideo && fps !== null && fps < 10)) return 'fair';
    return 'good';
  }

  /** good / fair / poor for our own path to the server. */
  function rateOwn(rttMs, kbps, sendsVideo) {
    if (rttMs === null && !kbps) return 'unknown';
    if ((rttMs !== null && rttMs > 400) || (sendsVideo && kbps && kbps < 100)) return 'poor';
    if ((rttMs !== null && rttMs > 150) || (sendsVideo && kbps && kbps < 250)) return 'fair';
    return 'good';
  }

  /** Moves the small self-view to {@code corner}, or to the next corner (the button; keyboard and touch alike). */
  function moveSelfView(corner) {
    const next = corner || CORNERS[(CORNERS.indexOf(vm.selfViewCorner) + 1) % CORNERS.length];
    vm.selfViewCorner = next;
    ui.ownTile.dataset.corner = next;
    announce('selfViewMoved', { corner: t('corner_' + next) });
  }

  /** Drag the small self-view with a mouse or a finger; on release it settles in the nearest corner. */
  function dragSelfView() {
    const tile = ui.ownTile;
    let start = null;
    tile.addEventListener('pointerdown', (e) => {
      if (getComputedStyle(tile).position !== 'absolute') return; // alone, the self-view is the big picture
      start = { x: e.clientX, y: e.clientY };
      tile.setPointerCapture(e.pointerId);
      tile.classList.add('dragging');
    });
    tile.addEventListener('pointermove', (e) => {
      if (!start) return;
      tile.style.translate = `${e.clientX - start.x}px ${e.clientY - start.y}px`;
    });
    const drop = (e) => {
      if (!start) return;
      start = null;
      tile.classList.remove('dragging');
      tile.style.translate = '';
      const area = ui.tiles.getBoundingClientRect();
      const vertical = e.clientY < area.top + area.height / 2 ? 'top' : 'bottom';
      const horizontal = e.clientX < area.left + area.width / 2 ? 'left' : 'right';
      moveSelfView(`${vertical}-${horizontal}`);
    };
    tile.addEventListener('pointerup', drop);
    tile.addEventListener('pointercancel', drop);
  }

  /** Clinicians: the waiting list with Admit and Deny per person. */
  function renderLobby(list) {
    vm.lobby = list || [];
    updateTitle();
    if (!vm.self || vm.self.role !== 'clinician') return;
    ui.lobby.hidden = false;
    ui.lobbyEmpty.hidden = vm.lobby.length > 0;
    const items = vm.lobby.map((entry) => {
      const li = document.createElement('li');
      li.dataset.participantId = entry.participantId;
      const who = document.createElement('span');
      who.className = 'who';
      who.textContent = `${entry.displayName} (${t('role_' + entry.role)}, ${t('via_' + entry.joinedVia)})`;
      const admit = document.createElement('button');
      admit.type = 'button';
      admit.dataset.testid = 'admit';
      admit.dataset.participantId = entry.participantId;
      admit.dataset.i18n = 'admit';
      admit.textContent = t('admit');
      admit.addEventListener('click', () => send({ type: 'admit', participantId: entry.participantId }));
      const deny = document.createElement('button');
      deny.type = 'button';
      deny.className = 'deny';
      deny.dataset.testid = 'deny';
      deny.dataset.participantId = entry.participantId;
      deny.dataset.i18n = 'deny';
      deny.textContent = t('deny');
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
    if (by) say('mutedBy', { name: by });
    else say('mutedByClinician');
  }

  function onMeetingEnded() {
    vm.state = 'ended';
    forgetToken();
    finish();
    ui.endedNotice.hidden = false;
    document.body.classList.add('ended');
    say('visitEnded');
    focusNotice(ui.endedNotice);
  }

  /** The visit is over for us: no more media, no controls. */
  function finish() {
    clearInterval(qualityTimer);
    ui.people.hidden = true;
    closePeerConnections();
    clearInterval(pingTimer);
    if (vm.localStream) vm.localStream.getTracks().forEach((t) => t.stop());
    ui.waitingNotice.hidden = true;
    ui.lobby.hidden = true;
    ui.endMeeting.hidden = true;
    disableControls();
  }

  /** The controls are gone: the keyboard goes on from the notice's heading, not from a vanished button. */
  function focusNotice(notice) {
    const heading = notice.querySelector('h2');
    if (heading) heading.focus({ preventScroll: true });
  }

  function onError(msg) {
    vm.lastError = { code: msg.code, message: msg.message };
    // The catalogue's words for a code it knows; otherwise the server's own (a code this page does not know).
    const known = LANGUAGE.knows('error_' + msg.code);
    let words = known ? t('error_' + msg.code) : (msg.message || msg.code);
    if (msg.code === 'meeting_not_open' && msg.message) words = `${words} (${msg.message})`;
    if (FATAL.has(msg.code)) {
      vm.state = FINAL_STATE[msg.code] || 'error';
      if (FORGET_TOKEN.has(msg.code)) forgetToken();
      finish();
      if (msg.code === 'meeting_ended') ui.endedNotice.hidden = false;
    }
    setStatus(words, true);
  }

  function fail(code, message) {
    vm.lastError = { code, message };
    vm.state = 'error';
    if (LANGUAGE.knows('error_' + code)) say('error_' + code, null, true);
    else setStatus(message, true); // the server's own words: a code this page does not know
    disableControls();
  }

  function toggleMicrophone() {
    vm.audioMuted = !vm.audioMuted;
    (vm.localStream ? vm.localStream.getAudioTracks() : []).forEach((t) => { t.enabled = !vm.audioMuted; });
    renderMute();
    sendMute();
  }

  /** The microphone button as the state is: pressed when muted. */
  function renderMute() {
    ui.mute.setAttribute('aria-pressed', String(vm.audioMuted));
    ui.mute.textContent = t(vm.audioMuted ? 'unmute' : 'mute');
    renderPeople();
  }

  /** The camera button as the state is: pressed when the camera is off or was never started. */
  function renderCamera() {
    const off = vm.videoMuted || !vm.localStream || vm.localStream.getVideoTracks().length === 0;
    ui.camera.setAttribute('aria-pressed', String(off));
    ui.camera.textContent = t(off ? 'cameraOn' : 'cameraOff');
    renderPeople();
  }

  function toggleCamera() {
    if (!vm.localStream || vm.localStream.getVideoTracks().length === 0) {
      startCamera();
      return;
    }
    vm.videoMuted = !vm.videoMuted;
    (vm.localStream ? vm.localStream.getVideoTracks() : []).forEach((t) => { t.enabled = !vm.videoMuted; });
    renderCamera();
    sendMute();
  }

  /**
   * Turns a camera on that was never started (an interpreter starts with the microphone only; a sign-language
   * interpreter needs the camera): the track is added to the publish connection and offered again on it, so
   * ICE and DTLS stay as they are.
   */
  async function startCamera() {
    let track;
    try {
      const video = await navigator.mediaDevices.getUserMedia({ video: wanted('video') });
      track = video.getVideoTracks()[0];
    } catch (e) {
      say('cameraFailed', null, true);
      return;
    }
    if (!vm.localStream) vm.localStream = new MediaStream();
    vm.localStream.addTrack(track);
    ui.ownVideo.srcObject = vm.localStream;
    ui.ownVideo.play().catch(() => {});
    vm.audioOnly = false;
    vm.videoMuted = false;
    renderCamera();
    if (vm.publishPc) {
      addSendTrack(vm.publishPc, track, vm.localStream);
      const offer = await vm.publishPc.createOffer();
      await vm.publishPc.setLocalDescription(offer);
      send({ type: 'publish', sdp: vm.publishPc.localDescription.sdp });
    } else if (vm.state === 'joined') {
      await publish();
    }
    enableControls();
    sendMute();
  }

  function sendMute() {
    send({ type: 'mute', audio: vm.audioMuted, video: vm.videoMuted });
  }

  function leave() {
    send({ type: 'leave' });
    vm.state = 'left';
    forgetToken();
    clearTimeout(reconnectTimer);
    closePeerConnections();
    if (ws) ws.close(1000);
    clearInterval(pingTimer);
    if (vm.localStream) vm.localStream.getTracks().forEach((t) => t.stop());
    document.body.classList.add('left');
    clearInterval(qualityTimer);
    ui.people.hidden = true;
    ui.waitingNotice.hidden = true;
    ui.lobby.hidden = true;
    disableControls();
    say('youLeft');
  }

  function closePeerConnections() {
    if (vm.publishPc) vm.publishPc.close();
    if (vm.subscribePc) vm.subscribePc.close();
  }

  function enableControls() {
    ui.mute.disabled = !vm.localStream || vm.localStream.getAudioTracks().length === 0;
    // Without a camera track the button starts one (an interpreter who started with the microphone only).
    ui.camera.disabled = false;
    renderMute();
    renderCamera();
    ui.leave.disabled = false;
  }

  function disableControls() {
    if (!ui) return;
    ui.mute.disabled = true;
    ui.camera.disabled = true;
    ui.leave.disabled = true;
    ui.endMeeting.hidden = true;
  }

  /**
   * Says a change in the announcement live region (visually hidden, read out politely by screen readers); the
   * last few stay, so nothing is cut off while it is being read.
   */
  function announce(key, params) {
    if (!ui || !ui.announcements) return;
    const line = document.createElement('p');
    line.textContent = t(key, params);
    ui.announcements.append(line);
    while (ui.announcements.childElementCount > 5) ui.announcements.firstElementChild.remove();
  }

  /** Shows the catalogue's text for {@code key} as the status line (read out by screen readers). */
  function say(key, params, isError) {
    lastStatus = { key, params, isError };
    setStatus(t(key, params), isError);
  }

  function setStatus(text, isError) {
    if (!ui) return;
    ui.status.textContent = text;
    ui.status.classList.toggle('error', !!isError);
  }
})();
