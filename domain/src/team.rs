//! The team's rules: what a valid invitation and acceptance are, where an invitation's link
//! points, and what a valid inbox or team is.

use std::collections::BTreeSet;

use protocol::api::{AcceptInvitation, InboxInput, NewInvitation, Role, TeamInput};
use protocol::limits::CHAT_LIMIT_MAX;

use crate::credentials::{normalise_email, validate_display_name, validate_new_password};
use crate::Rejection;

/// An invitation as it will be stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidInvitation {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub inbox_ids: Vec<String>,
    pub team_ids: Vec<String>,
}

/// Checks an admin's invitation: an e-mail address and a display name.
pub fn validate_invitation(new: &NewInvitation) -> Result<ValidInvitation, Rejection> {
    Ok(ValidInvitation {
        email: normalise_email(&new.email)?,
        name: validate_display_name("name", &new.name)?,
        role: new.role,
        inbox_ids: distinct_ids("inbox_ids", &new.inbox_ids)?,
        team_ids: distinct_ids("team_ids", &new.team_ids)?,
    })
}

/// Most ids one list of an inbox, a team or an invitation may name.
pub const MAX_LISTED_IDS: usize = 200;

/// Ids as an admin lists them: none empty, each once, at most [`MAX_LISTED_IDS`]. Whether they
/// name real members, inboxes or teams is the edge's to check (with the rows at hand).
pub fn distinct_ids(field: &str, ids: &[String]) -> Result<Vec<String>, Rejection> {
    if ids.len() > MAX_LISTED_IDS {
        return Err(Rejection::field(
            field,
            &format!("may name at most {MAX_LISTED_IDS}"),
        ));
    }
    let mut seen = BTreeSet::new();
    for (i, id) in ids.iter().enumerate() {
        if id.trim().is_empty() || id.len() > 100 {
            return Err(Rejection::field(&format!("{field}[{i}]"), "is not an id"));
        }
        if !seen.insert(id.as_str()) {
            return Err(Rejection::field(
                &format!("{field}[{i}]"),
                "is already listed",
            ));
        }
    }
    Ok(ids.to_vec())
}

/// An inbox as it will be stored: a display name, and who is given it.
pub fn validate_inbox(input: &InboxInput) -> Result<InboxInput, Rejection> {
    Ok(InboxInput {
        name: validate_display_name("name", &input.name)?,
        everyone: input.everyone,
        member_ids: distinct_ids("member_ids", &input.member_ids)?,
        team_ids: distinct_ids("team_ids", &input.team_ids)?,
    })
}

/// A team as it will be stored: a display name and its members.
pub fn validate_team(input: &TeamInput) -> Result<TeamInput, Rejection> {
    Ok(TeamInput {
        name: validate_display_name("name", &input.name)?,
        member_ids: distinct_ids("member_ids", &input.member_ids)?,
    })
}

/// Checks what the invitee chose; returns the name to store.
pub fn validate_acceptance(accept: &AcceptInvitation) -> Result<String, Rejection> {
    let name = validate_display_name("name", &accept.name)?;
    validate_new_password("password", &accept.password)?;
    Ok(name)
}

/// A member's chat limit: 1 to [`CHAT_LIMIT_MAX`], or none for no limit.
pub fn validate_chat_limit(limit: Option<u32>) -> Result<Option<u32>, Rejection> {
    match limit {
        Some(n) if !(1..=CHAT_LIMIT_MAX).contains(&n) => Err(Rejection::field(
            "chat_limit",
            &format!("must be from 1 to {CHAT_LIMIT_MAX}, or null for no limit"),
        )),
        other => Ok(other),
    }
}

/// The link an invitee opens: the inbox, with the token in the fragment (browsers never send a
/// fragment, so the token stays out of every server's and proxy's logs).
pub fn invitation_url(origin: &str, token: &str) -> String {
    format!("{}/inbox#invite={token}", origin.trim_end_matches('/'))
}

