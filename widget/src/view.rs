//! The widget's components: a header with the heading (the site's, its people's or the agent
//! handling the chat, with their pictures), its availability, the chime toggle and a close
//! button; the message log with agents' arrivals among the messages and "Seen" under the
//! visitor's last one; the lines above the composer ([`crate::notices`]); a notice line and the
//! composer. Every body is rendered as a text node, never as HTML, and no element carries a
//! `style` attribute (the frame's CSP forbids them): looks come from `widget.css` classes and
//! `data-*` attributes.
//!
//! Views avoid type erasure (`into_any`) where an `Option` or an attribute will do: each erased
//! type costs the widget's wasm more than the branch it replaces.

use client::activity::Line;
use client::text::linked;
use client::{Delivery, Entry, LinkState};
use leptos::either::Either;
use leptos::ev;
use leptos::prelude::*;
use protocol::{Attachment, Author};

use crate::availability::{AvailabilityNotice, AwayMarker, ReplyTime};
use crate::chat::{Chat, Words};
use crate::frame::FrameParams;
use crate::notices::Typing;

/// Starts the chat for the frame's parameters. The chat itself is drawn once, by [`draw`],
/// when the first config has brought the interface's words ([`Words`]); until then only a
/// failure to load can show. Drawing it from inside a reactive closure instead (to swap the
/// loading state for the chat) would compile the rebuild code of every element in it: 10 KB
/// gzip, measured. A later change of language shows from the next page load.
pub fn start(params: FrameParams) {
    mount_to_body(move || {
        let chat = Chat::new(params);
        provide_context(chat);
        chat.start();
        // Escape anywhere in the frame closes the chat, as the close button does.
        let _ = window_event_listener(ev::keydown, move |e| {
            if e.key() == "Escape" && !e.is_composing() {
                chat.close();
            }
        });
        // The notice before the chat is drawn: why the config did not load.
        let loading = move || chat.words.get().is_none();
        view! {
            <p class="pl-notice" role="alert" hidden=move || !loading()>
                {move || if loading() { chat.notice.get() } else { None }}
            </p>
        }
    });
}

/// Draws the chat, in `words`; called once, when the first config has loaded.
pub fn draw(chat: Chat, words: Words) {
    mount_to_body(move || chat_view(chat, words));
}

fn chat_view(chat: Chat, words: Words) -> impl IntoView {
    provide_context(chat);
    provide_context(words);
    drop_files(chat);
    chat.draw_parts();
    view! {
        <main class="pl-chat">
            <Header />
            <Log />
            <Typing />
            <AvailabilityNotice />
            <div id="pl-replies-part"></div>
            <div id="pl-closed-part"></div>
            <div id="pl-consent-part"></div>
            <div id="pl-email-part"></div>
            <PartFailed />
            <Notice />
            <Composer />
        </main>
    }
}

/// A file dropped anywhere on the chat is sent, when the site takes files and the visitor may
/// write. Plain window listeners: `on:` handlers on `<main>` cost the widget more wasm.
fn drop_files(chat: Chat) {
    let droppable = move || {
        chat.may_write()
            && chat
                .config
                .with_untracked(|c| c.as_ref().is_some_and(|c| c.attachments.is_some()))
    };
    // Taking `dragover` is what lets the browser drop here instead of opening the file.
    let _ = window_event_listener(ev::dragover, move |e| {
        if droppable() {
            e.prevent_default();
        }
    });
    let _ = window_event_listener(ev::drop, move |e| {
        if let Some(file) = e
            .data_transfer()
            .and_then(|d| d.files())
            .and_then(|f| f.get(0))
        {
            e.prevent_default();
            chat.attach(file);
        }
    });
}

