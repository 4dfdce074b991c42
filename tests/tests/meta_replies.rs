//! Agents' replies on Messenger and WhatsApp against the running Worker, with Meta's Graph API
//! played by the recording fake (`GRAPH_API_BASE`): each reply goes through the REPLIES queue to
//! the Send API of its Page or number, under Meta's windows (a response within 24 hours, the
//! `HUMAN_AGENT` tag up to 7 days, nothing after on Messenger; WhatsApp text only within 24
//! hours), split when long, sent once whatever is redelivered; rate limits and Meta's temporary
//! errors are retried, refusals fail the reply with a reason, an expired token flags the
//! connection; statuses, deliveries and reads move replies forward only, and echoes of our own
//! replies add nothing. After 24 hours WhatsApp takes an approved template, filled in (the
//! body, a text header's value or a media header's file, the buttons' values). Every test uses
//! its own Page or number, so they run side by side.

use porchlight_tests::meta::{
    connect, conversation_where, deliver, messages, messenger_events, messenger_text, settled,
    unique_id, whatsapp_body, whatsapp_text, FakeGraph,
};
use porchlight_tests::{new_client_id, Edge, Reply, PNG};
use protocol::api::{ConnectionList, ErrorCode, TokenState};
use protocol::reply::{Delivery, DeliveryState, TemplateList};
use serde_json::{json, Value};

const HOUR: i64 = 60 * 60 * 1000;

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

/// A Meta conversation with one message from the person, written `age` ms ago.
struct Thread {
    edge: Edge,
    cookie: String,
    fake: FakeGraph,
    account: String,
    contact: String,
    conversation: String,
    connection: String,
}

impl Thread {
    fn messenger(age: i64) -> Self {
        Self::start("messenger", |account, contact, marker| {
            let mid = format!("m_{}", unique_id());
            messenger_text(account, contact, &mid, marker, now() - age)
        })
    }

    fn whatsapp(age: i64) -> Self {
        Self::start("whatsapp", |account, contact, marker| {
            whatsapp_text(account, contact, marker, now() - age)
        })
    }

    /// Connects a new account on `channel`, and the person writes the webhook body `first`
    /// makes of (account, contact, text).
    fn start(channel: &str, first: impl Fn(&str, &str, &str) -> String) -> Self {
        let edge = Edge::from_env();
        let cookie = edge.sign_in();
        let account = unique_id();
        let connection = connect(&edge, &cookie, channel, &account);
        let contact = unique_id();
        let marker = format!("Is the blue one in stock? {}", unique_id());
        deliver(&edge, channel, &first(&account, &contact, &marker));
        let row = conversation_where(&edge, &cookie, |c| c.last_message_preview == marker);
        Self {
            conversation: row.id,
            edge,
            cookie,
            fake: FakeGraph::from_env(),
            account,
            contact,
            connection,
        }
    }

    fn send_path(&self) -> String {
        format!("/v21.0/{}/messages", self.account)
    }

    fn reply_with_id(&self, client_id: &str, text: &str) -> Reply {
        self.edge.as_agent(
            &self.cookie,
            "POST",
            &format!("/api/agent/conversations/{}/messages", self.conversation),
            Some(&json!({ "client_id": client_id, "body": text })),
        )
    }

    /// Replies and checks the reply was taken; its sequence number.
    fn reply(&self, text: &str) -> u64 {
        let reply = self.reply_with_id(&new_client_id(), text);
        assert_eq!(reply.status, 201, "{}", reply.body);
        reply.json::<protocol::api::MessageAccepted>().message.seq
    }

    /// Waits (bounded) until reply `seq` is in `state`.
    fn settled(&self, seq: u64, state: DeliveryState) -> Delivery {
        settled(&self.edge, &self.cookie, &self.conversation, seq, state)
    }