/// The token in an inbox URL's fragment, if it carries an invitation.
pub fn invitation_token(fragment: &str) -> Option<&str> {
    fragment
        .trim_start_matches('#')
        .split('&')
        .find_map(|pair| pair.strip_prefix("invite="))
        .filter(|t| {
            !t.is_empty()
                && t.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::api::ErrorCode;

    fn invitation(email: &str, name: &str) -> NewInvitation {
        NewInvitation {
            email: email.into(),
            name: name.into(),
            role: Role::Agent,
            inbox_ids: Vec::new(),
            team_ids: Vec::new(),
        }
    }

    #[test]
    fn inboxes_and_teams_are_trimmed_and_name_each_id_once() {
        let inbox = validate_inbox(&InboxInput {
            name: "  Sales ".into(),
            everyone: false,
            member_ids: vec!["a1".into(), "a2".into()],
            team_ids: vec!["t1".into()],
        })
        .unwrap();
        assert_eq!(inbox.name, "Sales");
        assert_eq!(inbox.member_ids, ["a1", "a2"]);
        let twice = validate_inbox(&InboxInput {
            member_ids: vec!["a1".into(), "a1".into()],
            ..inbox.clone()
        })
        .unwrap_err();
        assert!(twice.message.contains("`member_ids[1]`"), "{twice:?}");
        let nameless = validate_team(&TeamInput {
            name: "\t".into(),
            member_ids: Vec::new(),
        })
        .unwrap_err();
        assert!(nameless.message.contains("`name`"), "{nameless:?}");
        let blank = validate_team(&TeamInput {
            name: "Nights".into(),
            member_ids: vec![" ".into()],
        })
        .unwrap_err();
        assert!(blank.message.contains("`member_ids[0]`"), "{blank:?}");
        let many: Vec<String> = (0..=MAX_LISTED_IDS).map(|i| format!("a{i}")).collect();
        let too_many = validate_inbox(&InboxInput {
            team_ids: many,
            ..inbox
        })
        .unwrap_err();
        assert!(too_many.message.contains("`team_ids`"), "{too_many:?}");
    }

    #[test]
    fn an_invitation_is_normalised() {
        let valid =
            validate_invitation(&invitation("  Grace@Example.COM ", "  Grace Hopper ")).unwrap();
        assert_eq!(valid.email, "grace@example.com");
        assert_eq!(valid.name, "Grace Hopper");
        assert_eq!(valid.role, Role::Agent);
    }

    #[test]
    fn a_bad_invitation_names_its_field() {
        let bad = validate_invitation(&invitation("grace", "Grace")).unwrap_err();
        assert_eq!(bad.code, ErrorCode::InvalidField);
        assert!(bad.message.contains("`email`"));
        let bad = validate_invitation(&invitation("grace@example.com", " ")).unwrap_err();
        assert!(bad.message.contains("`name`"));
    }

    #[test]
    fn an_acceptance_needs_a_name_and_a_long_enough_password() {
        let ok = AcceptInvitation {
            name: " Grace ".into(),
            password: "correct horse battery".into(),
        };
        assert_eq!(validate_acceptance(&ok).unwrap(), "Grace");
        let short = AcceptInvitation {
            password: "short".into(),
            ..ok
        };
        assert!(validate_acceptance(&short)
            .unwrap_err()
            .message
            .contains("`password`"));
    }

    #[test]
    fn a_chat_limit_is_positive_and_bounded_or_none() {
        assert_eq!(validate_chat_limit(None), Ok(None));
        assert_eq!(validate_chat_limit(Some(1)), Ok(Some(1)));
        assert_eq!(
            validate_chat_limit(Some(CHAT_LIMIT_MAX)),
            Ok(Some(CHAT_LIMIT_MAX))
        );
        for bad in [0, CHAT_LIMIT_MAX + 1] {
            let refused = validate_chat_limit(Some(bad)).unwrap_err();
            assert!(refused.message.contains("`chat_limit`"), "{refused:?}");
        }
    }

    #[test]
    fn the_link_keeps_the_token_in_the_fragment_and_gives_it_back() {
        let url = invitation_url("https://chat.example/", "abc_DEF-123");
        assert_eq!(url, "https://chat.example/inbox#invite=abc_DEF-123");
        let fragment = url.split_once('#').map(|(_, f)| f).unwrap();
        assert_eq!(invitation_token(fragment), Some("abc_DEF-123"));
        assert_eq!(invitation_token("#invite=abc"), Some("abc"));
        assert_eq!(invitation_token("#other=1&invite=abc"), Some("abc"));
        assert_eq!(invitation_token("#invite="), None);
        assert_eq!(invitation_token("#invite=<script>"), None);
        assert_eq!(invitation_token(""), None);
    }
}
