// Shared helpers for the Chromium end-to-end tests: launching Debian's Chromium through
// playwright-core, watching every page and frame for console errors, uncaught exceptions and CSP
// violations, polling for a condition, and building the loader exactly as the release does.
// Test files own their journeys; this file owns nothing that is specific to one of them.

import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

// Debian's package; `npx playwright install` cannot download a browser here.
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

// The release builds of the loader (`/embed.js`, a classic script) and the chat module it
// imports (`/embed/chat.js`), as xtask/src/build.rs makes them. The size budgets and the
// browser tests use these same bundles.
const EMBED_BUILD = {
  bundle: true,
  minify: true,
  target: 'es2020',
  write: false,
  logLevel: 'silent',
};

/** The loader and chat module bundles as strings: `{ loader, chat }`. */
export async function buildEmbed() {
  const { build } = await import('esbuild');
  const bundle = async (file, format) => {
    const entryPoints = [join(ROOT, 'embed', 'src', file)];
    const result = await build({ ...EMBED_BUILD, entryPoints, format });
    return result.outputFiles[0].text;
  };
  const [loader, chat] = await Promise.all([bundle('loader.js', 'iife'), bundle('chat.js', 'esm')]);
  return { loader, chat };
}

/** A 1×1 PNG. */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGMAAQAABQABDQottAAAAABJRU5ErkJggg==',
  'base64',
);

/** Whether the picture in `locator` has loaded (a broken or blocked image has no width). */
export const loaded = (locator) => locator.evaluate((img) => img.complete && img.naturalWidth > 0);

/** The generated message tags (`embed/src/wire.js`), imported as the ES module it is. */
export async function loadWire() {
  const source = await readFile(join(ROOT, 'embed', 'src', 'wire.js'), 'utf8');
  return import(`data:text/javascript,${encodeURIComponent(source)}`);
}

/**
 * The env vars a test needs, or a failure naming the missing ones. Never a skip: a journey that
 * silently does not run is worse than one that fails.
 */
export function requireEnv(names) {
  const missing = names.filter((name) => !process.env[name]);
  if (missing.length) {
    assert.fail(
      `missing ${missing.join(', ')}: run the end-to-end tests through \`cargo xtask test\`, ` +
        'which starts the Worker and the demo host and sets these variables',
    );
  }
  return Object.fromEntries(names.map((name) => [name, process.env[name]]));
}

/**
 * A fresh Chromium with its own profile directory (playwright refuses `--user-data-dir` in
 * `args`, so the profile comes from `launchPersistentContext`). Every page and frame of the
 * context is watched from the start; see {@link watch}. `options` go to the context, e.g.
 * `{ locale: 'sv-SE', timezoneId: 'Asia/Tokyo' }` for a visitor elsewhere.
 */
export async function launchBrowser(options = {}) {
  const profile = await mkdtemp(join(tmpdir(), 'porchlight-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    ...options,
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  context.setDefaultTimeout(15_000);
  const seen = await watch(context);
  const close = async () => {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  };
  return { context, seen, close };
}

const CSP_MARK = 'porchlight-test: CSP violation';

/**
 * Records, for every page of `context` and every frame in it: console messages, uncaught
 * exceptions, and CSP violations. Violations are caught twice on purpose: by a
 * `securitypolicyviolation` listener injected into each document before its own scripts run
 * (playwright injects it past the page's CSP), and by Chromium's own console report.
 */
export async function watch(context) {
  const seen = { console: [], pageErrors: [] };
  await context.addInitScript((mark) => {
    addEventListener(
      'securitypolicyviolation',
      (e) =>
        console.error(
          `${mark}: ${e.effectiveDirective} blocked ${e.blockedURI} in ${document.URL}`,
        ),
      true,
    );
  }, CSP_MARK);
  const attach = (page) => {
    page.on('console', (message) =>
      seen.console.push({
        type: message.type(),
        text: message.text(),
        url: message.location().url,
      }),
    );
    page.on('pageerror', (error) => seen.pageErrors.push(`${page.url()}: ${error.stack || error}`));
  };
  context.pages().forEach(attach);
  context.on('page', attach);
  return seen;
}

const isCspReport = (message) =>
  message.text.includes(CSP_MARK) || message.text.includes('Content Security Policy');

/** CSP violations seen so far, from either source. */
export function cspViolations(seen) {
  return seen.console.filter(isCspReport).map((m) => m.text);
}

/**
 * A view of `seen` holding only what is recorded from now on, for tests that share a browser.
 */
export function since(seen) {
  const consoleFrom = seen.console.length;
  const errorsFrom = seen.pageErrors.length;
  return {
    get console() {
      return seen.console.slice(consoleFrom);
    },
    get pageErrors() {
      return seen.pageErrors.slice(errorsFrom);
    },
  };
}

// Chromium asks every origin for `/favicon.ico` on its own and logs a 404 as a console error;
// that request is the browser's, not the page's, so its failure is no error of ours.
const isFaviconMiss = (message) =>
  message.text.startsWith('Failed to load resource') && /\/favicon\.ico$/.test(message.url);

/**
 * Fails listing every console error, uncaught exception and CSP violation seen, except console
 * errors matched by `allow` (a predicate on `{ type, text, url }`) and missing favicons.
 */
export function assertClean(seen, { allow = () => false } = {}) {
  const problems = [
    ...seen.pageErrors.map((e) => `uncaught: ${e}`),
    ...cspViolations(seen).map((t) => `CSP: ${t}`),
    ...seen.console
      .filter((m) => m.type === 'error' && !isCspReport(m) && !isFaviconMiss(m) && !allow(m))
      .map((m) => `console.error: ${m.text} (${m.url})`),
  ];
  assert.deepEqual(problems, [], `the browser reported problems:\n${problems.join('\n')}`);
}

/**
 * Polls `probe` until it returns a truthy value and returns that value; fails with `what` after
 * `timeout` ms. For conditions no playwright locator can wait on (logs, storage, cookies).
 */
export async function waitFor(what, probe, { timeout = 10_000, interval = 50 } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) assert.fail(`timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

/** Runs one step of a journey, naming the step in any failure. */
export async function step(name, body) {
  try {
    return await body();
  } catch (error) {
    error.message = `step "${name}": ${error.message}`;
    throw error;
  }
}

/**
 * Runs SQL on the running Worker's local D1 database, for what no API may do (as `local_sql`
 * in tests/src/lib.rs). `env` needs WRANGLER and STATE_DIR.
 */
export async function localSql(env, sql) {
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  await promisify(execFile)(
    env.WRANGLER,
    ['d1', 'execute', 'DB', '--local', '--persist-to', env.STATE_DIR, '--command', sql],
    { env: { ...process.env, WRANGLER_SEND_METRICS: 'false' } },
  );
}