    /// The Send API calls for this thread's Page or number, waiting for at least `count`.
    /// Uploads `bytes` as the agent's next file in this conversation; the upload's id.
    fn upload(&self, name: &str, bytes: &[u8]) -> String {
        let reply = self.edge.request_bytes(
            "POST",
            &format!(
                "/api/agent/conversations/{}/uploads?name={name}",
                self.conversation
            ),
            &[
                ("cookie", &self.cookie),
                ("origin", &self.edge.url),
                ("content-type", "application/octet-stream"),
            ],
            Some(bytes),
        );
        assert_eq!(reply.status, 201, "{}", reply.body);
        reply.json::<protocol::Attachment>().id
    }

    fn send_file(&self, text: &str, upload: &str) -> Reply {
        self.edge.as_agent(
            &self.cookie,
            "POST",
            &format!("/api/agent/conversations/{}/messages", self.conversation),
            Some(&json!({ "client_id": new_client_id(), "body": text, "attachment": upload })),
        )
    }

    fn sent(&self, count: usize) -> Vec<Value> {
        self.fake.wait_for(&self.send_path(), count)
    }

    fn connection_state(&self) -> TokenState {
        let list: ConnectionList = self
            .edge
            .as_agent(
                &self.cookie,
                "GET",
                &format!("/api/admin/sites/{}/connections", self.edge.site_id),
                None,
            )
            .json();
        list.connections
            .into_iter()
            .find(|c| c.id == self.connection)
            .expect("the connection is listed")
            .token_state
    }
}

/// Meta's id for the `n`th (from 0) call to this thread's Send API.
fn external_id(call: &Value) -> String {
    let answer = &call["answer"];
    answer["message_id"]
        .as_str()
        .or_else(|| answer["messages"][0]["id"].as_str())
        .expect("a successful answer has an id")
        .to_owned()
}

#[test]
fn a_messenger_reply_goes_once_as_a_response_and_moves_to_read() {
    let t = Thread::messenger(60_000);
    let client_id = new_client_id();
    let first = t.reply_with_id(&client_id, "We open at ten on Sundays.");
    assert_eq!(first.status, 201, "{}", first.body);
    let seq = first.json::<protocol::api::MessageAccepted>().message.seq;
    let sent = t.settled(seq, DeliveryState::Sent);
    assert_eq!(sent.error, None);
    // A resend of the same reply is the same message and is not sent again.
    assert_eq!(
        t.reply_with_id(&client_id, "We open at ten on Sundays.")
            .status,
        200
    );

    let calls = t.sent(1);
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(
        calls[0]["body"],
        json!({
            "recipient": { "id": t.contact },
            "messaging_type": "RESPONSE",
            "message": { "text": "We open at ten on Sundays." },
        })
    );
    assert!(
        !calls[0]["query"].as_str().unwrap_or("").contains("token"),
        "the token travels in a header, never in the URL"
    );
    let mid = external_id(&calls[0]);

    // Meta echoes our reply back, then delivers, then the person reads it.
    let probe = format!("Thanks! {}", unique_id());
    let at = now();
    deliver(
        &t.edge,
        "messenger",
        &messenger_events(
            &t.account,
            &[
                json!({ "sender": { "id": t.account }, "recipient": { "id": t.contact },
                    "timestamp": at - 2, "message": { "is_echo": true, "app_id": 1517, "mid": mid,
                    "text": "We open at ten on Sundays." } }),
                json!({ "sender": { "id": t.contact }, "recipient": { "id": t.account },
                    "timestamp": at - 1, "delivery": { "mids": [mid], "watermark": at - 1 } }),
                json!({ "sender": { "id": t.contact }, "recipient": { "id": t.account },
                    "timestamp": at, "message": { "mid": format!("m_{}", unique_id()), "text": probe } }),
            ],
        ),
    );
    conversation_where(&t.edge, &t.cookie, |c| c.last_message_preview == probe);
    let stored = messages(&t.edge, &t.cookie, &t.conversation);
    assert_eq!(
        stored
            .iter()
            .filter(|m| m.body == "We open at ten on Sundays.")
            .count(),
        1,
        "the echo of our own reply adds nothing: {stored:?}"
    );
    t.settled(seq, DeliveryState::Delivered);
    deliver(
        &t.edge,
        "messenger",
        &messenger_events(
            &t.account,
            &[
                json!({ "sender": { "id": t.contact }, "recipient": { "id": t.account },
                "timestamp": now(), "read": { "watermark": now() } }),
            ],
        ),
    );
    t.settled(seq, DeliveryState::Read);
    // A late delivery report never moves it back.
    deliver(
        &t.edge,
        "messenger",
        &messenger_events(
            &t.account,
            &[
                json!({ "sender": { "id": t.contact }, "recipient": { "id": t.account },
                "timestamp": now(), "delivery": { "mids": [mid] } }),
            ],
        ),
    );
    let probe = format!("One more {}", unique_id());
    deliver(
        &t.edge,
        "messenger",
        &messenger_text(
            &t.account,
            &t.contact,
            &format!("m_{}", unique_id()),
            &probe,
            now(),
        ),
    );
    conversation_where(&t.edge, &t.cookie, |c| c.last_message_preview == probe);
    assert_eq!(t.settled(seq, DeliveryState::Read).seq, seq);
}

