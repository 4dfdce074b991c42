//! Checking what an agent filled in for a template: one value per body parameter, a text
//! header's value or a media header's file, and each button's value, within WhatsApp's limits.

use protocol::reply::{TemplateButtonKind, TemplateHeader, WhatsAppTemplate};
use serde::{Deserialize, Serialize};

use super::filled::fill;
use super::{COUPON_MAX_CHARS, HEADER_MAX_CHARS, PARAM_MAX_CHARS};
use crate::Rejection;

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
