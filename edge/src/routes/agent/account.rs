//! The agent's own account: signing in and out (here or everywhere), changing the password, and
//! their profile and available/away toggle. Attempts at a password are counted before any is
//! derived, per account from the client's address, per account and per address
//! (`domain::throttle`).

use domain::credentials::{
    normalise_email, token_digest, validate_new_password, PasswordHash, PBKDF2_ITERATIONS,
};
use domain::throttle::{self, Limit, PER_ACCOUNT, PER_ACCOUNT_AND_ADDRESS, PER_ADDRESS};
use domain::Rejection;
use protocol::api::{ChangePassword, ErrorCode, Login, SetAgentStatus};
use protocol::frame::SignedOut;
use worker::{Request, Response};

use super::session::{session, session_cookie, signed_in, start_session, COOKIE};
use crate::config::App;
use crate::contracts::hub::{HubStub, Sessions};
use crate::edge_cache::Entry;
use crate::error::{ApiError, ApiResult};
use crate::{http, secrets, store};

/// The throttle's keys for an attempt at `email`'s password from this request's client (see
/// `domain::throttle`); the first is the account from this address.
fn throttle_keys(req: &Request, email: &str) -> Vec<(String, Limit)> {
    // Cloudflare sets this header itself (and `wrangler dev` likewise); a client cannot forge it.
    let address = req
        .headers()
        .get("cf-connecting-ip")
        .ok()
        .flatten()
        .unwrap_or_default();
    vec![
        (
            throttle::account_address_key(email, &address),
            PER_ACCOUNT_AND_ADDRESS,
        ),
        (throttle::account_key(email), PER_ACCOUNT),
        (throttle::address_key(&address), PER_ADDRESS),
    ]
}

/// Counts this attempt under every key before any key derivation is spent on it; 429 when a
/// key has had too many in its window.
async fn count_attempt(app: &App, keys: &[(String, Limit)]) -> ApiResult<()> {
    let now = store::now();
    let named: Vec<(&str, Limit)> = keys.iter().map(|(k, l)| (k.as_str(), *l)).collect();
    let counted = store::team::count_attempt(&app.db, &named, now).await?;
    let until = keys
        .iter()
        .filter_map(|(key, limit)| {
            let found = counted.iter().find(|(k, _)| k == key).map(|(_, f)| *f)?;
            limit.refuses(found, now)
        })
        .max();
    match until {
        Some(until) => {
            let seconds = throttle::retry_after_s(until, now);
            Err(ApiError::new(
                ErrorCode::TooManyAttempts,
                format!(
                    "Too many wrong passwords; try again in {} minutes.",
                    (seconds + 59) / 60
                ),
            )
            .retry_after(seconds))
        }
        None => Ok(()),
    }
}

/// The right password: its attempt no longer counts, and the account's failures from this
/// address are cleared.
async fn forgive(app: &App, keys: &[(String, Limit)]) -> ApiResult<()> {
    let names: Vec<&str> = keys.iter().map(|(k, _)| k.as_str()).collect();
    if let Some(first) = names.first() {
        store::team::forgive(&app.db, &names, first).await?;
    }
    Ok(())
}

/// `POST /api/agent/session`.
pub async fn sign_in(app: &App, mut req: Request) -> ApiResult<Response> {
    http::require_same_origin(&req)?;
    let login: Login = http::read_json(&mut req).await?;
    let email = normalise_email(&login.email).ok();
    // An address that is not one still counts, under what was typed.
    let keys = throttle_keys(&req, email.as_deref().unwrap_or(login.email.trim()));
    count_attempt(app, &keys).await?;
    let found = match &email {
        Some(email) => store::agent_by_email(&app.db, email).await?,
        None => None,
    };
    // Derive a key even for an unknown e-mail, so timing does not reveal who has an account.
    let stored = found.as_ref().map_or_else(
        || {
            PasswordHash {
                iterations: PBKDF2_ITERATIONS,
                salt: vec![0; 16],
                hash: vec![0; 32],
            }
            .encode()
        },
        |a| a.password_hash.clone(),
    );
    let matches = secrets::verify_password(&login.password, &stored).await?;
    let agent = match found {
        Some(agent) if matches => agent,
        // Already counted.
        _ => {
            return Err(ApiError::new(
                ErrorCode::InvalidCredentials,
                "That e-mail and password do not match.",
            ))
        }
    };
    forgive(app, &keys).await?;
    start_session(app, &req, &agent, 200).await
}