#[test]
fn a_long_reply_is_split_in_order_and_nothing_is_lost() {
    let t = Thread::messenger(60_000);
    let text = (1..=800)
        .map(|n| format!("w{n:03}"))
        .collect::<Vec<_>>()
        .join(" "); // 3,999 characters
    let seq = t.reply(&text);
    t.settled(seq, DeliveryState::Sent);
    let calls = t.sent(2);
    assert_eq!(calls.len(), 2, "{calls:?}");
    let parts: Vec<&str> = calls
        .iter()
        .map(|c| c["body"]["message"]["text"].as_str().expect("text"))
        .collect();
    assert!(parts.iter().all(|p| p.chars().count() <= 2_000));
    assert_eq!(parts.join(" "), text);
}

#[test]
fn meta_windows_decide_what_may_be_sent() {
    // Messenger, 30 hours on: a human agent's reply, tagged.
    let tagged = Thread::messenger(30 * HOUR);
    let seq = tagged.reply("Sorry for the wait: yes, we can.");
    tagged.settled(seq, DeliveryState::Sent);
    let body = &tagged.sent(1)[0]["body"];
    assert_eq!(body["messaging_type"], "MESSAGE_TAG");
    assert_eq!(body["tag"], "HUMAN_AGENT");

    // Messenger, 8 days on: refused, and nothing stored or sent.
    let closed = Thread::messenger(8 * 24 * HOUR);
    let before = messages(&closed.edge, &closed.cookie, &closed.conversation).len();
    closed
        .reply_with_id(&new_client_id(), "Hello again")
        .assert_error(409, ErrorCode::ReplyWindowClosed);
    assert_eq!(
        messages(&closed.edge, &closed.cookie, &closed.conversation).len(),
        before
    );

    // WhatsApp: free text within 24 hours …
    let open = Thread::whatsapp(60_000);
    let seq = open.reply("Yes, in every size.");
    open.settled(seq, DeliveryState::Sent);
    let body = &open.sent(1)[0]["body"];
    assert_eq!(body["messaging_product"], "whatsapp");
    assert_eq!(body["to"], open.contact.as_str());
    assert_eq!(body["type"], "text");
    assert_eq!(body["text"]["body"], "Yes, in every size.");
    // … and a file only if it is an upload of the agent's (nothing is stored otherwise).
    open.edge
        .as_agent(
            &open.cookie,
            "POST",
            &format!("/api/agent/conversations/{}/messages", open.conversation),
            Some(&json!({ "client_id": new_client_id(), "body": "", "attachment": "u_none" })),
        )
        .assert_error(400, ErrorCode::UnknownUpload);

    // … and after 24 hours only a template.
    let late = Thread::whatsapp(25 * HOUR);
    late.reply_with_id(&new_client_id(), "Still there?")
        .assert_error(409, ErrorCode::ReplyWindowClosed);
    assert!(late
        .fake
        .requests()
        .iter()
        .all(|r| r["path"] != late.send_path()));
}

