//! One open conversation: its messages over the conversation socket (cookie-authenticated,
//! replayed from the start with `after=0`), the header with its status and who else is viewing,
//! the visitor's typing, and the reply composer, sending through the outbox so a reply survives
//! a dropped connection and is stored once. The team's internal notes show among the messages
//! (fetched whenever the socket opens, and live); opening the thread marks its @mentions of
//! this agent seen. While the thread is open and the page visible, the newest message is
//! marked read. On Messenger and WhatsApp each reply shows what became of it (sent, delivered,
//! read, failed and why), fetched whenever the socket opens and live.
//!
//! # Layout
//! - this file: [`Thread`], its messages and notes.
//! - [`socket`]: the conversation socket (client's `AgentSocket`), typing and read positions.
//! - [`live`]: what the socket's frames say besides messages, as signals.
//! - [`header`]: status, close and reopen, inbox, assignee, team, who else is viewing.
//! - [`visitor`]: the visitor panel and the conversation's e-mails.
//! - [`composer`]: replies and notes, and what goes with them.

mod composer;
mod header;
mod live;
mod socket;
mod visitor;

use client::notes::{interleave, Notes, ThreadItem};
use client::{ConversationEvent, Delivery, Entry, LinkState, Outbox};
use leptos::prelude::*;
use std::collections::HashMap;

use protocol::api::{AgentProfile, ConversationSummary, Note};
use protocol::frame::ToAgent;
use protocol::reply::{Delivery as MetaDelivery, DeliveryState};
use protocol::{Author, Channel, ConversationStatus, Seq};

use crate::api;
use composer::Composer;
use header::ThreadHeader;
use live::Live;
use socket::ThreadSocket;
use visitor::VisitorPanel;

