//! WhatsApp message templates: the only messages WhatsApp takes once 24 hours have passed since
//! the customer last wrote. The business account's approved templates are read from the Graph
//! API (`GET /{waba-id}/message_templates`); an agent picks one and fills in its body's
//! parameters; the reply stored in the thread is the body as the customer sees it.
//!
//! Offered: approved templates with a body. The agent fills in the body's parameters, a text
//! header's one parameter or a media header's file (a picture, video or PDF they attach), and
//! the value of each button that needs one (a link's end, a coupon code). Not offered: location
//! headers, and flow, one-time-password and catalogue buttons. Positional (`{{1}}`) and named
//! (`{{day}}`) parameters are both understood.

use protocol::reply::{TemplateButton, TemplateButtonKind, TemplateHeader, WhatsAppTemplate};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::Rejection;

/// Most characters one parameter value may have (WhatsApp's limit for body parameters).
pub const PARAM_MAX_CHARS: usize = 1_024;

/// Most characters of a text header, filled in (WhatsApp's limit).
pub const HEADER_MAX_CHARS: usize = 60;

/// Most characters of a coupon code (WhatsApp's limit).
pub const COUPON_MAX_CHARS: usize = 15;

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

/// Checks the values for a template's parameters (one per parameter, in order, each non-empty,
/// one line, at most [`PARAM_MAX_CHARS`]) and returns them trimmed.
pub fn check_values(
    template: &WhatsAppTemplate,
    values: &[String],
) -> Result<Vec<String>, Rejection> {
    if values.len() != template.params.len() {
        return Err(Rejection::field(
            "params",
            &format!(
                "must give {} value(s) for the template `{}`",
                template.params.len(),
                template.name
            ),
        ));
    }
    values
        .iter()
        .map(|v| one_value("params", v, PARAM_MAX_CHARS))
        .collect()
}

/// One parameter's value, trimmed: non-empty, one line, at most `max` characters.
fn one_value(field: &str, value: &str, max: usize) -> Result<String, Rejection> {
    let v = value.trim();
    if v.is_empty() {
        Err(Rejection::field(field, "must not be empty"))
    } else if v.chars().count() > max {
        Err(Rejection::field(
            field,
            &format!("must be at most {max} characters each"),
        ))
    } else if v.contains(['\n', '\t']) {
        Err(Rejection::field(
            field,
            "must be one line each (WhatsApp refuses new lines and tabs in parameters)",
        ))
    } else {
        Ok(v.to_owned())
    }
}

/// The header's and buttons' values as an agent sent them, checked against what `template`
/// needs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extras {
    /// A text header's value.
    #[serde(default)]
    pub header: Option<String>,
    /// One per button that needs a value, in order.
    #[serde(default)]
    pub buttons: Vec<String>,
}

/// Checks a text header's value (`header_param`, needed exactly when the header has a
/// parameter, the header within [`HEADER_MAX_CHARS`] filled in), that a media header has a
/// file (`header_file`) and no other does, and the buttons' values (one each: a link's end
/// without spaces, a coupon code within [`COUPON_MAX_CHARS`]).
pub fn check_extras(
    template: &WhatsAppTemplate,
    header_param: Option<&str>,
    header_file: bool,
    button_params: &[String],
) -> Result<Extras, Rejection> {
    let header = match (&template.header, header_param) {
        (Some(TemplateHeader::Text { text, param }), Some(value)) => {
            let value = one_value("header_param", value, HEADER_MAX_CHARS)?;
            if fill(
                text,
                std::slice::from_ref(param),
                std::slice::from_ref(&value),
            )
            .chars()
            .count()
                > HEADER_MAX_CHARS
            {
                return Err(Rejection::field(
                    "header_param",
                    &format!("makes the header longer than {HEADER_MAX_CHARS} characters"),
                ));
            }
            Some(value)
        }
        (Some(TemplateHeader::Text { .. }), None) => {
            return Err(Rejection::field(
                "header_param",
                "is needed by this template's header",
            ));
        }
        (_, Some(_)) => {
            return Err(Rejection::field(
                "header_param",
                "is for a header with a parameter",
            ));
        }
        (_, None) => None,
    };
    let media = matches!(
        template.header,
        Some(TemplateHeader::Image | TemplateHeader::Video | TemplateHeader::Document)
    );
    if media != header_file {
        return Err(Rejection::field(
            "header_file_id",
            if media {
                "is needed: this template's header is a file"
            } else {
                "is for a template whose header is a file"
            },
        ));
    }
    if button_params.len() != template.buttons.len() {
        return Err(Rejection::field(
            "button_params",
            &format!(
                "must give {} value(s) for the template's buttons",
                template.buttons.len()
            ),
        ));
    }
    let buttons = template
        .buttons
        .iter()
        .zip(button_params)
        .map(|(button, value)| match button.kind {
            TemplateButtonKind::Url => {
                let v = one_value("button_params", value, PARAM_MAX_CHARS)?;
                if v.contains(char::is_whitespace) {
                    return Err(Rejection::field(
                        "button_params",
                        "must have no spaces in a link's end",
                    ));
                }
                Ok(v)
            }
            TemplateButtonKind::CopyCode => one_value("button_params", value, COUPON_MAX_CHARS),
        })
        .collect::<Result<_, _>>()?;
    Ok(Extras { header, buttons })
}

