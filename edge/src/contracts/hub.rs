//! The hub's contract: everything the rest of the Worker asks of the inbox hub, as one closed
//! enum ([`Call`]) with its bodies, and the client that makes the calls ([`HubStub`]). A call
//! travels as JSON: the body of a `POST`, or the [`CALL_HEADER`] of a WebSocket upgrade.

use protocol::api::{ConversationSummary, ErrorCode, Mention};
use protocol::frame::SignedOut;
use serde::{Deserialize, Serialize};
use worker::{Method, ObjectNamespace, Request, RequestInit, Response, Stub};

use crate::contracts::conversation::upgrade_headers;
use crate::error::{ApiError, ApiResult};
use crate::participant::Participant;

/// The name of the deployment's one hub object.
pub const HUB: &str = "default";

/// The header that carries a WebSocket upgrade's call.
const CALL_HEADER: &str = "x-porchlight-call";

/// What the hub is asked to do (externally tagged, as the conversation's [`super::conversation::Call`]).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Call {
    /// Opens an agent's inbox-list socket (the request is the upgrade): `session` is the
    /// digest of the session it is opened with, `origin` the Worker's public origin (which
    /// keys the edge cache the hub clears).
    Join {
        who: Participant,
        session: String,
        origin: String,
    },
    /// The ids of the agents with the inbox open → `Vec<String>`.
    Presence,
    /// A row of the index changed: pushed to the agents who see its inbox → 204.
    Notify(ConversationSummary),
    /// A new (or newly teamed) conversation: assigned by its rule, then pushed → the row as it
    /// now is.
    Route(ConversationSummary),
    /// A note mentions these agents: told to their open inboxes → 204.
    Mention {
        agent_ids: Vec<String>,
        mention: Mention,
    },
    /// The inboxes agents see changed → 204.
    AccessChanged,
    /// A conversation changed inbox: pushed to those who see the new one, `gone` to the others
    /// → 204.
    Moved(ConversationSummary),
    /// These conversations were erased: every open inbox drops their rows → 204.
    Erased(Vec<String>),
    /// Ends an agent's list sockets of `sessions`, telling them `why` → 204.
    SignOut {
        agent_id: String,
        why: SignedOut,
        sessions: Sessions,
    },
}

/// Which of an agent's sessions (by digest) a sign-out ends.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sessions {
    /// Every one (signed out everywhere, removed from the team).
    All,
    /// All but this one (the one that changed the password).
    AllBut(String),
    /// Only this one (signed out there).
    Only(String),
}

impl Sessions {
    /// Whether a socket opened with `session` is among these.
    pub fn cover(&self, session: Option<&str>) -> bool {
        match self {
            Self::All => true,
            Self::AllBut(kept) => session != Some(kept.as_str()),
            Self::Only(ended) => session == Some(ended.as_str()),
        }
    }
}

impl Call {
    /// The call a request to the hub carries.
    pub async fn from_request(req: &mut Request) -> ApiResult<Self> {
        let json = match req.headers().get(CALL_HEADER)? {
            Some(json) => json,
            None => req.text().await?,
        };
        serde_json::from_str(&json)
            .map_err(|e| ApiError::new(ErrorCode::MalformedBody, format!("Not a hub call: {e}.")))
    }
}

/// The hub, ready to be called.
pub struct HubStub(Stub);

impl HubStub {
    pub fn of(hub: &ObjectNamespace) -> ApiResult<Self> {
        Ok(Self(hub.id_from_name(HUB)?.get_stub()?))
    }

    /// Makes `call`; an answer outside 2xx is an error.
    async fn call(&self, call: &Call) -> ApiResult<Response> {
        let mut init = RequestInit::new();
        init.with_method(Method::Post)
            .with_body(Some(serde_json::to_string(call)?.into()));
        let req = Request::new_with_init("https://hub/", &init)?;
        let mut answer = self.0.fetch_with_request(req).await?;
        if (200..300).contains(&answer.status_code()) {
            return Ok(answer);
        }
        let detail = answer.text().await.unwrap_or_default();
        Err(ApiError::new(
            ErrorCode::Internal,
            format!(
                "the hub refused a call ({}): {detail}",
                answer.status_code()
            ),
        ))
    }

