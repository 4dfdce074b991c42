//! What happens around the messages, drawn and told: agents typing, joining and reading, the
//! conversation closing, the visitor's own typing and reading, the unread count for the host
//! page's badge, and the chime. The rules are `client::Activity` and `client::TypingOut`; this
//! feeds them frames and the clock and puts what they decide into the chat's signals.
//!
//! Everything derived is recomputed in one place, [`Chat::sync`], after any change: a frame, a
//! redraw, the panel opening or closing, the tab going to the background, a typing indicator
//! lapsing. It only writes signals whose value changed.

use std::time::Duration;

use client::activity::lines;
use client::{Activity, ConversationSocket, Entry};
use leptos::prelude::*;
use protocol::api::ErrorCode;
use protocol::embed::{FrameToHost, SdkEvent};
use protocol::frame::{ClientFrame, ServerFrame, TYPING_EXPIRES_MS};
use protocol::Author;

use super::{put, Chat};
use crate::view::fill;

impl Chat {
    /// A frame from the conversation socket, after the outbox has applied it.
    pub(super) fn on_frame(self, frame: &ServerFrame) {
        let last_seq = self.with_socket(|s| s.with_outbox(|o| o.last_seq()));
        if let ServerFrame::Error {
            code: ErrorCode::ConversationClosed,
            client_id: Some(id),
            ..
        } = frame
        {
            // The conversation closed under this message: it is not lost, it waits in the
            // composer for the new conversation.
            if let Some(Some(body)) = self.with_socket(|s| s.withdraw(id)) {
                self.put_back(body);
            }
        }
        self.activity
            .update_value(|a| a.apply(frame, now(), last_seq.unwrap_or(0)));
        match frame {
            ServerFrame::Typing { active: true, .. } => {
                // Redraw when the indicator lapses, unless a refresh or a message comes first.
                let lapse = Duration::from_millis(TYPING_EXPIRES_MS.into());
                set_timeout(move || self.sync(), lapse);
            }
            // Someone may have joined: their line goes into the log.
            ServerFrame::Agents { .. } => {
                if let Some(entries) = self.with_socket(ConversationSocket::entries) {
                    self.show(entries);
                }
            }
            _ => {}
        }
        self.sync();
    }

    /// Draws `entries` with the agents' arrivals among them, then scrolls the log to its end.
    /// Scrolling here rather than in an effect on the view: the frame after the redraw is soon
    /// enough, and it keeps the wasm smaller.
    pub(super) fn show(self, entries: Vec<Entry>) {
        let drawn = self.activity.with_value(|a| lines(entries, a.joined()));
        if self.lines.try_set(drawn).is_none() {
            request_animation_frame(|| {
                if let Some(log) = document().get_element_by_id("pl-log") {
                    log.set_scroll_top(log.scroll_height());
                }
            });
        }
    }

    /// Brings everything derived from the activity up to date; see the module docs.
    pub(super) fn sync(self) {
        let looking = !self.hidden.get_untracked() && !document().hidden();
        let derived = self.with_socket(|socket| {
            socket.with_outbox(|outbox| {
                let messages = outbox.messages();
                let read = looking
                    .then(|| self.activity.try_update_value(|a| a.read_up_to(messages)))
                    .flatten()
                    .flatten();
                if let Some(seq) = read {
                    socket.signal(&ClientFrame::Read { seq });
                }
                self.activity.with_value(|a| {
                    // Counted only once the read positions after a replay are in.
                    let unread = a.is_settled().then(|| a.unread(messages));
                    (a.seen(messages).map(str::to_owned), unread)
                })
            })
        });
        // Without a conversation nothing is unread.
        let (seen, unread) = derived.unwrap_or((None, Some(0)));
        let (closed, agent, typing) = self.activity.with_value(|a| {
            let typing = typing_line(&a.typing(now()), self);
            (
                a.is_closed(),
                a.handler().map(client::heading::pack),
                typing,
            )
        });
        put(self.seen, seen);
        // The SDK's `conversationClosed`: the team closed it while the visitor was here, or the
        // frame found it closed on loading (so the next page stops loading the frame for it).
        if closed && !self.closed.get_untracked() {
            self.post_conversation_event(SdkEvent::CONVERSATION_CLOSED);
        }
        put(self.closed, closed);
        put(self.agent, agent);
        put(self.typing, typing);
        if let Some(count) = unread.filter(|n| *n != self.unread.get_value()) {
            self.unread.set_value(count);
            self.post(FrameToHost::Unread { count });
        }
    }

