//! What a contact's page lists below the details: their conversations on every channel (each
//! opening in the inbox), the consent they gave, and the files in their conversations.

use leptos::prelude::*;
use protocol::api::{ContactConsent, ContactConversation, ContactFile, MetaConsent};
use protocol::consent::ConsentMode;
use protocol::ConversationStatus;

use super::{day, moment};
use crate::api;
use crate::ui::channel_label;
use crate::ShowConversation;

/// The contact's conversations, newest first; each a button that opens it in the inbox.
///
/// - `conversations`: as the contact's page lists them.
#[component]
pub fn Conversations(conversations: Vec<ContactConversation>) -> impl IntoView {
    let show = use_context::<ShowConversation>();
    let empty = conversations.is_empty();
    view! {
        <section aria-labelledby="contact-conversations-title">
            <h2 id="contact-conversations-title">"Conversations"</h2>
            <p class="empty" hidden=!empty>"No conversations you can see."</p>
            <ul id="contact-conversations" class="contact-list" hidden=empty>
                {conversations.into_iter().map(|c| {
                    let target = c.id.clone();
                    let preview = if c.preview.is_empty() { "(no messages)".to_owned() } else { c.preview.clone() };
                    let status = match c.status {
                        ConversationStatus::Open => "Open",
                        ConversationStatus::Closed => "Closed",
                    };
                    let when = api::when(c.last_message_at.unwrap_or(c.created_at));
                    view! {
                        <li data-id=c.id.clone()>
                            <button type="button" class="contact-conversation" on:click=move |_| {
                                if let Some(ShowConversation(show)) = show {
                                    show.run(target.clone());
                                }
                            }>
                                <span class="contact-preview">{preview}</span>
                                <span class="contact-meta">
                                    {channel_label(c.channel)}" · "{status}" · "{when}
                                </span>
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

/// A consent mode, in words.
fn mode_name(mode: ConsentMode) -> &'static str {
    match mode {
        ConsentMode::Off => "No consent step",
        ConsentMode::Implicit => "Implicit (the text was shown)",
        ConsentMode::Explicit => "Explicit (they clicked “I agree”)",
    }
}

/// The consent records, newest first: on the website, mode, text version, when, and in which
/// conversation; on Messenger, per Page, when they were asked and agreed, to which words.
///
/// - `consents`, `meta`: as the contact's page lists them.
#[component]
pub fn Consents(consents: Vec<ContactConsent>, meta: Vec<MetaConsent>) -> impl IntoView {
    let show = use_context::<ShowConversation>();
    let empty = consents.is_empty();
    let meta_empty = meta.is_empty();
    let when = |at: Option<i64>| at.map_or_else(|| "—".to_owned(), moment);
    view! {
        <section aria-labelledby="contact-consents-title">
            <h2 id="contact-consents-title">"Consent"</h2>
            <p class="empty" hidden=!(empty && meta_empty)>"No consent records."</p>
            <table id="contact-meta-consents" class="report-table" hidden=meta_empty>
                <caption>"On Messenger"</caption>
                <thead><tr>
                    <th scope="col">"Page"</th>
                    <th scope="col">"Asked"</th>
                    <th scope="col">"Agreed"</th>
                    <th scope="col">"To the words"</th>
                </tr></thead>
                <tbody>
                    {meta.into_iter().map(|m| view! {
                        <tr>
                            <td>{format!("{} {}", channel_label(m.channel), m.account_id)}</td>
                            <td>{when(m.asked_at)}</td>
                            <td>{when(m.agreed_at)}</td>
                            <td>{m.text.unwrap_or_default()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <table id="contact-consents" class="report-table" hidden=empty>
                <caption>"On the website"</caption>
                <thead><tr>
                    <th scope="col">"Mode"</th>
                    <th scope="col">"Text version"</th>
                    <th scope="col">"When"</th>
                    <th scope="col">"Conversation"</th>
                </tr></thead>
                <tbody>
                    {consents.into_iter().map(|c| {
                        let target = c.conversation_id.clone();
                        view! {
                            <tr>
                                <td>{mode_name(c.record.mode)}</td>
                                <td>{c.record.version}</td>
                                <td>{moment(c.record.at)}</td>
                                <td>
                                    <button type="button" class="contact-open" on:click=move |_| {
                                        if let Some(ShowConversation(show)) = show {
                                            show.run(target.clone());
                                        }
                                    }>"Open it"</button>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

/// The files from the contact's conversations, newest first, each a link that downloads it.
///
/// - `files`: as the contact's page lists them.
#[component]
pub fn Files(files: Vec<ContactFile>) -> impl IntoView {
    let empty = files.is_empty();
    view! {
        <section aria-labelledby="contact-files-title">
            <h2 id="contact-files-title">"Files"</h2>
            <p class="empty" hidden=!empty>"No files."</p>
            <ul id="contact-files" class="contact-list" hidden=empty>
                {files.into_iter().map(|f| {
                    let url = api::attachment_url(&f.conversation_id, &f.file.id);
                    let size = domain::files::human_size(f.file.size);
                    view! {
                        <li>
                            <a class="contact-file" href=url target="_blank" download=f.file.name.clone()>
                                {f.file.name.clone()}
                            </a>
                            <span class="contact-meta">" "{size}" · "{day(f.created_at)}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}