#[test]
fn rate_limits_are_retried_and_refusals_fail_with_a_reason() {
    let limited = Thread::messenger(60_000);
    limited.fake.respond(
        &limited.send_path(),
        400,
        json!({ "error": { "message": "(#613) Calls to this api have exceeded the rate limit.",
            "type": "OAuthException", "code": 613 } }),
        1,
    );
    let seq = limited.reply("Coming right up.");
    assert_eq!(limited.settled(seq, DeliveryState::Sent).error, None);
    assert_eq!(limited.sent(2).len(), 2, "one refused, one taken");

    let busy = Thread::whatsapp(60_000);
    busy.fake
        .respond(&busy.send_path(), 503, json!("Service Unavailable"), 1);
    let seq = busy.reply("On its way.");
    busy.settled(seq, DeliveryState::Sent);
    assert_eq!(busy.sent(2).len(), 2);

    let away = Thread::messenger(60_000);
    away.fake.respond(
        &away.send_path(),
        400,
        json!({ "error": { "message": "(#551) This person isn't available right now.",
            "code": 551, "error_subcode": 1545041 } }),
        1,
    );
    let seq = away.reply("Hello?");
    let failed = away.settled(seq, DeliveryState::Failed);
    assert!(
        failed
            .error
            .as_deref()
            .is_some_and(|e| e.contains("not available")),
        "{failed:?}"
    );
    assert_eq!(away.sent(1).len(), 1, "a refusal is not retried");
}

#[test]
fn an_expired_token_fails_the_reply_and_flags_the_connection() {
    let t = Thread::messenger(60_000);
    t.fake.respond(
        &t.send_path(),
        401,
        json!({ "error": { "message": "Error validating access token: Session has expired.",
            "type": "OAuthException", "code": 190, "error_subcode": 463 } }),
        1,
    );
    let seq = t.reply("Are you there?");
    let failed = t.settled(seq, DeliveryState::Failed);
    assert!(
        failed
            .error
            .as_deref()
            .is_some_and(|e| e.contains("reconnect")),
        "{failed:?}"
    );
    assert_eq!(t.connection_state(), TokenState::Expired);
    // The next reply fails at once, without calling Meta with a token it refused.
    let next = t.reply("Hello?");
    t.settled(next, DeliveryState::Failed);
    assert_eq!(t.fake.wait_for(&t.send_path(), 1).len(), 1);
}

#[test]
fn whatsapp_statuses_move_replies_forward_and_explain_failures() {
    let t = Thread::whatsapp(60_000);
    let seq = t.reply("Your order is ready.");
    t.settled(seq, DeliveryState::Sent);
    let wamid = external_id(&t.sent(1)[0]);
    let status = |id: &str, state: &str, extra: Value| {
        let mut status = json!({ "id": id, "status": state,
            "timestamp": (now() / 1000).to_string(), "recipient_id": t.contact });
        if let (Some(target), Some(more)) = (status.as_object_mut(), extra.as_object()) {
            target.extend(more.clone());
        }
        whatsapp_body(&t.account, json!({ "statuses": [status] }))
    };
    // Read arrives before delivered (Meta reorders): read stays.
    deliver(&t.edge, "whatsapp", &status(&wamid, "read", json!({})));
    t.settled(seq, DeliveryState::Read);
    deliver(&t.edge, "whatsapp", &status(&wamid, "delivered", json!({})));

    let second = t.reply("Pick it up any time.");
    t.settled(second, DeliveryState::Sent);
    let calls = t.sent(2);
    let second_wamid = external_id(&calls[1]);
    deliver(
        &t.edge,
        "whatsapp",
        &status(
            &second_wamid,
            "failed",
            json!({ "errors": [{ "code": 131047, "title": "Re-engagement message",
                "error_data": { "details": "Message failed to send because more than 24 hours have passed." } }] }),
        ),
    );
    let failed = t.settled(second, DeliveryState::Failed);
    assert!(
        failed
            .error
            .as_deref()
            .is_some_and(|e| e.contains("approved template")),
        "{failed:?}"
    );
    assert_eq!(t.settled(seq, DeliveryState::Read).seq, seq, "unchanged");
}

