// Issue #17 in real browsers: three Chromiums with fake cameras and microphones hold a meeting
// through kaigi's media server on 127.0.0.1. Each receives the others' audio and video (getStats:
// inbound bytes and decoded frames rising), a shared screen reaches the others, muting stops the
// packets, the host mutes and removes, chat and hands reach everyone, the host locks the meeting
// and admits a late joiner from the lobby, the host records, co-hosting is asked of the licences,
// and End by the co-host
// disconnects everyone; the history shows each join and leave, and the recording is a WebM file
// that Chromium plays.

import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, test } from 'node:test';
import { field, openBrowser, screenshot, startKaigi, token, until, wireDate, xml } from './lib.mjs';

let kaigi;
const browsers = [];

before(async () => {
  kaigi = await startKaigi();
});

after(async () => {
  for (const b of browsers) await b.close();
  await kaigi?.stop();
});

/** What a page receives, per stream kaigi told it about: { mid: { from, source, kind, bytes, frames } }. */
async function inbound(page) {
  return page.evaluate(async () => {
    const live = window.kaigiLive;
    const out = {};
    const stats = await live.pc.getStats();
    const byMid = new Map();
    for (const t of live.pc.getTransceivers()) if (t.mid) byMid.set(t.receiver.track.id, t.mid);
    for (const s of stats.values()) {
      if (s.type !== 'inbound-rtp') continue;
      const mid = s.mid ?? byMid.get(s.trackIdentifier);
      const info = live.tracks.get(mid);
      if (!info) continue;
      out[mid] = { from: info.from, source: info.source, kind: s.kind, bytes: s.bytesReceived, frames: s.framesDecoded ?? 0 };
    }
    return out;
  });
}

/** The inbound stream of `page` from participant `from` carrying `source` ('microphone', 'camera', 'screen'). */
async function streamFrom(page, from, source) {
  return Object.values(await inbound(page)).find((s) => s.from === from && s.source === source);
}

/** Waits until the stream from `from` of `source` on `page` grows (bytes, and frames for video). */
async function flowing(page, from, source, what) {
  const first = await until(`${what}: the stream appears`, () => streamFrom(page, from, source));
  await until(`${what}: bytes and frames rise`, async () => {
    const now = await streamFrom(page, from, source);
    return now && now.bytes > first.bytes + 1000 && (source === 'microphone' || now.frames > first.frames + 10);
  });
}

/** The status a WebSocket upgrade of `url` gets with `headers` (101 when it is accepted). */
function upgrade(url, headers) {
  return new Promise((ok, fail) => {
    const r = request(url, {
      headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', ...headers },
    });
    r.on('upgrade', (_res, socket) => { socket.destroy(); ok(101); });
    r.on('response', (res) => { res.resume(); ok(res.statusCode); });
    r.on('error', fail);
    r.end();
  });
}

async function connected(page, name) {
  await until(`${name}'s media to connect`, () => page.evaluate(() => window.kaigiLive?.pc?.connectionState === 'connected'));
}

async function join(joinUrl, name, email, { password, hostKey, lobby = false } = {}) {
  const browser = await openBrowser({ media: true });
  browsers.push(browser);
  const page = await browser.context.newPage();
  await page.goto(joinUrl);
  await page.fill('#name', name);
  await page.fill('#email', email);
  if (password) await page.fill('#password', password);
  if (hostKey) await page.fill('#host_key', hostKey);
  await page.click('#join');
  await page.locator('#live').waitFor();
  if (!lobby) await connected(page, name);
  const id = Number(await page.locator('#live').getAttribute('data-me'));
  return { page, id, name, browser };
}