/// `DELETE /api/agent/session`: this session ends, and with it every socket opened under it
/// (the inbox list's and the threads', in other tabs too).
pub async fn sign_out(app: &App, req: &Request) -> ApiResult<Response> {
    http::require_same_origin(req)?;
    if let Some(token) = http::cookie(req, COOKIE) {
        let digest = token_digest(&token);
        let agent = store::session_agent(&app.db, &digest, store::now()).await?;
        store::delete_session(&app.db, &digest).await?;
        if let Some(agent) = agent {
            let only = Sessions::Only(digest);
            HubStub::of(&app.hub)?
                .sign_out(&agent.id, SignedOut::Ended, only)
                .await?;
        }
    }
    let response = http::no_content();
    response
        .headers()
        .set("set-cookie", &session_cookie(req, "", 0))?;
    Ok(response)
}

/// `DELETE /api/agent/sessions`: signs the agent out on every device, this one included; their
/// open inbox pages are told and closed.
pub async fn sign_out_everywhere(app: &App, req: &Request) -> ApiResult<Response> {
    http::require_same_origin(req)?;
    let agent = signed_in(app, req).await?;
    store::team::end_sessions(&app.db, &agent.id).await?;
    HubStub::of(&app.hub)?
        .sign_out(&agent.id, SignedOut::Everywhere, Sessions::All)
        .await?;
    let response = http::no_content();
    response
        .headers()
        .set("set-cookie", &session_cookie(req, "", 0))?;
    Ok(response)
}

/// `PUT /api/agent/me/password` → 200 with the profile: a new password, confirmed by the current
/// one (whose wrong guesses are throttled like sign-ins). Every other session of the agent ends.
pub async fn change_password(app: &App, mut req: Request) -> ApiResult<Response> {
    http::require_same_origin(&req)?;
    let (agent, session) = session(app, &req).await?;
    let body: ChangePassword = http::read_json(&mut req).await?;
    validate_new_password("new_password", &body.new_password)?;
    let keys = throttle_keys(&req, &agent.email);
    count_attempt(app, &keys).await?;
    if !secrets::verify_password(&body.current_password, &agent.password_hash).await? {
        return Err(Rejection::field("current_password", "is not your password").into());
    }
    forgive(app, &keys).await?;
    let hash = secrets::hash_password(&body.new_password).await?.encode();
    store::team::set_password(&app.db, &agent.id, &hash, &session).await?;
    HubStub::of(&app.hub)?
        .sign_out(&agent.id, SignedOut::Everywhere, Sessions::AllBut(session))
        .await?;
    Ok(http::json(&agent.profile(), 200))
}

pub async fn me(app: &App, req: &Request) -> ApiResult<Response> {
    Ok(http::json(&signed_in(app, req).await?.profile(), 200))
}

/// `PUT /api/agent/me/status`: the agent's own available/away toggle.
pub async fn set_status(app: &App, mut req: Request) -> ApiResult<Response> {
    http::require_same_origin(&req)?;
    let mut agent = signed_in(app, &req).await?;
    let body: SetAgentStatus = http::read_json(&mut req).await?;
    store::set_agent_status(&app.db, &agent.id, body.status).await?;
    Entry::presence(&http::own_origin(&req)?).forget().await;
    agent.status = body.status;
    Ok(http::json(&agent.profile(), 200))
}
