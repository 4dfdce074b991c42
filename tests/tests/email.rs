//! E-mail from conversations against the running Worker, with the e-mail provider's API played
//! by the recording fake (`MAIL_API_BASE`): a transcript sent by hand (the whole conversation,
//! escaped HTML, the site's sender, the e-mail's id as idempotency key), retried after a
//! provider error with the same key, failed for good on a refusal; sent by itself on close to a
//! visitor whose address the team filled in, only when an agent took part; to a member given a
//! conversation while away, by hand or as a returning contact's owner; to someone invited,
//! with their link. Bad input changes nothing. The tests change the demo site's settings and
//! script the fake, so they hold the site ([`SiteSettings`]) one at a time, and script only the
//! provider's path.

use std::time::{Duration, Instant};

use porchlight_tests::mail;
use porchlight_tests::meta::FakeGraph;
use porchlight_tests::{new_client_id, Reply, SiteSettings};
use protocol::api::{
    ConversationList, EmailKind, EmailList, EmailRecord, EmailStatus, ErrorCode, InvitationCreated,
    MessagePage, ReplyBy, ReplyChannel, VisitorDetails,
};
use protocol::{Author, ConversationStatus, Message};
use serde_json::{json, Value};

/// The site held for one test ([`SiteSettings`], put back after) with a sender set, and the
/// fake provider.
struct Mail {
    held: SiteSettings,
    fake: FakeGraph,
}

impl std::ops::Deref for Mail {
    type Target = SiteSettings;
    fn deref(&self) -> &SiteSettings {
        &self.held
    }
}

impl Mail {
    /// Holds the site with a sender set (and transcripts on close as `on_close` says).
    fn start(on_close: bool) -> Self {
        let held = SiteSettings::hold();
        let mut settings = serde_json::to_value(&held.original).expect("json");
        settings["email"] = json!({
            "from_name": "Larkspur Bakery",
            "from_address": "chat@bakery.example",
            "transcript_on_close": on_close,
        });
        let reply = held.put_raw(&settings.to_string());
        assert_eq!(reply.status, 200, "{}", reply.body);
        Self {
            fake: FakeGraph::from_env(),
            held,
        }
    }

    /// A conversation: the visitor's question, and the agent's answer unless `answered` is false.
    fn conversation(&self, answered: bool) -> String {
        let created = self
            .edge
            .start_conversation(None, "Do you have <b>rye</b> & spelt?");
        if answered {
            let reply = self.post(
                &created.conversation_id,
                "messages",
                json!({ "client_id": new_client_id(), "body": "Yes, both." }),
            );
            assert_eq!(reply.status, 201, "{}", reply.body);
        }
        created.conversation_id
    }

    fn post(&self, conversation: &str, action: &str, body: Value) -> Reply {
        self.edge.as_agent(
            &self.cookie,
            "POST",
            &format!("/api/agent/conversations/{conversation}/{action}"),
            Some(&body),
        )
    }

    fn emails(&self, conversation: &str) -> Vec<EmailRecord> {
        let reply = self.edge.as_agent(
            &self.cookie,
            "GET",
            &format!("/api/agent/conversations/{conversation}/emails"),
            None,
        );
        assert_eq!(reply.status, 200, "{}", reply.body);
        reply.json::<EmailList>().emails
    }

