// The OAuth consent page in a real browser: the demo site's administrator registers an
// integration on the integrations page, the integration sends the browser to /v1/authorize, a
// user signs in and allows it, and the browser lands on the integration's redirect URI (a small
// server of the test's own on 127.0.0.1) with `code` and `state`. Chromium applies the page's
// Content-Security-Policy `form-action` to the redirect that follows the form's post, so this is
// what proves the page's policy lets the redirect through. Deny ends there too, with
// `error=access_denied`; a redirect URI elsewhere than the registered one is never followed.

import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';
import { openBrowser, screenshot, startKaigi } from './lib.mjs';

let kaigi;
let browser;
let callback;
let callbackUrl;

before(async () => {
  kaigi = await startKaigi();
  browser = await openBrowser({ httpCredentials: { username: 'admin', password: 'demo-admin-pass' } });
  // The integration's side: a page that shows the query it was called with.
  callback = createServer((req, res) => {
    const q = new URL(req.url, 'http://127.0.0.1').searchParams;
    const text = [...q].map(([k, v]) => `${k}=${v}`).join('\n').replace(/&/g, '&amp;').replace(/</g, '&lt;');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!DOCTYPE html><title>Room booker callback</title><h1>Callback</h1><pre id="query">${text}</pre>`);
  });
  await new Promise((ok) => callback.listen(0, '127.0.0.1', ok));
  callbackUrl = `http://127.0.0.1:${callback.address().port}/oauth/callback`;
});

after(async () => {
  await browser?.close();
  await kaigi?.stop();
  await new Promise((ok) => (callback ? callback.close(ok) : ok()));
});

/** Registers an integration on the integrations page; returns its client id. */
async function register(page, name) {
  await page.goto(`${kaigi.base}/_kaigi/sites/demo/integrations`);
  await page.fill('#name', name);
  await page.fill('#redirect_uris', callbackUrl);
  await page.check('input[name=scope][value="meeting:schedules_read"]');
  await page.click('#create');
  await page.locator('#created').waitFor();
  return (await page.locator('#client-id').innerText()).trim();
}

function authorizeUrl(clientId, state) {
  const q = new URLSearchParams({
    client_id: clientId,
    response_type: 'code',
    redirect_uri: callbackUrl,
    scope: 'meeting:schedules_read',
    state,
  });
  return `${kaigi.base}/v1/authorize?${q}`;
}

test('a user signs in on the consent page, allows, and lands on the redirect URI with code and state', async () => {
  const page = await browser.context.newPage();
  const clientId = await register(page, 'Room booker');
  await screenshot(page, 'oauth-1-registered');
  assert.match(clientId, /^C[0-9a-f]{64}$/);

  await page.goto(authorizeUrl(clientId, 'st-42'));
  assert.equal((await page.locator('#integration').innerText()).trim(), 'Room booker');
  await page.fill('#user', 'host01');
  await page.fill('#password', 'demo-pass');
  await screenshot(page, 'oauth-2-consent');
  await page.click('#approve');
  await page.waitForURL((u) => u.href.startsWith(callbackUrl));
  await page.locator('#query').waitFor();
  await screenshot(page, 'oauth-3-callback');

  const landed = new URL(page.url());
  assert.equal(landed.searchParams.get('state'), 'st-42');
  assert.match(landed.searchParams.get('code') ?? '', /^[0-9A-Za-z_-]{16,}$/);
  assert.equal(landed.searchParams.get('error'), null);
  await page.close();
});

test('Deny lands on the redirect URI with error=access_denied', async () => {
  const page = await browser.context.newPage();
  const clientId = await register(page, 'Denied booker');
  await page.goto(authorizeUrl(clientId, 'st-no'));
  await page.click('#deny');
  await page.waitForURL((u) => u.href.startsWith(callbackUrl));
  const landed = new URL(page.url());
  assert.equal(landed.searchParams.get('error'), 'access_denied');
  assert.equal(landed.searchParams.get('state'), 'st-no');
  assert.equal(landed.searchParams.get('code'), null);
  await screenshot(page, 'oauth-4-denied');
  await page.close();
});
