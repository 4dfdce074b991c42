// The loader's stylesheet, adopted by its shadow root (never a `<style>` element or a style
// attribute, which a strict CSP would block), built from the site's config: the accent colour
// with the black or white ink the edge chose for it, the corner, and whether the launcher shows. Bundled into
// `embed.js` with the loader, so the same size rules apply: terse CSS, meaning in comments.

// Fixed elements inside a shadow root still stack in the page's root context, hence the huge
// z-index. `:host { all: initial }` stops the page's inherited fonts and colours, and
// `button { all: unset }` the browser's button looks (focus is drawn by `outline: auto`).
// `[aria-expanded]` is the launcher (nothing else has the attribute), `div` the panel, `p` the
// prompt: the welcome as a button that opens the chat, and a dismiss button. Full screen on
// narrow viewports, where the frame's own close control replaces the launcher; there the panel
// covers the visual viewport, not the layout one, so an on-screen keyboard (which shrinks only
// the visual viewport) never covers the composer: the loader redraws this sheet whenever
// `visualViewport` resizes or moves. A hidden launcher hides its prompt too; an open panel
// stays until the visitor closes it, so a chat in progress never vanishes when, say, the team
// goes offline.
export const view = window.visualViewport;

export const css = (config, accent = config.accent_color) => `\
:host{all:initial;font:15px system-ui}\
button{all:unset;padding:12px;cursor:pointer}\
button:focus-visible{outline:auto}\
[aria-expanded],div,p{position:fixed;\
${config.launcher_position === 'left' ? 'left' : 'right'}:20px;\
bottom:96px;z-index:999999999;box-shadow:0 4px 16px #0005;border-radius:12px;margin:0;\
background:#fff}\
[aria-expanded]{bottom:20px;padding:16px;border-radius:50%;background:${accent};\
color:${config.accent_text_color}}\
svg{display:block;width:28px;height:28px;fill:currentColor}\
.x{fill:none;stroke:currentColor;stroke-width:2}\
[aria-expanded=true] .b,[aria-expanded=false] .x{display:none}\
span{position:absolute;top:-4px;right:-4px;padding:0 6px;border-radius:9px;\
background:#c5221f;color:#fff;font-size:12px}\
div{width:380px;height:min(600px,100vh - 116px);overflow:hidden}\
iframe{width:100%;height:100%;border:0}\
p{max-width:280px;display:flex}\
@media(max-width:480px){div{inset:0;width:auto;height:auto;border-radius:0;\
${view ? `top:${view.offsetTop}px;height:${view.height}px` : ''}}\
[aria-expanded=true]{display:none}}\
${config.launcher_visible ? '' : '[aria-expanded],p{display:none}'}`;
