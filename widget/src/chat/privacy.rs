//! What the visitor may do with their data, from the chat's "Your data" panel (the `privacy`
//! part draws it: `crate::privacy`): download the conversation they are in (a zip of its
//! messages and files, fetched with their token), and ask the team to erase everything stored
//! about them (the request waits for an admin).

use client::http;
use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::routes;
use serde::{Deserialize, Serialize};

use super::{encode, Chat};

/// The body the erasure request sends, and its answer: nothing more than that it was taken.
#[derive(Serialize, Deserialize)]
struct Nothing {}

impl Chat {
    /// The conversation's id and the visitor's token, once there is a conversation.
    pub(super) fn conversation_and_token(self) -> Option<(String, String)> {
        self.session.with_value(|s| {
            s.as_ref()
                .filter(|s| !s.conversation_id.is_empty())
                .map(|s| (s.conversation_id.clone(), s.visitor_token.clone()))
        })
    }

    /// Whether there is a conversation to download or a person to erase (tracked through the
    /// log: a conversation exists once something was said).
    pub fn has_data(self) -> bool {
        self.started.get() || !self.lines.with(Vec::is_empty)
    }

    /// Fetches the conversation as a zip and hands it to the browser as a download; whether it
    /// could.
    pub async fn download_conversation(self) -> bool {
        let Some((conversation, token)) = self.conversation_and_token() else {
            return false;
        };
        let path = routes::WidgetExport::new(&conversation).path_with(encode);
        let Ok(url) = http::get_blob_url(&path, Some(&token)).await else {
            return false;
        };
        let saved = document()
            .create_element("a")
            .ok()
            .and_then(|a| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlAnchorElement>(a).ok())
            .map(|a| {
                a.set_href(&url);
                a.set_download(&format!("conversation-{conversation}.zip"));
                a.click();
            })
            .is_some();
        // The click has handed the bytes over; the URL is not needed after this task.
        spawn_local(async move {
            let _ = web_sys::Url::revoke_object_url(&url);
        });
        saved
    }

    /// Asks the team to erase the visitor's data; whether the request was taken.
    pub async fn request_erasure(self) -> bool {
        let Some((conversation, token)) = self.conversation_and_token() else {
            return false;
        };
        let path = routes::WidgetErasure::new(&conversation).path_with(encode);
        http::post_json::<_, Nothing>(&path, &Nothing {}, Some(&token))
            .await
            .is_ok()
    }
}
