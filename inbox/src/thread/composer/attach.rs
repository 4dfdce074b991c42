//! Attaching a file to a reply: it goes up first (`api::upload`), then out through the socket as
//! a reply of its own, with no text.

use leptos::prelude::*;

use super::super::socket::ThreadSocket;
use crate::api;

/// The "Attach" control: a file input behind its label, hidden while writing a note.
///
/// - `conversation`: the conversation's id.
/// - `socket`: the thread's socket, which sends the reply.
/// - `note_mode`: whether the composer writes an internal note (notes take no files).
/// - `closed`: whether replies are refused now (closed, or outside Meta's window).
/// - `notice`: the composer's status line: "Uploading …", then a failure's reason.
#[component]
pub fn Attach(
    conversation: StoredValue<String>,
    socket: StoredValue<ThreadSocket, LocalStorage>,
    note_mode: RwSignal<bool>,
    #[prop(into)] closed: Signal<bool>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let upload = Action::new_local(move |file: &web_sys::File| {
        let file = file.clone();
        async move {
            match api::upload(&conversation.get_value(), &file).await {
                Ok(file) => {
                    notice.try_set(None);
                    if let Some(client_id) = client::new_client_id() {
                        socket.try_with_value(|s| s.send(client_id, String::new(), Some(file)));
                    }
                }
                Err(e) => {
                    notice.try_set(Some(e.to_string()));
                }
            }
        }
    });
    let uploading = upload.pending();
    let attach = move |file: web_sys::File| {
        notice.set(Some(format!("Uploading {}…", file.name())));
        upload.dispatch_local(file);
    };
    view! {
        <label class="attach" hidden=move || note_mode.get()>
            <input id="reply-file" class="visually-hidden" type="file"
                disabled=move || closed.get() || uploading.get()
                on:change=move |e| {
                    let input: web_sys::HtmlInputElement = event_target(&e);
                    if let Some(file) = input.files().and_then(|f| f.get(0)) {
                        attach(file);
                    }
                    input.set_value("");
                } />
            "Attach"
        </label>
    }
}