#[test]
fn after_24_hours_whatsapp_takes_an_approved_template_filled_in() {
    let t = Thread::whatsapp(25 * HOUR);
    let path = |tail: &str| format!("/api/agent/conversations/{}/{tail}", t.conversation);
    let list: TemplateList = t
        .edge
        .as_agent(&t.cookie, "GET", &path("templates"), None)
        .json();
    let names: Vec<&str> = list.templates.iter().map(|x| x.name.as_str()).collect();
    assert_eq!(
        names,
        ["order_ready", "reservation", "shipped", "spring_sale"],
        "only those we can fill in"
    );
    let asked = t
        .fake
        .wait_for("/v21.0/102290129340398/message_templates", 1);
    assert!(asked.iter().all(|r| r["method"] == "GET"));

    // Bad input is refused and changes nothing.
    let before = messages(&t.edge, &t.cookie, &t.conversation).len();
    let send = |body: Value| {
        t.edge
            .as_agent(&t.cookie, "POST", &path("template"), Some(&body))
    };
    send(
        json!({ "client_id": new_client_id(), "name": "nope", "language": "en_US", "params": [] }),
    )
    .assert_error(404, ErrorCode::UnknownTemplate);
    send(
        json!({ "client_id": new_client_id(), "name": "order_ready", "language": "en_US",
        "params": ["Ada"] }),
    )
    .assert_error(400, ErrorCode::InvalidField);
    send(
        json!({ "client_id": new_client_id(), "name": "order_ready", "language": "en_US",
        "params": ["Ada", "two\nlines"] }),
    )
    .assert_error(400, ErrorCode::InvalidField);
    send(
        json!({ "client_id": "bad id!", "name": "order_ready", "language": "en_US",
        "params": ["Ada", "#42"] }),
    )
    .assert_error(400, ErrorCode::InvalidClientId);
    assert_eq!(messages(&t.edge, &t.cookie, &t.conversation).len(), before);

    // Filled in: stored as the customer reads it, sent as the template, once.
    let client_id = new_client_id();
    let body = json!({ "client_id": client_id, "name": "order_ready", "language": "en_US",
        "params": ["Sheena", "#42"] });
    let stored = send(body.clone());
    assert_eq!(stored.status, 201, "{}", stored.body);
    let message = stored.json::<protocol::api::MessageAccepted>().message;
    assert_eq!(
        message.body,
        "Hi Sheena, your order #42 is ready to collect."
    );
    assert_eq!(send(body).status, 200, "a resend is the same message");
    t.settled(message.seq, DeliveryState::Sent);
    let calls = t.sent(1);
    assert_eq!(calls.len(), 1);
    assert_eq!(
        calls[0]["body"],
        json!({
            "messaging_product": "whatsapp", "recipient_type": "individual", "to": t.contact,
            "type": "template",
            "template": { "name": "order_ready", "language": { "code": "en_US" },
                "components": [{ "type": "body", "parameters": [
                    { "type": "text", "text": "Sheena" }, { "type": "text", "text": "#42" }] }] },
        })
    );

    // A text header's value and the buttons' values: the header over the body in the thread.
    let shipped = |header: Value, buttons: Value| {
        send(
            json!({ "client_id": new_client_id(), "name": "shipped", "language": "en_US",
            "header_param": header, "button_params": buttons }),
        )
    };
    shipped(Value::Null, json!(["ABC123", "SAVE10"])).assert_error(400, ErrorCode::InvalidField);
    let reply = shipped(json!("#42"), json!(["ABC 123", "SAVE10"]));
    reply.assert_error(400, ErrorCode::InvalidField);
    assert!(reply.body.contains("`button_params`"), "{}", reply.body);
    let reply = shipped(json!("#42"), json!(["ABC123", "SAVE10"]));
    assert_eq!(reply.status, 201, "{}", reply.body);
    let message = reply.json::<protocol::api::MessageAccepted>().message;
    assert_eq!(message.body, "Order #42\n\nIt is on its way.");
    t.settled(message.seq, DeliveryState::Sent);
    let components = &t.sent(2)[1]["body"]["template"]["components"];
    assert_eq!(
        *components,
        json!([
            { "type": "header", "parameters": [{ "type": "text", "text": "#42" }] },
            { "type": "button", "sub_type": "url", "index": "0",
              "parameters": [{ "type": "text", "text": "ABC123" }] },
            { "type": "button", "sub_type": "copy_code", "index": "1",
              "parameters": [{ "type": "coupon_code", "coupon_code": "SAVE10" }] },
        ])
    );

    // An image header: the agent's upload, kept with the message, fetched by Meta from a
    // signed link. Without a file, or with one of the wrong kind, it is refused.
    let sale = |file: Option<&str>| {
        send(
            json!({ "client_id": new_client_id(), "name": "spring_sale", "language": "en_US",
            "header_file_id": file }),
        )
    };
    let reply = sale(None);
    reply.assert_error(400, ErrorCode::InvalidField);
    assert!(reply.body.contains("`header_file_id`"), "{}", reply.body);
    let text_file = t.upload("notes.txt", b"not a picture");
    let reply = sale(Some(&text_file));
    reply.assert_error(400, ErrorCode::InvalidField);
    assert!(reply.body.contains("`header_file_id`"), "{}", reply.body);
    let picture = t.upload("sale.png", PNG);
    let reply = sale(Some(&picture));
    assert_eq!(reply.status, 201, "{}", reply.body);
    let message = reply.json::<protocol::api::MessageAccepted>().message;
    assert_eq!(
        message.attachment.as_ref().map(|f| f.id.as_str()),
        Some(picture.as_str())
    );
    t.settled(message.seq, DeliveryState::Sent);
    let header = &t.sent(3)[2]["body"]["template"]["components"][0];
    assert_eq!(header["type"], "header");
    let link = header["parameters"][0]["image"]["link"]
        .as_str()
        .expect("an image link");
    let got = t
        .edge
        .request_bytes("GET", &link_path(&t.edge, link), &[], None);
    assert_eq!((got.status, got.bytes.as_slice()), (200, PNG));

    // Templates are WhatsApp's.
    let messenger = Thread::messenger(60_000);
    messenger
        .edge
        .as_agent(
            &messenger.cookie,
            "GET",
            &format!(
                "/api/agent/conversations/{}/templates",
                messenger.conversation
            ),
            None,
        )
        .assert_error(403, ErrorCode::NotOnThisChannel);
}

