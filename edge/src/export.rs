//! A person's data as a zip (issue 23): an admin's export of a contact, and a visitor's
//! download of the conversation they are in. The zip holds:
//!
//! - `export.json`: an `ExportManifest` (what it is, when, its files and any left out);
//! - `contact.json` (a contact's export): their `ContactPage`: details, properties, consent
//!   records, conversations, files, merges;
//! - `conversations/{id}.json`: each conversation's `ConversationExport`, every message (from its
//!   Durable Object), and for admins the team's notes and the e-mails sent from it;
//! - `files/{conversation}/{file id}/{name}`: each file's bytes, from R2, up to [`FILES_MAX_BYTES`]
//!   in all (the rest are named in the manifest, each still downloadable on its own).
//!
//! Entries are stored, not deflated: the JSON is small beside the files, which mostly are
//! compressed formats already; and the Worker has no deflate of its own to spend bytes on.

use std::io::Write;

use protocol::api::{
    ContactFile, ContactPage, ConversationExport, ErrorCode, ExportManifest, NoteList,
};
use protocol::Millis;
use rawzip::{CompressionMethod, ZipArchiveWriter};
use worker::{Headers, Response};

use crate::config::App;
use crate::contracts::conversation::{Call, ConversationStub};
use crate::error::{ApiError, ApiResult};
use crate::store::{self, contacts::ExportRow};

/// The most file bytes one export carries (a Worker holds the zip in memory).
pub const FILES_MAX_BYTES: u64 = 64 * 1024 * 1024;

/// What goes into an export besides each conversation's messages.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// An admin: notes and e-mails too.
    Team,
    /// The visitor: what they and the team said to each other, and their files.
    Visitor,
}

/// A zip being written in memory.
struct Zip {
    archive: ZipArchiveWriter<Vec<u8>>,
    at: rawzip::time::UtcDateTime,
}

impl Zip {
    fn new(now: Millis) -> Self {
        Self {
            archive: ZipArchiveWriter::new(Vec::new()),
            at: rawzip::time::UtcDateTime::from_unix(now / 1000),
        }
    }

    fn add(&mut self, name: &str, bytes: &[u8]) -> ApiResult<()> {
        let (mut entry, config) = self
            .archive
            .new_file(name)
            .compression_method(CompressionMethod::Store)
            .last_modified(self.at)
            .start()
            .map_err(zip_error)?;
        let mut writer = config.wrap(&mut entry);
        writer.write_all(bytes).map_err(|e| zip_error(e.into()))?;
        let (_, output) = writer.finish().map_err(zip_error)?;
        entry.finish(output).map_err(zip_error)?;
        Ok(())
    }

    fn add_json<T: serde::Serialize>(&mut self, name: &str, value: &T) -> ApiResult<()> {
        self.add(name, &serde_json::to_vec_pretty(value)?)
    }

    fn finish(self) -> ApiResult<Vec<u8>> {
        self.archive.finish().map_err(zip_error)
    }
}

fn zip_error(e: rawzip::Error) -> ApiError {
    worker::console_error!("writing an export: {e}");
    ApiError::new(ErrorCode::Internal, "The export could not be written.")
}

/// A name that is safe as one path segment of a zip: no folders, no `..`, no control
/// characters (a file's name is its sender's).
fn segment(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c == '/' || c == '\\' || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    match cleaned.trim() {
        "" | "." | ".." => "file".to_owned(),
        name => name.to_owned(),
    }
}

/// One conversation's export.
async fn conversation(app: &App, row: ExportRow, reader: Reader) -> ApiResult<ConversationExport> {
    let messages = ConversationStub::of(&app.conversations, &row.id)?
        .all_messages()
        .await?;
    let (notes, emails) = match reader {
        Reader::Visitor => (Vec::new(), Vec::new()),
        Reader::Team => {
            let mut answer = ConversationStub::of(&app.conversations, &row.id)?
                .call(&Call::Notes)
                .await?;
            let notes: NoteList = answer.json().await?;
            (notes.notes, store::mail::emails(&app.db, &row.id).await?)
        }
    };
    let consent = row.consent();
    Ok(ConversationExport {
        id: row.id,
        channel: row.channel,
        status: row.status,
        created_at: row.created_at,
        page_url: row.page_url,
        messages,
        notes,
        emails,
        consent,
    })
}