/// The accepted types of a media header's file.
pub fn header_takes(header: &TemplateHeader, content_type: &str) -> bool {
    match header {
        TemplateHeader::Image => matches!(content_type, "image/jpeg" | "image/png"),
        TemplateHeader::Video => content_type == "video/mp4",
        TemplateHeader::Document => content_type == "application/pdf",
        TemplateHeader::Text { .. } => false,
    }
}

/// `text` with `values` in place of its parameters `names`.
fn fill(text: &str, names: &[String], values: &[String]) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    const LISTING: &str = r#"{"data":[
        {"name":"order_ready","language":"en_US","status":"APPROVED","category":"UTILITY",
         "components":[{"type":"BODY","text":"Hi {{1}}, your order {{2}} is ready."}]},
        {"name":"reservation","language":"en_US","status":"APPROVED","category":"UTILITY",
         "parameter_format":"NAMED",
         "components":[{"type":"HEADER","format":"TEXT","text":"See you soon"},
                       {"type":"BODY","text":"A table for {{guests}} on {{day}}."},
                       {"type":"BUTTONS","buttons":[{"type":"QUICK_REPLY","text":"Cancel"}]}]},
        {"name":"promo","language":"en_US","status":"APPROVED","category":"MARKETING",
         "components":[{"type":"HEADER","format":"IMAGE"},{"type":"BODY","text":"Sale!"}]},
        {"name":"draft","language":"en_US","status":"PENDING","category":"UTILITY",
         "components":[{"type":"BODY","text":"Not yet"}]},
        {"name":"tracking","language":"sv","status":"APPROVED","category":"UTILITY",
         "components":[{"type":"BODY","text":"Spåra"},
                       {"type":"BUTTONS","buttons":[{"type":"URL","url":"https://x.example/{{1}}"}]}]}
    ],"paging":{}}"#;

    #[test]
    fn only_approved_templates_that_can_be_filled_in_are_offered() {
        let templates = sendable_templates(LISTING).unwrap();
        let names: Vec<&str> = templates.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["order_ready", "promo", "reservation", "tracking"]);
        assert_eq!(templates[0].params, ["1", "2"]);
        assert!(!templates[0].named);
        assert_eq!(templates[2].params, ["guests", "day"]);
        assert!(templates[2].named);
        assert_eq!(templates[2].header, None, "a fixed header needs nothing");
        assert_eq!(templates[1].header, Some(TemplateHeader::Image));
        assert_eq!(templates[3].buttons[0].kind, TemplateButtonKind::Url);
        assert_eq!(sendable_templates("not json"), None);
    }

    #[test]
    fn values_fill_the_body_and_the_request() {
        let templates = sendable_templates(LISTING).unwrap();
        let order = &templates[0];
        let values = check_values(order, &[" Ada ".into(), "#42".into()]).unwrap();
        assert_eq!(render(order, &values), "Hi Ada, your order #42 is ready.");
        let sent = request(order, "46700", &values, &Extras::default(), None);
        assert_eq!(sent["type"], "template");
        assert_eq!(sent["template"]["name"], "order_ready");
        assert_eq!(sent["template"]["language"]["code"], "en_US");
        assert_eq!(
            sent["template"]["components"][0]["parameters"][1],
            json!({ "type": "text", "text": "#42" })
        );
        let named = request(
            &templates[2],
            "46700",
            &["4".into(), "Friday".into()],
            &Extras::default(),
            None,
        );
        assert_eq!(
            named["template"]["components"][0]["parameters"][0]["parameter_name"],
            "guests"
        );
    }

    #[test]
    fn bad_values_are_refused() {
        let templates = sendable_templates(LISTING).unwrap();
        let order = &templates[0];
        assert!(check_values(order, &["Ada".into()]).is_err());
        assert!(check_values(order, &["Ada".into(), " ".into()]).is_err());
        assert!(check_values(order, &["Ada".into(), "two\nlines".into()]).is_err());
        assert!(check_values(order, &["Ada".into(), "x".repeat(1_025)]).is_err());
    }

    #[test]
    fn placeholders_are_found_once_each_in_order() {
        assert_eq!(placeholders("{{2}} {{1}} {{2}} {{ }} {{a-b}}"), ["2", "1"]);
        assert!(placeholders("no params {{").is_empty());
    }

    const FILLED: &str = r#"{"data":[
        {"name":"shipped","language":"en_US","status":"APPROVED","category":"UTILITY",
         "components":[{"type":"HEADER","format":"TEXT","text":"Order {{1}}"},
                       {"type":"BODY","text":"It is on its way."},
                       {"type":"BUTTONS","buttons":[
                           {"type":"QUICK_REPLY","text":"Thanks"},
                           {"type":"URL","text":"Track","url":"https://ship.example/t/{{1}}"},
                           {"type":"COPY_CODE","text":"Copy code"}]}]},
        {"name":"receipt","language":"en_US","status":"APPROVED","category":"UTILITY",
         "components":[{"type":"HEADER","format":"DOCUMENT"},{"type":"BODY","text":"Your receipt."}]},
        {"name":"visit","language":"en_US","status":"APPROVED","category":"UTILITY",
         "components":[{"type":"HEADER","format":"LOCATION"},{"type":"BODY","text":"Here."}]},
        {"name":"signup","language":"en_US","status":"APPROVED","category":"UTILITY",
         "components":[{"type":"BODY","text":"Go"},
                       {"type":"BUTTONS","buttons":[{"type":"FLOW","text":"Start"}]}]}
    ]}"#;

    #[test]
    fn headers_and_buttons_that_need_values_are_filled_in() {
        let templates = sendable_templates(FILLED).unwrap();
        let names: Vec<&str> = templates.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(
            names,
            ["receipt", "shipped"],
            "no location header, no flow button"
        );
        let shipped = &templates[1];
        assert_eq!(
            shipped.header,
            Some(TemplateHeader::Text {
                text: "Order {{1}}".into(),
                param: "1".into()
            })
        );
        let indexes: Vec<u32> = shipped.buttons.iter().map(|b| b.index).collect();
        assert_eq!(
            indexes,
            [1, 2],
            "the quick reply needs nothing but keeps its place"
        );

        let extras = check_extras(
            shipped,
            Some(" #42 "),
            false,
            &["ABC123".into(), "SAVE10".into()],
        )
        .unwrap();
        assert_eq!(
            render_message(shipped, &[], &extras),
            "Order #42\n\nIt is on its way."
        );
        let sent = request(shipped, "46700", &[], &extras, None);
        let components = &sent["template"]["components"];
        assert_eq!(
            components[0],
            json!({ "type": "header", "parameters": [{ "type": "text", "text": "#42" }] })
        );
        assert_eq!(
            components[1],
            json!({ "type": "button", "sub_type": "url", "index": "1",
                    "parameters": [{ "type": "text", "text": "ABC123" }] })
        );
        assert_eq!(components[2]["sub_type"], "copy_code");
        assert_eq!(components[2]["parameters"][0]["coupon_code"], "SAVE10");

        let receipt = &templates[0];
        let extras = check_extras(receipt, None, true, &[]).unwrap();
        let file = HeaderFile {
            link: "https://edge.example/files/c/f?sig",
            filename: "receipt.pdf",
        };
        let sent = request(receipt, "46700", &[], &extras, Some(&file));
        assert_eq!(
            sent["template"]["components"][0]["parameters"][0],
            json!({ "type": "document",
                    "document": { "link": file.link, "filename": "receipt.pdf" } })
        );
        assert!(header_takes(&TemplateHeader::Document, "application/pdf"));
        assert!(!header_takes(&TemplateHeader::Image, "application/pdf"));
    }

    #[test]
    fn missing_or_bad_header_and_button_values_are_refused() {
        let templates = sendable_templates(FILLED).unwrap();
        let (receipt, shipped) = (&templates[0], &templates[1]);
        let refused = |r: Result<Extras, Rejection>| r.unwrap_err().message;
        let two = ["A1".to_owned(), "C1".to_owned()];
        assert!(refused(check_extras(shipped, None, false, &two)).contains("`header_param`"));
        let long = "x".repeat(60);
        assert!(refused(check_extras(shipped, Some(&long), false, &two)).contains("longer"));
        assert!(refused(check_extras(shipped, Some("1"), true, &two)).contains("`header_file_id`"));
        assert!(
            refused(check_extras(shipped, Some("1"), false, &two[..1])).contains("`button_params`")
        );
        let spaced = ["a b".to_owned(), "C1".to_owned()];
        assert!(refused(check_extras(shipped, Some("1"), false, &spaced)).contains("spaces"));
        let coupon = ["A1".to_owned(), "x".repeat(16)];
        assert!(refused(check_extras(shipped, Some("1"), false, &coupon)).contains("15"));
        assert!(refused(check_extras(receipt, None, false, &[])).contains("`header_file_id`"));
        assert!(refused(check_extras(receipt, Some("x"), true, &[])).contains("`header_param`"));
    }
}