/// The path and query of a link Meta was given, on the Worker's origin.
fn link_path(edge: &Edge, url: &str) -> String {
    url.strip_prefix(&edge.url)
        .unwrap_or_else(|| panic!("{url} is not on {}", edge.url))
        .to_owned()
}

#[test]
fn files_go_to_meta_from_a_signed_link_that_opens_only_that_file() {
    // Messenger: the text, then the picture, which Meta fetches from the link it is given.
    let thread = Thread::messenger(60_000);
    let upload = thread.upload("cake.png", PNG);
    let reply = thread.send_file("Here it is.", &upload);
    assert_eq!(reply.status, 201, "{}", reply.body);
    let stored = reply.json::<protocol::api::MessageAccepted>().message;
    assert_eq!(
        stored.attachment.as_ref().map(|f| f.id.as_str()),
        Some(upload.as_str())
    );
    thread.settled(stored.seq, DeliveryState::Sent);
    let sent = thread.sent(2);
    assert_eq!(sent[0]["body"]["message"]["text"], "Here it is.");
    let attachment = &sent[1]["body"]["message"]["attachment"];
    assert_eq!(attachment["type"], "image");
    let url = attachment["payload"]["url"].as_str().expect("a link");
    let path = link_path(&thread.edge, url);
    assert!(
        path.starts_with(&format!("/files/{}/{upload}?", thread.conversation)),
        "{path}"
    );
    // No cookie, no token: the link alone opens the file.
    let fetched = thread.edge.request_bytes("GET", &path, &[], None);
    assert_eq!(fetched.status, 200, "{}", fetched.body);
    assert_eq!(fetched.bytes, PNG);
    // A forged, altered or borrowed link opens nothing.
    let forged = format!(
        "{}0",
        path.trim_end_matches(|c: char| c.is_ascii_hexdigit())
    );
    let later = path.replacen("expires=", "expires=9", 1);
    let borrowed = path.replacen(&thread.conversation, "c_another", 1);
    let bare = path.split('?').next().unwrap_or_default().to_owned();
    for bad in [forged, later, borrowed, bare] {
        thread
            .edge
            .request_bytes("GET", &bad, &[], None)
            .assert_error(403, ErrorCode::Forbidden);
    }
    // Sent once: resending the same client id changes nothing.
    assert_eq!(thread.sent(2).len(), 2);

    // WhatsApp: a PDF alone goes as a document with its name.
    let wa = Thread::whatsapp(60_000);
    let upload = wa.upload("menu.pdf", PDF);
    let reply = wa.send_file("", &upload);
    assert_eq!(reply.status, 201, "{}", reply.body);
    let body = &wa.sent(1)[0]["body"];
    assert_eq!(body["type"], "document");
    assert_eq!(body["document"]["filename"], "menu.pdf");
    let path = link_path(&wa.edge, body["document"]["link"].as_str().expect("a link"));
    let fetched = wa.edge.request_bytes("GET", &path, &[], None);
    assert_eq!(fetched.bytes, PDF);

    // Outside the window a file is refused like text, and its upload stays unclaimed.
    let late = Thread::whatsapp(25 * HOUR);
    let upload = late.upload("cake.png", PNG);
    late.send_file("", &upload)
        .assert_error(409, ErrorCode::ReplyWindowClosed);
    assert!(late
        .fake
        .requests()
        .iter()
        .all(|r| r["path"] != late.send_path()));
}

