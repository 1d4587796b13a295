// Shared pieces of the browser tests: a kaigi server of our own on a free loopback port with a
// fresh demo site, the XML API spoken over fetch, and Debian's Chromium driven by playwright-core.

import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const ARTIFACTS = process.env.KAIGI_BROWSER_ARTIFACTS || join(ROOT, 'target', 'browser-artifacts');
const BIN = process.env.KAIGI_BIN || join(ROOT, 'target', 'debug', 'kaigi');
const CHROMIUM = process.env.KAIGI_CHROMIUM || '/usr/bin/chromium';

/** Polls `check` until it returns a truthy value; fails after `ms`. */
export async function until(what, check, ms = 60_000) {
  const deadline = Date.now() + ms;
  let last;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
}

/** A free loopback port below the ephemeral range (where outgoing connections take theirs). */
async function freePort() {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise((ok) => {
      const s = createServer();
      s.once('error', () => ok(false));
      s.listen(port, '127.0.0.1', () => s.close(() => ok(true)));
    });
    if (free) return port;
  }
}

/** Starts `kaigi serve --demo` on its own database; returns { base, stop }. */
export async function startKaigi() {
  // A port can be taken between the check and kaigi's bind: then kaigi exits, and we try another.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startKaigiOnce();
    } catch (e) {
      if (attempt >= 3 || !/exited/.test(e.message)) throw e;
    }
  }
}

async function startKaigiOnce() {
  const dir = mkdtempSync(join(tmpdir(), 'kaigi-browser-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(BIN, ['serve', '--demo', '--listen', `127.0.0.1:${port}`, '--database', `sqlite://${join(dir, 'kaigi.db')}`], {
    env: { ...process.env, KAIGI_LOG: process.env.KAIGI_LOG || 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  let exited = null;
  child.on('exit', (code) => (exited = code));
  const database = `sqlite://${join(dir, 'kaigi.db')}`;
  const stop = async () => {
    if (exited === null) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await gone;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    // Seeding the demo site hashes ~100 passwords with argon2 before kaigi listens.
    await until('kaigi to answer /healthz', async () => {
      if (exited !== null) return true;
      const r = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2_000) }).catch(() => null);
      return r && r.status === 200;
    }, 180_000);
  } catch (e) {
    await stop();
    throw e;
  }
  if (exited !== null) {
    await stop();
    throw new Error(`kaigi exited with ${exited} before it served`);
  }
  return { base, stop, database, dir };
}

/** A REST access token of `user` on the demo site (`kaigi token create`). */
export function token(kaigi, user) {
  const out = execFileSync(BIN, ['token', 'create', '--site', 'demo', '--user', user, '--database', kaigi.database], { encoding: 'utf8' });
  return out.trim().split('\n').pop().trim();
}

const xmlEscape = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** One XML API call as `who` on the demo site; returns the response text (asserting SUCCESS). */
export async function xml(base, who, password, op, body) {
  const doc = `<?xml version="1.0" encoding="UTF-8"?>
<serv:message xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><header><securityContext>
<siteName>demo</siteName><webExID>${xmlEscape(who)}</webExID><password>${xmlEscape(password)}</password></securityContext></header>
<body><bodyContent xsi:type="java:com.webex.service.binding.${op}">${body}</bodyContent></body></serv:message>`;
  const r = await fetch(`${base}/WBXService/XMLService`, { method: 'POST', body: doc, headers: { 'content-type': 'text/xml' } });
  const text = await r.text();
  if (!text.includes('<serv:result>SUCCESS</serv:result>')) throw new Error(`${op} failed: ${text}`);
  return text;
}

/** The text of the first element named `name` (any prefix), or undefined. */
export function field(text, name) {
  const m = text.match(new RegExp(`<(?:\\w+:)?${name}>([^<]*)</(?:\\w+:)?${name}>`));
  return m ? m[1].replace(/&amp;/g, '&') : undefined;
}

/**
 * A fresh headless Chromium with its own profile directory; returns { context, close }.
 * `httpCredentials` ({ username, password }) answers kaigi's HTTP Basic challenges.
 */
export async function openBrowser({ httpCredentials, media = false } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'kaigi-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    httpCredentials,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // Meetings: a fake camera, microphone and screen, allowed without asking; sound plays
      // without a click.
      ...(media
        ? [
            '--use-fake-device-for-media-stream',
            '--use-fake-ui-for-media-stream',
            '--auto-select-desktop-capture-source=Entire screen',
            '--autoplay-policy=no-user-gesture-required',
            '--allow-loopback-in-peer-connection',
          ]
        : []),
    ],
  });
  context.setDefaultTimeout(30_000);
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** MM/DD/YYYY HH:MM:SS of `date` in UTC. */
export function wireDate(date) {
  const p = (n) => String(n).padStart(2, '0');
  return `${p(date.getUTCMonth() + 1)}/${p(date.getUTCDate())}/${date.getUTCFullYear()} ${p(date.getUTCHours())}:${p(date.getUTCMinutes())}:00`;
}