#[component]
fn Header() -> impl IntoView {
    let chat = expect_context::<Chat>();
    let t: Words = expect_context();
    // The agent who has the conversation, else the visitor's owner, else three of the site's
    // people (`client::heading`), with their pictures; else the site's heading alone.
    let people = move || chat.heading_people();
    let heading = move || {
        let people = people();
        if people.is_empty() {
            chat.config
                .with(|c| c.as_ref().map(|c| c.heading.clone()))
                .unwrap_or_default()
        } else {
            client::heading::names(&people)
        }
    };
    // Decorative: the names are the heading's text. Three fixed places, not a list: a list of
    // elements would compile its own rebuild code (0.6 KB gzip, measured).
    let picture = move |i: usize| {
        let src = move || {
            people()
                .get(i)
                .map(|p| protocol::routes::CurrentAvatar::new(&p.id).path_with(crate::chat::encode))
        };
        // Without a `src` it is not drawn (widget.css).
        view! { <img class="pl-avatar" alt="" src=src /> }
    };
    let status = move || match chat.link.get() {
        Some(LinkState::Connecting) => t.connecting.as_str(),
        Some(LinkState::Closed) => t.reconnecting.as_str(),
        _ => "",
    };
    view! {
        // "Your data" (its button and panel) draws itself at the end of the header once its
        // part has loaded (`crate::privacy`).
        <header id="pl-header" class="pl-header">
            <div class="pl-people" aria-hidden="true">{picture(0)}{picture(1)}{picture(2)}</div>
            <div class="pl-titles">
                <h1 id="pl-heading" class="pl-heading">{heading}</h1>
                <ReplyTime />
                <p class="pl-status" role="status">{status}</p>
            </div>
            <AwayMarker />
            <button id="pl-sound" class="pl-icon" type="button" aria-label=t.sound.as_str()
                aria-pressed=move || chat.sound.get().to_string()
                on:click=move |_| chat.toggle_sound()>
                <span aria-hidden="true">"♪"</span>
            </button>
            // Hidden inline in the page (widget.css, `data-inline` from boot.js).
            <button id="pl-close" class="pl-close" type="button" aria-label=t.close_chat.as_str()
                on:click=move |_| chat.close()>
                <span aria-hidden="true">"×"</span>
            </button>
        </header>
    }
}

#[component]
fn Log() -> impl IntoView {
    let chat = expect_context::<Chat>();
    let t: Words = expect_context();
    let welcome = move || {
        chat.config
            .with(|c| c.as_ref().map(|c| c.welcome_message.trim().to_owned()))
            .unwrap_or_default()
    };
    // The welcome is not a stored message, so not `.pl-msg`: tests counting messages skip it.
    // Bubbles are redrawn as a plain list, not a keyed `<For>`: the list is short, a redraw
    // only touches text and attributes that changed (so the live region does not re-announce),
    // and keyed diffing would cost the wasm 3 KB gzip. The live region is a `div` around the
    // list: a `role="log"` on the `ol` itself would leave its items outside any list. It takes
    // the focus, so a keyboard can scroll it when nothing inside can be focused.
    view! {
        <div id="pl-log" class="pl-log" role="log" aria-live="polite" aria-label=t.messages.as_str()
            tabindex="0">
            <ol class="pl-lines">
                <li class="pl-welcome" data-author="agent" hidden=move || welcome().is_empty()>
                    <p class="pl-body">{welcome}</p>
                </li>
                {move || chat.lines.get().into_iter().map(|line| match line {
                    Line::Message(entry) => Either::Left(view! { <Bubble entry /> }),
                    // A system line, not a message: `li.pl-system`, not `.pl-msg`.
                    Line::Joined(name) => Either::Right(view! {
                        <li class="pl-system">{fill(&t.joined, &name)}</li>
                    }),
                }).collect_view()}
            </ol>
        </div>
    }
}

#[component]
fn Bubble(entry: Entry) -> impl IntoView {
    let chat = expect_context::<Chat>();
    let t: Words = expect_context();
    let (author, name) = match &entry.author {
        Author::Visitor => ("visitor", None),
        Author::Agent { name, .. } => ("agent", Some(name.clone())),
        Author::Bot { name, .. } => ("bot", Some(name.clone())),
    };
    let state = match entry.delivery {
        Delivery::Sent => "sent",
        Delivery::Pending => "pending",
        Delivery::Failed { .. } => "failed",
    };
    let sending = (entry.delivery == Delivery::Pending)
        .then(|| view! { <span class="pl-meta">{t.sending.as_str()}</span> });
    let client_id = entry.client_id;
    let failed = match entry.delivery {
        Delivery::Failed { reason } => {
            let client_id = client_id.clone();
            Some(view! {
                <span class="pl-meta pl-error">{fill(&t.not_sent, &reason)} " "</span>
                <button class="pl-retry" type="button" aria-label=t.retry_label.as_str()
                    on:click=move |_| chat.retry(client_id.clone())>{t.retry.as_str()}</button>
            })
        }
        _ => None,
    };
    let time = entry
        .sent_at
        .map(|at| view! { <span class="pl-meta">{clock(at)}</span> });
    let seen = move || {
        chat.seen
            .with(|s| s.as_ref() == Some(&client_id))
            .then(|| view! { <span class="pl-meta pl-seen">{t.seen.as_str()}</span> })
    };
    view! {
        <li class="pl-msg" data-author=author data-state=state>
            {name.map(|name| view! { <span class="pl-author">{name}</span> })}
            {entry.attachment.map(|file| view! { <File file /> })}
            <p class="pl-body" hidden=entry.body.is_empty()>{linked(&entry.body, &entry.links)}</p>
            {sending}
            {failed}
            {time}
            {seen}
        </li>
    }
}

