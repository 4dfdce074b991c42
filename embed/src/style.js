// The shadow root's stylesheets (adopted, never a `<style>` element or a style attribute, which a
// strict CSP would block). `css` is the loader's, built from the site's config: the accent colour
// with the black or white ink the edge chose for it, the corner, and whether the launcher shows.
// `panelCss` is the chat module's: the panel's size, and on phones the visual viewport it covers.
// Both are bundled with the code that uses them, so the same size rules apply: terse CSS,
// meaning in comments.

// Fixed elements inside a shadow root still stack in the page's root context, hence the huge
// z-index. `:host { all: initial }` stops the page's inherited fonts and colours, and
// `button { all: unset }` the browser's button looks (focus is drawn by `outline: auto`).
// `[aria-expanded]` is the launcher (nothing else has the attribute), `div` the panel, `p` the
// prompt: the welcome as a button that opens the chat, and a dismiss button. Full screen on
// narrow viewports, where the frame's own close control replaces the launcher. A hidden launcher
// (offline or at capacity if so configured, or `hideLauncher`) hides its prompt too; an open
// panel stays until the visitor closes it, so a chat in progress never vanishes when, say, the
// team goes offline.
export const css = (config, hideLauncher) => `\
:host{all:initial}\
button{all:unset;padding:12px;cursor:pointer}\
button:focus-visible{outline:auto}\
[aria-expanded],div,p{position:fixed;\
${config.launcher_position === 'left' ? 'left' : 'right'}:20px;\
bottom:96px;z-index:999999999;box-shadow:0 4px 16px #0005;border-radius:12px;\
background:#fff}\
[aria-expanded]{bottom:20px;padding:16px;border-radius:50%;background:${config.accent_color};\
color:${config.accent_text_color}}\
svg{display:block;width:28px;fill:currentColor}\
.x{fill:none;stroke:currentColor;stroke-width:2}\
[aria-expanded=true] .b,[aria-expanded=false] .x{display:none}\
@media(max-width:480px){[aria-expanded=true]{display:none}}\
${config.launcher_visible && !hideLauncher ? '' : '[aria-expanded],p{display:none}'}`;

// The welcome prompt's own (chat.js adopts it with the prompt): a row of its two buttons.
export const promptCss = 'p{max-width:280px;display:flex;margin:0;font:15px system-ui}';

// Where the open chat covers the whole page (the loader's `css` spells it out too: the loader's
// bundle stays smallest that way).
export const PHONE = '(max-width:480px)';

// On narrow viewports the panel covers the visual viewport, not the layout one, so an on-screen
// keyboard (which shrinks only the visual viewport) never covers the composer: the chat module
// rebuilds this sheet whenever `visualViewport` resizes or moves. Inline (`inlineEmbedSelector`)
// the panel simply fills the page's element, in the page's flow.
export const panelCss = (inline, view) =>
  'iframe{display:block;width:100%;height:100%;border:0}' +
  // The launcher's unread badge.
  'span{position:absolute;top:-4px;right:-4px;padding:0 6px;border-radius:9px;' +
  'background:#c5221f;color:#fff;font:12px system-ui}' +
  (inline
    ? ':host{display:block;height:100%}div{position:static;height:100%;box-shadow:none}'
    : 'div{width:380px;height:min(600px,100vh - 116px);overflow:hidden}' +
      `@media${PHONE}{div{inset:0;border-radius:0;width:auto;${
        view ? `top:${view.offsetTop}px;height:${view.height}px` : 'height:auto'
      }}}`);