/// One open conversation. The socket closes when the view goes.
///
/// - `id`: the conversation's id.
/// - `me`: the signed-in agent, who replies.
/// - `status`, `channel`: as the list knows them (the socket then says the status).
/// - `assignee`, `inbox`, `team`: whom, where and to which team it is assigned, as the list
///   knows it now.
/// - `bot`: whether a chatflow bot holds it, as the list knows it now.
/// - `members`: the team, for assigning, owners and mentions.
/// - `changed`: gets the row the server answers a change with (close, reopen, assign, move).
#[component]
pub fn Thread(
    id: String,
    me: AgentProfile,
    status: Option<ConversationStatus>,
    channel: Option<Channel>,
    assignee: Signal<Option<String>>,
    inbox: Signal<Option<String>>,
    team: Signal<Option<String>>,
    bot: Signal<bool>,
    members: RwSignal<Vec<AgentProfile>>,
    changed: Callback<ConversationSummary>,
) -> impl IntoView {
    let my_id = me.id.clone();
    let me_profile = me.clone();
    let entries = RwSignal::new(Vec::<Entry>::new());
    let notes = RwSignal::new(Notes::default());
    let conversation = StoredValue::new(id.clone());
    // Actions, not resources: read again whenever the socket opens, and merged with what
    // arrives live.
    let load_notes = Action::new_local(move |()| async move {
        if let Ok(list) = api::notes(&conversation.get_value()).await {
            notes.try_update(|n| n.add(list.notes));
        }
    });
    let load_notes = move || {
        load_notes.dispatch(());
    };
    let on_meta = matches!(channel, Some(Channel::Messenger | Channel::WhatsApp));
    let deliveries = RwSignal::new(HashMap::<Seq, MetaDelivery>::new());
    let load_deliveries = Action::new_local(move |()| async move {
        if let Ok(list) = api::deliveries(&conversation.get_value()).await {
            deliveries.try_update(|d| list.deliveries.into_iter().for_each(|x| merge(d, x)));
        }
    });
    let load_deliveries = move || {
        if on_meta {
            load_deliveries.dispatch(());
        }
    };
    crate::mentions::seen(&id);
    let last_agent = RwSignal::new(None::<(String, Seq)>);
    let link = RwSignal::new(None::<LinkState>);
    let notice = RwSignal::new(None::<String>);
    let live = Live::new(me.id.clone(), status);
    let outbox = Outbox::new(Author::Agent {
        id: me.id,
        name: me.name,
    });
    let on_event = move |event| match event {
        ConversationEvent::Changed {
            entries: e,
            arrived,
            live: _,
        } => {
            live.arrived(&arrived);
            let newest = socket::last_agent(&e);
            entries.try_set(e);
            last_agent.try_set(newest);
            scroll_to_end();
        }
        ConversationEvent::State(state) => {
            link.try_set(Some(state));
            // Notes written while this view was away come with the next opening.
            if state == LinkState::Open {
                load_notes();
                load_deliveries();
            }
        }
        ConversationEvent::Refused { message, .. } => {
            notice.try_set(Some(message));
        }
    };
    // Counts the visitor's details changing elsewhere (`VisitorPanel` reads them again).
    let visitor_changed = RwSignal::new(0u32);
    let on_frame = move |frame: &ToAgent| match frame {
        ToAgent::Note(note) => {
            notes.try_update(|n| n.add([note.clone()]));
            scroll_to_end();
        }
        ToAgent::Delivery(delivery) => {
            deliveries.try_update(|d| merge(d, delivery.clone()));
        }
        ToAgent::Reach {
            visitor_present,
            reply_by,
        } => {
            live.reach.try_set(Some((*visitor_present, *reply_by)));
        }
        ToAgent::VisitorChanged {} => {
            visitor_changed.try_update(|n| *n += 1);
        }
        // Messages, acks and refusals are the outbox's; the rest is the live state's.
        frame => live.apply(frame),
    };
    let socket = ThreadSocket::open(
        &api::conversation_socket_url(&id),
        outbox,
        on_event,
        on_frame,
    );
    let socket = StoredValue::new_local(socket);

    // Read while looking: on new messages, once a (re)connect has replayed, and when the tab
    // comes back. The effect runs after the event that changed its inputs, outside the
    // socket's handler.
    let visible = RwSignal::new(!document().hidden());
    let visibility = window_event_listener_untyped("visibilitychange", move |_| {
        visible.try_set(!document().hidden());
    });
    on_cleanup(move || visibility.remove());
    Effect::new(move || {
        entries.track();
        live.synced.track();
        if visible.get() {
            socket.with_value(ThreadSocket::mark_read);
        }
    });

    let connection = move || match link.get() {
        Some(LinkState::Connecting) => "Connecting…",
        Some(LinkState::Closed) => "Reconnecting…",
        _ => "",
    };
    let seen = move |client_id: &str| {
        last_agent.with(|newest| {
            newest
                .as_ref()
                .is_some_and(|(c, seq)| c == client_id && live.visitor_read.get() >= *seq)
        })
    };
    let composer_id = id.clone();
    let composer_me = me_profile.clone();
    let log_id = id.clone();
    view! {
        <section class="thread" aria-label="Conversation">
            <ThreadHeader id=id.clone() me=my_id live assignee inbox team bot members changed />
            <VisitorPanel id=id.clone() status=live.status chat=!on_meta members
                reach=live.reach last_agent changed=visitor_changed />
            <p class="status" role="status">{connection}</p>
            // The live region wraps the list: on the `ol` itself, `role="log"` would leave its
            // items outside any list. It takes the focus, so a keyboard can scroll it.
            <div id="thread-log" class="messages" role="log" aria-live="polite"
                aria-label="Messages" tabindex="0">
                <ol class="message-list">
                    <For each=move || entries.with(|e| notes.with(|n| interleave(e, n.all())))
                        key=ThreadItem::key let(item)>
                        {match item {
                            ThreadItem::Message(entry) => {
                                let client_id = entry.client_id.clone();
                                let agent = matches!(entry.author, Author::Agent { .. });
                                let seen = Signal::derive(move || agent && seen(&client_id));
                                let conversation = log_id.clone();
                                let meta = entry.seq.filter(|_| on_meta && agent).map(|seq| {
                                    Signal::derive(move || deliveries.with(|d| d.get(&seq).cloned()))
                                });
                                view! { <Bubble entry seen meta socket conversation /> }.into_any()
                            }
                            ThreadItem::Note(note) => view! { <NoteItem note /> }.into_any(),
                        }}
                    </For>
                </ol>
            </div>
            <p id="thread-typing" class="typing" role="status"
                hidden=move || !live.visitor_typing.get()>"Visitor is typing…"</p>
            <p class="error" role="alert">{move || notice.get()}</p>
            <Composer id=composer_id socket live notes members me=composer_me channel entries />
        </section>
    }
}

/// Keeps the furthest state of a reply: reports may come twice or out of order.
fn merge(known: &mut HashMap<Seq, MetaDelivery>, delivery: MetaDelivery) {
    let newer = known.get(&delivery.seq).is_none_or(|old| {
        domain::meta::window::may_become(old.state, delivery.state)
            || (old.state == delivery.state && delivery.at >= old.at)
    });
    if newer {
        known.insert(delivery.seq, delivery);
    }
}

/// What became of a reply on Messenger or WhatsApp, for the line under it.
fn delivery_note(delivery: Option<&MetaDelivery>) -> (&'static str, String) {
    let Some(d) = delivery else {
        return ("queued", "Sending…".to_owned());
    };
    let text = match (d.state, d.error.as_deref()) {
        (DeliveryState::Queued, Some(why)) => format!("Retrying: {why}"),
        (DeliveryState::Queued, None) => "Sending…".to_owned(),
        (DeliveryState::Sent, _) => "Sent".to_owned(),
        (DeliveryState::Delivered, _) => "Delivered".to_owned(),
        (DeliveryState::Read, _) => "Read".to_owned(),
        (DeliveryState::Failed, why) => {
            format!("Not delivered: {}", why.unwrap_or("Meta refused it."))
        }
    };
    (d.state.as_str(), text)
}

