//! Files in conversations, for both the widget's and the agents' routes: uploads (the raw bytes
//! as the request body, the name in `?name=`), checked against the site's settings by what the
//! bytes are (`domain::files`) and kept in R2; and serving a conversation's file to its
//! participants with headers under which a browser runs nothing (`nosniff`, a sandboxing CSP,
//! pictures inline and everything else as a download, readable only by our own origin).
//!
//! An upload is not yet part of any conversation: the message that names it claims it (in the
//! conversation's Durable Object, `store::claim_attachment`), so a visitor's very first message
//! can be a file. Unclaimed uploads are kept but never served.

use domain::files::{check_size, check_upload, content_disposition, link_valid};
use protocol::api::ErrorCode;
use protocol::Attachment;
use worker::{Request, Response};

use crate::config::{App, TOKEN_KEY};
use crate::error::{ApiError, ApiResult};
use crate::{http, secrets, store};

/// Who uploads: `visitor:{id}`, `agent:{id}`, or `""` for a visitor without a token yet.
pub struct Uploader<'a> {
    pub scope: &'a str,
    pub is_agent: bool,
    /// A visitor the site identified (`IdentitySettings`); a site that requires it takes
    /// uploads from no one else, as it takes no messages from anyone else.
    pub identified: bool,
}

/// Stores the request's body as a file of `site_id`; 201 with its [`Attachment`].
pub async fn upload(
    app: &App,
    mut req: Request,
    site_id: &str,
    uploader: Uploader<'_>,
) -> ApiResult<Response> {
    let site = store::chat_settings(&app.db, site_id)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::UnknownSite, "No such site."))?;
    if site.identity.required && !uploader.is_agent && !uploader.identified {
        return Err(ApiError::new(
            ErrorCode::IdentityRequired,
            "Please sign in to the site to chat with us.",
        ));
    }
    let settings = site.attachments;
    let name = http::query_param(&req, "name").unwrap_or_default();
    let max = u64::from(settings.max_bytes);
    let bytes = http::read_body_at_most(&mut req, max, |size| {
        check_size(&settings, size).err().map_or_else(
            || ApiError::new(ErrorCode::FileTooLarge, "The file is too large."),
            ApiError::from,
        )
    })
    .await?;
    let accepted = check_upload(&settings, uploader.is_agent, &name, &bytes)?;
    let file = keep(app, site_id, secrets::new_id("f")?, accepted, bytes).await?;
    store::insert_attachment(&app.db, site_id, uploader.scope, None, &file).await?;
    Ok(http::json(&file, 201))
}

/// Puts a checked file's bytes in R2 under `id`, with its type; the caller records it in D1.
pub async fn keep(
    app: &App,
    site_id: &str,
    id: String,
    accepted: domain::files::Accepted,
    bytes: Vec<u8>,
) -> ApiResult<Attachment> {
    let file = Attachment {
        id,
        name: accepted.name,
        content_type: accepted.content_type.to_owned(),
        size: bytes.len() as u64,
    };
    let metadata = worker::HttpMetadata {
        content_type: Some(file.content_type.clone()),
        ..Default::default()
    };
    app.files()?
        .put(store::attachment_key(site_id, &file.id), bytes)
        .http_metadata(metadata)
        .execute()
        .await?;
    Ok(file)
}

/// File `id` of conversation `conversation_id`, for a caller already known to be one of its
/// participants.
/// `GET /files/{conversation}/{file}?expires=MS&signature=HEX`: a file an agent sent on
/// Messenger or WhatsApp, for Meta to fetch, by its signed, expiring link
/// (`domain::files::file_link`); 403 for a wrong or expired link, whatever the file.
pub async fn serve_linked(
    app: &App,
    req: &Request,
    conversation_id: &str,
    id: &str,
) -> ApiResult<Response> {
    let key = app.secret(TOKEN_KEY).unwrap_or_default();
    let valid = link_valid(
        key.as_bytes(),
        conversation_id,
        id,
        http::query_param(req, "expires").as_deref(),
        http::query_param(req, "signature").as_deref(),
        store::now(),
    );
    if !valid {
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            "This file link is not valid, or it has expired.",
        ));
    }
    serve(app, conversation_id, id).await
}

pub async fn serve(app: &App, conversation_id: &str, id: &str) -> ApiResult<Response> {
    let not_found = || ApiError::new(ErrorCode::NotFound, "No such file in this conversation.");
    let (site_id, file) = store::conversation_attachment(&app.db, conversation_id, id)
        .await?
        .ok_or_else(not_found)?;
    let object = app
        .files()?
        .get(store::attachment_key(&site_id, &file.id))
        .execute()
        .await?
        .ok_or_else(|| {
            worker::console_error!("file {} is in D1 but not in R2", file.id);
            not_found()
        })?;
    let etag = object.http_etag();
    let body = object.body().ok_or_else(not_found)?.response_body()?;
    let headers = http::inert_file_headers(&file.content_type)?;
    headers.set("content-length", &file.size.to_string())?;
    headers.set(
        "content-disposition",
        &content_disposition(&file.name, &file.content_type),
    )?;
    // A file id always names the same bytes; only its participants may keep a copy.
    headers.set("cache-control", "private, max-age=86400, immutable")?;
    headers.set("etag", &etag)?;
    Ok(Response::from_body(body)?.with_headers(headers))
}
