//! Limits enforced by the edge (the authority) and mirrored by clients so that a visitor or an
//! agent learns of a limit before a round trip.

/// Most characters (Unicode scalar values) in one message body.
pub const MESSAGE_MAX_CHARS: usize = 4_000;

/// Most bytes in a client-chosen message id.
pub const CLIENT_ID_MAX_LEN: usize = 64;

/// Most bytes of JSON accepted in one HTTP request body or WebSocket frame.
pub const REQUEST_MAX_BYTES: usize = 64 * 1024;

/// Most messages returned in one page of history.
pub const HISTORY_PAGE_MAX: usize = 200;

/// Most characters kept of a page URL or referrer.
pub const URL_MAX_CHARS: usize = 2_048;

/// Largest file a site may allow in a conversation, in bytes (25 MiB).
pub const ATTACHMENT_MAX_BYTES: u32 = 25 * 1024 * 1024;

/// A site's largest file unless it sets another, in bytes (10 MiB).
pub const ATTACHMENT_DEFAULT_MAX_BYTES: u32 = 10 * 1024 * 1024;

/// Most characters kept of an attached file's name.
pub const FILE_NAME_MAX_CHARS: usize = 200;

/// An upload not sent in a message within this many milliseconds is deleted (bytes and record);
/// sending it after that is refused as `unknown_upload`.
pub const UPLOAD_CLAIM_WINDOW_MS: i64 = 24 * 60 * 60 * 1000;

/// Largest profile picture an agent may upload, in bytes (1 MiB).
pub const AVATAR_MAX_BYTES: u32 = 1024 * 1024;

/// An invitation to the team can be accepted for this many milliseconds (7 days).
pub const INVITATION_TTL_MS: i64 = 7 * 24 * 60 * 60 * 1000;

/// The highest chat limit a member may have.
pub const CHAT_LIMIT_MAX: u32 = 100;