    /// Chimes for agents' messages that arrived live while the visitor was not looking.
    pub(super) fn chime_for(self, arrived: &[protocol::Message]) {
        let from_agent = arrived
            .iter()
            .any(|m| matches!(m.author, Author::Agent { .. }));
        let doc = document();
        let away = self.hidden.get_untracked() || doc.hidden() || !doc.has_focus().unwrap_or(true);
        if from_agent && away && self.sound.get_untracked() {
            if let Some(audio) = self.audio.get_value() {
                // The chime is a part: loaded by now, as a rule (prefetched); else first.
                leptos::task::spawn_local(async move {
                    if self.parts.chime.ready(self).await {
                        if let Some(chime) = self.parts.loaded.get_value().chime {
                            chime(&audio);
                        }
                    }
                });
            }
        }
    }

    /// The visitor turned the chime on or off. Turning it on is the gesture that lets the
    /// frame play sound, and the one moment the choice is written to the device.
    pub fn toggle_sound(self) {
        let on = !self.sound.get_untracked();
        self.sound.set(on);
        self.unlock_audio();
        self.params
            .with_value(|p| crate::visitor::remember_sound(&p.site, on));
    }

    /// Creates (or resumes) the audio context inside a user gesture, as browsers require.
    pub fn unlock_audio(self) {
        if !self.sound.get_untracked() {
            return;
        }
        if self.audio.with_value(Option::is_none) {
            self.audio.set_value(web_sys::AudioContext::new().ok());
        }
        self.audio.with_value(|audio| {
            if let Some(audio) = audio {
                let _ = audio.resume();
            }
        });
    }

    /// The composer changed: tell the agents the visitor is typing (or stopped).
    pub fn typed(self) {
        let has_text = self.text.with_untracked(|t| !t.trim().is_empty());
        let active = self
            .typing_out
            .try_update_value(|t| t.input(has_text, now()))
            .flatten();
        self.say_typing(active);
    }

    /// The visitor sent, cleared or left the composer.
    pub fn stop_typing(self) {
        let active = self.typing_out.try_update_value(|t| t.stop()).flatten();
        self.say_typing(active);
    }

    fn say_typing(self, active: Option<bool>) {
        if let Some(active) = active {
            self.with_socket(|s| s.signal(&ClientFrame::Typing { active }));
        }
    }

    /// Leaves a closed conversation for a new one: the log clears, the visitor's token stays
    /// (the next send starts the conversation with it), and whatever they wrote stays in the
    /// composer.
    pub fn new_conversation(self) {
        self.socket.set_value(None);
        self.opening.set_value(None);
        self.activity.set_value(Activity::new(Author::Visitor));
        self.typing_out.update_value(|t| *t = Default::default());
        self.started.set(false);
        self.show(Vec::new());
        self.sync();
        self.focus_composer();
    }

    /// Puts a message that was not stored back into the composer, before anything written
    /// since.
    pub(super) fn put_back(self, body: String) {
        self.text.update(|text| {
            *text = if text.trim().is_empty() {
                body
            } else {
                format!("{body}\n{text}")
            }
        });
    }

    /// Runs `f` on the live socket, if there is one.
    pub(super) fn with_socket<R>(self, f: impl FnOnce(&ConversationSocket) -> R) -> Option<R> {
        self.socket.with_value(|s| s.as_ref().map(f))
    }
}

/// "Dana is typing…", "Dana and Sam are typing…" in the visitor's language; `None` when
/// nobody is.
fn typing_line(typists: &[Option<&str>], chat: Chat) -> Option<String> {
    let someone = chat.word(|t| &t.someone);
    let names: Vec<&str> = typists.iter().map(|t| t.unwrap_or(&someone)).collect();
    match names.as_slice() {
        [] => None,
        [one] => Some(fill(&chat.word(|t| &t.typing_one), one)),
        [all @ .., last] => {
            let and = chat.word(|t| &t.and);
            let names = format!("{} {and} {last}", all.join(", "));
            Some(fill(&chat.word(|t| &t.typing_many), &names))
        }
    }
}

fn now() -> protocol::Millis {
    js_sys::Date::now() as protocol::Millis
}
