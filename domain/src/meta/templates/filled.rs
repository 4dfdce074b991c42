//! A template filled in with checked values: the message as the thread keeps it (a text header
//! over the body), and the Send API request that sends it.

use protocol::reply::{TemplateButtonKind, TemplateHeader, WhatsAppTemplate};
use serde_json::{json, Value};

use super::values::Extras;

/// `text` with `values` in place of its parameters `names`.
pub(super) fn fill(text: &str, names: &[String], values: &[String]) -> String {
    let mut text = text.to_owned();
    for (name, value) in names.iter().zip(values) {
        text = text.replace(&format!("{{{{{name}}}}}"), value);
    }
    text
}

/// The body as the customer will read it, with `values` (checked) in place of the parameters.
pub fn render(template: &WhatsAppTemplate, values: &[String]) -> String {
    fill(&template.body, &template.params, values)
}

/// The message as the thread keeps it: a text header (filled in) over the body.
pub fn render_message(template: &WhatsAppTemplate, values: &[String], extras: &Extras) -> String {
    let body = render(template, values);
    match (&template.header, &extras.header) {
        (Some(TemplateHeader::Text { text, param }), Some(value)) => {
            let header = fill(
                text,
                std::slice::from_ref(param),
                std::slice::from_ref(value),
            );
            format!("{header}\n\n{body}")
        }
        _ => body,
    }
}

/// A media header's file, where Meta fetches it.
pub struct HeaderFile<'a> {
    pub link: &'a str,
    /// The document's name, as the customer sees it.
    pub filename: &'a str,
}

/// The Send API request for the template with `values` and `extras` (checked) and a media
/// header's `file`, to `contact` (the `wa_id`).
pub fn request(
    template: &WhatsAppTemplate,
    contact: &str,
    values: &[String],
    extras: &Extras,
    file: Option<&HeaderFile>,
) -> Value {
    let text = |name: &str, value: &str| {
        if template.named {
            json!({ "type": "text", "parameter_name": name, "text": value })
        } else {
            json!({ "type": "text", "text": value })
        }
    };
    let mut components = Vec::new();
    let header = match (&template.header, &extras.header, file) {
        (Some(TemplateHeader::Text { param, .. }), Some(value), _) => Some(text(param, value)),
        (Some(TemplateHeader::Image), _, Some(f)) => {
            Some(json!({ "type": "image", "image": { "link": f.link } }))
        }
        (Some(TemplateHeader::Video), _, Some(f)) => {
            Some(json!({ "type": "video", "video": { "link": f.link } }))
        }
        (Some(TemplateHeader::Document), _, Some(f)) => Some(json!({
            "type": "document",
            "document": { "link": f.link, "filename": f.filename },
        })),
        _ => None,
    };
    if let Some(header) = header {
        components.push(json!({ "type": "header", "parameters": [header] }));
    }
    let parameters: Vec<Value> = template
        .params
        .iter()
        .zip(values)
        .map(|(name, value)| text(name, value))
        .collect();
    if !parameters.is_empty() {
        components.push(json!({ "type": "body", "parameters": parameters }));
    }
    for (button, value) in template.buttons.iter().zip(&extras.buttons) {
        components.push(match button.kind {
            TemplateButtonKind::Url => json!({
                "type": "button", "sub_type": "url", "index": button.index.to_string(),
                "parameters": [{ "type": "text", "text": value }],
            }),
            TemplateButtonKind::CopyCode => json!({
                "type": "button", "sub_type": "copy_code", "index": button.index.to_string(),
                "parameters": [{ "type": "coupon_code", "coupon_code": value }],
            }),
        });
    }
    let mut message = json!({
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": contact,
        "type": "template",
        "template": {
            "name": template.name,
            "language": { "code": template.language },
        },
    });
    if !components.is_empty() {
        message["template"]["components"] = Value::Array(components);
    }
    message
}
