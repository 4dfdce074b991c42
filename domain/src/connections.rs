//! Rules for connecting a Messenger Page or a WhatsApp number: Meta's ids are digits, a token is
//! one opaque word of plausible length, WhatsApp needs its business account id (templates are
//! listed by it), and the website chat is not a connection.

use protocol::api::{ErrorCode, NewConnection};
use protocol::Channel;

use crate::credentials::validate_display_name;
use crate::Rejection;

fn meta_id(field: &str, value: &str) -> Result<String, Rejection> {
    let value = value.trim();
    if (1..=32).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_digit()) {
        Ok(value.to_owned())
    } else {
        Err(Rejection::field(field, "must be Meta's numeric id"))
    }
}

/// A token as Meta issues them: one word of 20 to 2048 printable characters.
pub fn validate_token(token: &str) -> Result<String, Rejection> {
    let token = token.trim();
    if !(20..=2048).contains(&token.len()) || token.bytes().any(|b| !b.is_ascii_graphic()) {
        return Err(Rejection::field(
            "access_token",
            "must be the token Meta issued (20 to 2048 printable characters)",
        ));
    }
    Ok(token.to_owned())
}

/// Checks and normalises a new connection.
pub fn validate_new_connection(new: &NewConnection) -> Result<NewConnection, Rejection> {
    if new.channel == Channel::Chat {
        return Err(Rejection::new(
            ErrorCode::InvalidField,
            "`channel` must be `messenger` or `whatsapp`",
        ));
    }
    let account_id = meta_id("account_id", &new.account_id)?;
    let business_account_id = match (new.channel, new.business_account_id.as_deref()) {
        (Channel::WhatsApp, Some(id)) => Some(meta_id("business_account_id", id)?),
        (Channel::WhatsApp, None) => {
            return Err(Rejection::field(
                "business_account_id",
                "is required for WhatsApp",
            ))
        }
        (_, _) => None,
    };
    let name = validate_display_name("name", &new.name)?;
    let token = validate_token(&new.access_token)?;
    Ok(NewConnection {
        channel: new.channel,
        account_id,
        business_account_id,
        name,
        access_token: token,
        inbox_id: new.inbox_id.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> NewConnection {
        NewConnection {
            channel: Channel::Messenger,
            account_id: " 1234567890 ".into(),
            business_account_id: Some("99".into()),
            name: "Bakery Page".into(),
            access_token: "EAAB".repeat(10),
            inbox_id: None,
        }
    }

    #[test]
    fn a_page_is_normalised() {
        let ok = validate_new_connection(&page()).unwrap();
        assert_eq!(ok.account_id, "1234567890");
        assert_eq!(ok.business_account_id, None, "only WhatsApp keeps it");
    }

    #[test]
    fn whatsapp_needs_its_business_account() {
        let mut wa = page();
        wa.channel = Channel::WhatsApp;
        assert_eq!(
            validate_new_connection(&wa)
                .unwrap()
                .business_account_id
                .as_deref(),
            Some("99")
        );
        wa.business_account_id = None;
        let err = validate_new_connection(&wa).unwrap_err();
        assert!(err.message.contains("`business_account_id`"));
    }

    /// Spoils one field of a valid connection.
    type Spoil = fn(&mut NewConnection);

    #[test]
    fn bad_fields_are_named() {
        let cases: [(Spoil, &str); 4] = [
            (|c| c.channel = Channel::Chat, "`channel`"),
            (|c| c.account_id = "12a".into(), "`account_id`"),
            (|c| c.access_token = "short".into(), "`access_token`"),
            (
                |c| c.access_token = format!("{} x", "a".repeat(30)),
                "`access_token`",
            ),
        ];
        for (spoil, field) in cases {
            let mut c = page();
            spoil(&mut c);
            let err = validate_new_connection(&c).unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidField);
            assert!(err.message.contains(field), "{}", err.message);
        }
    }
}
