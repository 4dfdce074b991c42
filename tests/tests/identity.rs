//! Identified visitors and allowed domains, against the running Worker. A site's backend signs
//! its user's e-mail with the site's identity secret (made by an admin); the frame presents it to
//! `POST /api/widget/identify`. Only a verified address links devices and merges visitors; a
//! forged one changes nothing. Allowed domains refuse other sites' pages on the config and the
//! visitor API, and become the frame's `frame-ancestors`.
//!
//! Every test holds the demo site ([`SiteSettings`]): they make new secrets and change settings.

use hmac::{Hmac, Mac};
use porchlight_tests::{new_client_id, Edge, Reply, SiteSettings};
use protocol::api::{CurrentConversation, ErrorCode, Identified, SiteSecret, VisitorDetails};
use sha2::Sha256;

/// The token a site's backend computes (docs/identity.md), independently of the Worker's code.
fn sign(secret: &str, email: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(email.trim().to_lowercase().as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn new_secret(s: &SiteSettings) -> String {
    let reply = s.edge.as_agent(
        &s.cookie,
        "POST",
        &format!("/api/admin/sites/{}/identity/secret", s.edge.site_id),
        None,
    );
    assert_eq!(reply.status, 201, "{}", reply.body);
    let made: SiteSecret = reply.json();
    made.secret.expect("a secret")
}

fn identify(edge: &Edge, device_token: Option<&str>, email: &str, token: &str) -> Reply {
    let auth = device_token.map(|t| format!("Bearer {t}"));
    let mut headers = vec![("content-type", "application/json")];
    if let Some(auth) = &auth {
        headers.push(("authorization", auth));
    }
    // As the frame sends it: its own query, with parameters the endpoint ignores.
    let body = serde_json::json!({
        "site": edge.site_id, "email": email, "token": token, "host": "https://shop.example",
    });
    edge.request(
        "POST",
        "/api/widget/identify",
        &headers,
        Some(&body.to_string()),
    )
}

fn identified(edge: &Edge, device_token: Option<&str>, email: &str, token: &str) -> Identified {
    let reply = identify(edge, device_token, email, token);
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()
}

fn current(edge: &Edge, token: &str) -> Option<String> {
    let reply = edge.request(
        "GET",
        "/api/widget/conversations/current",
        &[("authorization", &format!("Bearer {token}"))],
        None,
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply
        .json::<CurrentConversation>()
        .conversation
        .map(|c| c.id)
}

fn unique_user() -> String {
    format!("  {}@Customers.Example ", new_client_id())
}

#[test]
fn a_verified_user_is_one_contact_on_every_device() {
    let s = SiteSettings::hold();
    let secret = new_secret(&s);
    assert_eq!(secret.len(), 64);
    // Admins read it back for their backend; nobody else does.
    let path = format!("/api/admin/sites/{}/identity", s.edge.site_id);
    let shown: SiteSecret = s.edge.as_agent(&s.cookie, "GET", &path, None).json();
    assert_eq!(shown.secret.as_deref(), Some(secret.as_str()));
    s.edge
        .request("GET", &path, &[], None)
        .assert_error(401, ErrorCode::Unauthenticated);
    let (_, agent) = s.edge.new_member(&s.cookie, "agent");
    let refused = s.edge.as_agent(&agent, "GET", &path, None);
    refused.assert_error(403, ErrorCode::Forbidden);
    assert!(!refused.body.contains(&secret));

    // Device A: an anonymous chat, then the site says who this is.
    let email = unique_user();
    let token = sign(&secret, &email);
    let first = s.edge.start_conversation(None, "Hello before signing in");
    let linked = identified(&s.edge, Some(&first.visitor_token), &email, &token);
    assert_eq!(
        linked.visitor_token, first.visitor_token,
        "A keeps its token"
    );
    assert_eq!(linked.email, email.trim().to_lowercase());
    assert!(linked.associated);
    let again = identified(&s.edge, Some(&first.visitor_token), &email, &token);
    assert_eq!(again.visitor_token, first.visitor_token);
    assert!(!again.associated, "nothing new to associate");

    // Device B, signed in as the same user: its own token, the same conversation.
    let other_device = identified(&s.edge, None, &email, &token);
    assert_ne!(other_device.visitor_token, first.visitor_token);
    assert!(other_device.associated);
    assert_eq!(
        current(&s.edge, &other_device.visitor_token).as_deref(),
        Some(first.conversation_id.as_str())
    );
    let history = s
        .edge
        .visitor_history(&other_device.visitor_token, &first.conversation_id, 0);
    assert_eq!(history[0].body, "Hello before signing in");

    // The team sees the verified address, which agents cannot change.
    let details: VisitorDetails = s
        .edge
        .as_agent(
            &s.cookie,
            "GET",
            &format!("/api/agent/conversations/{}/visitor", first.conversation_id),
            None,
        )
        .json();
    assert_eq!(
        details.verified_email.as_deref(),
        Some(linked.email.as_str())
    );
    assert_eq!(details.email.as_deref(), Some(linked.email.as_str()));

    // Device C chatted anonymously first: signing in merges its chat into the contact's, and
    // every device of the contact now sees it as the latest.
    let stranger = s.edge.start_conversation(None, "Hello from a third device");
    let merged = identified(&s.edge, Some(&stranger.visitor_token), &email, &token);
    assert_eq!(merged.visitor_token, stranger.visitor_token);
    assert!(merged.associated);
    assert_eq!(
        current(&s.edge, &first.visitor_token).as_deref(),
        Some(stranger.conversation_id.as_str())
    );
    assert_eq!(
        s.edge
            .visitor_history(&other_device.visitor_token, &stranger.conversation_id, 0)[0]
            .body,
        "Hello from a third device"
    );

    // Another user signing in on device A gets a contact of their own, not A's chats.
    let someone_else = unique_user();
    let switched = identified(
        &s.edge,
        Some(&first.visitor_token),
        &someone_else,
        &sign(&secret, &someone_else),
    );
    assert_ne!(switched.visitor_token, first.visitor_token);
    assert_eq!(current(&s.edge, &switched.visitor_token), None);
}

#[test]
fn forged_or_outdated_identities_change_nothing() {
    let s = SiteSettings::hold();
    let old_secret = new_secret(&s);
    let email = unique_user();
    let old_token = sign(&old_secret, &email);
    let secret = new_secret(&s);
    assert_ne!(secret, old_secret);
    let token = sign(&secret, &email);

    let anonymous = s.edge.start_conversation(None, "Just browsing");
    let mut forged = token.clone();
    forged.replace_range(..2, if forged.starts_with("00") { "11" } else { "00" });
    for (email, token) in [
        (email.as_str(), forged.as_str()),
        (email.as_str(), old_token.as_str()),
        ("grace.hopper@customers.example", token.as_str()),
        (email.as_str(), "not hex"),
    ] {
        for device in [None, Some(anonymous.visitor_token.as_str())] {
            identify(&s.edge, device, email, token).assert_error(403, ErrorCode::IdentityInvalid);
        }
    }
    identify(&s.edge, None, "not an address", &token).assert_error(400, ErrorCode::InvalidField);
    // The visitor is still the anonymous one with their chat, and no contact was made: the
    // first verified identification is a first association.
    assert_eq!(
        current(&s.edge, &anonymous.visitor_token).as_deref(),
        Some(anonymous.conversation_id.as_str())
    );
    let first = identified(&s.edge, None, &email, &token);
    assert!(first.associated);
    assert_eq!(current(&s.edge, &first.visitor_token), None);

    // From another site's page, the visitor API refuses before reading anything.
    let reply = s.edge.request(
        "POST",
        "/api/widget/identify",
        &[("origin", "https://evil.example")],
        Some(
            &serde_json::json!({"site": s.edge.site_id, "email": email, "token": token})
                .to_string(),
        ),
    );
    reply.assert_error(403, ErrorCode::OriginNotAllowed);
}

#[test]
fn a_site_may_let_only_identified_visitors_chat() {
    let s = SiteSettings::hold();
    let secret = new_secret(&s);
    let mut settings = s.original.clone();
    settings.identity.required = true;
    assert_eq!(s.put(&settings).status, 200);

    let body = serde_json::json!({
        "site_id": s.edge.site_id,
        "first_message": { "client_id": new_client_id(), "body": "Let me in" },
    })
    .to_string();
    let start = |auth: Option<&str>| {
        let auth = auth.map(|t| format!("Bearer {t}"));
        let headers: Vec<(&str, &str)> =
            auth.iter().map(|a| ("authorization", a.as_str())).collect();
        s.edge
            .request("POST", "/api/widget/conversations", &headers, Some(&body))
    };
    let refused = start(None);
    refused.assert_error(403, ErrorCode::IdentityRequired);
    // The widget shows the message as it is.
    assert!(refused.body.contains("sign in"), "{}", refused.body);
    // Nor may an anonymous visitor from before carry on with a new conversation.
    let mut open = s.original.clone();
    open.identity.required = false;
    assert_eq!(s.put(&open).status, 200);
    let anonymous = s.edge.start_conversation(None, "Before the rule");
    assert_eq!(s.put(&settings).status, 200);
    start(Some(&anonymous.visitor_token)).assert_error(403, ErrorCode::IdentityRequired);

    let email = unique_user();
    let visitor = identified(&s.edge, None, &email, &sign(&secret, &email));
    let started = s
        .edge
        .start_conversation(Some(&visitor.visitor_token), "Signed in, hello");
    assert_eq!(started.visitor_token, visitor.visitor_token);
}

#[test]
fn allowed_domains_keep_other_sites_from_embedding_the_chat() {
    let s = SiteSettings::hold();
    let frame_csp = |edge: &Edge| {
        let reply = edge.request(
            "GET",
            &format!("/widget/frame?site={}", edge.site_id),
            &[],
            None,
        );
        assert_eq!(reply.status, 200);
        reply
            .header("content-security-policy")
            .expect("a CSP")
            .to_owned()
    };
    assert!(frame_csp(&s.edge).ends_with("frame-ancestors *"));

    // A bad entry is refused, naming it, and changes nothing.
    let mut settings = s.original.clone();
    settings.allowed_domains = vec!["shop.example".into(), "shop.example/checkout".into()];
    let reply = s.put(&settings);
    reply.assert_error(400, ErrorCode::InvalidField);
    assert!(reply.body.contains("allowed_domains[1]"), "{}", reply.body);
    assert!(frame_csp(&s.edge).ends_with("frame-ancestors *"));

    settings.allowed_domains = vec!["Shop.Example".into(), "http://localhost:3000".into()];
    let stored: protocol::settings::ChatSettings = s.put(&settings).json();
    assert_eq!(
        stored.allowed_domains,
        ["https://shop.example", "http://localhost:3000"]
    );
    assert!(frame_csp(&s.edge)
        .ends_with("frame-ancestors 'self' https://shop.example http://localhost:3000"));

    let allowed = s.config_reply(&[("origin", "https://shop.example")]);
    assert!(allowed.header("vary").is_some_and(|v| v.contains("origin")));
    let config_path = format!("/api/sites/{}/widget-config", s.edge.site_id);
    for origin in [
        "https://evil.example",
        "http://shop.example",
        "https://www.shop.example",
    ] {
        let refused = s
            .edge
            .request("GET", &config_path, &[("origin", origin)], None);
        refused.assert_error(403, ErrorCode::OriginNotAllowed);
        // Readable by the loader, which logs why and takes itself off the page.
        assert_eq!(refused.header("access-control-allow-origin"), Some("*"));
    }
    // The frame's own requests (same origin) are never refused.
    let own = s.config_reply(&[("origin", &s.edge.url)]);
    assert_eq!(own.status, 200);

    // Nor can another site's page start a chat through the visitor API.
    let body = serde_json::json!({
        "site_id": s.edge.site_id,
        "first_message": { "client_id": new_client_id(), "body": "Impersonating" },
    })
    .to_string();
    s.edge
        .request(
            "POST",
            "/api/widget/conversations",
            &[("origin", "https://evil.example")],
            Some(&body),
        )
        .assert_error(403, ErrorCode::OriginNotAllowed);
}

#[test]
fn a_contact_the_team_knew_by_address_is_merged_when_the_site_verifies_it() {
    let s = SiteSettings::hold();
    let secret = new_secret(&s);
    let email = unique_user();
    let address = email.trim().to_lowercase();
    // The team knew this person by their address, typed in from an earlier chat.
    let earlier = s.edge.start_conversation(None, "a question, anonymously");
    let reply = s.edge.as_agent(
        &s.cookie,
        "PUT",
        &format!(
            "/api/agent/conversations/{}/visitor",
            earlier.conversation_id
        ),
        Some(&serde_json::json!({ "name": "Known by mail", "email": address })),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    // Later, signed in on the site, on another device.
    let device = identified(&s.edge, None, &email, &sign(&secret, &email));
    let later = s
        .edge
        .start_conversation(Some(&device.visitor_token), "signed in now");

    let q = address.replace('@', "%40");
    let found: protocol::api::ContactList = s
        .edge
        .as_agent(
            &s.cookie,
            "GET",
            &format!("/api/agent/contacts?q={q}"),
            None,
        )
        .json();
    assert_eq!(found.contacts.len(), 1, "one person: {found:?}");
    let page: protocol::api::ContactPage = s
        .edge
        .as_agent(
            &s.cookie,
            "GET",
            &format!("/api/agent/contacts/{}", found.contacts[0].id),
            None,
        )
        .json();
    let mut chats: Vec<&str> = page.conversations.iter().map(|c| c.id.as_str()).collect();
    chats.sort_unstable();
    let mut expected = [
        earlier.conversation_id.as_str(),
        later.conversation_id.as_str(),
    ];
    expected.sort_unstable();
    assert_eq!(chats, expected);
    assert_eq!(page.contact.name.as_deref(), Some("Known by mail"));
    assert_eq!(page.verified_email.as_deref(), Some(address.as_str()));
    assert_eq!(page.merges.len(), 1, "recorded, so it can be undone");
    assert_eq!(page.merges[0].merged_by, None, "by Porchlight");
    // The signed-in device does not read the anonymous chat: a merge is the team's view.
    let history = s.edge.request(
        "GET",
        &format!(
            "/api/widget/conversations/{}/messages?after=0",
            earlier.conversation_id
        ),
        &[("authorization", &format!("Bearer {}", device.visitor_token))],
        None,
    );
    assert!(matches!(history.status, 403 | 404), "{}", history.body);
}
