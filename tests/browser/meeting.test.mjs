// Issue #4 in a real browser: host01 schedules a meeting over the XML API; a guest opens the join
// link in Chromium, is told to wait for the host, claims the host role with the host key, records,
// stops, and ends the meeting; the XML API's history and recordings then show the session.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { field, openBrowser, screenshot, startKaigi, wireDate, xml } from './lib.mjs';

let kaigi;
let browser;

before(async () => {
  kaigi = await startKaigi();
  browser = await openBrowser();
});

after(async () => {
  await browser?.close();
  await kaigi?.stop();
});

test('a guest joins, claims host with the host key, records and ends the meeting', async () => {
  const { base } = kaigi;
  const start = wireDate(new Date(Date.now() + 2 * 24 * 3600 * 1000));
  const created = await xml(base, 'host01', 'demo-pass', 'meeting.CreateMeeting',
    `<accessControl><meetingPassword>Br0wser!</meetingPassword></accessControl>
     <metaData><confName>Browser sync</confName></metaData>
     <schedule><startDate>${start}</startDate><timeZoneID>20</timeZoneID><duration>30</duration></schedule>`);
  const key = field(created, 'meetingkey');
  assert.match(key, /^\d{9}$/);
  const mk = `<meetingKey>${key}</meetingKey>`;
  const hostKey = field(await xml(base, 'host01', 'demo-pass', 'meeting.GetMeeting', mk), 'hostKey');
  const joinUrl = field(await xml(base, 'host01', 'demo-pass', 'meeting.GetjoinurlMeeting', mk), 'joinMeetingURL');
  assert.ok(joinUrl.startsWith(`${base}/demo/e.php?`), joinUrl);

  const page = await browser.context.newPage();
  await page.goto(joinUrl);
  assert.equal(await page.title(), 'Browser sync - kaigi');
  assert.equal(await page.locator('#status').getAttribute('data-status'), 'NOT_INPROGRESS');
  await screenshot(page, 'meeting-1-join-page');

  // Join before host is off: the guest is told to wait.
  await page.fill('#name', 'Guest Browser');
  await page.fill('#email', 'guest@browser.example');
  await page.fill('#password', 'Br0wser!');
  await page.click('#join');
  await page.locator('.error').filter({ hasText: 'waiting for the host' }).waitFor();
  await screenshot(page, 'meeting-2-waiting-for-host');

  // The same guest claims the host role with the host key.
  await page.fill('#password', 'Br0wser!');
  await page.fill('#host_key', hostKey);
  await page.click('#join');
  await page.locator('#role', { hasText: 'HOST' }).waitFor();
  assert.equal(await page.locator('#status').getAttribute('data-status'), 'INPROGRESS');
  assert.match(await page.locator('#participants').innerText(), /Guest Browser\s+HOST/);
  const open = await xml(base, 'host01', 'demo-pass', 'ep.LstOpenSession', '');
  assert.ok(open.includes(key), 'LstOpenSession shows the running meeting');
  await screenshot(page, 'meeting-3-in-meeting-as-host');

  await page.click('#record');
  await page.locator('#recording[data-recording="on"]').waitFor();
  await screenshot(page, 'meeting-4-recording');
  await page.click('#record');
  await page.locator('#recording[data-recording="off"]').waitFor();

  await page.click('#end');
  await page.locator('#notice', { hasText: 'The meeting has ended.' }).waitFor();
  assert.equal(await page.locator('#status').getAttribute('data-status'), 'NOT_INPROGRESS');
  await screenshot(page, 'meeting-5-ended');

  const usage = await xml(base, 'admin', 'demo-admin-pass', 'history.LstmeetingusageHistory', mk);
  assert.equal(field(usage, 'sessionKey'), key);
  assert.equal(field(usage, 'confName'), 'Browser sync');
  assert.equal(field(usage, 'totalParticipants'), '1');
  const attendees = await xml(base, 'admin', 'demo-admin-pass', 'history.LstmeetingattendeeHistory', mk);
  assert.equal(field(attendees, 'email'), 'guest@browser.example');
  assert.equal(field(attendees, 'participantType'), 'HOST');
  const recordings = await xml(base, 'host01', 'demo-pass', 'ep.LstRecording', `<sessionKey>${key}</sessionKey>`);
  assert.ok(field(recordings, 'recordingID'), 'the session left a recording');
  const meeting = await xml(base, 'host01', 'demo-pass', 'meeting.GetMeeting', mk);
  assert.equal(field(meeting, 'status'), 'NOT_INPROGRESS');
  assert.equal(field(meeting, 'hostJoined'), 'false');
});
