// The automated accessibility check: axe-core (pinned in package.json) run inside one document
// at a time, the host page (with the loader's shadow root, which axe walks) or the widget frame
// or an inbox page, against the WCAG 2.1 A and AA rules.
//
// axe is evaluated through the DevTools protocol (`evaluate`), not added as a `<script>`: the
// pages' CSPs (`script-src 'self'`) would rightly refuse an injected script element, and code
// evaluated by the protocol is not subject to the page's CSP. So no context needs `bypassCSP`
// and every journey here still checks that the browser reported no CSP violation.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT } from './support.mjs';

const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const BLOCKING = new Set(['serious', 'critical']);

let source;

/**
 * Runs axe in `target` (a playwright `Page` or `Frame`), once its animations have finished.
 * Returns its violations, each as `{ id, impact, help, nodes: [{ target, summary }] }`, and
 * `checked`, every element some rule looked at (a target in a shadow root reads
 * `host >> element`). Frames inside are not entered (each document is checked on its own; the
 * cross-origin widget frame would make axe wait for an answer that never comes).
 */
export async function axe(target) {
  source ??= await readFile(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  if (!(await target.evaluate(() => typeof window.axe === 'object'))) {
    await target.evaluate(source);
  }
  return target.evaluate(async (tags) => {
    // A bubble that just arrived is still fading in; its colours are only final once it has.
    // (A cancelled one rejects: it is gone, which is as good.)
    await Promise.all(document.getAnimations().map((a) => a.finished.catch(() => {})));
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: tags },
      iframes: false,
    });
    const target = (node) => node.target.flat().join(' >> ');
    const checked = new Set(
      [...result.passes, ...result.violations, ...result.incomplete].flatMap((r) =>
        r.nodes.map(target),
      ),
    );
    return {
      violations: result.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => ({ target: target(n), summary: n.failureSummary })),
      })),
      checked: [...checked],
    };
  }, WCAG_21_AA);
}

const describe = (v) =>
  `${v.impact} ${v.id}: ${v.help}\n` +
  v.nodes.map((n) => `    ${n.target}\n      ${(n.summary ?? '').replace(/\n/g, '\n      ')}`).join('\n');

/**
 * Checks `target` (named `what` in messages) with axe: fails on any serious or critical
 * violation, and reports moderate and minor ones through `t.diagnostic` (shown in the test
 * output) without failing. Returns the elements axe checked (see {@link axe}).
 */
export async function assertAccessible(t, target, what) {
  const { violations, checked } = await axe(target);
  const blocking = violations.filter((v) => BLOCKING.has(v.impact));
  const lesser = violations.filter((v) => !BLOCKING.has(v.impact));
  t.diagnostic(
    `axe, ${what}: ${checked.length} elements checked, ${blocking.length} serious or ` +
      `critical, ${lesser.length} moderate or minor`,
  );
  for (const v of lesser) t.diagnostic(`axe, ${what}: ${describe(v)}`);
  assert.deepEqual(
    blocking.map((v) => v.id),
    [],
    `axe found serious or critical violations in ${what}:\n${blocking.map(describe).join('\n')}`,
  );
  return checked;
}