    /// Waits (bounded) until the e-mail is no longer queued; returns it.
    fn settled(&self, conversation: &str, id: &str) -> EmailRecord {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let email = self
                .emails(conversation)
                .into_iter()
                .find(|e| e.id == id)
                .expect("the e-mail is listed");
            if email.status != EmailStatus::Queued {
                return email;
            }
            assert!(Instant::now() < deadline, "still queued: {email:?}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// What the provider received for e-mail `id`, in order.
    fn received(&self, id: &str) -> Vec<Value> {
        self.fake
            .requests()
            .into_iter()
            .filter(|r| r["path"] == "/mail/emails" && r["idempotency_key"] == id)
            .collect()
    }

    /// The provider's next answer to an e-mail to `to` (e-mails from other tests' conversations,
    /// retried late, are answered as usual).
    fn script(&self, to: &str, status: u16, body: Value) {
        self.fake
            .respond_to("/mail/emails", Some(to), status, body, 1);
    }
}

#[test]
fn a_transcript_sent_by_hand_carries_the_whole_conversation_once() {
    let mail = Mail::start(false);
    let id = mail.conversation(true);
    let reply = mail.post(
        &id,
        "transcript",
        json!({ "to": " Ada@Example.COM ", "subject": "Our chat" }),
    );
    assert_eq!(reply.status, 202, "{}", reply.body);
    let queued: EmailRecord = reply.json();
    assert_eq!(queued.status, EmailStatus::Queued);
    assert_eq!(queued.to, "ada@example.com");
    assert!(queued.requested_by.is_some());

    let sent = mail.settled(&id, &queued.id);
    assert_eq!(sent.status, EmailStatus::Sent, "{sent:?}");
    assert!(sent.sent_at.is_some());
    let received = mail.received(&queued.id);
    assert_eq!(received.len(), 1, "{received:?}");
    let body = &received[0]["body"];
    assert_eq!(body["from"], "\"Larkspur Bakery\" <chat@bakery.example>");
    assert_eq!(body["to"], json!(["ada@example.com"]));
    assert_eq!(body["subject"], "Our chat");
    let text = body["text"].as_str().expect("text");
    assert!(
        text.contains("Do you have <b>rye</b> & spelt?") && text.contains("Yes, both."),
        "{text}"
    );
    let html = body["html"].as_str().expect("html");
    assert!(
        html.contains("Do you have &lt;b&gt;rye&lt;/b&gt; &amp; spelt?"),
        "{html}"
    );
    assert!(!html.contains("<b>rye"));
}

#[test]
fn a_provider_error_is_retried_with_the_same_key_and_a_refusal_is_final() {
    let mail = Mail::start(false);
    let id = mail.conversation(true);

    let ada = format!("ada+{}@example.com", new_client_id());
    mail.script(&ada, 503, json!({ "message": "try later" }));
    let queued: EmailRecord = mail.post(&id, "transcript", json!({ "to": ada })).json();
    assert_eq!(queued.subject, "Your conversation with Larkspur Bakery");
    assert_eq!(mail.settled(&id, &queued.id).status, EmailStatus::Sent);
    let attempts = mail.received(&queued.id);
    assert_eq!(
        attempts.len(),
        2,
        "one failed attempt, one sent: {attempts:?}"
    );

    let bob = format!("bob+{}@example.com", new_client_id());
    mail.script(&bob, 422, json!({ "message": "Invalid `to` field." }));
    let refused: EmailRecord = mail.post(&id, "transcript", json!({ "to": bob })).json();
    let failed = mail.settled(&id, &refused.id);
    assert_eq!(failed.status, EmailStatus::Failed);
    assert!(
        failed
            .error
            .as_deref()
            .is_some_and(|e| e.contains("Invalid `to` field")),
        "{failed:?}"
    );
    assert_eq!(mail.received(&refused.id).len(), 1);
}

#[test]
fn closing_emails_the_transcript_to_a_known_visitor_when_an_agent_took_part() {
    let mail = Mail::start(true);
    let set_visitor = |id: &str, body: Value| {
        mail.edge.as_agent(
            &mail.cookie,
            "PUT",
            &format!("/api/agent/conversations/{id}/visitor"),
            Some(&body),
        )
    };

    // Nobody answered: closing sends nothing.
    let unanswered = mail.conversation(false);
    assert_eq!(
        set_visitor(&unanswered, json!({ "email": "ada@example.com" })).status,
        200
    );
    assert_eq!(mail.post(&unanswered, "close", json!({})).status, 200);
    assert!(mail.emails(&unanswered).is_empty());

    // Answered, and the team knows the visitor's address.
    let id = mail.conversation(true);
    let reply = set_visitor(
        &id,
        json!({ "name": "  Ada Lovelace ", "email": "Ada@Example.com" }),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let details: VisitorDetails = reply.json();
    assert_eq!(details.name.as_deref(), Some("Ada Lovelace"));
    assert_eq!(details.email.as_deref(), Some("ada@example.com"));
    assert_eq!(
        details.page_url.as_deref(),
        Some("https://shop.example/pricing")
    );
    assert_eq!(mail.post(&id, "close", json!({})).status, 200);
    let emails = mail.emails(&id);
    assert_eq!(emails.len(), 1, "{emails:?}");
    assert_eq!(emails[0].to, "ada@example.com");
    assert_eq!(emails[0].requested_by, None);
    assert_eq!(mail.settled(&id, &emails[0].id).status, EmailStatus::Sent);
    // Closing a closed conversation again sends nothing more.
    assert_eq!(mail.post(&id, "close", json!({})).status, 200);
    assert_eq!(mail.emails(&id).len(), 1);
}

#[test]
fn bad_requests_are_refused_and_change_nothing() {
    let mail = Mail::start(false);
    let id = mail.conversation(true);
    mail.post(&id, "transcript", json!({ "to": "not an address" }))
        .assert_error(400, ErrorCode::InvalidField);
    mail.post(
        &id,
        "transcript",
        json!({ "to": "ada@example.com", "subject": "two\nlines" }),
    )
    .assert_error(400, ErrorCode::InvalidField);
    mail.post(
        "c_nothing",
        "transcript",
        json!({ "to": "ada@example.com" }),
    )
    .assert_error(404, ErrorCode::UnknownConversation);
    mail.edge
        .request(
            "POST",
            &format!("/api/agent/conversations/{id}/transcript"),
            &[
                ("cookie", &mail.cookie),
                ("content-type", "application/json"),
            ],
            Some(r#"{"to":"ada@example.com"}"#),
        )
        .assert_error(403, ErrorCode::Forbidden);
    assert!(mail.emails(&id).is_empty());

    let path = format!("/api/agent/conversations/{id}/visitor");
    mail.edge
        .as_agent(
            &mail.cookie,
            "PUT",
            &path,
            Some(&json!({ "email": "nope" })),
        )
        .assert_error(400, ErrorCode::InvalidField);
    let details: VisitorDetails = mail.edge.as_agent(&mail.cookie, "GET", &path, None).json();
    assert_eq!(details.email, None);
}

#[test]
fn a_returning_contact_goes_to_their_owner_who_is_emailed_while_away() {
    let mail = Mail::start(false);
    let edge = &mail.edge;
    let (owner, owner_cookie) = edge.new_member(&mail.cookie, "agent");
    let (here, here_cookie) = edge.new_member(&mail.cookie, "agent");
    let mut watch = edge.list_socket(&here_cookie);
    let reply = edge.as_agent(
        &owner_cookie,
        "PUT",
        "/api/agent/me/status",
        Some(&json!({ "status": "away" })),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    // By contact owner; anyone without one goes to Here.
    let mut settings: Value = edge
        .as_agent(&mail.cookie, "GET", &edge.settings_path(), None)
        .json();
    settings["routing"] = json!({
        "rule": { "kind": "contact_owner", "agent_ids": [here.id] },
        "only_available": true,
    });
    let reply = mail.put_raw(&settings.to_string());
    assert_eq!(reply.status, 200, "{}", reply.body);
    // A rule naming a member who does not exist is refused whole.
    let mut bad = settings.clone();
    bad["routing"]["rule"]["agent_ids"] = json!(["a_nobody"]);
    let reply = mail.put_raw(&bad.to_string());
    reply.assert_error(400, ErrorCode::InvalidField);
    assert!(
        reply.body.contains("`routing.rule.agent_ids[0]`"),
        "{}",
        reply.body
    );

    // A new visitor has no owner: the fallback.
    let first = edge.start_conversation(None, "Do you deliver?");
    let row = watch.next_row_of(&first.conversation_id);
    assert_eq!(row.assignee_id.as_deref(), Some(here.id.as_str()));
    // The team makes them a contact of Owner's, and closes the chat.
    let reply = edge.as_agent(
        &mail.cookie,
        "PUT",
        &format!("/api/agent/conversations/{}/visitor", first.conversation_id),
        Some(&json!({ "name": "Sam", "owner_id": owner.id })),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let reply = mail.post(&first.conversation_id, "close", json!({}));
    assert_eq!(reply.status, 200, "{}", reply.body);

    // Sam comes back: the new conversation goes to their owner, away as they are, and the
    // owner is told by e-mail.
    let second = edge.start_conversation(Some(&first.visitor_token), "It's Sam again");
    assert_ne!(second.conversation_id, first.conversation_id);
    let row = watch.next_row_of(&second.conversation_id);
    assert_eq!(row.assignee_id.as_deref(), Some(owner.id.as_str()));
    let notice = mail
        .emails(&second.conversation_id)
        .into_iter()
        .find(|e| e.kind == protocol::api::EmailKind::Assignment)
        .expect("the owner is e-mailed");
    assert_eq!(notice.to, owner.email);
    let sent = mail.settled(&second.conversation_id, &notice.id);
    assert_eq!(sent.status, EmailStatus::Sent, "{sent:?}");
    assert!(
        mail.emails(&first.conversation_id)
            .iter()
            .all(|e| e.kind != protocol::api::EmailKind::Assignment),
        "nothing for Here, who is present"
    );
    watch.close();
}

#[test]
fn a_member_given_a_conversation_while_away_is_told_by_email() {
    let mail = Mail::start(false);
    let edge = &mail.edge;
    let (away, away_cookie) = edge.new_member(&mail.cookie, "agent");
    let (here, here_cookie) = edge.new_member(&mail.cookie, "agent");
    let _here_present = edge.list_socket(&here_cookie);
    let reply = edge.as_agent(
        &away_cookie,
        "PUT",
        "/api/agent/me/status",
        Some(&json!({ "status": "away" })),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let assign = |conversation: &str, to: &str| {
        let reply = edge.as_agent(
            &mail.cookie,
            "PUT",
            &format!("/api/agent/conversations/{conversation}/assignee"),
            Some(&json!({ "agent_id": to })),
        );
        assert_eq!(reply.status, 200, "{}", reply.body);
    };

    // Given to the member who is here: no e-mail. Given to the one away: one, to them.
    let first = mail.conversation(false);
    assign(&first, &here.id);
    let second = mail.conversation(false);
    assign(&second, &away.id);
    let notice = mail
        .emails(&second)
        .into_iter()
        .find(|e| e.kind == protocol::api::EmailKind::Assignment)
        .expect("an assignment notice is listed");
    assert_eq!(notice.to, away.email);
    let sent = mail.settled(&second, &notice.id);
    assert_eq!(sent.status, EmailStatus::Sent, "{sent:?}");
    let received = mail.received(&notice.id);
    assert_eq!(received.len(), 1);
    let body = &received[0]["body"];
    assert_eq!(body["to"], json!([away.email]));
    let text = body["text"].as_str().expect("text");
    assert!(
        text.contains("assigned you a conversation while you were away"),
        "{text}"
    );
    assert!(text.contains("Do you have <b>rye</b> & spelt?"), "{text}");
    assert!(text.contains(&format!("{}/inbox", edge.url)), "{text}");
    let html = body["html"].as_str().expect("html");
    assert!(html.contains("&lt;b&gt;rye&lt;/b&gt;"), "{html}");
    assert!(
        mail.emails(&first).is_empty(),
        "nothing for a member who is here"
    );
    // Taking one yourself tells nobody.
    let third = mail.conversation(false);
    let reply = edge.as_agent(
        &away_cookie,
        "PUT",
        &format!("/api/agent/conversations/{third}/assignee"),
        Some(&json!({ "agent_id": away.id })),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(mail.emails(&third).is_empty());
}

#[test]
fn an_invitation_goes_by_email_with_a_link_that_works() {
    let mail = Mail::start(false);
    let edge = &mail.edge;
    let email = porchlight_tests::unique_email();
    let reply = edge.invite(&mail.cookie, &email, "agent");
    assert_eq!(reply.status, 201, "{}", reply.body);
    let created: InvitationCreated = reply.json();
    assert!(created.emailed, "{:?}", created.not_emailed_because);

    // The provider is given it, from the site's sender, with the link the admin was shown.
    let deadline = Instant::now() + Duration::from_secs(20);
    let sent = loop {
        let found = mail
            .fake
            .requests()
            .into_iter()
            .find(|r| r["path"] == "/mail/emails" && r["body"]["to"] == json!([email]));
        if let Some(found) = found {
            break found;
        }
        assert!(Instant::now() < deadline, "the invitation was never sent");
        std::thread::sleep(Duration::from_millis(100));
    };
    let body = &sent["body"];
    assert_eq!(body["from"], "\"Larkspur Bakery\" <chat@bakery.example>");
    assert_eq!(
        body["subject"],
        "Join the Larkspur Bakery team on Porchlight"
    );
    let text = body["text"].as_str().expect("text");
    assert!(text.contains(&created.url), "{text}");
    let html = body["html"].as_str().expect("html");
    assert!(html.contains("Join the team"), "{html}");
    // The link works, once.
    let token = porchlight_tests::invitation_token(&created);
    let joined = edge.accept(&token, "Newcomer", porchlight_tests::MEMBER_PASSWORD);
    assert_eq!(joined.status, 201, "{}", joined.body);

    // With no sender address anywhere, the invitation stands and the admin is told why it was
    // not e-mailed.
    let mut settings = serde_json::to_value(&mail.original).expect("json");
    settings["email"] = json!({ "from_address": null, "transcript_on_close": false });
    let reply = mail.put_raw(&settings.to_string());
    assert_eq!(reply.status, 200, "{}", reply.body);
    let reply = edge.invite(&mail.cookie, &porchlight_tests::unique_email(), "agent");
    assert_eq!(reply.status, 201, "{}", reply.body);
    let created: InvitationCreated = reply.json();
    assert!(!created.emailed);
    let why = created.not_emailed_because.unwrap_or_default();
    assert!(why.contains("sender address"), "{why}");
}

/// The agent's view of a conversation's messages.
fn agent_history(mail: &Mail, id: &str) -> Vec<Message> {
    let reply = mail.edge.as_agent(
        &mail.cookie,
        "GET",
        &format!("/api/agent/conversations/{id}/messages?after=0"),
        None,
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json::<MessagePage>().messages
}

fn reply_by(mail: &Mail, id: &str, channel: &str) -> Reply {
    mail.edge.as_agent(
        &mail.cookie,
        "PUT",
        &format!("/api/agent/conversations/{id}/reply-by"),
        Some(&json!({ "channel": channel })),
    )
}

/// What the fake provider answers for received e-mail `email_id`, `times` times.
fn provider_keeps(mail: &Mail, email_id: &str, text: &str, times: u32) {
    mail.fake.respond(
        &format!("/mail/emails/receiving/{email_id}"),
        200,
        json!({ "object": "email", "id": email_id, "text": text, "html": null }),
        times,
    );
}

#[test]
fn a_chat_switched_to_email_reaches_the_visitor_and_their_answer_comes_back() {
    let mail = Mail::start(false);
    let created = mail
        .edge
        .start_conversation(None, "Do you have <b>rye</b> & spelt?");
    let id = created.conversation_id.clone();
    let mut agent = mail.edge.agent_socket(&mail.cookie, &id, 0);
    agent.replay();
    assert_eq!(agent.next_reach(), (false, ReplyChannel::Chat));

    // Without the visitor's address there is nowhere to write: refused, nothing changes.
    reply_by(&mail, &id, "email").assert_error(400, ErrorCode::InvalidField);
    let set = mail.edge.as_agent(
        &mail.cookie,
        "PUT",
        &format!("/api/agent/conversations/{id}/visitor"),
        Some(&json!({ "email": "ada@example.com" })),
    );
    assert_eq!(set.status, 200, "{}", set.body);
    let switched = reply_by(&mail, &id, "email");
    assert_eq!(switched.status, 200, "{}", switched.body);
    assert_eq!(switched.json::<ReplyBy>().channel, ReplyChannel::Email);
    assert_eq!(agent.next_reach(), (false, ReplyChannel::Email));

    // The reply is kept in the chat and goes by e-mail, with an address to answer to.
    let sent = mail.post(
        &id,
        "messages",
        json!({ "client_id": new_client_id(), "body": "We open at 8 on Saturday." }),
    );
    assert_eq!(sent.status, 201, "{}", sent.body);
    let emails = mail.emails(&id);
    assert_eq!(emails.len(), 1, "{emails:?}");
    assert_eq!(emails[0].kind, EmailKind::Reply);
    assert_eq!(emails[0].to, "ada@example.com");
    assert!(emails[0].requested_by.is_some());
    assert_eq!(mail.settled(&id, &emails[0].id).status, EmailStatus::Sent);
    let received = mail.received(&emails[0].id);
    assert_eq!(received.len(), 1, "{received:?}");
    let body = &received[0]["body"];
    let address = body["reply_to"][0]
        .as_str()
        .expect("a reply address")
        .to_owned();
    assert!(address.starts_with(&format!("{id}.")), "{address}");
    assert!(
        address.ends_with(&format!("@{}", mail::inbound_domain())),
        "{address}"
    );
    let text = body["text"].as_str().expect("text");
    assert!(text.contains("We open at 8 on Saturday."), "{text}");
    assert!(text.contains("> Do you have <b>rye</b> & spelt?"), "{text}");
    let html = body["html"].as_str().expect("html");
    assert!(
        html.contains("Do you have &lt;b&gt;rye&lt;/b&gt; &amp; spelt?"),
        "{html}"
    );
    assert_eq!(body["to"][0], "ada@example.com");
    let before = agent_history(&mail, &id).len();

    // Unsigned, wrongly signed, or to an address whose tag is not ours: nothing is stored.
    let event = mail::received_event("rcv-one", "Ada <ada@example.com>", &address);
    mail::post(&mail.edge, "msg_bad", &event, Some("v1,AAAA"))
        .assert_error(403, ErrorCode::Forbidden);
    let unsigned = mail.edge.request(
        "POST",
        "/webhooks/email",
        &[("content-type", "application/json")],
        Some(&event),
    );
    unsigned.assert_error(401, ErrorCode::Unauthenticated);
    let (local, domain) = address.split_once('@').expect("an address");
    let forged_tag = format!("{}.{}@{domain}", id, "0".repeat(16));
    assert!(forged_tag != format!("{local}@{domain}"));
    let forged = mail::received_event("rcv-forged", "x@evil.example", &forged_tag);
    let ignored = mail::post(&mail.edge, "msg_forged", &forged, None);
    assert_eq!(ignored.status, 200, "{}", ignored.body);
    assert!(ignored.body.contains("address"), "{}", ignored.body);
    assert_eq!(agent_history(&mail, &id).len(), before);

    // Signed and to the reply address: what Ada wrote above the quote joins the conversation
    // as hers, once, however often it is delivered.
    provider_keeps(
        &mail,
        "rcv-one",
        "Great, see you then!\r\n\r\nOn Sun, 22 Nov 2026 at 10:00, Larkspur Bakery <\r\n\
         chat@bakery.example> wrote:\r\n> We open at 8 on Saturday.",
        2,
    );
    for delivery in ["msg_1", "msg_1_again"] {
        let taken = mail::post(&mail.edge, delivery, &event, None);
        assert_eq!(taken.status, 200, "{}", taken.body);
    }
    let history = agent_history(&mail, &id);
    assert_eq!(history.len(), before + 1, "{history:?}");
    let answer = history.last().expect("the answer");
    assert_eq!(answer.author, Author::Visitor);
    assert_eq!(answer.body, "Great, see you then!");
    assert!(mail
        .fake
        .requests()
        .iter()
        .any(|r| r["path"] == "/mail/emails/receiving/rcv-one" && r["method"] == "GET"));

    // An answer after the chat was closed reopens it. Its file comes in as the visitor's; one
    // of a kind the site does not take is named with the reason; a picture drawn inline in the
    // HTML (a signature's logo) is not a file.
    assert_eq!(mail.post(&id, "close", json!({})).status, 200);
    mail.fake.respond(
        "/mail/emails/receiving/rcv-two",
        200,
        json!({ "object": "email", "id": "rcv-two", "text": "One more thing: gluten free?",
                "attachments": [
                    { "id": "att-1", "filename": "receipt.txt", "content_type": "text/plain",
                      "content_disposition": "attachment" },
                    { "id": "att-2", "filename": "tool.exe",
                      "content_type": "application/octet-stream" },
                    { "id": "logo", "filename": "logo.png", "content_type": "image/png",
                      "content_disposition": "inline", "content_id": "logo@bakery" }] }),
        1,
    );
    for n in ["att-1", "att-2"] {
        mail.fake.respond(
            &format!("/mail/emails/receiving/rcv-two/attachments/{n}"),
            200,
            json!({ "object": "attachment", "id": n,
                    "download_url": format!("{}/mail/cdn/{n}?signature=s", mail.fake.url) }),
            1,
        );
    }
    mail.fake
        .respond("/mail/cdn/att-1", 200, json!("Receipt 42"), 1);
    mail.fake.respond("/mail/cdn/att-2", 200, json!("MZ"), 1);
    let later = mail::received_event("rcv-two", "ada@example.com", &address);
    let taken = mail::post(&mail.edge, "msg_2", &later, None);
    assert_eq!(taken.status, 200, "{}", taken.body);
    let history = agent_history(&mail, &id);
    let [.., text, file] = history.as_slice() else {
        panic!("the answer and its file: {history:?}");
    };
    assert_eq!(
        text.body,
        "One more thing: gluten free?\n[tool.exe was not taken: files of this kind cannot be \
         sent here]"
    );
    assert_eq!(file.author, Author::Visitor);
    let attachment = file.attachment.as_ref().expect("the receipt");
    assert_eq!(attachment.name, "receipt.txt");
    let bytes = mail.edge.as_agent(
        &mail.cookie,
        "GET",
        &format!(
            "/api/agent/conversations/{id}/attachments/{}",
            attachment.id
        ),
        None,
    );
    assert_eq!(bytes.status, 200, "{}", bytes.body);
    assert_eq!(bytes.body, "\"Receipt 42\"");
    assert!(!mail
        .fake
        .requests()
        .iter()
        .any(|r| r["path"] == "/mail/emails/receiving/rcv-two/attachments/logo"));
    let row = mail
        .edge
        .as_agent(&mail.cookie, "GET", "/api/agent/conversations", None);
    let list: ConversationList = row.json();
    let row = list
        .conversations
        .iter()
        .find(|c| c.id == id)
        .expect("listed");
    assert_eq!(row.status, ConversationStatus::Open);

    // The visitor back in the chat: replies go in the chat again, and the agents are told.
    let mut visitor = mail.edge.visitor_socket(&created.visitor_token, &id, 0);
    visitor.replay();
    assert_eq!(agent.next_reach(), (true, ReplyChannel::Email));
    let chat = mail.edge.request(
        "POST",
        &format!("/api/widget/conversations/{id}/messages"),
        &[
            (
                "authorization",
                &format!("Bearer {}", created.visitor_token),
            ),
            ("content-type", "application/json"),
        ],
        Some(&json!({ "client_id": new_client_id(), "body": "I'm back" }).to_string()),
    );
    assert_eq!(chat.status, 201, "{}", chat.body);
    assert_eq!(agent.next_reach(), (true, ReplyChannel::Chat));
    let emails_before = mail.emails(&id).len();
    let reply = mail.post(
        &id,
        "messages",
        json!({ "client_id": new_client_id(), "body": "Welcome back" }),
    );
    assert_eq!(reply.status, 201, "{}", reply.body);
    assert_eq!(mail.emails(&id).len(), emails_before);
    visitor.close();
    assert_eq!(agent.next_reach(), (false, ReplyChannel::Chat));
}

#[test]
fn switching_to_email_needs_a_sender_and_a_website_chat() {
    let held = SiteSettings::hold();
    let mut settings = serde_json::to_value(&held.original).expect("json");
    settings["email"] = json!({ "from_address": null, "transcript_on_close": false });
    assert_eq!(held.put_raw(&settings.to_string()).status, 200);
    let id = held.edge.start_conversation(None, "Hello?").conversation_id;
    let set = held.edge.as_agent(
        &held.cookie,
        "PUT",
        &format!("/api/agent/conversations/{id}/visitor"),
        Some(&json!({ "email": "ada@example.com" })),
    );
    assert_eq!(set.status, 200, "{}", set.body);
    let path = format!("/api/agent/conversations/{id}/reply-by");
    held.edge
        .as_agent(
            &held.cookie,
            "PUT",
            &path,
            Some(&json!({ "channel": "email" })),
        )
        .assert_error(503, ErrorCode::NotConfigured);
    held.edge
        .as_agent(
            &held.cookie,
            "PUT",
            &path,
            Some(&json!({ "channel": "fax" })),
        )
        .assert_error(400, ErrorCode::MalformedBody);
    held.edge
        .as_agent(
            &held.cookie,
            "PUT",
            "/api/agent/conversations/c_nothing/reply-by",
            Some(&json!({ "channel": "chat" })),
        )
        .assert_error(404, ErrorCode::UnknownConversation);
    // Nothing changed: a reply goes in the chat only.
    let reply = held.edge.as_agent(
        &held.cookie,
        "POST",
        &format!("/api/agent/conversations/{id}/messages"),
        Some(&json!({ "client_id": new_client_id(), "body": "Hi" })),
    );
    assert_eq!(reply.status, 201, "{}", reply.body);
    let emails = held.edge.as_agent(
        &held.cookie,
        "GET",
        &format!("/api/agent/conversations/{id}/emails"),
        None,
    );
    assert!(emails.json::<EmailList>().emails.is_empty());
}
