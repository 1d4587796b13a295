// Issue #6's booking page in a real browser on the demo site: host01 (a licensed host) books a
// meeting with invitees and sees its join link, number, password and host key; emp001 (no
// licence on the Named User plan) is refused with the reason and the site administrator to ask.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { field, openBrowser, screenshot, startKaigi, xml } from './lib.mjs';

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

/** `YYYY-MM-DDTHH:MM` two days ahead (valid in any zone of the demo users). */
function twoDaysAhead() {
  const d = new Date(Date.now() + 2 * 24 * 3600 * 1000);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}T10:00`;
}

async function signIn(page, user) {
  await page.goto(`${kaigi.base}/book`);
  await page.fill('#site', 'demo');
  await page.fill('#user', user);
  await page.fill('#password', 'demo-pass');
  await page.click('#signin');
  await page.locator('#book-form').waitFor();
}

async function fillBooking(page, title, invitees) {
  await page.fill('#title', title);
  await page.fill('#start', twoDaysAhead());
  await page.fill('#duration', '30');
  await page.fill('#invitees', invitees);
}

test('host01 books a meeting in their own name and the invitees are invited', async () => {
  const page = await browser.context.newPage();
  await page.goto(`${kaigi.base}/book`);
  await page.locator('#signin-form').waitFor();
  await screenshot(page, 'book-1-sign-in');

  await signIn(page, 'host01');
  await fillBooking(page, 'Design review', 'emp010@demo.example, guest@partner.example');
  await screenshot(page, 'book-2-form');
  await page.click('#book');
  await page.locator('#booked').waitFor();
  await screenshot(page, 'book-3-booked');

  const key = (await page.locator('#meeting-number').innerText()).trim();
  assert.match(key, /^\d{9}$/);
  const joinLink = await page.locator('#join-link').getAttribute('href');
  assert.equal(joinLink, `${kaigi.base}/demo/e.php?AT=SI&MK=${key}`);
  assert.match((await page.locator('#host-key').innerText()).trim(), /^\d{6}$/);
  assert.notEqual((await page.locator('#password').innerText()).trim(), '(none)', 'the demo site requires a password');
  assert.deepEqual(await page.locator('#invited li').allInnerTexts(), ['emp010@demo.example', 'guest@partner.example']);

  // The XML API sees the same meeting, hosted by host01, with both invitees.
  const meeting = await xml(kaigi.base, 'host01', 'demo-pass', 'meeting.GetMeeting', `<meetingKey>${key}</meetingKey>`);
  assert.equal(field(meeting, 'hostWebExID'), 'host01');
  assert.equal(field(meeting, 'confName'), 'Design review');
  const attendees = await xml(kaigi.base, 'host01', 'demo-pass', 'attendee.LstMeetingAttendee', `<meetingKey>${key}</meetingKey>`);
  assert.ok(attendees.includes('guest@partner.example') && attendees.includes('emp010@demo.example'));

  // The join link opens the meeting's page.
  await page.click('#join-link');
  await page.locator('#join-form').waitFor();
  assert.equal(await page.title(), 'Design review - kaigi');
  await page.close();
});

test('emp001 (no host licence) is refused with the reason and who can fix it', async () => {
  const page = await browser.context.newPage();
  await page.goto(`${kaigi.base}/book`);
  if (await page.locator('#signout').count()) {
    await page.click('#signout');
  }
  await page.locator('#signin-form').waitFor();
  await signIn(page, 'emp001');
  await fillBooking(page, 'Lunch and learn', '');
  await page.click('#book');
  await page.locator('#refusal').waitFor();
  await screenshot(page, 'book-4-refused');
  assert.match(await page.locator('#reason').innerText(), /emp001 holds no host licence/);
  assert.match(await page.locator('#admins').innerText(), /admin@demo\.example/);
  assert.equal(await page.locator('#title').inputValue(), 'Lunch and learn', 'what was typed stays');
  await page.close();
});
