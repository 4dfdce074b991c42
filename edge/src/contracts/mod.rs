//! What the Durable Objects are asked: for each, one closed enum of calls with their bodies
//! and headers, and the stub every caller uses (routes, queue consumers, the other object).
//! The contracts sit below everything that calls an object and below the objects themselves,
//! so a channel that calls a conversation (`replies` reporting a delivery, `mail` reading a
//! history) and the conversation that hands work to that channel never import each other.
//!
//! - [`conversation`]: the conversation object's calls and [`conversation::ConversationStub`].
//! - [`hub`]: the hub's calls and [`hub::HubStub`].

pub mod conversation;
pub mod hub;
