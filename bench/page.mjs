// What a site owner pays for the chat, measured in headless Chromium on 127.0.0.1 with a cold
// cache, beside a peer: Rocket.Chat Livechat, served from its npm package's build and embedded
// the way its own demo page does (its API calls fail, there being no Rocket.Chat server: the
// bytes and the script cost are what count). Run by `cargo xtask bench`, which starts the Worker
// and sets EDGE_URL, SITE_ID, DIST_DIR, PEER_DIR and RESULTS (where the JSON goes).
//
// For each page (the same article without a widget, with Porchlight's snippet, with Rocket.Chat's)
// and each of RUNS fresh browsers: bytes over the network until the page is quiet, long tasks
// (> 50 ms) and total blocking time (the part of each long task beyond 50 ms), and the main
// thread's script and task time (Chromium's `Performance.getMetrics`). Then, for Porchlight, from
// the launcher's click to a composer that takes typing: time and bytes. Medians are reported.
//
// A benchmark reports; it never fails on a figure. It fails only if a page does not work at all.

import { execFileSync } from 'node:child_process';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { CHROMIUM, ROOT, launchBrowser } from '../tests/e2e/support.mjs';

const START = '<!-- bench:page (written by `cargo xtask bench`; edits here are replaced) -->';
const END = '<!-- /bench:page -->';

const RUNS = Number(process.env.BENCH_RUNS || 5);
const env = Object.fromEntries(
  ['EDGE_URL', 'SITE_ID', 'DIST_DIR', 'PEER_DIR', 'RESULTS'].map((name) => {
    if (!process.env[name]) throw new Error(`${name} is not set: run through \`cargo xtask bench\``);
    return [name, process.env[name]];
  }),
);
const edge = new URL(env.EDGE_URL).origin;

// ---- the pages, and the peer's build, from a server of our own (one more origin) ----

const article = (head, body) => `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Bakery</title>${head}</head>
<body><main><h1>Rye bread, every morning</h1>${'<p>Our sourdough rye is baked before dawn with flour milled two valleys over. '.repeat(
  12,
)}</p></main>${body}</body></html>`;

const PAGES = {
  none: () => article('', ''),
  porchlight: () =>
    article('', `<script async src="${edge}/embed.js" data-site="${env.SITE_ID}"></script>`),
  // Rocket.Chat's own snippet (its docs, and build/widget-demo.html in the package), with the
  // server's `/livechat` on this server.
  peer: (origin) =>
    article(
      '',
      `<script>(function(w, d, s, u) {
  w.RocketChat = function(c) { w.RocketChat._.push(c) }; w.RocketChat._ = []; w.RocketChat.url = u;
  var h = d.getElementsByTagName(s)[0], j = d.createElement(s);
  j.async = true; j.src = u + '/rocketchat-livechat.min.js?_=201903270000';
  h.parentNode.insertBefore(j, h);
})(window, document, 'script', '${origin}/livechat');</script>`,
    ),
};

const TYPES = { js: 'text/javascript', html: 'text/html', css: 'text/css', png: 'image/png' };

function serve() {
  const server = createServer(async (req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    const origin = `http://127.0.0.1:${server.address().port}`;
    const page = path.match(/^\/page\/(\w+)$/)?.[1];
    if (page && PAGES[page]) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      return res.end(PAGES[page](origin));
    }
    // The peer's widget: `/livechat` is its frame (index.html), `/livechat/*` its files.
    const file = path === '/livechat' || path === '/livechat/' ? 'index.html' : path.match(/^\/livechat\/([\w.~-]+)$/)?.[1];
    if (file) {
      try {
        const bytes = await readFile(join(env.PEER_DIR, file));
        res.writeHead(200, {
          'content-type': TYPES[file.split('.').pop()] || 'application/octet-stream',
          'content-encoding': 'gzip',
          'cache-control': 'public, max-age=3600',
        });
        // Served gzipped, as the Worker serves Porchlight's (a fair comparison of the wire).
        return res.end(gzipSync(bytes, { level: 9 }));
      } catch {
        // Falls through to 404.
      }
    }
    // Its API (no Rocket.Chat server here): refused, as an unreachable server would be.
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not here');
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// ---- measuring ----

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : null;
};

/** Records long tasks from the page's start, in every document of the page. */
const OBSERVE_LONG_TASKS = () => {
  window.__longTasks = [];
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.__longTasks.push(entry.duration);
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    // No long-task timing: none recorded.
  }
};

