// The site administrator's console in a real browser: the demo site's administrator signs in
// (HTTP Basic, as on the integrations page), adds an employee, tries to give them a licence and
// sees the refusal (the demo's 10 seats are all taken), frees a seat and assigns it, cancels a
// meeting, and reads the audit log; the licence report linked from the console names every
// series of its chart. Screenshots of each step go to the artifacts directory.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { field, openBrowser, screenshot, startKaigi, wireDate, xml } from './lib.mjs';

let kaigi;
let browser;

before(async () => {
  kaigi = await startKaigi();
  browser = await openBrowser({ httpCredentials: { username: 'admin', password: 'demo-admin-pass' } });
});

after(async () => {
  await browser?.close();
  await kaigi?.stop();
});

test('an administrator adds an employee, meets the seat limit, assigns a licence and cancels a meeting', async () => {
  const { base } = kaigi;
  const start = wireDate(new Date(Date.now() + 2 * 24 * 3600 * 1000));
  const created = await xml(base, 'host01', 'demo-pass', 'meeting.CreateMeeting',
    `<metaData><confName>Budget review</confName></metaData><schedule><startDate>${start}</startDate><duration>30</duration></schedule>`
    + '<accessControl><meetingPassword>Budget1</meetingPassword></accessControl>');
  const key = field(created, 'meetingkey');
  assert.ok(key, created);

  const page = await browser.context.newPage();
  await page.goto(`${base}/admin`);
  await page.fill('#site', 'demo');
  await page.click('#open');
  await page.waitForURL(`${base}/admin/demo`);
  assert.match(await page.textContent('body'), /Signed in as admin/);
  await screenshot(page, 'admin-01-console');

  // Add an employee.
  await page.click('nav >> text=People');
  await page.fill('#webex_id', 'newhire');
  await page.fill('#first_name', 'Nora');
  await page.fill('#last_name', 'Newhire');
  await page.fill('#email', 'nora@demo.example');
  await page.fill('#password', 'nora-pass-1');
  await page.click('#create');
  await page.waitForURL(/\/admin\/demo\/people\/newhire\?done=created/);
  assert.match(await page.textContent('#notice'), /created/);
  await screenshot(page, 'admin-02-employee-added');

  // Assigning a licence is refused: all ten seats are held.
  await page.goto(`${base}/admin/demo/licences?q=newhire`);
  await page.click('tr[data-webex-id="newhire"] button.assign');
  const refusal = await page.textContent('p.error');
  assert.match(refusal, /Licence refused: all 10 host licences of the site are in use/);
  await screenshot(page, 'admin-03-licence-refused');

  // Free host10's seat, then the assignment goes through.
  await page.goto(`${base}/admin/demo/licences?q=host10`);
  await page.click('tr[data-webex-id="host10"] button.unassign');
  await page.waitForURL(/done=unassigned/);
  await page.goto(`${base}/admin/demo/licences?q=newhire`);
  await page.click('tr[data-webex-id="newhire"] button.assign');
  await page.waitForURL(/done=assigned/);
  assert.match(await page.textContent('#seats'), /10 in use of 10/);
  await page.goto(`${base}/admin/demo/licences?q=newhire`);
  assert.equal((await page.textContent('tr[data-webex-id="newhire"] td.holds')).trim(), 'yes');
  await screenshot(page, 'admin-04-licence-assigned');

  // Find the meeting and cancel it.
  await page.goto(`${base}/admin/demo/meetings`);
  await page.fill('#q', 'Budget');
  await page.click('#search button');
  await page.click(`tr[data-meeting-key="${key}"] a`);
  await screenshot(page, 'admin-05-meeting');
  await page.click('button.cancel');
  await page.waitForURL(/done=cancelled/);
  assert.equal(await page.locator(`tr[data-meeting-key="${key}"]`).count(), 0);
  await screenshot(page, 'admin-06-meeting-cancelled');

  // The audit log has each action, the refusal among them.
  await page.click('nav >> text=Audit log');
  const audit = await page.textContent('#audit');
  for (const what of ['create_user', 'assign_licence', 'unassign_licence', 'cancel_meeting']) {
    assert.ok(audit.includes(what), `${what} in ${audit}`);
  }
  assert.equal(await page.locator('#audit td.refused').count(), 1);
  await screenshot(page, 'admin-07-audit-log');

  // The outbox holds the welcome mail.
  await page.click('nav >> text=Outbox');
  assert.match(await page.textContent('#outbox'), /nora@demo\.example/);

  // The licence report, linked from the console: every legend entry is named.
  await page.click('nav >> text=Licence report');
  const legend = await page.locator('svg g.legend text').allTextContents();
  assert.deepEqual(legend, ['distinct hosts', 'seats assigned', 'needed (Named User)', 'needed (Active User)', 'what the plan provides']);
  const headers = await page.locator('table').first().locator('th').allTextContents();
  assert.ok(headers.every((h) => h.trim() !== ''), `no unlabelled column: ${headers}`);
  assert.ok(!(await page.locator('table').first().textContent()).includes('Enterprise Agreement'));
  await screenshot(page, 'admin-08-licence-report');
  await page.close();
});
