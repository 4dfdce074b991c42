//! The directory of contacts and one contact's page (every member reads; what a member sees is
//! `store::contacts`' rule), editing a contact, and the site's contact properties (admins).

use domain::contacts::PROPERTIES_MAX;
use domain::contacts::{changed_property, new_property, normalise_phone, stored_value};
use domain::credentials::{normalise_email, validate_display_name};
use domain::search::like_pattern;
use domain::Rejection;
use protocol::api::{
    ContactEdit, ContactList, ContactPage, ContactQuery, ErrorCode, PropertyInput, PropertyList,
};
use protocol::Channel;
use worker::{Request, Response};

use super::agent::{signed_in, signed_in_admin};
use crate::config::App;
use crate::error::{ApiError, ApiResult};
use crate::http;
use crate::store::contacts::{Cursor, Details, Search};
use crate::store::{self, Viewer};

/// A page of the directory.
const PAGE: u32 = 50;
/// Longest search, in characters.
const QUERY_MAX_CHARS: usize = 200;

pub(super) fn unknown_contact() -> ApiError {
    ApiError::new(ErrorCode::UnknownContact, "No such contact.")
}

fn unknown_property() -> ApiError {
    ApiError::new(ErrorCode::UnknownProperty, "The site has no such property.")
}

fn unknown_site() -> ApiError {
    ApiError::new(ErrorCode::UnknownSite, "No such site.")
}

/// The directory's query, read from the URL (bad values are refused, not ignored).
fn query_of(req: &Request) -> ApiResult<ContactQuery> {
    let param = |name: &str| http::query_param(req, name).filter(|v| !v.trim().is_empty());
    let channel = match param("channel").as_deref() {
        None => None,
        Some("chat") => Some(Channel::Chat),
        Some("messenger") => Some(Channel::Messenger),
        Some("whatsapp") => Some(Channel::WhatsApp),
        Some(_) => {
            return Err(Rejection::field("channel", "must be chat, messenger or whatsapp").into())
        }
    };
    let seen_since = param("seen_since")
        .map(|s| s.parse::<i64>())
        .transpose()
        .map_err(|_| Rejection::field("seen_since", "must be a time in milliseconds"))?;
    let open = match param("open").as_deref() {
        None => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(_) => return Err(Rejection::field("open", "must be true or false").into()),
    };
    let q = param("q");
    if q.as_ref()
        .is_some_and(|q| q.chars().count() > QUERY_MAX_CHARS)
    {
        return Err(Rejection::field("q", "must have at most 200 characters").into());
    }
    Ok(ContactQuery {
        site: param("site"),
        q,
        owner: param("owner"),
        channel,
        seen_since,
        open,
        after: param("after"),
    })
}

/// `after` as written by [`cursor_text`]: `{time}.{id}`.
fn cursor_of(after: &str) -> ApiResult<Cursor> {
    after
        .split_once('.')
        .and_then(|(seen, id)| {
            Some(Cursor {
                seen: seen.parse().ok()?,
                id: id.to_owned(),
            })
        })
        .ok_or_else(|| Rejection::field("after", "is not a page of this list").into())
}

/// `GET /api/agent/contacts`.
pub async fn list(app: &App, req: &Request) -> ApiResult<Response> {
    let agent = signed_in(app, req).await?;
    let query = query_of(req)?;
    let after = query.after.as_deref().map(cursor_of).transpose()?;
    let search = query.q.as_deref().map(|q| {
        let digits: String = q.chars().filter(char::is_ascii_digit).collect();
        Search {
            like: like_pattern(q),
            digits: (digits.len() >= 3).then(|| like_pattern(&digits)),
        }
    });
    let mut contacts = store::contacts::directory(
        &app.db,
        &Viewer::of(&agent),
        &query,
        search.as_ref(),
        after.as_ref(),
        PAGE + 1,
    )
    .await?;
    let next = if contacts.len() > PAGE as usize {
        contacts.truncate(PAGE as usize);
        contacts
            .last()
            .map(|c| format!("{}.{}", c.last_seen_at.unwrap_or(c.listed_at), c.id))
    } else {
        None
    };
    Ok(http::json(&ContactList { contacts, next }, 200))
}

/// Everything the reader may see of contact `id`.
pub(super) async fn page_of(app: &App, viewer: &Viewer<'_>, id: &str) -> ApiResult<ContactPage> {
    let found = store::contacts::contact(&app.db, viewer, id)
        .await?
        .ok_or_else(unknown_contact)?;
    let site = &found.summary.site_id;
    Ok(ContactPage {
        properties: store::properties::values(&app.db, site, id).await?,
        conversations: store::contacts::conversations(&app.db, viewer, id).await?,
        consents: store::contacts::consents(&app.db, id).await?,
        meta_consents: store::consent::meta_consents_of(&app.db, id).await?,
        files: store::contacts::files(&app.db, viewer, id).await?,
        verified_email: found.verified_email,
        created_at: found.created_at,
        merges: store::merges::merges_into(&app.db, id, store::now()).await?,
        contact: found.summary,
    })
}

/// `GET /api/agent/contacts/{id}`.
pub async fn page(app: &App, req: &Request, id: &str) -> ApiResult<Response> {
    let agent = signed_in(app, req).await?;
    Ok(http::json(
        &page_of(app, &Viewer::of(&agent), id).await?,
        200,
    ))
}

/// `GET /api/admin/contacts/{id}/export` → a zip of everything stored of the contact
/// (`crate::export`). Admins only.
pub async fn export(app: &App, req: &Request, id: &str) -> ApiResult<Response> {
    let admin = signed_in_admin(app, req).await?;
    let page = page_of(app, &Viewer::of(&admin), id).await?;
    crate::export::contact(app, &page).await
}