async function loadOnce(url) {
  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    await page.addInitScript(OBSERVE_LONG_TASKS);
    const cdp = await browser.context.newCDPSession(page);
    await cdp.send('Performance.enable');
    let bytes = 0;
    const sizes = [];
    const urls = [];
    page.on('requestfinished', (request) =>
      sizes.push(
        request.sizes().then((s) => {
          bytes += s.responseBodySize + s.responseHeadersSize;
          urls.push(request.url());
          if (process.env.BENCH_DEBUG) console.log(`    ${s.responseBodySize} B  ${request.url()}`);
        }),
      ),
    );
    await page.goto(url, { waitUntil: 'networkidle' });
    await Promise.all(sizes);
    const metrics = Object.fromEntries(
      (await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]),
    );
    // Long tasks of every frame on this page's main thread.
    const tasks = (
      await Promise.all(page.frames().map((f) => f.evaluate(() => window.__longTasks || []).catch(() => [])))
    ).flat();
    return {
      page,
      browser,
      urls,
      bytes,
      requests: sizes.length,
      longTasks: tasks.length,
      blockingMs: tasks.reduce((sum, d) => sum + Math.max(0, d - 50), 0),
      scriptMs: metrics.ScriptDuration * 1000,
      taskMs: metrics.TaskDuration * 1000,
    };
  } catch (error) {
    await browser.close();
    throw error;
  }
}

/** From the launcher's click to a composer that takes typing, on a loaded Porchlight page. */
async function clickToChat(run) {
  const { page } = run;
  let bytes = 0;
  let open = 0;
  const sizes = [];
  page.on('request', () => (open += 1));
  page.on('requestfailed', () => (open -= 1));
  page.on('requestfinished', (request) => {
    open -= 1;
    sizes.push(request.sizes().then((s) => (bytes += s.responseBodySize + s.responseHeadersSize)));
  });
  const launcher = page.locator('porchlight-chat button[aria-expanded]');
  await launcher.waitFor();
  const started = performance.now();
  await launcher.click();
  await page.frameLocator('porchlight-chat iframe').locator('textarea#pl-composer:enabled').waitFor();
  const ms = performance.now() - started;
  // What the chat asked for by then, once it has all arrived.
  for (const deadline = Date.now() + 10_000; open > 0 && Date.now() < deadline; ) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await Promise.all(sizes);
  return { ms, bytes };
}

/** The peer's widget files its frame loaded at page load (filled by `measurePage`). */
const peerFiles = ['index.html'];

async function measurePage(name, url) {
  const runs = [];
  const clicks = [];
  for (let i = 0; i < RUNS; i++) {
    process.stdout.write(`  ${name}: run ${i + 1} of ${RUNS}\r`);
    const run = await loadOnce(url);
    try {
      if (name === 'porchlight') clicks.push(await clickToChat(run));
    } finally {
      await run.browser.close();
    }
    runs.push(run);
  }
  process.stdout.write('\n');
  if (name === 'peer') {
    // What the peer's frame loaded (its lazy chunks too), for the size table.
    peerFiles.push(
      ...new Set(
        runs[0].urls
          .map((u) => new URL(u).pathname.match(/^\/livechat\/([\w.~-]+)$/)?.[1])
          .filter((f) => f && f !== 'rocketchat-livechat.min.js'),
      ),
    );
  }
  const pick = (key) => median(runs.map((r) => r[key]));
  return {
    bytes: pick('bytes'),
    requests: pick('requests'),
    long_tasks: pick('longTasks'),
    blocking_ms: pick('blockingMs'),
    script_ms: pick('scriptMs'),
    task_ms: pick('taskMs'),
    click_to_chat_ms: clicks.length ? median(clicks.map((c) => c.ms)) : null,
    click_to_chat_bytes: clicks.length ? median(clicks.map((c) => c.bytes)) : null,
  };
}

// ---- sizes ----

/** Raw, `gzip -9` (the reference compressor, as in the size table and the budgets' figures)
 * and brotli 11 bytes of `files` together. */
async function sizesOf(files) {
  let raw = 0;
  let gzip = 0;
  let brotli = 0;
  for (const file of files) {
    const bytes = await readFile(file);
    raw += bytes.length;
    gzip += execFileSync('gzip', ['-9', '-c', file], { maxBuffer: 64 << 20 }).length;
    brotli += brotliCompressSync(bytes, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
    }).length;
  }
  return { raw, gzip, brotli };
}

