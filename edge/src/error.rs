//! The one error type of the API and its mapping to HTTP. Clients get a stable code and a
//! sentence; internal detail is logged here and never sent.

use domain::Rejection;
use protocol::api::{ErrorBody, ErrorCode, ErrorDetail};
use worker::{console_error, Response};

/// An API failure: what the client is told.
#[derive(Debug)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    /// Seconds until trying again makes sense (`Retry-After`), for a refusal that ends.
    pub retry_after_s: Option<i64>,
}

pub type ApiResult<T> = std::result::Result<T, ApiError>;

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            retry_after_s: None,
        }
    }

    /// Says in the `Retry-After` header when to try again.
    pub fn retry_after(mut self, seconds: i64) -> Self {
        self.retry_after_s = Some(seconds);
        self
    }

    pub fn unknown_conversation() -> Self {
        Self::new(
            ErrorCode::UnknownConversation,
            "No such conversation, or it is not yours.",
        )
    }

    /// The HTTP status for each code; the code alone decides it.
    pub fn status(&self) -> u16 {
        match self.code {
            ErrorCode::MalformedBody
            | ErrorCode::EmptyMessage
            | ErrorCode::MessageTooLong
            | ErrorCode::InvalidClientId
            | ErrorCode::InvalidField
            | ErrorCode::ConsentRequired
            | ErrorCode::UnknownUpload => 400,
            ErrorCode::BodyTooLarge | ErrorCode::FileTooLarge => 413,
            ErrorCode::UnsupportedFileType => 415,
            ErrorCode::Unauthenticated | ErrorCode::InvalidCredentials => 401,
            ErrorCode::Forbidden
            | ErrorCode::AttachmentsDisabled
            | ErrorCode::NotOnThisChannel
            | ErrorCode::IdentityInvalid
            | ErrorCode::IdentityRequired
            | ErrorCode::OriginNotAllowed => 403,
            ErrorCode::UnknownSite
            | ErrorCode::UnknownConversation
            | ErrorCode::UnknownInvitation
            | ErrorCode::UnknownAgent
            | ErrorCode::UnknownSnippet
            | ErrorCode::UnknownContact
            | ErrorCode::UnknownProperty
            | ErrorCode::UnknownMerge
            | ErrorCode::UnknownChatflow
            | ErrorCode::UnknownTemplate
            | ErrorCode::NotFound => 404,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::AlreadySetUp
            | ErrorCode::ConversationClosed
            | ErrorCode::AlreadyConnected
            | ErrorCode::AlreadyMember
            | ErrorCode::LastAdmin
            | ErrorCode::PropertyExists
            | ErrorCode::ReplyWindowClosed => 409,
            ErrorCode::TooManyAttempts | ErrorCode::RateLimited => 429,
            ErrorCode::NotConfigured => 503,
            ErrorCode::Internal => 500,
            ErrorCode::MetaUnavailable => 502,
        }
    }

    pub fn into_response(self) -> Response {
        let status = self.status();
        let retry_after = self.retry_after_s;
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code,
                message: self.message,
                retry_after,
            },
        };
        let response = crate::respond::json(&body, status);
        if let Some(seconds) = retry_after {
            // A header this simple cannot fail to set; the body says the same in words.
            let _ = response.headers().set("retry-after", &seconds.to_string());
        }
        response
    }
}

impl From<Rejection> for ApiError {
    fn from(r: Rejection) -> Self {
        Self::new(r.code, r.message)
    }
}

impl From<worker::Error> for ApiError {
    fn from(e: worker::Error) -> Self {
        console_error!("internal error: {e}");
        Self::new(ErrorCode::Internal, "Something went wrong on our side.")
    }
}

impl From<serde_json::Error> for ApiError {
    fn from(e: serde_json::Error) -> Self {
        console_error!("internal JSON error: {e}");
        Self::new(ErrorCode::Internal, "Something went wrong on our side.")
    }
}