    /// Hands an agent's inbox-socket upgrade `original` to the hub.
    pub async fn join(
        &self,
        original: &Request,
        who: &Participant,
        session: &str,
        origin: &str,
    ) -> ApiResult<Response> {
        let call = Call::Join {
            who: who.clone(),
            session: session.to_owned(),
            origin: origin.to_owned(),
        };
        let headers = upgrade_headers(original)?;
        headers.set(CALL_HEADER, &serde_json::to_string(&call)?)?;
        let mut init = RequestInit::new();
        init.with_method(Method::Get).with_headers(headers);
        let req = Request::new_with_init("https://hub/socket", &init)?;
        Ok(self.0.fetch_with_request(req).await?)
    }

    /// The agents with the inbox open now.
    pub async fn presence(&self) -> ApiResult<Vec<String>> {
        Ok(self.call(&Call::Presence).await?.json().await?)
    }

    /// Pushes a changed row to the agents who see its inbox.
    pub async fn notify(&self, summary: &ConversationSummary) -> ApiResult<()> {
        self.call(&Call::Notify(summary.clone())).await.map(drop)
    }

    /// Assigns an unassigned conversation (one that just got its first message, by the routing
    /// rules; or one just given to a team, among its members), then pushes its row to the
    /// agents who see its inbox; the row as it now is.
    pub async fn route(&self, summary: &ConversationSummary) -> ApiResult<ConversationSummary> {
        Ok(self
            .call(&Call::Route(summary.clone()))
            .await?
            .json()
            .await?)
    }

    /// Tells the mentioned agents' open inboxes about a note.
    pub async fn mention(&self, agent_ids: &[String], mention: &Mention) -> ApiResult<()> {
        let call = Call::Mention {
            agent_ids: agent_ids.to_vec(),
            mention: mention.clone(),
        };
        self.call(&call).await.map(drop)
    }

    /// The inboxes agents see changed: open inbox apps reload theirs, and threads whose
    /// holder lost access end.
    pub async fn access_changed(&self) -> ApiResult<()> {
        self.call(&Call::AccessChanged).await.map(drop)
    }

    /// These conversations were erased.
    pub async fn erased(&self, ids: &[String]) -> ApiResult<()> {
        self.call(&Call::Erased(ids.to_vec())).await.map(drop)
    }

    /// A conversation moved to another inbox.
    pub async fn moved(&self, summary: &ConversationSummary) -> ApiResult<()> {
        self.call(&Call::Moved(summary.clone())).await.map(drop)
    }

    /// Signs an agent's open inbox pages of `sessions` out: they are told why and their sockets
    /// are closed, and so are their open threads (the sessions have ended in D1 already).
    pub async fn sign_out(
        &self,
        agent_id: &str,
        why: SignedOut,
        sessions: Sessions,
    ) -> ApiResult<()> {
        let call = Call::SignOut {
            agent_id: agent_id.to_owned(),
            why,
            sessions,
        };
        self.call(&call).await.map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_outs_cover_the_sessions_they_name() {
        assert!(Sessions::All.cover(None));
        assert!(Sessions::AllBut("kept".into()).cover(Some("other")));
        assert!(!Sessions::AllBut("kept".into()).cover(Some("kept")));
        assert!(Sessions::Only("ended".into()).cover(Some("ended")));
        assert!(!Sessions::Only("ended".into()).cover(Some("other")));
        assert!(!Sessions::Only("ended".into()).cover(None));
    }

    #[test]
    fn a_sign_out_reads_back() {
        let call = Call::SignOut {
            agent_id: "a_1".into(),
            why: SignedOut::Removed,
            sessions: Sessions::AllBut("d".into()),
        };
        let json = serde_json::to_string(&call).unwrap();
        assert!(json.starts_with(r#"{"sign_out":{"#), "{json}");
        let Call::SignOut { sessions, .. } = serde_json::from_str(&json).unwrap() else {
            panic!("not a sign-out: {json}");
        };
        assert!(matches!(sessions, Sessions::AllBut(d) if d == "d"));
    }
}
