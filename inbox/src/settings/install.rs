//! Installing the widget: the one-line snippet for this site (this Worker's origin and the
//! site's id) with a copy button, short steps for plain HTML, WordPress and Wix, a link to the
//! full guide the Worker serves, and a live preview: the widget frame itself, inline, loaded
//! again after each save so that it shows the saved settings.

use leptos::prelude::*;

use crate::{clipboard, copied};

/// The Install section.
///
/// - `site`: the site's id.
/// - `preview`: counted up after each save; each count loads the preview anew.
#[component]
pub fn Install(site: String, preview: RwSignal<u32>) -> impl IntoView {
    let origin = window().location().origin().unwrap_or_default();
    let encoded = String::from(js_sys::encode_uri_component(&site));
    // The same escaping as the guide's snippet: the id goes in an attribute.
    let attribute = site.replace('&', "&amp;").replace('"', "&quot;");
    let snippet =
        format!("<script async src=\"{origin}/embed.js\" data-site=\"{attribute}\"></script>");
    let guide = format!("/install/?site={encoded}");
    let frame = format!("/widget/frame?site={encoded}&inline=on");
    let copy = clipboard();
    let copied = copied(copy);
    let copy = {
        let snippet = snippet.clone();
        move |_| {
            copy.dispatch(snippet.clone());
        }
    };
    view! {
        <section id="set-install" aria-labelledby="set-install-title">
            <h2 id="set-install-title">"Install"</h2>
            <label for="install-snippet">"Paste this before </body> on every page that shows the chat:"</label>
            <span class="invite-url-row install-snippet-row">
                <textarea id="install-snippet" rows="2" readonly spellcheck="false" prop:value=snippet></textarea>
                <button id="install-copy" type="button" on:click=copy>
                    {move || if copied() { "Copied" } else { "Copy" }}
                </button>
            </span>
            <ul class="install-steps">
                <li><strong>"Plain HTML: "</strong>"paste the line into each page's HTML, just before </body>."</li>
                <li><strong>"WordPress: "</strong>"install the Porchlight plugin (embed/wordpress/porchlight), then under "
                    <em>"Settings → Porchlight"</em>" enter this Worker's URL ("{origin.clone()}") and the site id ("{site.clone()}")."</li>
                <li><strong>"Wix: "</strong>"under "<em>"Settings → Custom code"</em>", add the line as code in "
                    <em>"Body – end"</em>", on all pages."</li>
            </ul>
            <p><a id="install-guide" href=guide>"The full guide for this site"</a>
                " (single-page apps, Content-Security-Policy)."</p>
            <h3 id="preview-title">"Preview"</h3>
            <p class="settings-hint">
                "The widget with the saved settings, as visitors see it (shown here whatever the targeting rules). \
                 Messages written here start real conversations."
            </p>
            // Keyed by the count, so each save makes a new frame, which loads anew.
            <For each=move || [preview.get()] key=|n| *n let(_loaded)>
                <iframe class="settings-preview" src=frame.clone()
                    title="Preview of the chat widget"></iframe>
            </For>
        </section>
    }
}
