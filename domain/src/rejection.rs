//! The one error type of the domain rules.

use protocol::api::ErrorCode;

/// Why an input was refused: a stable wire code and a sentence for a person.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Rejection {
    pub code: ErrorCode,
    pub message: String,
}

impl Rejection {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    /// An [`ErrorCode::InvalidField`] naming the field.
    pub fn field(field: &str, why: &str) -> Self {
        Self::new(ErrorCode::InvalidField, format!("`{field}` {why}"))
    }
}
