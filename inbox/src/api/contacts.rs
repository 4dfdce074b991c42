//! Contacts: the directory of people on every channel, one person's page and its edit, merges
//! and their undo, an admin's export and erasure, visitors' requests to be erased, and (admins)
//! the site's contact properties.

use client::http::{self, HttpError};
use protocol::api::{
    ContactEdit, ContactList, ContactPage, ContactQuery, Erasure, ErasureList, ErasureRequestList,
    MergeContacts, PropertyInput, PropertyList,
};
use protocol::routes as route;
use serde::de::IgnoredAny;

use super::{channel_value, encode};

/// The directory query as URL parameters (`?site=…&q=…`; empty when none is set), each value
/// percent-encoded by the browser.
fn query_string(query: &ContactQuery) -> String {
    let seen_since = query.seen_since.map(|at| at.to_string());
    let params = [
        ("site", query.site.as_deref()),
        ("q", query.q.as_deref()),
        ("owner", query.owner.as_deref()),
        ("channel", query.channel.map(channel_value)),
        ("seen_since", seen_since.as_deref()),
        ("open", query.open.map(|o| if o { "true" } else { "false" })),
        ("after", query.after.as_deref()),
    ];
    let joined = params
        .iter()
        .filter_map(|(name, value)| value.map(|v| format!("{name}={}", encode(v))))
        .collect::<Vec<_>>()
        .join("&");
    if joined.is_empty() {
        joined
    } else {
        format!("?{joined}")
    }
}

/// `GET /api/agent/contacts`: a page of the directory, most recently seen first.
pub async fn contacts(query: &ContactQuery) -> Result<ContactList, HttpError> {
    let url = format!(
        "{}{}",
        route::Contacts::new().path_with(encode),
        query_string(query)
    );
    http::get_fresh_json(&url, None).await
}

/// `GET /api/agent/contacts/{id}`: everything the team holds of one person.
pub async fn contact(id: &str) -> Result<ContactPage, HttpError> {
    http::get_fresh_json(&route::Contact::new(id).path_with(encode), None).await
}

/// `PUT /api/agent/contacts/{id}`: answered with the contact's page as stored.
pub async fn edit_contact(id: &str, edit: &ContactEdit) -> Result<ContactPage, HttpError> {
    http::put_json(&route::EditContact::new(id).path_with(encode), edit).await
}

/// `POST /api/agent/contacts/{id}/merge`: contact `merge.from` is merged into `id` (and is
/// gone); answered with `id`'s page as merged.
pub async fn merge_contact(id: &str, merge: &MergeContacts) -> Result<ContactPage, HttpError> {
    http::post_json(&route::MergeContact::new(id).path_with(encode), merge, None).await
}

/// `POST /api/agent/contact-merges/{merge}/undo`: answered with the page of the contact merged
/// into (the other one exists again under its old id).
pub async fn undo_merge(merge: &str) -> Result<ContactPage, HttpError> {
    http::post_action(&route::UndoMerge::new(merge).path_with(encode)).await
}

/// `GET /api/admin/contacts/{id}/export`, for a plain download link: the session cookie goes
/// with a same-origin link, and the server answers with the zip as an attachment.
pub fn export_url(id: &str) -> String {
    route::ExportContact::new(id).path_with(encode)
}

/// `POST /api/admin/contacts/{id}/erase`: the contact and everything stored of them go. The
/// erasure's `completed_at` says whether it is done (200) or a part is being retried (202).
pub async fn erase_contact(id: &str) -> Result<Erasure, HttpError> {
    http::post_action(&route::EraseContact::new(id).path_with(encode)).await
}

/// `GET /api/admin/erasures`: the latest erasures, newest first.
pub async fn erasures() -> Result<ErasureList, HttpError> {
    http::get_fresh_json(&route::Erasures::new().path_with(encode), None).await
}

/// `GET /api/admin/erasure-requests`: visitors' requests to be erased, oldest first.
pub async fn erasure_requests() -> Result<ErasureRequestList, HttpError> {
    http::get_fresh_json(&route::ErasureRequests::new().path_with(encode), None).await
}

/// `POST /api/admin/erasure-requests/{id}/confirm`: erases the contact the request is for,
/// answered as [`erase_contact`] is.
pub async fn confirm_erasure(id: &str) -> Result<Erasure, HttpError> {
    http::post_action(&route::ConfirmErasure::new(id).path_with(encode)).await
}

/// `POST /api/admin/erasure-requests/{id}/decline`: the contact stays (204).
pub async fn decline_erasure(id: &str) -> Result<(), HttpError> {
    http::post_no_content(&route::DeclineErasure::new(id).path_with(encode)).await
}

/// `GET /api/admin/sites/{site}/contact-properties`: in the order admins made them.
pub async fn contact_properties(site: &str) -> Result<PropertyList, HttpError> {
    let url = route::ContactProperties::new(site).path_with(encode);
    http::get_fresh_json(&url, None).await
}

/// `POST /api/admin/sites/{site}/contact-properties`: a new property (with its key and kind).
/// The answer's body is not read: the panel reads the whole list again after every change.
pub async fn create_property(site: &str, input: &PropertyInput) -> Result<(), HttpError> {
    let url = route::CreateContactProperty::new(site).path_with(encode);
    http::post_json::<_, IgnoredAny>(&url, input, None)
        .await
        .map(drop)
}

/// `PUT /api/admin/sites/{site}/contact-properties/{key}`: its label and options. Likewise
/// the answer's body is not read.
pub async fn update_property(
    site: &str,
    key: &str,
    input: &PropertyInput,
) -> Result<(), HttpError> {
    let url = route::UpdateContactProperty::new(site, key).path_with(encode);
    http::put_json::<_, IgnoredAny>(&url, input).await.map(drop)
}

/// `DELETE /api/admin/sites/{site}/contact-properties/{key}`, with every contact's value of it.
pub async fn delete_property(site: &str, key: &str) -> Result<(), HttpError> {
    let url = route::DeleteContactProperty::new(site, key).path_with(encode);
    http::delete(&url, None).await
}