/// An edited field: absent keeps `current`, blank clears it, anything else is `check`ed.
fn edited(
    edit: Option<&str>,
    current: Option<&str>,
    check: impl Fn(&str) -> Result<String, Rejection>,
) -> Result<Option<String>, Rejection> {
    match edit.map(str::trim) {
        None => Ok(current.map(str::to_owned)),
        Some("") => Ok(None),
        Some(value) => check(value).map(Some),
    }
}

/// `PUT /api/agent/contacts/{id}` with a `ContactEdit` → 200 `ContactPage`. Every field is
/// checked before anything is stored: one bad value changes nothing. Two edits at once each
/// write the fields they name and the others as they read them: the last one stands.
pub async fn edit(app: &App, mut req: Request, id: &str) -> ApiResult<Response> {
    http::require_same_origin(&req)?;
    let agent = signed_in(app, &req).await?;
    let viewer = Viewer::of(&agent);
    let body: ContactEdit = http::read_json(&mut req).await?;
    let found = store::contacts::contact(&app.db, &viewer, id)
        .await?
        .ok_or_else(unknown_contact)?;
    let current = &found.summary;
    let site = current.site_id.as_str();
    let name = edited(body.name.as_deref(), current.name.as_deref(), |n| {
        validate_display_name("name", n)
    })?;
    let email = edited(
        body.email.as_deref(),
        current.email.as_deref(),
        normalise_email,
    )?;
    let phone = edited(
        body.phone.as_deref(),
        current.phone.as_deref(),
        normalise_phone,
    )?;
    let owner = edited(body.owner_id.as_deref(), current.owner_id.as_deref(), |o| {
        Ok(o.to_owned())
    })?;
    if let Some(owner) = owner
        .as_deref()
        .filter(|o| Some(*o) != current.owner_id.as_deref())
    {
        if store::team::agent(&app.db, owner).await?.is_none() {
            return Err(Rejection::field("owner_id", "is not a member of the team").into());
        }
    }
    let now = store::now();
    let mut batch = vec![store::contacts::set_details(
        &app.db,
        id,
        &Details {
            name: name.as_deref(),
            email: email.as_deref(),
            phone: phone.as_deref(),
            owner_id: owner.as_deref(),
        },
        now,
    )?];
    if !body.properties.is_empty() {
        let properties = store::properties::properties(&app.db, site).await?;
        for (key, value) in &body.properties {
            let property = properties.iter().find(|p| &p.key == key).ok_or_else(|| {
                Rejection::field(
                    &format!("properties.{key}"),
                    "is not a property of the site",
                )
            })?;
            let stored =
                stored_value(property, value.as_ref().unwrap_or(&serde_json::Value::Null))?;
            batch.push(store::properties::set_value(
                &app.db,
                site,
                id,
                key,
                stored.as_deref(),
                now,
            )?);
        }
    }
    app.db.batch(batch).await?;
    Ok(http::json(&page_of(app, &viewer, id).await?, 200))
}

/// The site exists (admins' routes name it).
async fn require_site(app: &App, site_id: &str) -> ApiResult<()> {
    store::chat_settings(&app.db, site_id)
        .await?
        .map(|_| ())
        .ok_or_else(unknown_site)
}

/// `GET /api/admin/sites/{site}/contact-properties`.
pub async fn properties(app: &App, req: &Request, site_id: &str) -> ApiResult<Response> {
    signed_in_admin(app, req).await?;
    require_site(app, site_id).await?;
    let properties = store::properties::properties(&app.db, site_id).await?;
    Ok(http::json(&PropertyList { properties }, 200))
}

/// `POST /api/admin/sites/{site}/contact-properties` → 201 `Property`; 409 `property_exists`.
pub async fn create_property(app: &App, mut req: Request, site_id: &str) -> ApiResult<Response> {
    http::require_same_origin(&req)?;
    signed_in_admin(app, &req).await?;
    require_site(app, site_id).await?;
    let input: PropertyInput = http::read_json(&mut req).await?;
    let property = new_property(&input)?;
    if store::properties::property(&app.db, site_id, &property.key)
        .await?
        .is_some()
    {
        return Err(ApiError::new(
            ErrorCode::PropertyExists,
            format!("The site already has a property `{}`.", property.key),
        ));
    }
    if !store::properties::insert(&app.db, site_id, &property, PROPERTIES_MAX, store::now()).await?
    {
        return Err(
            Rejection::field("key", "cannot be added: a site has at most 100 properties").into(),
        );
    }
    Ok(http::json(&property, 201))
}

/// `PUT /api/admin/sites/{site}/contact-properties/{key}` → 200 `Property`.
pub async fn update_property(
    app: &App,
    mut req: Request,
    site_id: &str,
    key: &str,
) -> ApiResult<Response> {
    http::require_same_origin(&req)?;
    signed_in_admin(app, &req).await?;
    let input: PropertyInput = http::read_json(&mut req).await?;
    let old = store::properties::property(&app.db, site_id, key)
        .await?
        .ok_or_else(unknown_property)?;
    let property = changed_property(&old, &input)?;
    if !store::properties::update(&app.db, site_id, &property).await? {
        return Err(unknown_property());
    }
    Ok(http::json(&property, 200))
}

/// `DELETE /api/admin/sites/{site}/contact-properties/{key}` → 204, with every value of it.
pub async fn delete_property(
    app: &App,
    req: &Request,
    site_id: &str,
    key: &str,
) -> ApiResult<Response> {
    http::require_same_origin(req)?;
    signed_in_admin(app, req).await?;
    if !store::properties::delete(&app.db, site_id, key).await? {
        return Err(unknown_property());
    }
    Ok(Response::empty()?.with_status(204))
}
