//! The conversation's life on the server: created by the visitor's first message over HTTP,
//! resumed from the session remembered on the device, and carried by a
//! [`ConversationSocket`] from then on. Before the socket exists the first message lives in a
//! standalone [`Outbox`], which is then handed to the socket.

use client::http::{self, HttpError};
use client::{ConversationEvent, ConversationSocket, Outbox};
use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::api::{
    ConversationCreated, CreateConversation, CurrentConversation, ErrorCode, SendMessage,
};
use protocol::embed::SdkEvent;
use protocol::routes;
use protocol::Author;

use super::{encode, Chat};
use crate::frame;
use crate::visitor::{self, VisitorSession};

impl Chat {
    /// Starts a conversation with its first message (the visitor's token, if remembered, keeps
    /// them the same visitor), then remembers it and connects its socket.
    pub(super) fn create(self, first_message: SendMessage) {
        let (site_id, page_url) = self.params.with_value(|p| (p.site.clone(), p.page.clone()));
        let request = CreateConversation {
            site_id: site_id.clone(),
            first_message,
            page_url,
            // Both taken by the edge from this frame's request instead (its `ref` parameter,
            // the browser's `Accept-Language`): no wasm for them.
            referrer: None,
            locale: None,
            consent_version: self.consent_version(),
        };
        let token = self
            .session
            .with_value(|s| s.as_ref().map(|s| s.visitor_token.clone()));
        self.busy.set(true);
        spawn_local(async move {
            let url = routes::WidgetStart::TEMPLATE;
            let mut answer =
                http::post_json::<_, ConversationCreated>(url, &request, token.as_deref()).await;
            if answer.as_ref().is_err_and(HttpError::is_auth) && token.is_some() {
                // A stale token: forget it and start as a new visitor.
                self.forget(&site_id);
                answer = http::post_json(url, &request, None).await;
            }
            self.busy.set(false);
            let outbox = self.opening.try_update_value(Option::take).flatten();
            let mut outbox = outbox.unwrap_or_else(|| Outbox::new(Author::Visitor));
            let client_id = &request.first_message.client_id;
            match answer {
                Ok(created) => {
                    let session = VisitorSession {
                        visitor_token: created.visitor_token,
                        conversation_id: created.conversation_id,
                        consent_version: self.agreed.get_untracked(),
                    };
                    // The first write to the device: the visitor has sent a message.
                    visitor::save(&site_id, &session);
                    self.started.set(true);
                    outbox.insert(created.message);
                    self.show(outbox.entries());
                    self.connect(&session, outbox);
                    self.session.set_value(Some(session));
                    self.post_conversation_event(SdkEvent::CONVERSATION_STARTED);
                }
                Err(e) => {
                    outbox.fail(client_id, e.code(), self.failure(&e));
                    if e.code() == Some(ErrorCode::ConsentRequired) {
                        if let Some(body) = outbox.withdraw(client_id) {
                            self.consent_refused(body);
                        }
                    }
                    self.show(outbox.entries());
                    self.opening.set_value(Some(outbox));
                }
            }
        });
    }

    /// Picks up the remembered conversation, if the server still knows the visitor.
    pub(super) fn resume(self, site: String, session: VisitorSession) {
        self.session.set_value(Some(session.clone()));
        self.agreed.set(session.consent_version);
        self.started.set(true);
        self.busy.set(true);
        spawn_local(async move {
            let url = routes::WidgetCurrent::TEMPLATE;
            match http::get_json::<CurrentConversation>(url, Some(&session.visitor_token)).await {
                Ok(found) => {
                    self.owner
                        .set(found.owner.as_ref().map(client::heading::pack));
                    if let Some(current) = found.conversation {
                        let session = VisitorSession {
                            conversation_id: current.id,
                            ..session
                        };
                        // A closed conversation shows as closed when the socket's `Status`
                        // frame says so, right after its history.
                        self.connect(&session, Outbox::new(Author::Visitor));
                        self.session.set_value(Some(session));
                    } else {
                        self.started.set(false);
                    }
                }
                Err(e) if e.is_auth() => self.forget(&site),
                // Offline or failing: keep the token; the next send tries again.
                Err(_) => self.started.set(false),
            }
            self.busy.set(false);
        });
    }

    fn forget(self, site: &str) {
        visitor::forget(site);
        self.session.set_value(None);
        self.started.set(false);
    }

    fn connect(self, session: &VisitorSession, outbox: Outbox) {
        let url = format!(
            "{}{}",
            frame::socket_origin(),
            routes::WidgetSocket::new(&session.conversation_id).path_with(encode)
        );
        // Browsers cannot set headers on a WebSocket, so the token rides as a subprotocol.
        let protocols = vec![
            "porchlight.v1".to_owned(),
            format!("bearer.{}", session.visitor_token),
        ];
        let socket = ConversationSocket::open(&url, protocols, outbox, move |e| self.on_socket(e));
        socket.watch(move |frame| self.on_frame(frame));
        self.socket.set_value(Some(socket));
    }

    fn on_socket(self, event: ConversationEvent) {
        match event {
            ConversationEvent::Changed {
                entries,
                arrived,
                live,
            } => {
                self.show(entries);
                if live {
                    self.chime_for(&arrived);
                }
                self.sync();
            }
            ConversationEvent::State(state) => {
                self.link.try_set(Some(state));
            }
            ConversationEvent::Refused { message, .. } => {
                self.notice.try_set(Some(message));
            }
        }
    }
}
