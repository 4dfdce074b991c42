//! Reading the account's templates from the Graph API's `message_templates` answer: the
//! approved ones an agent can send from the inbox, with the parameters, header and buttons each
//! needs filled in.

use protocol::reply::{TemplateButton, TemplateButtonKind, TemplateHeader, WhatsAppTemplate};
use serde::Deserialize;

#[derive(Deserialize)]
struct Listing {
    #[serde(default)]
    data: Vec<Listed>,
}

#[derive(Deserialize)]
struct Listed {
    name: String,
    language: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    parameter_format: Option<String>,
    #[serde(default)]
    components: Vec<Component>,
}

#[derive(Deserialize)]
struct Component {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    buttons: Vec<Button>,
}

#[derive(Deserialize)]
struct Button {
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    url: Option<String>,
}

/// The templates in a `message_templates` answer that an agent can send from the inbox, by name
/// and language. `None` when the answer is not such a listing.
pub fn sendable_templates(answer: &str) -> Option<Vec<WhatsAppTemplate>> {
    let listing: Listing = serde_json::from_str(answer).ok()?;
    let mut templates: Vec<WhatsAppTemplate> = listing
        .data
        .into_iter()
        .filter(|t| t.status.eq_ignore_ascii_case("APPROVED"))
        .filter_map(sendable)
        .collect();
    templates.sort_by(|a, b| (&a.name, &a.language).cmp(&(&b.name, &b.language)));
    Some(templates)
}

fn sendable(t: Listed) -> Option<WhatsAppTemplate> {
    let mut body = None;
    let mut header = None;
    let mut buttons = Vec::new();
    for c in &t.components {
        match c.kind.to_ascii_uppercase().as_str() {
            "BODY" => body = c.text.clone(),
            "HEADER" => header = fillable_header(c)?,
            "BUTTONS" => buttons = fillable_buttons(&c.buttons)?,
            _ => {}
        }
    }
    let body = body?;
    Some(WhatsAppTemplate {
        params: placeholders(&body),
        named: t
            .parameter_format
            .as_deref()
            .is_some_and(|f| f.eq_ignore_ascii_case("NAMED")),
        name: t.name,
        language: t.language,
        category: t.category,
        body,
        header,
        buttons,
    })
}

/// What a header needs of the agent: `Some(None)` for nothing (fixed text), `None` for a header
/// Porchlight cannot fill in (a location, or text with more than one parameter).
fn fillable_header(c: &Component) -> Option<Option<TemplateHeader>> {
    let format = c.format.as_deref().unwrap_or("TEXT").to_ascii_uppercase();
    Some(match format.as_str() {
        "TEXT" => {
            let text = c.text.clone().unwrap_or_default();
            match placeholders(&text).as_slice() {
                [] => None,
                [param] => Some(TemplateHeader::Text {
                    param: param.clone(),
                    text,
                }),
                _ => return None,
            }
        }
        "IMAGE" => Some(TemplateHeader::Image),
        "VIDEO" => Some(TemplateHeader::Video),
        "DOCUMENT" => Some(TemplateHeader::Document),
        _ => return None,
    })
}

/// The buttons that need a value, by their place; `None` when one needs what Porchlight cannot
/// give (a flow, a one-time password, a catalogue).
fn fillable_buttons(buttons: &[Button]) -> Option<Vec<TemplateButton>> {
    let mut fillable = Vec::new();
    for (index, b) in (0u32..).zip(buttons) {
        let kind = match b.kind.to_ascii_uppercase().as_str() {
            "URL" if b.url.as_deref().is_some_and(|u| u.contains("{{")) => TemplateButtonKind::Url,
            "COPY_CODE" => TemplateButtonKind::CopyCode,
            "URL" | "QUICK_REPLY" | "PHONE_NUMBER" | "VOICE_CALL" => continue,
            _ => return None,
        };
        fillable.push(TemplateButton {
            index,
            kind,
            text: b.text.clone(),
            url: b.url.clone().filter(|_| kind == TemplateButtonKind::Url),
        });
    }
    Some(fillable)
}

/// The distinct parameter names in a template text, in order of first appearance (`1`, `2`, …
/// or `day`, `time`, …).
pub fn placeholders(text: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            break;
        };
        let name = after[..end].trim();
        if !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !names.iter().any(|n| n == name)
        {
            names.push(name.to_owned());
        }
        rest = &after[end + 2..];
    }
    names
}
