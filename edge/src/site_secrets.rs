//! A site's secrets for its own backend, made and replaced by its admins, sealed at rest under
//! `TOKEN_KEY` with the purpose and the site id as associated data (a sealed secret opens only
//! as what and whose it is):
//! - the identity secret: the backend signs its signed-in users' addresses (docs/identity.md);
//! - the webhook secret: the backend checks a chatflow bot's calls (Standard Webhooks,
//!   `domain::webhooks`).
//!
//! Each is shown to admins (`GET /api/admin/sites/{site}/{identity,webhooks}`) and replaced at
//! once by a new one (`POST …/secret`: the remedy for a leaked secret).

use domain::sealed::{open, seal, NONCE_BYTES};
use protocol::api::{ErrorCode, SiteSecret};
use worker::{Request, Response};

use crate::config::App;
use crate::error::{ApiError, ApiResult};
use crate::routes::agent::signed_in_admin;
use crate::{http, secrets, store};

/// What a secret is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    Identity,
    Webhooks,
}

/// How many random bytes a secret is made of.
const SECRET_BYTES: usize = 32;

impl Purpose {
    /// The `sites` columns of the sealed secret and of when it was made.
    pub fn columns(self) -> (&'static str, &'static str) {
        match self {
            Self::Identity => ("identity_secret", "identity_secret_at"),
            Self::Webhooks => ("webhook_secret", "webhook_secret_at"),
        }
    }

    /// Associated data binding a sealed secret to its purpose and its site's row.
    fn aad(self, site_id: &str) -> Vec<u8> {
        let purpose = match self {
            Self::Identity => "identity",
            Self::Webhooks => "webhooks",
        };
        format!("{purpose}:{site_id}").into_bytes()
    }

    /// The secret as its users take it: 64 hex digits for the identity secret (the same bytes
    /// in every server language), `whsec_…` for Standard Webhooks.
    fn text(self, random: &[u8; SECRET_BYTES]) -> String {
        match self {
            Self::Identity => domain::identity::secret_text(random),
            Self::Webhooks => domain::webhooks::new_secret(random),
        }
    }
}

fn unknown_site() -> ApiError {
    ApiError::new(ErrorCode::UnknownSite, "No such site.")
}

fn no_key() -> ApiError {
    ApiError::new(
        ErrorCode::NotConfigured,
        "A site's secrets need the TOKEN_KEY secret (openssl rand -base64 32).",
    )
}

/// The site's secret for `purpose`, opened (none until an admin made one).
pub async fn opened(app: &App, site_id: &str, purpose: Purpose) -> ApiResult<SiteSecret> {
    let row = store::sites::secret(&app.db, site_id, purpose.columns())
        .await?
        .ok_or_else(unknown_site)?;
    let secret = match row.secret {
        Some(sealed) => {
            let key = app.token_key().ok_or_else(no_key)?;
            let bytes = open(&key, &purpose.aad(site_id), &sealed).map_err(|_| {
                ApiError::from(worker::Error::RustError(
                    "a site secret does not open".into(),
                ))
            })?;
            Some(String::from_utf8_lossy(&bytes).into_owned())
        }
        None => None,
    };
    Ok(SiteSecret {
        secret,
        created_at: row.made_at,
    })
}

/// The site's secret for `purpose` to sign or check with: none when no admin made one, or it
/// does not open here (no `TOKEN_KEY`, or another one); unknown site: an error.
pub async fn usable(app: &App, site_id: &str, purpose: Purpose) -> ApiResult<Option<String>> {
    let row = store::sites::secret(&app.db, site_id, purpose.columns())
        .await?
        .ok_or_else(unknown_site)?;
    Ok(row.secret.and_then(|sealed| {
        let bytes = open(&app.token_key()?, &purpose.aad(site_id), &sealed).ok()?;
        String::from_utf8(bytes).ok()
    }))
}

/// `GET /api/admin/sites/{site}/{identity,webhooks}`: the secret, for the site's backend.
/// Admins only.
pub async fn show(
    app: &App,
    req: &Request,
    site_id: &str,
    purpose: Purpose,
) -> ApiResult<Response> {
    signed_in_admin(app, req).await?;
    Ok(http::json(&opened(app, site_id, purpose).await?, 200))
}

/// `POST /api/admin/sites/{site}/{identity,webhooks}/secret`: a new secret, which replaces the
/// old one at once (what was signed with the old one stops verifying). Admins only.
pub async fn rotate(
    app: &App,
    req: &Request,
    site_id: &str,
    purpose: Purpose,
) -> ApiResult<Response> {
    http::require_same_origin(req)?;
    signed_in_admin(app, req).await?;
    let key = app.token_key().ok_or_else(no_key)?;
    let randomness = || ApiError::from(worker::Error::RustError("randomness failed".into()));
    let random: [u8; SECRET_BYTES] = secrets::random_bytes(SECRET_BYTES)?
        .try_into()
        .map_err(|_| randomness())?;
    let nonce: [u8; NONCE_BYTES] = secrets::random_bytes(NONCE_BYTES)?
        .try_into()
        .map_err(|_| randomness())?;
    let secret = purpose.text(&random);
    let sealed = seal(&key, &nonce, &purpose.aad(site_id), secret.as_bytes());
    let now = store::now();
    if !store::sites::set_secret(&app.db, site_id, purpose.columns(), &sealed, now).await? {
        return Err(unknown_site());
    }
    let answer = SiteSecret {
        secret: Some(secret),
        created_at: Some(now),
    };
    Ok(http::json(&answer, 201))
}
