//! Who is on the other end of a conversation request or socket, as the edge verified it. The
//! front Worker authenticates (visitor token or agent session) and names the participant in
//! its calls to the Durable Objects (`crate::objects`), which are not reachable from the
//! internet, so a client cannot forge it.

use protocol::Author;
use serde::{Deserialize, Serialize};

/// The id prefix of the automated senders of a channel's flow (the instant reply): agents in
/// the thread, but nobody's replies in reports, and never outside Meta's 24-hour window.
pub const AUTOMATED_PREFIX: &str = "bot:";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Participant {
    Visitor {
        visitor_id: String,
    },
    Agent {
        id: String,
        name: String,
    },
    /// A website chatflow's bot (`flow_id`: its flow), speaking in the conversation's object.
    Bot {
        flow_id: String,
        name: String,
    },
}

impl Participant {
    /// How this participant's messages are attributed.
    pub fn author(&self) -> Author {
        match self {
            Self::Visitor { .. } => Author::Visitor,
            Self::Agent { id, name } => Author::Agent {
                id: id.clone(),
                name: name.clone(),
            },
            Self::Bot { flow_id, name } => Author::Bot {
                id: flow_id.clone(),
                name: name.clone(),
            },
        }
    }

    /// The scope within which a client id must be unique: (kind, id). One participant can never
    /// collide with, or pre-empt, another participant's client ids.
    pub fn scope(&self) -> (&'static str, &str) {
        match self {
            Self::Visitor { visitor_id } => ("visitor", visitor_id),
            Self::Agent { id, .. } => ("agent", id),
            Self::Bot { flow_id, .. } => ("bot", flow_id),
        }
    }

    /// The channel's automated sender (its flow), as opposed to a person.
    pub fn automated(name: &str) -> Self {
        Self::Agent {
            id: format!("{AUTOMATED_PREFIX}instant-reply"),
            name: name.to_owned(),
        }
    }

    pub fn is_automated(&self) -> bool {
        matches!(self, Self::Agent { id, .. } if id.starts_with(AUTOMATED_PREFIX))
    }
}