/** Each split-off part of `app` (`dist/apps.json`) as `[name, sizes]`, and the code several
 * parts share (`chunk_*`) as one row. */
async function partSizes(site, app) {
  const parts = [];
  const own = app.parts.filter((p) => !p.split('/').pop().startsWith('chunk_'));
  const shared = app.parts.filter((p) => p.split('/').pop().startsWith('chunk_'));
  for (const part of own) parts.push([`\`${part.split('/').pop()}\``, await sizesOf([join(site, part)])]);
  if (shared.length) {
    parts.push([`${shared.length} shared chunks`, await sizesOf(shared.map((p) => join(site, p)))]);
  }
  return parts;
}

async function sizes() {
  const site = join(env.DIST_DIR, 'site');
  const deploy = join(env.DIST_DIR, 'deploy');
  const workerFiles = (await readdir(deploy))
    .filter((f) => f.endsWith('.js') || f.endsWith('.wasm'))
    .map((f) => join(deploy, f));
  // What each app loads at open and the parts it loads when needed (xtask/src/apps.rs).
  const apps = JSON.parse(await readFile(join(env.DIST_DIR, 'apps.json'), 'utf8'));
  const at = (app, pick) => apps[app].open.filter(pick).map((f) => join(site, f));
  return {
    loader: await sizesOf([join(site, 'embed.js')]),
    chat_module: await sizesOf([join(site, 'embed/chat.js')]),
    widget: await sizesOf(at('widget', () => true)),
    widget_wasm: await sizesOf(at('widget', (f) => f.endsWith('.wasm'))),
    widget_js: await sizesOf(at('widget', (f) => f.endsWith('.js'))),
    widget_css: await sizesOf(at('widget', (f) => f.endsWith('.css'))),
    widget_parts: await partSizes(site, apps.widget),
    inbox: await sizesOf(at('inbox', () => true)),
    inbox_parts: await partSizes(site, apps.inbox),
    worker: await sizesOf(workerFiles),
    peer_loader: await sizesOf([join(env.PEER_DIR, 'rocketchat-livechat.min.js')]),
    peer_widget: await sizesOf(peerFiles.map((f) => join(env.PEER_DIR, f))),
  };
}

// ---- the run ----