test('three browsers hold a meeting through kaigi: audio, video, screen, mute, host controls, record, end', async () => {
  const { base } = kaigi;
  const start = wireDate(new Date(Date.now() + 3600 * 1000));
  const created = await xml(base, 'host01', 'demo-pass', 'meeting.CreateMeeting',
    `<accessControl><meetingPassword>Med1a!</meetingPassword></accessControl>
     <metaData><confName>Media sync</confName></metaData>
     <schedule><startDate>${start}</startDate><timeZoneID>20</timeZoneID><duration>30</duration></schedule>`);
  const key = field(created, 'meetingkey');
  const mk = `<meetingKey>${key}</meetingKey>`;
  const meeting = await xml(base, 'host01', 'demo-pass', 'meeting.GetMeeting', mk);
  const hostKey = field(meeting, 'hostKey');
  const hostEmail = field(await xml(base, 'host01', 'demo-pass', 'user.GetUser', '<webExId>host01</webExId>'), 'email');
  // Ann is host02 (she holds a licence, so she can be made co-host); the others are guests.
  const annEmail = field(await xml(base, 'host02', 'demo-pass', 'user.GetUser', '<webExId>host02</webExId>'), 'email');
  const joinUrl = field(await xml(base, 'host01', 'demo-pass', 'meeting.GetjoinurlMeeting', mk), 'joinMeetingURL');

  const host = await join(joinUrl, 'Host One', hostEmail, { hostKey });

  // The room's socket needs the room's pass, from one of kaigi's own pages.
  const socketUrl = `${base}${await host.page.locator('#live').getAttribute('data-socket')}`;
  const pass = (await host.browser.context.cookies()).find((c) => c.name === 'kaigi_p');
  assert.equal(await upgrade(socketUrl, {}), 403, 'no pass, no socket');
  assert.equal(await upgrade(socketUrl, { Cookie: `kaigi_p=${pass.value}`, Origin: 'http://elsewhere.example' }), 403, 'another site\'s page');
  assert.equal(await upgrade(socketUrl, { Cookie: `kaigi_p=${pass.value}`, Origin: base }), 101);
  const ann = await join(joinUrl, 'Ann Attendee', annEmail, { password: 'Med1a!' });
  const bob = await join(joinUrl, 'Bob Attendee', 'bob@media.example', { password: 'Med1a!' });
  const people = [host, ann, bob];

  // Everyone hears and sees everyone else.
  for (const receiver of people) {
    for (const sender of people.filter((p) => p !== receiver)) {
      await flowing(receiver.page, sender.id, 'microphone', `${receiver.name} hears ${sender.name}`);
      await flowing(receiver.page, sender.id, 'camera', `${receiver.name} sees ${sender.name}`);
    }
  }
  await until('the people list shows three', async () => (await host.page.locator('#people li').count()) === 3);
  const metrics = await (await fetch(`${base}/metrics`)).text();
  assert.match(metrics, /^kaigi_media_peers 3$/m, 'the metrics count three browsers');
  assert.match(metrics, /^kaigi_media_rooms 1$/m);
  for (const p of people) await screenshot(p.page, `media-1-three-in-${p.name.split(' ')[0].toLowerCase()}`);

  // Ann shares her screen: the others receive it.
  await ann.page.click('#share');
  await flowing(host.page, ann.id, 'screen', 'the host sees Ann\'s screen');
  await flowing(bob.page, ann.id, 'screen', 'Bob sees Ann\'s screen');
  await until('Ann shows as sharing', async () => (await host.page.locator('#people').innerText()).includes('sharing'));
  await screenshot(bob.page, 'media-2-bob-sees-the-shared-screen');

  // Bob mutes himself: his microphone's packets stop reaching the host.
  await bob.page.click('#mic');
  await until('Bob\'s audio stops at the host', async () => {
    const a = await streamFrom(host.page, bob.id, 'microphone');
    await host.page.waitForTimeout(700);
    const b = await streamFrom(host.page, bob.id, 'microphone');
    return a.bytes === b.bytes;
  });
  // ... and Ann's audio still flows.
  await flowing(host.page, ann.id, 'microphone', 'the host still hears Ann');

  // Chat and a raised hand reach everyone.
  await ann.page.fill('#chat-text', 'hello from Ann');
  await ann.page.click('#chat-form button');
  await bob.page.locator('#chat li', { hasText: 'Ann Attendee: hello from Ann' }).waitFor();
  await host.page.locator('#chat li', { hasText: 'hello from Ann' }).waitFor();
  await bob.page.click('#hand');
  await host.page.locator(`#people li[data-participant="${bob.id}"]`, { hasText: 'hand raised' }).waitFor();

  // The host mutes Ann: her browser stops sending its microphone.
  await host.page.locator(`#people li[data-participant="${ann.id}"] .mute-other`).click();
  await until('Ann is muted in her page', () => ann.page.evaluate(() => window.kaigiLive.muted));
  await until('Ann\'s audio stops at Bob', async () => {
    const a = await streamFrom(bob.page, ann.id, 'microphone');
    await bob.page.waitForTimeout(700);
    const b = await streamFrom(bob.page, ann.id, 'microphone');
    return a.bytes === b.bytes;
  });

  // The host records a few seconds of the meeting.
  await host.page.click('#live-record');
  await until('recording is on', async () => (await host.page.locator('#live').getAttribute('data-recording')) === 'on');
  const before = await streamFrom(host.page, ann.id, 'screen');
  await until('three seconds of video go by', async () => (await streamFrom(host.page, ann.id, 'screen')).frames > before.frames + 60, 60_000);
  await screenshot(host.page, 'media-3-host-recording');

  // Co-hosting is a licence question: Bob, a guest, is refused.
  await host.page.locator(`#people li[data-participant="${bob.id}"] .cohost-other`).click();
  await host.page.locator('#live-status', { hasText: 'holds no host licence' }).waitFor();

  // The host removes Bob.
  await host.page.locator(`#people li[data-participant="${bob.id}"] .remove-other`).click();
  await bob.page.waitForURL(/notice=left/);
  await bob.browser.close();
  browsers.splice(browsers.indexOf(bob.browser), 1);

  // The host locks the meeting: Cat waits in the lobby, without media, until the host admits her.
  await host.page.click('#live-lock');
  await until('the meeting is locked', async () => (await host.page.locator('#live').getAttribute('data-locked')) === 'on');
  const cat = await join(joinUrl, 'Cat Late', 'cat@media.example', { password: 'Med1a!', lobby: true });
  await cat.page.locator('#live-status', { hasText: 'waiting in the lobby' }).waitFor();
  assert.equal(await cat.page.evaluate(() => window.kaigiLive.pc), null, 'no media from the lobby');
  await screenshot(cat.page, 'media-3a-cat-in-the-lobby');
  await host.page.locator(`#people li[data-participant="${cat.id}"] .admit-other`).click();
  await connected(cat.page, 'Cat');
  await flowing(host.page, cat.id, 'camera', 'the host sees Cat once admitted');
  await flowing(cat.page, host.id, 'camera', 'Cat sees the host');
  // Ann, who holds a licence, is made co-host: her page comes back with the host's controls, and
  // she ends the meeting for everyone.
  await host.page.locator(`#people li[data-participant="${ann.id}"] .cohost-other`).click();
  await ann.page.locator('#role', { hasText: 'HOST' }).waitFor();
  await ann.page.locator('#live-end').waitFor();
  await ann.page.click('#live-end');
  await host.page.waitForURL(/notice=ended/);
  await ann.page.waitForURL(/notice=ended/);
  await cat.page.waitForURL(/notice=ended/);
  await ann.page.locator('#notice', { hasText: 'The meeting has ended.' }).waitFor();
  await screenshot(ann.page, 'media-4-ended');

  // The history shows each join and leave.
  const attendees = await xml(base, 'admin', 'demo-admin-pass', 'history.LstmeetingattendeeHistory', mk);
  for (const email of [hostEmail, annEmail, 'bob@media.example', 'cat@media.example']) assert.ok(attendees.includes(email), `${email} in the attendee history`);
  const usage = await xml(base, 'admin', 'demo-admin-pass', 'history.LstmeetingusageHistory', mk);
  assert.equal(field(usage, 'totalParticipants'), '4');
  assert.equal(field(await xml(base, 'host01', 'demo-pass', 'meeting.GetMeeting', mk), 'status'), 'NOT_INPROGRESS');

  // The recording is listed and is a WebM file Chromium plays.
  const recordings = await xml(base, 'host01', 'demo-pass', 'ep.LstRecording', `<sessionKey>${key}</sessionKey>`);
  assert.equal(field(recordings, 'format'), 'WEBM');
  const fileUrl = field(recordings, 'fileURL');
  const hostToken = token(kaigi, 'host01');
  assert.equal((await fetch(fileUrl)).status, 401, 'the file needs an access token');
  const file = await fetch(fileUrl, { headers: { authorization: `Bearer ${hostToken}` } });
  assert.equal(file.status, 200);
  assert.equal(file.headers.get('content-type'), 'video/webm');
  const bytes = Buffer.from(await file.arrayBuffer());
  assert.ok(bytes.length > 10_000, `the file has media (${bytes.length} bytes)`);
  const rest = await (await fetch(`${base}/v1/recordings?meetingId=${field(meeting, 'meetingUUID') ?? ''}`, { headers: { authorization: `Bearer ${hostToken}` } })).json();
  assert.ok(rest.items.some((r) => r.downloadUrl === fileUrl && r.format === 'WEBM'), 'REST lists the same file');

  const player = await browsers[0].context.newPage();
  await player.route('http://recording.test/**', (route) => {
    if (route.request().url().endsWith('.webm')) return route.fulfill({ status: 200, contentType: 'video/webm', body: bytes });
    return route.fulfill({ status: 200, contentType: 'text/html', body: '<video id="v" muted></video>' });
  });
  await player.goto('http://recording.test/player');
  const played = await player.evaluate(async () => {
    const v = document.getElementById('v');
    v.src = 'http://recording.test/r.webm';
    await new Promise((ok, fail) => { v.onloadeddata = ok; v.onerror = () => fail(new Error(`cannot play: ${v.error?.message}`)); });
    await v.play();
    await new Promise((ok) => { const t = () => (v.currentTime > 0.5 ? ok() : requestAnimationFrame(t)); t(); });
    return { width: v.videoWidth, height: v.videoHeight, time: v.currentTime };
  });
  assert.ok(played.width > 0 && played.height > 0, `the recording has a picture: ${JSON.stringify(played)}`);
  await screenshot(player, 'media-5-recording-plays');
});
