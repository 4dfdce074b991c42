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
//!
//! - `listing`: which of the account's templates are offered, and what each needs filled in.
//! - `values`: checking what the agent filled in (body parameters, header, buttons).
//! - `filled`: the template filled in: as the thread keeps it, and the Send API request.

mod filled;
mod listing;
mod values;

pub use filled::{render, render_message, request, HeaderFile};
pub use listing::{placeholders, sendable_templates};
pub use values::{check_extras, check_values, header_takes, Extras};

/// Most characters one parameter value may have (WhatsApp's limit for body parameters).
pub const PARAM_MAX_CHARS: usize = 1_024;

/// Most characters of a text header, filled in (WhatsApp's limit).
pub const HEADER_MAX_CHARS: usize = 60;

/// Most characters of a coupon code (WhatsApp's limit).
pub const COUPON_MAX_CHARS: usize = 15;

#[cfg(test)]
mod tests {
    use protocol::reply::{TemplateButtonKind, TemplateHeader};
    use serde_json::json;

    use super::*;
    use crate::Rejection;

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