const server = await serve();
const base = `http://127.0.0.1:${server.address().port}/page`;
console.log(`bench: page cost, ${RUNS} cold runs each (median)`);
const pages = {};
try {
  for (const name of Object.keys(PAGES)) pages[name] = await measurePage(name, `${base}/${name}`);
} finally {
  server.close();
}
const machine = {
  date: new Date().toISOString().slice(0, 10),
  commit: execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim(),
  cpu: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}`,
  memory_gib: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  chromium: await chromiumVersion(),
};
// bench/webhooks.mjs ran first and left its figures here.
const earlier = JSON.parse(await readFile(env.RESULTS, 'utf8').catch(() => '{}'));
const results = {
  ...earlier,
  machine,
  runs: RUNS,
  pages,
  sizes: await sizes(),
  // The high-water mark over the whole run: webhooks, the load generator and these pages.
  workerd_peak_memory_bytes: await workerdPeak(),
};
await writeFile(env.RESULTS, JSON.stringify(results, null, 2));
const report = render(results);
console.log(`\n${report}`);
await splice(join(ROOT, 'BENCHMARKS.md'), report);
console.log(`bench: wrote ${env.RESULTS} and the page-cost section of BENCHMARKS.md`);

/** workerd's peak resident memory so far (VmHWM, bytes; the largest of its processes). */
async function workerdPeak() {
  let peak = 0;
  for (const pid of (await readdir('/proc')).filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.split('\0')[0].endsWith('workerd')) continue;
      const hwm = (await readFile(`/proc/${pid}/status`, 'utf8')).match(/VmHWM:\s+(\d+) kB/);
      peak = Math.max(peak, Number(hwm?.[1] ?? 0) * 1024);
    } catch {
      // The process ended meanwhile.
    }
  }
  return peak;
}

async function chromiumVersion() {
  const printed = execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8' });
  return printed.match(/[\d.]+/)?.[0] ?? printed.trim();
}

// ---- the report ----

function render({ machine, runs, pages: p, sizes: s, webhooks: w, sockets: k, workerd_peak_memory_bytes: peak }) {
  const n = (v) => (v === null || v === undefined ? '—' : Math.round(v).toLocaleString('en-US'));
  const ratio = (a, b) => (a && b ? ` (${(a / b).toFixed(2)}×)` : '');
  const added = (key) => (name) => p[name][key] - p.none[key];
  const row = (label, f, unit = '') =>
    `| ${label} | ${n(f('porchlight'))}${unit} | ${n(f('peer'))}${unit}${ratio(f('porchlight'), f('peer'))} |`;
  const size = (label, ours, theirs) =>
    `| ${label} | ${n(ours.raw)} / ${n(ours.gzip)} / ${n(ours.brotli)} | ${
      theirs ? `${n(theirs.raw)} / ${n(theirs.gzip)} / ${n(theirs.brotli)}` : '—'
    } |`;
  return [
    START,
    '## What a site owner pays (`cargo xtask bench`)',
    '',
    `Measured ${machine.date} at commit ${machine.commit} on ${machine.cpu}, ${machine.memory_gib} GiB, ` +
      `Node ${machine.node}, Chromium ${machine.chromium} (headless, cold cache, everything on 127.0.0.1). ` +
      `Median of ${runs} runs, each in a fresh browser. The page is the same short article in all three cases; ` +
      'the peer is Rocket.Chat Livechat 1.13.3 from its npm package, embedded as its own demo page does, ' +
      'served gzipped like ours (its API calls fail: no Rocket.Chat server). Machine-readable: ' +
      '`target/bench/results.json`.',
    '',
    '### Added to a host page before the visitor interacts (page with the widget − page without)',
    '',
    '| figure | Porchlight | Rocket.Chat Livechat (Porchlight ÷ peer) |',
    '|---|---:|---:|',
    row('bytes over the network', added('bytes'), ' B'),
    row('requests', added('requests')),
    row('main-thread script time', added('script_ms'), ' ms'),
    row('main-thread task time (all work)', added('task_ms'), ' ms'),
    row('long tasks (> 50 ms)', (name) => p[name].long_tasks),
    row('total blocking time', (name) => p[name].blocking_ms, ' ms'),
    '',
    `Page without a widget: ${n(p.none.bytes)} B in ${n(p.none.requests)} request(s), ` +
      `${n(p.none.task_ms)} ms of main-thread tasks. ` +
      'Porchlight loads `embed.js` and the site\'s config, nothing else, until a sign of intent; ' +
      'the peer loads its whole widget in an iframe at page load.',
    '',
    '### From the launcher\'s click to a chat that takes typing (Porchlight)',
    '',
    `${n(p.porchlight.click_to_chat_ms)} ms and ${n(p.porchlight.click_to_chat_bytes)} B ` +
      '(the chat module, the frame page, its wasm, glue, styles and boot script, and the config the ' +
      'frame asks for); the peer has no equivalent figure here, its chat needing its server.',
    '',
    '### Sizes (bytes: raw / gzip -9 / brotli 11)',
    '',
    '| artefact | Porchlight | Rocket.Chat Livechat |',
    '|---|---:|---:|',
    size('loader on every page (`embed.js`; peer: `rocketchat-livechat.min.js`)', s.loader, s.peer_loader),
    size('chat module, on intent (`embed/chat.js`)', s.chat_module),
    size(
      'widget at open (Porchlight: core wasm, JS, CSS, boot, on intent; peer: its frame page and every script and stylesheet it loaded, at page load)',
      s.widget,
      s.peer_widget,
    ),
    size('— its core wasm', s.widget_wasm),
    size('— its JS (wasm-bindgen glue, split loader and boot script)', s.widget_js),
    size('— its CSS', s.widget_css),
    ...s.widget_parts.map(([name, part]) => size(`— loaded when needed: ${name}`, part)),
    size('inbox app at first load (core wasm + JS + CSS + boot)', s.inbox),
    ...s.inbox_parts.map(([name, part]) => size(`— loaded when needed: ${name}`, part)),
    size('Worker upload (`wrangler deploy --dry-run`)', s.worker),
    ...(w ? webhookRows(w, n) : []),
    ...(k ? socketRows(k, n) : []),
    '',
    `workerd's peak resident memory over the whole run: ${n(peak / 2 ** 20)} MiB. Cloudflare's free plan ` +
      'allows 10 ms of CPU per request; the CPU figures above are process time on this machine, the queue ' +
      "consumer's and the Durable Objects' work included, so they overstate what one request is billed.",
    END,
  ].join('\n');
}

function webhookRows(w, n) {
  const ms = (v) => v.toFixed(1);
  const row = (b) =>
    `| ${b.events_per_request} | ${ms(b.idle.p50_ms)} / ${ms(b.idle.p99_ms)} / ${ms(b.idle.max_ms)} (${n(b.idle.requests)}) | ` +
    `${ms(b.p50_ms)} / ${ms(b.p90_ms)} / ${ms(b.p99_ms)} / ${ms(b.max_ms)} (${n(b.requests)}) | ` +
    `${b.workerd_cpu_ms_per_request.toFixed(2)} |`;
  return [
    '',
    '## What an operator pays: Meta webhooks (`cargo xtask bench`)',
    '',
    'Signed Messenger batches posted one at a time to the local Worker (workerd via `wrangler dev`, ' +
      'local D1 and Queues); each is answered once its events are in the INBOUND queue. Every message ' +
      'was then found in the inbox exactly once and in order (the run fails otherwise). "Idle": each ' +
      'webhook sent once the previous ones were stored. "Back to back": the next sent as soon as the ' +
      "last was answered; local workerd runs the queue consumer in the same isolate as the requests, so " +
      "these answers wait behind the storing of earlier events. CPU is workerd's process time (user + " +
      'system) over the back-to-back round divided by its webhooks, the consumer\'s storing included.',
    '',
    '| events per webhook | idle: p50 / p99 / max ms (webhooks) | back to back: p50 / p90 / p99 / max ms (webhooks) | workerd CPU ms per webhook |',
    '|---:|---:|---:|---:|',
    row(w.batch_1),
    row(w.batch_50),
    '',
    `workerd's peak resident memory by the end of the webhooks: ${n(w.workerd_peak_memory_bytes / 2 ** 20)} MiB.`,
  ];
}

