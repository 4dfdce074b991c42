//! The API's common steps as the widget and the inbox take them: starting a conversation and
//! reading it as the visitor, signing in, requests as an agent, inviting and joining the team.

use protocol::api::ConversationCreated;
use protocol::routes;
use protocol::Message;

use crate::{new_client_id, Edge, Reply};

impl Edge {
    /// Starts a conversation as a new visitor (or `token`'s visitor) with `text`.
    pub fn start_conversation(&self, token: Option<&str>, text: &str) -> ConversationCreated {
        self.start_conversation_on(token, text, "https://shop.example/pricing")
    }

    /// Starts a conversation on `page` (a full URL) as a new visitor (or `token`'s visitor)
    /// with `text`.
    pub fn start_conversation_on(
        &self,
        token: Option<&str>,
        text: &str,
        page: &str,
    ) -> ConversationCreated {
        let body = serde_json::json!({
            "site_id": self.site_id,
            "first_message": { "client_id": new_client_id(), "body": text },
            "page_url": page,
        })
        .to_string();
        let auth = token.map(|t| format!("Bearer {t}"));
        let headers: Vec<(&str, &str)> =
            auth.iter().map(|a| ("authorization", a.as_str())).collect();
        let reply = self.request(
            "POST",
            &routes::WidgetStart::new().path(),
            &headers,
            Some(&body),
        );
        assert_eq!(reply.status, 201, "{}", reply.body);
        reply.json()
    }

    /// Uploads a file as `token`'s visitor, to send in their conversation; its id.
    pub fn upload(&self, token: &str, name: &str, bytes: &[u8]) -> String {
        let reply = self.request_bytes(
            "POST",
            &format!("/api/widget/uploads?site={}&name={name}", self.site_id),
            &[("authorization", &format!("Bearer {token}"))],
            Some(bytes),
        );
        assert_eq!(reply.status, 201, "{}", reply.body);
        reply.json::<protocol::Attachment>().id
    }

    /// The visitor's view of the conversation's messages after `after`.
    pub fn visitor_history(&self, token: &str, conversation: &str, after: u64) -> Vec<Message> {
        let reply = self.request(
            "GET",
            &format!(
                "{}?after={after}",
                routes::WidgetHistory::new(conversation).path()
            ),
            &[("authorization", &format!("Bearer {token}"))],
            None,
        );
        assert_eq!(reply.status, 200, "{}", reply.body);
        reply.json::<protocol::api::MessagePage>().messages
    }

    /// Signs the demo agent in; returns the `Cookie` header value for later requests.
    pub fn sign_in(&self) -> String {
        let reply = self.try_sign_in(&self.agent_email, &self.agent_password);
        assert_eq!(reply.status, 200, "{}", reply.body);
        session_cookie(&reply)
    }

    /// `POST /api/agent/session` with these credentials, from our own origin.
    pub fn try_sign_in(&self, email: &str, password: &str) -> Reply {
        let body = serde_json::json!({ "email": email, "password": password });
        self.request(
            "POST",
            &routes::SignIn::new().path(),
            &[("origin", &self.url), ("content-type", "application/json")],
            Some(&body.to_string()),
        )
    }

    /// A request as the inbox app makes it: the session cookie, our `Origin`, a JSON body.
    pub fn as_agent(
        &self,
        cookie: &str,
        method: &str,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> Reply {
        let body = body.map(serde_json::Value::to_string);
        self.request(
            method,
            path,
            &[
                ("cookie", cookie),
                ("origin", &self.url),
                ("content-type", "application/json"),
            ],
            body.as_deref(),
        )
    }

    /// Where the demo site's settings are read and written (admins).
    pub fn settings_path(&self) -> String {
        routes::Settings::new(&self.site_id).path()
    }

    /// `POST /api/admin/invitations` as the admin with `cookie`.
    pub fn invite(&self, admin: &str, email: &str, role: &str) -> Reply {
        self.as_agent(
            admin,
            "POST",
            &routes::Invite::new().path(),
            Some(&serde_json::json!({ "email": email, "name": "New Member", "role": role })),
        )
    }

    /// `POST /api/invitations/accept` with an invitation's token.
    pub fn accept(&self, token: &str, name: &str, password: &str) -> Reply {
        self.request(
            "POST",
            &routes::AcceptInvitation::new().path(),
            &[
                ("authorization", &format!("Bearer {token}")),
                ("origin", &self.url),
                ("content-type", "application/json"),
            ],
            Some(&serde_json::json!({ "name": name, "password": password }).to_string()),
        )
    }

    /// A new member with `role` (`admin` or `agent`) and a name of their own, invited by the
    /// admin with `cookie`, who joined with [`MEMBER_PASSWORD`]: their profile and session cookie.
    pub fn new_member(&self, admin: &str, role: &str) -> (protocol::api::AgentProfile, String) {
        let reply = self.invite(admin, &unique_email(), role);
        assert_eq!(reply.status, 201, "{}", reply.body);
        // A name of its own: notes mention members by name.
        let name = format!("Member {}", new_client_id().replace('-', ""));
        let reply = self.accept(&invitation_token(&reply.json()), &name, MEMBER_PASSWORD);
        assert_eq!(reply.status, 201, "{}", reply.body);
        (reply.json(), session_cookie(&reply))
    }

    /// Signs in as the member with `email` (who joined with [`MEMBER_PASSWORD`]): another
    /// session of theirs.
    pub fn sign_in_as(&self, email: &str) -> String {
        let reply = self.try_sign_in(email, MEMBER_PASSWORD);
        assert_eq!(reply.status, 200, "{}", reply.body);
        session_cookie(&reply)
    }
}

/// The password of every member [`Edge::new_member`] makes.
pub const MEMBER_PASSWORD: &str = "a long enough password";

/// An address no member has yet.
pub fn unique_email() -> String {
    format!("{}@team.example", new_client_id().to_lowercase())
}

/// The token in an invitation's link (its fragment).
pub fn invitation_token(created: &protocol::api::InvitationCreated) -> String {
    created
        .url
        .split_once("#invite=")
        .map(|(_, t)| t.to_owned())
        .expect("a token in the fragment")
}

/// The `Cookie` header value for the session a reply's `Set-Cookie` started.
pub fn session_cookie(reply: &Reply) -> String {
    reply
        .header("set-cookie")
        .expect("a session cookie")
        .split(';')
        .next()
        .expect("cookie pair")
        .to_owned()
}