const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";

#[test]
fn a_split_reply_is_delivered_and_read_only_once_every_part_is() {
    let t = Thread::whatsapp(60_000);
    // Text and a picture: two Send API messages for one reply.
    let upload = t.upload("cake.png", PNG);
    let reply = t.send_file("Here is the cake.", &upload);
    assert_eq!(reply.status, 201, "{}", reply.body);
    let seq = reply.json::<protocol::api::MessageAccepted>().message.seq;
    t.settled(seq, DeliveryState::Sent);
    let calls = t.sent(2);
    let (first, second) = (external_id(&calls[0]), external_id(&calls[1]));
    let statuses = |reports: &[(&str, &str)]| {
        let statuses: Vec<Value> = reports
            .iter()
            .map(|(id, state)| {
                json!({ "id": id, "status": state,
                    "timestamp": (now() / 1000).to_string(), "recipient_id": t.contact })
            })
            .collect();
        whatsapp_body(&t.account, json!({ "statuses": statuses }))
    };
    // The first part read, the second only delivered: the reply is delivered, not read.
    deliver(
        &t.edge,
        "whatsapp",
        &statuses(&[(&first, "read"), (&second, "delivered")]),
    );
    t.settled(seq, DeliveryState::Delivered);
    // Once the second is read too, so is the reply.
    deliver(&t.edge, "whatsapp", &statuses(&[(&second, "read")]));
    t.settled(seq, DeliveryState::Read);
}