/// A message's file, drawn by the `files` part once it has loaded (`crate::parts::FileLink`);
/// the log is redrawn when the file's bytes arrive (see `Chat::file_link`).
#[component]
fn File(file: Attachment) -> impl IntoView {
    let chat = expect_context::<Chat>();
    move || {
        let link = chat
            .parts
            .files
            .loaded()
            .then(|| chat.parts.loaded.get_value().file_link);
        link.flatten().map(|link| {
            let link = link(chat, &file);
            let picture = link.picture.map(|src| view! { <img src=src alt="" /> });
            view! {
                <a class="pl-file" href=link.href target="_blank" download=link.download>
                    {picture}{link.text}
                </a>
            }
        })
    }
}

/// Says that a part of the chat could not be loaded (`crate::parts`), with a retry.
#[component]
fn PartFailed() -> impl IntoView {
    let chat = expect_context::<Chat>();
    let t: Words = expect_context();
    view! {
        <p id="pl-part-failed" class="pl-notice" role="alert" hidden=move || !chat.parts.any_failed()>
            {t.part_failed.as_str()} " "
            <button class="pl-retry" type="button" on:click=move |_| chat.parts.load_all(chat)>
                {t.retry.as_str()}
            </button>
        </p>
    }
}

#[component]
fn Notice() -> impl IntoView {
    let chat = expect_context::<Chat>();
    view! {
        <p class="pl-notice" role="alert">{move || chat.notice.get()}</p>
    }
}

#[component]
fn Composer() -> impl IntoView {
    let chat = expect_context::<Chat>();
    let t: Words = expect_context();
    // What the site takes, for the file picker; none: no attach button. Read once: a site that
    // turns attachments on or off shows it from the next page load.
    let attach = chat
        .config
        .with_untracked(|c| c.as_ref()?.attachments.as_ref().map(|a| a.accept.clone()))
        .map(|accept| {
            view! {
                <input id="pl-file" class="pl-hidden" type="file" accept=accept
                    disabled=move || chat.busy.get() || !chat.may_write()
                    on:change=move |e| {
                        let input: web_sys::HtmlInputElement = event_target(&e);
                        if let Some(file) = input.files().and_then(|f| f.get(0)) {
                            chat.attach(file);
                        }
                        // Picking the same file again is a new choice.
                        input.set_value("");
                    } />
                <label class="pl-attach" for="pl-file" title=t.attach.as_str()>
                    <span aria-hidden="true">"+"</span>
                    <span class="pl-hidden">{t.attach.as_str()}</span>
                </label>
            }
        });
    view! {
        <form class="pl-composer" on:submit=move |e| { e.prevent_default(); chat.send(); }>
            <label class="pl-hidden" for="pl-composer">{t.message.as_str()}</label>
            <textarea id="pl-composer" rows="2" placeholder=t.placeholder.as_str()
                maxlength=protocol::limits::MESSAGE_MAX_CHARS.to_string()
                disabled=move || !chat.may_write()
                prop:value=move || chat.text.get()
                on:input=move |e| {
                    chat.text.set(event_target_value(&e));
                    chat.typed();
                }
                on:blur=move |_| chat.stop_typing()
                on:keydown=move |e| {
                    // A key press is a gesture: a remembered chime may now play.
                    chat.unlock_audio();
                    // Enter sends, Shift+Enter is a new line; never mid-composition (IME).
                    if e.key() == "Enter" && !e.shift_key() && !e.is_composing() {
                        e.prevent_default();
                        chat.send();
                    }
                }></textarea>
            {attach}
            <button id="pl-send" class="pl-send" type="submit" aria-label=t.send_label.as_str()
                disabled=move || chat.busy.get() || !chat.may_write()>{t.send.as_str()}</button>
        </form>
    }
}

/// `template` with its `{}` replaced by `value` ("{} joined the conversation").
pub fn fill(template: &str, value: &str) -> String {
    match template.split_once('{') {
        Some((before, after)) => {
            let after = after.strip_prefix('}').unwrap_or(after);
            format!("{before}{value}{after}")
        }
        None => template.to_owned(),
    }
}

/// A message time as the visitor's clock shows it (`14:05`).
fn clock(at: protocol::Millis) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at as f64));
    format!("{:02}:{:02}", date.get_hours(), date.get_minutes())
}
