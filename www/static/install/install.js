// Fills the install page in for this Porchlight: its origin and the site id from `?site=`
// (`demo` when there is none). Text only (`textContent`), never HTML: `?site=` is anyone's input.
const SITE_ID = /^[a-z0-9_-]{1,64}$/;

const asked = new URLSearchParams(location.search).get('site');
const site = asked !== null && SITE_ID.test(asked) ? asked : 'demo';
const origin = location.origin;
const snippet = `<script async src="${origin}/embed.js" data-site="${site}"></script>`;

for (const el of document.querySelectorAll('[data-fill="snippet"]')) el.textContent = snippet;
for (const el of document.querySelectorAll('[data-fill="origin"]')) el.textContent = origin;
for (const el of document.querySelectorAll('[data-fill="site"]')) el.textContent = site;
document.getElementById('site').value = site;

if (asked !== null && asked !== site) {
  const note = document.getElementById('site-note');
  note.textContent = `“${asked}” is not a site id; showing the snippet for “demo”.`;
  note.hidden = false;
}

const copy = document.getElementById('copy');
const status = document.getElementById('copy-status');
let clear;

function say(text) {
  status.textContent = text;
  clearTimeout(clear);
  clear = setTimeout(() => (status.textContent = ''), 5000);
}

// Without the Clipboard API (a page not served over HTTPS or from localhost), select the text
// so that one key press copies it.
function selectSnippet() {
  const range = document.createRange();
  range.selectNodeContents(document.getElementById('snippet'));
  const selection = getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  say('Selected: press Ctrl+C (⌘C on a Mac) to copy.');
}

copy.hidden = false;
copy.addEventListener('click', () => {
  if (!navigator.clipboard) {
    selectSnippet();
    return;
  }
  navigator.clipboard.writeText(snippet).then(() => say('Copied'), selectSnippet);
});
