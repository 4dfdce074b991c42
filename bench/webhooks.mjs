// What an operator pays for Meta webhooks, on the local Worker (workerd via `wrangler dev`): signed
// Messenger batches of 1 and of 50 events, each answered once its events are durable in the
// INBOUND queue; the acknowledgement's latency (p50, p90, p99, max), workerd's CPU time per
// webhook request and its peak memory. Then every message sent must be in the inbox exactly
// once, in order, or the run fails loudly. Run by `cargo xtask bench` with EDGE_URL, SITE_ID,
// AGENT_EMAIL, AGENT_PASSWORD, META_APP_SECRET and RESULTS (a JSON file this merges into).
//
// One request at a time: the figures are the Worker's own, not a queue of our making.

import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { readFile, readdir, writeFile } from 'node:fs/promises';

const env = Object.fromEntries(
  ['EDGE_URL', 'SITE_ID', 'AGENT_EMAIL', 'AGENT_PASSWORD', 'META_APP_SECRET', 'RESULTS'].map((name) => {
    if (!process.env[name]) throw new Error(`${name} is not set: run through \`cargo xtask bench\``);
    return [name, process.env[name]];
  }),
);
const edge = new URL(env.EDGE_URL).origin;
const ROUNDS = { 1: Number(process.env.BENCH_WEBHOOKS_1 || 200), 50: Number(process.env.BENCH_WEBHOOKS_50 || 40) };

// ---- workerd, as the kernel counts it ----

/** Every workerd process: CPU seconds used so far and peak resident memory (VmHWM, bytes). */
async function workerd() {
  const clock = 100; // USER_HZ on Linux
  let cpu = 0;
  let peak = 0;
  for (const pid of (await readdir('/proc')).filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.split('\0')[0].endsWith('workerd')) continue;
      const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ');
      cpu += (Number(fields[11]) + Number(fields[12])) / clock;
      const hwm = (await readFile(`/proc/${pid}/status`, 'utf8')).match(/VmHWM:\s+(\d+) kB/);
      peak = Math.max(peak, Number(hwm?.[1] ?? 0) * 1024);
    } catch {
      // The process ended meanwhile.
    }
  }
  return { cpu, peak };
}

// ---- the API, as Meta and the inbox use it ----

async function signIn() {
  const response = await fetch(`${edge}/api/agent/session`, {
    method: 'POST',
    headers: { origin: edge, 'content-type': 'application/json' },
    body: JSON.stringify({ email: env.AGENT_EMAIL, password: env.AGENT_PASSWORD }),
  });
  assert.equal(response.status, 200, await response.text());
  return response.headers.getSetCookie().find((c) => c.startsWith('pl_session=')).split(';')[0];
}

async function api(cookie, method, path, body) {
  const response = await fetch(edge + path, {
    method,
    headers: { origin: edge, cookie, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  assert.ok(response.ok, `${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

const digits = (n) => [...randomBytes(n)].map((b) => b % 10).join('');

/** One signed Messenger batch of `texts` from `psid` to `page`, as Meta sends it. */
function batch(page, psid, texts, at) {
  const events = texts.map((text, i) => ({
    sender: { id: psid },
    recipient: { id: page },
    timestamp: at + i,
    message: { mid: `m_${randomBytes(12).toString('hex')}`, text },
  }));
  const body = JSON.stringify({ object: 'page', entry: [{ id: page, time: at, messaging: events }] });
  const signature = `sha256=${createHmac('sha256', env.META_APP_SECRET).update(body).digest('hex')}`;
  return { body, signature };
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

/**
 * `rounds` webhooks of `size` events from a new contact. Back to back, or `idle`: each sent once
 * the previous ones are stored, so the queue consumer (which local workerd runs in the same
 * isolate as the requests) is not working meanwhile.
 */
async function round(cookie, page, size, rounds, idle) {
  const psid = digits(16);
  const sent = [];
  const latencies = [];
  const before = await workerd();
  for (let r = 0; r < rounds; r++) {
    const texts = Array.from({ length: size }, (_, i) => `batch ${r} event ${i} [${psid}]`);
    const { body, signature } = batch(page, psid, texts, Date.now());
    const started = performance.now();
    const response = await fetch(`${edge}/webhooks/messenger`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
      body,
    });
    await response.arrayBuffer();
    latencies.push(performance.now() - started);
    assert.equal(response.status, 200, `webhook ${r} of ${rounds} was refused`);
    sent.push(...texts);
    if (idle) await checkStored(cookie, psid, sent);
    process.stdout.write(`  batches of ${size}${idle ? ', each on an idle Worker' : ''}: ${r + 1} of ${rounds}\r`);
  }
  process.stdout.write('\n');
  const after = await workerd();
  latencies.sort((a, b) => a - b);
  return {
    psid,
    sent,
    figures: {
      events_per_request: size,
      requests: rounds,
      p50_ms: percentile(latencies, 50),
      p90_ms: percentile(latencies, 90),
      p99_ms: percentile(latencies, 99),
      max_ms: latencies.at(-1),
      workerd_cpu_ms_per_request: ((after.cpu - before.cpu) * 1000) / rounds,
    },
  };
}

/** Waits until the contact's conversation holds every text, then checks once and in order. */
async function checkStored(cookie, psid, sent) {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const { conversations } = await api(cookie, 'GET', `/api/agent/conversations?q=${psid}`).catch(() => ({
      conversations: [],
    }));
    const bodies = [];
    for (const c of conversations) {
      for (let after = 0; ; ) {
        const page = await api(cookie, 'GET', `/api/agent/conversations/${c.id}/messages?after=${after}`);
        bodies.push(...page.messages.map((m) => m.body).filter((b) => b.includes(psid)));
        if (!page.messages.length || page.messages.at(-1).seq >= page.last_seq) break;
        after = page.messages.at(-1).seq;
      }
    }
    if (bodies.length >= sent.length || Date.now() > deadline) {
      assert.deepEqual(bodies, sent, `the inbox holds ${bodies.length} of ${sent.length} messages, not each once in order`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

const cookie = await signIn();
const page = digits(15);
await api(cookie, 'POST', `/api/admin/sites/${env.SITE_ID}/connections`, {
  channel: 'messenger',
  account_id: page,
  business_account_id: digits(15),
  name: 'Bench Page',
  access_token: `EAAB-bench-${randomBytes(8).toString('hex')}`,
});
console.log('bench: Messenger webhooks, one at a time');
const results = {};
for (const size of [1, 50]) {
  const { psid, sent, figures } = await round(cookie, page, size, ROUNDS[size], false);
  await checkStored(cookie, psid, sent);
  const idle = await round(cookie, page, size, Math.ceil(ROUNDS[size] / 4), true);
  const { p50_ms, p90_ms, p99_ms, max_ms } = idle.figures;
  results[`batch_${size}`] = {
    ...figures,
    idle: { requests: idle.figures.requests, p50_ms, p90_ms, p99_ms, max_ms },
    stored_exactly_once_in_order: true,
  };
}
results.workerd_peak_memory_bytes = (await workerd()).peak;
const all = JSON.parse(await readFile(env.RESULTS, 'utf8').catch(() => '{}'));
all.webhooks = results;
await writeFile(env.RESULTS, JSON.stringify(all, null, 2));
console.log(JSON.stringify(results, null, 2));