/// Adds each file's bytes (within [`FILES_MAX_BYTES`]); the ids of those left out.
async fn add_files(
    app: &App,
    zip: &mut Zip,
    site_id: &str,
    files: &[ContactFile],
) -> ApiResult<Vec<String>> {
    let bucket = app.files()?;
    let mut total = 0;
    let mut left_out = Vec::new();
    for file in files {
        if total + file.file.size > FILES_MAX_BYTES {
            left_out.push(file.file.id.clone());
            continue;
        }
        let key = store::attachment_key(site_id, &file.file.id);
        let Some(object) = bucket.get(key).execute().await? else {
            // In D1 but gone from R2 (expired, or erased meanwhile): nothing to carry.
            left_out.push(file.file.id.clone());
            continue;
        };
        let Some(body) = object.body() else {
            left_out.push(file.file.id.clone());
            continue;
        };
        let bytes = body.bytes().await?;
        total += bytes.len() as u64;
        let name = format!(
            "files/{}/{}/{}",
            segment(&file.conversation_id),
            segment(&file.file.id),
            segment(&file.file.name)
        );
        zip.add(&name, &bytes)?;
    }
    Ok(left_out)
}

/// The zip as a download named `name`.
fn download(bytes: Vec<u8>, name: &str) -> ApiResult<Response> {
    let headers = Headers::new();
    headers.set("content-type", "application/zip")?;
    headers.set(
        "content-disposition",
        &format!("attachment; filename=\"{name}\""),
    )?;
    headers.set("cache-control", "no-store")?;
    Ok(Response::from_bytes(bytes)?.with_headers(headers))
}

/// An admin's export of contact `page` (read in full by the caller).
pub async fn contact(app: &App, page: &ContactPage) -> ApiResult<Response> {
    let now = store::now();
    let mut zip = Zip::new(now);
    let site_id = &page.contact.site_id;
    for row in store::contacts::export_rows(&app.db, Some(&page.contact.id), None).await? {
        let export = conversation(app, row, Reader::Team).await?;
        zip.add_json(
            &format!("conversations/{}.json", segment(&export.id)),
            &export,
        )?;
    }
    zip.add_json("contact.json", page)?;
    let files_left_out = add_files(app, &mut zip, site_id, &page.files).await?;
    zip.add_json(
        "export.json",
        &ExportManifest {
            kind: "contact".to_owned(),
            exported_at: now,
            files: page.files.clone(),
            files_left_out,
        },
    )?;
    download(
        zip.finish()?,
        &format!("contact-{}.zip", segment(&page.contact.id)),
    )
}

/// A visitor's download of their conversation `id` (theirs: checked by the caller).
pub async fn visitor_conversation(app: &App, id: &str) -> ApiResult<Response> {
    let now = store::now();
    let mut zip = Zip::new(now);
    let row = store::contacts::export_rows(&app.db, None, Some(id))
        .await?
        .into_iter()
        .next()
        .ok_or_else(ApiError::unknown_conversation)?;
    let site_id = row.site_id.clone();
    let export = conversation(app, row, Reader::Visitor).await?;
    zip.add_json("conversation.json", &export)?;
    let files = store::contacts::conversation_files(&app.db, id).await?;
    let files_left_out = add_files(app, &mut zip, &site_id, &files).await?;
    zip.add_json(
        "export.json",
        &ExportManifest {
            kind: "conversation".to_owned(),
            exported_at: now,
            files,
            files_left_out,
        },
    )?;
    download(zip.finish()?, &format!("conversation-{}.zip", segment(id)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_senders_file_name_stays_one_segment() {
        assert_eq!(segment("report.pdf"), "report.pdf");
        assert_eq!(segment("../../etc/passwd"), ".._.._etc_passwd");
        assert_eq!(segment(".."), "file");
        assert_eq!(segment("a\\b\nc"), "a_b_c");
    }
}
