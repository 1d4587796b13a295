// The live meeting on kaigi's room page (docs/media.md): one RTCPeerConnection to kaigi's media
// server, the room's WebSocket for signalling and the room's talk. Plain JavaScript, no build step.
//
// The browser offers three sending sections (microphone, camera, screen) once; kaigi then offers
// everyone else's streams as they come and go, and the browser answers. Muting, stopping video
// and sharing swap a sender's track without a new negotiation, so only kaigi ever offers again.
'use strict';
(() => {
  const live = document.getElementById('live');
  if (!live) return;
  const $ = (id) => document.getElementById(id);
  const me = Number(live.dataset.me);
  const isHost = live.dataset.host === 'true';
  const state = {
    pc: null,
    ws: null,
    tracks: new Map(), // mid -> { from, source }
    people: [],
    senders: {},
    mic: null,
    cam: null,
    screen: null,
    muted: false,
    videoOff: false,
    hand: false,
    speaking: null,
    recording: false,
    locked: false,
    lobby: false,
    closed: false,
  };
  // For tests and for the curious: the connection and what kaigi said.
  window.kaigiLive = state;

  const status = (text) => { $('live-status').textContent = text; };
  const send = (message) => {
    if (state.ws && state.ws.readyState === WebSocket.OPEN) state.ws.send(JSON.stringify(message));
  };

  function tile(from, source) {
    const id = `tile-${from}-${source === 'screen' ? 'screen' : 'camera'}`;
    let figure = $(id);
    if (!figure) {
      figure = document.createElement('figure');
      figure.id = id;
      figure.className = `tile ${source === 'screen' ? 'screen' : 'camera'}`;
      figure.dataset.participant = String(from);
      const video = document.createElement('video');
      video.autoplay = true;
      video.playsInline = true;
      const audio = document.createElement('audio');
      audio.autoplay = true;
      const caption = document.createElement('figcaption');
      figure.append(video, audio, caption);
      $('stage').append(figure);
      showScreens();
    }
    const who = state.people.find((p) => p.id === from);
    figure.querySelector('figcaption').textContent = `${who ? who.name : `#${from}`}${source === 'screen' ? ' (screen)' : ''}`;
    return figure;
  }

  function attach(mid, track) {
    const info = state.tracks.get(mid);
    if (!info) return;
    const figure = tile(info.from, info.source);
    const element = figure.querySelector(track.kind === 'audio' ? 'audio' : 'video');
    element.srcObject = new MediaStream([track]);
    element.play().catch(() => status('Click anywhere to hear the others.'));
  }

  // Tiles of streams kaigi no longer sends go.
  function prune() {
    const wanted = new Set([...state.tracks.values()].map((t) => `tile-${t.from}-${t.source === 'screen' ? 'screen' : 'camera'}`));
    for (const figure of document.querySelectorAll('#stage figure.tile:not(.me)')) {
      if (!wanted.has(figure.id)) figure.remove();
    }
  }

  // A host's button beside someone in the people list: it sends `message`.
  function control(className, text, message) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = className;
    button.textContent = text;
    button.onclick = () => send(message);
    return button;
  }

  function drawPeople() {
    const list = $('people');
    list.replaceChildren();
    for (const p of state.people) {
      const item = document.createElement('li');
      item.dataset.participant = String(p.id);
      const flags = [p.lobby ? 'waiting in the lobby' : '', p.role === 'HOST' ? 'host' : '', p.muted ? 'muted' : '', p.hand ? '✋ hand raised' : '', p.sharing ? 'sharing' : '', state.speaking === p.id ? 'speaking' : ''].filter(Boolean);
      item.textContent = `${p.name}${p.id === me ? ' (you)' : ''}${flags.length ? ` — ${flags.join(', ')}` : ''}`;
      if (state.speaking === p.id) item.className = 'speaking';
      if (isHost && p.lobby) item.append(' ', control('admit-other', 'Admit', { type: 'admit', id: p.id }));
      if (isHost && p.id !== me) {
        item.append(' ', control('mute-other', 'Mute', { type: 'mute', id: p.id, muted: true }));
        item.append(' ', control('remove-other', 'Remove', { type: 'remove', id: p.id }));
        if (p.role !== 'HOST' && !p.lobby) item.append(' ', control('cohost-other', 'Make co-host', { type: 'coHost', id: p.id }));
      }
      list.append(item);
    }
    for (const figure of document.querySelectorAll('#stage figure.tile')) {
      figure.classList.toggle('speaking', Number(figure.dataset.participant) === state.speaking);
    }
    showScreens();
  }

  // A screen tile shows only while its participant shares.
  function showScreens() {
    for (const figure of document.querySelectorAll('#stage figure.tile.screen')) {
      const who = state.people.find((p) => p.id === Number(figure.dataset.participant));
      figure.hidden = !(who && who.sharing);
    }
  }

  const chatSeen = new Set();
  function chatLine(line) {
    if (chatSeen.has(line.id)) return;
    chatSeen.add(line.id);
    const item = document.createElement('li');
    item.textContent = `${line.name}: ${line.text}`;
    $('chat').append(item);
  }

  async function start() {
    const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
    state.pc = pc;
    let stream = new MediaStream();
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 360 } });
    } catch (e) {
      status(`No camera or microphone (${e.name}): you can still see and hear the others.`);
    }
    state.mic = stream.getAudioTracks()[0] || null;
    state.cam = stream.getVideoTracks()[0] || null;
    $('self-view').srcObject = state.cam ? new MediaStream([state.cam]) : null;
    const mic = pc.addTransceiver(state.mic || 'audio', { direction: 'sendonly', streams: [stream] });
    const cam = pc.addTransceiver(state.cam || 'video', { direction: 'sendonly', streams: [stream] });
    const screen = pc.addTransceiver('video', { direction: 'sendonly' });
    state.senders = { mic: mic.sender, cam: cam.sender, screen: screen.sender };
    pc.ontrack = (event) => attach(event.transceiver.mid, event.track);
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === 'connected') status('Connected.');
      if (pc.connectionState === 'failed') status('The audio and video connection failed (is UDP to kaigi open?).');
    };
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    const sources = { [mic.mid]: 'microphone', [cam.mid]: 'camera', [screen.mid]: 'screen' };
    send({ type: 'offer', sdp: pc.localDescription.sdp, sources });
  }

  function finish(text, notice) {
    if (state.closed) return;
    state.closed = true;
    for (const t of [state.mic, state.cam, state.screen]) if (t) t.stop();
    if (state.pc) state.pc.close();
    status(text);
    for (const b of document.querySelectorAll('#controls button')) b.disabled = true;
    if (notice) location.assign(`${live.dataset.room}?notice=${notice}`);
  }

  async function handle(m) {
    switch (m.type) {
      case 'welcome':
        for (const line of m.chat) chatLine(line);
        state.recording = m.recording;
        state.locked = m.locked;
        state.lobby = m.lobby;
        drawControls();
        if (state.lobby) {
          status('The meeting is locked: you are waiting in the lobby until a host lets you in.');
          for (const b of document.querySelectorAll('#controls button')) b.disabled = b.id !== 'live-leave';
        } else {
          await start();
        }
        break;
      case 'promoted':
        // A co-host now: the page comes again with the host's controls.
        location.reload();
        break;
      case 'admitted':
        // In: the page starts again, with camera and microphone.
        location.reload();
        break;
      case 'locked':
        state.locked = m.locked;
        drawControls();
        break;
      case 'answer':
        await state.pc.setRemoteDescription({ type: 'answer', sdp: m.sdp });
        break;
      case 'offer': {
        state.tracks = new Map(m.tracks.map((t) => [t.mid, { from: t.from, source: t.source }]));
        await state.pc.setRemoteDescription({ type: 'offer', sdp: m.sdp });
        const answer = await state.pc.createAnswer();
        await state.pc.setLocalDescription(answer);
        send({ type: 'answer', sdp: state.pc.localDescription.sdp });
        for (const t of state.pc.getTransceivers()) {
          if (t.mid && state.tracks.has(t.mid) && t.receiver.track) attach(t.mid, t.receiver.track);
        }
        prune();
        break;
      }
      case 'people':
        state.people = m.people;
        drawPeople();
        break;
      case 'speaking':
        state.speaking = m.id;
        drawPeople();
        break;
      case 'chat':
        chatLine(m.line);
        break;
      case 'hostMuted':
        if (m.muted) {
          await setMuted(true);
          status('The host muted you.');
        }
        break;
      case 'recording':
        state.recording = m.on;
        drawControls();
        break;
      case 'removed':
        finish('You were removed from the meeting.', 'left');
        break;
      case 'ended':
        finish('The meeting has ended.', 'ended');
        break;
      case 'closed':
        // The media connection is gone; the room's socket stays for the chat and the end.
        status(`Audio and video disconnected: ${m.reason}.`);
        break;
      case 'error':
        status(m.text);
        break;
      default:
        break;
    }
  }

  function drawControls() {
    $('mic').textContent = state.muted ? 'Unmute' : 'Mute';
    $('camera').textContent = state.videoOff ? 'Start video' : 'Stop video';
    $('share').textContent = state.screen ? 'Stop sharing' : 'Share screen';
    $('hand').textContent = state.hand ? 'Lower hand' : 'Raise hand';
    if ($('live-record')) $('live-record').textContent = state.recording ? 'Stop recording' : 'Record';
    if ($('live-lock')) $('live-lock').textContent = state.locked ? 'Unlock meeting' : 'Lock meeting';
    live.dataset.locked = state.locked ? 'on' : 'off';
    live.dataset.recording = state.recording ? 'on' : 'off';
  }

  // Muting takes the microphone off its sender: no packets leave the browser.
  async function setMuted(muted) {
    state.muted = muted;
    await state.senders.mic.replaceTrack(muted ? null : state.mic);
    send({ type: 'muted', muted });
    drawControls();
  }

  async function share() {
    if (state.screen) {
      state.screen.stop();
      state.screen = null;
      await state.senders.screen.replaceTrack(null);
      send({ type: 'sharing', on: false });
    } else {
      const stream = await navigator.mediaDevices.getDisplayMedia({ video: true });
      state.screen = stream.getVideoTracks()[0];
      state.screen.onended = () => { if (state.screen) share(); };
      await state.senders.screen.replaceTrack(state.screen);
      send({ type: 'sharing', on: true });
    }
    drawControls();
  }

  $('mic').onclick = () => setMuted(!state.muted);
  $('camera').onclick = async () => {
    state.videoOff = !state.videoOff;
    await state.senders.cam.replaceTrack(state.videoOff ? null : state.cam);
    drawControls();
  };
  $('share').onclick = () => share().catch((e) => status(`Cannot share the screen: ${e.name}`));
  $('hand').onclick = () => {
    state.hand = !state.hand;
    send({ type: 'hand', up: state.hand });
    drawControls();
  };
  if ($('live-record')) $('live-record').onclick = () => send({ type: 'record' });
  if ($('live-lock')) $('live-lock').onclick = () => send({ type: 'lock', locked: !state.locked });
  if ($('live-end')) $('live-end').onclick = () => send({ type: 'end' });
  $('live-leave').onclick = () => {
    send({ type: 'leave' });
    finish('You left the meeting.', 'left');
  };
  $('chat-form').onsubmit = (event) => {
    event.preventDefault();
    const text = $('chat-text').value.trim();
    if (text) send({ type: 'chat', text });
    $('chat-text').value = '';
  };
  document.addEventListener('click', () => {
    for (const el of document.querySelectorAll('#stage audio, #stage video')) el.play().catch(() => {});
  });

  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws = new WebSocket(`${scheme}//${location.host}${live.dataset.socket}`);
  state.ws = ws;
  // One message at a time, in order: an offer must be answered before the next is read.
  let queue = Promise.resolve();
  ws.onmessage = (event) => {
    const message = JSON.parse(event.data);
    queue = queue.then(() => handle(message)).catch((e) => status(`Error: ${e.message}`));
  };
  ws.onclose = () => { if (!state.closed) status('The connection to the meeting closed; reload the page to join again.'); };
})();
