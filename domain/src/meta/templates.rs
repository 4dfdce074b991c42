//! WhatsApp message templates: the only messages WhatsApp takes once 24 hours have passed since
//! the customer last wrote. The business account's approved templates are read from the Graph
//! API (`GET /{waba-id}/message_templates`); an agent picks one and fills in its body's
//! parameters; the reply stored in the thread is the body as the customer sees it.
//!
//! Only templates Porchlight can fill in are offered: approved, with a body, and no header that
//! needs a file or a value, nor buttons that need one. Positional (`{{1}}`) and named
//! (`{{day}}`) parameters are both understood.

use protocol::reply::WhatsAppTemplate;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::Rejection;

/// Most characters one parameter value may have (WhatsApp's limit for body parameters).
pub const PARAM_MAX_CHARS: usize = 1_024;

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
    for c in &t.components {
        match c.kind.to_ascii_uppercase().as_str() {
            "BODY" => body = c.text.clone(),
            // A header of text without parameters is fixed; any other needs a value or a file.
            "HEADER" => {
                let text = c
                    .format
                    .as_deref()
                    .is_none_or(|f| f.eq_ignore_ascii_case("TEXT"));
                if !text
                    || c.text
                        .as_deref()
                        .is_some_and(|h| !placeholders(h).is_empty())
                {
                    return None;
                }
            }
            "BUTTONS" => {
                let needs_value = c.buttons.iter().any(|b| {
                    b.kind.eq_ignore_ascii_case("URL")
                        && b.url.as_deref().is_some_and(|u| u.contains("{{"))
                        || b.kind.eq_ignore_ascii_case("COPY_CODE")
                        || b.kind.eq_ignore_ascii_case("FLOW")
                        || b.kind.eq_ignore_ascii_case("OTP")
                });
                if needs_value {
                    return None;
                }
            }
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
    })
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
        .map(|v| {
            let v = v.trim();
            if v.is_empty() {
                Err(Rejection::field("params", "must not be empty"))
            } else if v.chars().count() > PARAM_MAX_CHARS {
                Err(Rejection::field(
                    "params",
                    &format!("must be at most {PARAM_MAX_CHARS} characters each"),
                ))
            } else if v.contains(['\n', '\t']) {
                Err(Rejection::field(
                    "params",
                    "must be one line each (WhatsApp refuses new lines and tabs in parameters)",
                ))
            } else {
                Ok(v.to_owned())
            }
        })
        .collect()
}

/// The body as the customer will read it, with `values` (checked) in place of the parameters.
pub fn render(template: &WhatsAppTemplate, values: &[String]) -> String {
    let mut text = template.body.clone();
    for (name, value) in template.params.iter().zip(values) {
        text = text.replace(&format!("{{{{{name}}}}}"), value);
    }
    text
}

/// The Send API request for the template with `values` (checked) to `contact` (the `wa_id`).
pub fn request(template: &WhatsAppTemplate, contact: &str, values: &[String]) -> Value {
    let parameters: Vec<Value> = template
        .params
        .iter()
        .zip(values)
        .map(|(name, value)| {
            if template.named {
                json!({ "type": "text", "parameter_name": name, "text": value })
            } else {
                json!({ "type": "text", "text": value })
            }
        })
        .collect();
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
    if !parameters.is_empty() {
        message["template"]["components"] = json!([{ "type": "body", "parameters": parameters }]);
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
        assert_eq!(names, ["order_ready", "reservation"]);
        assert_eq!(templates[0].params, ["1", "2"]);
        assert!(!templates[0].named);
        assert_eq!(templates[1].params, ["guests", "day"]);
        assert!(templates[1].named);
        assert_eq!(sendable_templates("not json"), None);
    }

    #[test]
    fn values_fill_the_body_and_the_request() {
        let templates = sendable_templates(LISTING).unwrap();
        let order = &templates[0];
        let values = check_values(order, &[" Ada ".into(), "#42".into()]).unwrap();
        assert_eq!(render(order, &values), "Hi Ada, your order #42 is ready.");
        let sent = request(order, "46700", &values);
        assert_eq!(sent["type"], "template");
        assert_eq!(sent["template"]["name"], "order_ready");
        assert_eq!(sent["template"]["language"]["code"], "en_US");
        assert_eq!(
            sent["template"]["components"][0]["parameters"][1],
            json!({ "type": "text", "text": "#42" })
        );
        let named = request(&templates[1], "46700", &["4".into(), "Friday".into()]);
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
}
