//! Two contacts found to be one person: merged by a member (`routes::contacts`), or by
//! Porchlight when an address or number it trusts matches exactly one other contact of the
//! site ([`after_verified_email`], [`after_verified_phone`]). Either way the merge is recorded
//! and undoable for 30 days (`store::merges`).

use protocol::Millis;
use worker::Result;

use crate::config::App;
use crate::secrets;
use crate::store::{self, merges};

/// Merges contact `from` into `into` (both of `site_id`), taking the fields `take` names from
/// `from`; `by`: the member, or none for Porchlight. The merge's id; none when either contact
/// is gone or they are of different sites.
pub async fn merge(
    app: &App,
    into: &str,
    from: &str,
    take: &[String],
    by: Option<&str>,
    at: Millis,
) -> Result<Option<String>> {
    let (Some((site, into_before)), Some((from_site, from_snapshot))) = (
        merges::snapshot(&app.db, into).await?,
        merges::snapshot(&app.db, from).await?,
    ) else {
        return Ok(None);
    };
    if site != from_site || into == from {
        return Ok(None);
    }
    let (visitors, conversations) = merges::ways_in(&app.db, from).await?;
    let merged = merges::merged(&into_before, &from_snapshot, take);
    let id = secrets::new_id("mg")?;
    merges::merge(
        &app.db,
        &merges::NewMerge {
            id: &id,
            site_id: &site,
            into_id: into,
            from_id: from,
            from: &from_snapshot,
            into_before: &into_before,
            merged: &merged,
            visitors: &visitors,
            conversations: &conversations,
            by,
            at,
        },
    )
    .await?;
    Ok(Some(id))
}

/// Contact `contact_id`'s e-mail was just verified (the site's backend identified them): one
/// other contact of the site with that address is the same person. Several are left for people
/// to decide.
pub async fn after_verified_email(app: &App, contact_id: &str, email: &str) -> Result<()> {
    let others = store::contacts::others_with(&app.db, contact_id, "email", email).await?;
    if let [other] = others.as_slice() {
        merge_same_person(app, contact_id, other).await?;
    }
    Ok(())
}

/// A new WhatsApp sender's contact, whose number the channel verified: one other contact of the
/// site with that number is the same person.
pub async fn after_verified_phone(app: &App, contact_id: &str, phone: &str) -> Result<()> {
    let others = store::contacts::others_with(&app.db, contact_id, "phone", phone).await?;
    if let [other] = others.as_slice() {
        merge_same_person(app, contact_id, other).await?;
    }
    Ok(())
}

/// Merges the newer of two contacts into the older, which keeps its id (the one the team has
/// known longer) and its values where both have one.
async fn merge_same_person(app: &App, a: &str, b: &str) -> Result<()> {
    let (Some((_, a_now)), Some((_, b_now))) = (
        merges::snapshot(&app.db, a).await?,
        merges::snapshot(&app.db, b).await?,
    ) else {
        return Ok(());
    };
    let (a_at, b_at) = (a_now.created_at, b_now.created_at);
    let (older, newer) = if (a_at, a) <= (b_at, b) {
        (a, b)
    } else {
        (b, a)
    };
    merge(app, older, newer, &[], None, store::now()).await?;
    Ok(())
}