/// One message of the thread.
///
/// - `entry`: the message, stored or in flight.
/// - `seen`: whether the visitor has read it (shown under the newest agent message only).
/// - `meta`: what became of it on Messenger or WhatsApp (agents' replies there, once stored).
/// - `socket`: the thread's socket, to retry a failed send.
/// - `conversation`: the conversation's id, for its file's address.
#[component]
fn Bubble(
    entry: Entry,
    seen: Signal<bool>,
    meta: Option<Signal<Option<MetaDelivery>>>,
    socket: StoredValue<ThreadSocket, LocalStorage>,
    conversation: String,
) -> impl IntoView {
    let (author, name) = match &entry.author {
        Author::Visitor => ("visitor", "Visitor".to_owned()),
        Author::Agent { name, .. } => ("agent", name.clone()),
        Author::Bot { name, .. } => ("bot", format!("{name} (bot)")),
    };
    let (state, note) = match &entry.delivery {
        Delivery::Sent => ("sent", None),
        Delivery::Pending => ("pending", Some("Sending…".to_owned())),
        Delivery::Failed { reason } => ("failed", Some(format!("Not sent: {reason}"))),
    };
    let failed = matches!(entry.delivery, Delivery::Failed { .. });
    let client_id = entry.client_id;
    view! {
        <li class="msg" data-author=author data-state=state>
            <span class="msg-meta">
                <span class="msg-author">{name}</span>
                {entry.sent_at.map(|at| view! { <time>{api::when(at)}</time> })}
            </span>
            {entry.attachment.map(|file| view! { <File conversation file /> })}
            <p class="msg-body" hidden=entry.body.is_empty()>
                {client::text::linked(&entry.body, &entry.links)}
            </p>
            {note.map(|note| view! { <span class="msg-note">{note}</span> })}
            {failed.then(|| view! {
                <button type="button" class="retry" aria-label="Retry sending this reply"
                    on:click=move |_| socket.with_value(|s| s.retry(&client_id))>"Retry"</button>
            })}
            {move || seen.get().then(|| view! { <span class="msg-seen">"Seen by visitor"</span> })}
            {meta.map(|meta| view! {
                <span class="msg-delivery"
                    data-delivery=move || meta.with(|d| delivery_note(d.as_ref()).0)
                    class=("failed", move || meta.with(|d| d.as_ref().is_some_and(|d| d.state == DeliveryState::Failed)))>
                    {move || meta.with(|d| delivery_note(d.as_ref()).1)}
                </span>
            })}
        </li>
    }
}

/// An internal note: marked as the team's only, with who wrote it and whom it mentions.
///
/// - `note`: the stored note.
#[component]
fn NoteItem(note: Note) -> impl IntoView {
    let mentioned = (!note.mentions.is_empty()).then(|| {
        let names: Vec<&str> = note.mentions.iter().map(|m| m.name.as_str()).collect();
        format!("Mentioned: {}", names.join(", "))
    });
    view! {
        <li class="msg note" data-author="note" data-note=note.id>
            <span class="msg-meta">
                <span class="note-label">"Internal note"</span>
                <span class="msg-author">{note.author.name.clone()}</span>
                <time>{api::when(note.at)}</time>
            </span>
            <p class="msg-body">{client::text::linked(&note.body, &note.links)}</p>
            {mentioned.map(|m| view! { <span class="msg-note">{m}</span> })}
        </li>
    }
}

/// A message's file: a picture, or a link that downloads it; with its name and size.
///
/// - `conversation`: the conversation's id, for the file's address.
/// - `file`: the attachment.
#[component]
fn File(conversation: String, file: protocol::Attachment) -> impl IntoView {
    let url = api::attachment_url(&conversation, &file.id);
    let image = file.is_image();
    let size = domain::files::human_size(file.size);
    let download = (!image).then(|| file.name.clone());
    let picture = image.then(|| view! { <img class="msg-image" src=url.clone() alt="" /> });
    view! {
        <a class="msg-file" href=url target="_blank" download=download>
            {picture}
            <span class="msg-file-name">{file.name}</span>
            " "
            <span class="msg-file-size">{size}</span>
        </a>
    }
}

/// Keeps the newest message in view after the list has been redrawn.
fn scroll_to_end() {
    request_animation_frame(|| {
        if let Some(log) = document().get_element_by_id("thread-log") {
            log.set_scroll_top(log.scroll_height());
        }
    });
}
