//! Identified visitors (docs/identity.md). A site's backend signs its signed-in user's e-mail
//! with the site's identity secret; the widget frame's boot script presents the e-mail and token
//! here before the app starts, and keeps the visitor token it gets back. A verified address is
//! one contact: every device where the site identifies them gets a token of that one visitor,
//! so their conversation follows them. An anonymous visitor's chats on this device merge into
//! the contact, and only on a verified address; a forged or stale claim changes nothing.
//!
//! The secret is per site, made and replaced by admins (`/api/admin/sites/{site}/identity`,
//! `crate::site_secrets`).

use domain::credentials::{bearer_token, token_digest};
use domain::identity::{self, IdentityError};
use protocol::api::{ErrorCode, Identified, Identify};
use worker::{Request, Response};

use crate::config::App;
use crate::error::{ApiError, ApiResult};
use crate::site_secrets::{self, Purpose};
use crate::store::{self, identity as ids, VisitorRow};
use crate::{http, merging, secrets};

/// `POST /api/widget/identify` ([`Identify`], optional `Authorization: Bearer` with this device's
/// visitor token) → [`Identified`].
pub async fn identify(app: &App, mut req: Request) -> ApiResult<Response> {
    http::refuse_cross_origin(&req)?;
    let body: Identify = http::read_json(&mut req).await?;
    let secret = site_secrets::usable(app, &body.site, Purpose::Identity).await?;
    let expiry_required = store::chat_settings(&app.db, &body.site)
        .await?
        .is_some_and(|s| s.identity.expiring_tokens);
    let checked = identity::Checked {
        now_s: store::now() / 1000,
        expiry_required,
    };
    let verified = match secret {
        Some(secret) => identity::verify(secret.as_bytes(), &body.email, &body.token, checked),
        // A site without a secret has no way to vouch for anyone.
        None => Err(IdentityError::Mismatch),
    };
    let email = verified.map_err(|e| match e {
        IdentityError::BadEmail => ApiError::from(domain::Rejection::field(
            "email",
            "is not an e-mail address",
        )),
        IdentityError::Mismatch => ApiError::new(
            ErrorCode::IdentityInvalid,
            "The identification token does not match the e-mail for this site.",
        ),
        IdentityError::Expired => ApiError::new(
            ErrorCode::IdentityInvalid,
            "The identification token has expired: the site signs a new one.",
        ),
        IdentityError::ExpiryRequired => ApiError::new(
            ErrorCode::IdentityInvalid,
            "This site takes only identification tokens with an expiry (docs/identity.md).",
        ),
    })?;
    // This device's visitor, if its token is still good here (a stale one is simply not used).
    let presented = match req.headers().get("authorization")? {
        Some(header) => {
            let token = bearer_token(Some(&header))?.to_owned();
            store::visitor_by_token(&app.db, &body.site, &token_digest(&token))
                .await?
                .map(|visitor| (visitor, token))
        }
        None => None,
    };
    let contact = ids::visitor_by_identity(&app.db, &body.site, &email).await?;
    let now = store::now();
    let identified = |visitor_token: String, associated: bool| Identified {
        visitor_token,
        email: email.clone(),
        associated,
    };
    let answer = match (presented, contact) {
        // Already this contact on this device.
        (
            Some((
                VisitorRow {
                    identity: Some(known),
                    ..
                },
                token,
            )),
            _,
        ) if known == email => identified(token, false),
        // An anonymous visitor who turns out to be a known contact: their chats join the
        // contact's, and this device's token now opens them all.
        (Some((visitor @ VisitorRow { identity: None, .. }, token)), Some(contact)) => {
            app.db
                .batch(ids::merge(&app.db, &visitor, &contact)?)
                .await?;
            identified(token, true)
        }
        // An anonymous visitor identified for the first time anywhere: they become the contact
        // (and a contact the team had with that address, the same person, is merged with them).
        (Some((visitor @ VisitorRow { identity: None, .. }, token)), None)
            if ids::link(&app.db, &visitor.id, &email).await? =>
        {
            merging::after_verified_email(app, &visitor.contact_id, &email).await?;
            identified(token, true)
        }
        // Someone else's device (another user signed in), no token, or a lost race: a token of
        // the contact's own, which this device keeps from now on.
        (_, contact) => {
            let token = secrets::new_token()?;
            let digest = token_digest(&token);
            match contact {
                Some(contact) => {
                    store::insert_visitor_token(&app.db, &contact.id, &digest, now)?
                        .run()
                        .await?;
                }
                None => {
                    let id = secrets::new_id("v")?;
                    let batch = store::insert_visitor(
                        &app.db,
                        &id,
                        &body.site,
                        &digest,
                        Some(&email),
                        now,
                    )?;
                    app.db.batch(batch).await?;
                    let contact = store::visitors::own_contact_id(&id);
                    merging::after_verified_email(app, &contact, &email).await?;
                }
            }
            identified(token, true)
        }
    };
    Ok(http::json(&answer, 200))
}