function socketRows(k, n) {
  const f = (p) => `${p.p50_ms.toFixed(1)} / ${p.p90_ms.toFixed(1)} / ${p.p99_ms.toFixed(1)} / ${p.max_ms.toFixed(1)}`;
  const row = (label, x) =>
    `| ${label} | ${n(x.visitor_messages_per_s)} | ${n(x.messages_stored)} | ${f(x.send_to_ack)} | ${f(x.send_to_agent)} | ` +
    `${f(x.reply_to_visitor)} | ${x.workerd_cpu_ms_per_message.toFixed(2)} |`;
  const search = k.rate_search;
  return [
    '',
    '## What an operator pays: conversations under load (`cargo xtask bench`)',
    '',
    'The load generator (`bench/loadgen`, Rust and tokio, a process of its own) starts N conversations ' +
      "over HTTP, opens each one's visitor socket and an agent's socket (2N sockets), and has the " +
      'visitors send at a set total rate while the agent answers every message it sees: so twice that ' +
      'many messages are stored per second. Milliseconds as p50 / p90 / p99 / max. Every message was ' +
      'acknowledged once and seen by the other side exactly once, in the order sent (the run fails ' +
      "otherwise). CPU is workerd's process time over the phase divided by the messages stored.",
    '',
    '| conversations (sockets) | visitor msgs/s | stored | send → acknowledged | send → seen by the agent | reply → seen by the visitor | workerd CPU ms per message |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...k.runs.map((r) => row(`${n(r.conversations)} (${n(r.sockets)})`, r.figures)),
    ...(search ? search.steps.map((x) => row(`${n(search.conversations)}, rate search`, x)) : []),
    '',
    search
      ? search.p99_passes_100_ms_at
        ? `At ${n(search.conversations)} conversations the p99 of send → seen by the agent passes 100 ms at ` +
          `${n(search.p99_passes_100_ms_at)} visitor messages per second (${n(2 * search.p99_passes_100_ms_at)} stored per second).`
        : `At ${n(search.conversations)} conversations the p99 of send → seen stayed under 100 ms up to the last rate tried.`
      : '',
  ];
}

/** Replaces the section between the markers in `file` (appended the first time). */
async function splice(file, section) {
  const text = await readFile(file, 'utf8');
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  const next =
    start >= 0 && end > start
      ? text.slice(0, start) + section + text.slice(end + END.length)
      : `${text.trimEnd()}\n\n${section}\n`;
  await writeFile(file, next);
}
