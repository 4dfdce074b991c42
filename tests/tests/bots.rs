//! Chatflow bots against the running Worker, in the conversation's Durable Object: a bot flow's
//! conversation is answered by its bot (a bot author, after its typing pause), which asks,
//! re-asks what does not fit, saves answers on the contact, branches and hands over to the
//! team; with nobody there it takes the visitor's e-mail and message; a session finishes on
//! the version it started with; a member writing silences it; and its webhook calls are signed
//! with the site's secret, and their answers set properties and choose where it goes on.

use std::time::Duration;

use porchlight_tests::contacts::{page, property_path, unique_key};
use porchlight_tests::flows::{first_inbox, make_published, start_on};
use porchlight_tests::{eventually, local_query, new_client_id, Edge, SiteSettings};
use protocol::api::{
    ContactPage, ConversationCreated, ConversationList, ConversationSummary, FlowReport,
    SiteSecret, VisitorDetails,
};
use protocol::settings::{AvailabilityMode, BusinessHours};
use protocol::{Author, Message};
use serde_json::{json, Value};

const WAIT: Duration = Duration::from_secs(15);

/// A bot flow for pages under `path`.
fn bot_flow(inbox: &str, path: &str, actions: Value, options: Value) -> Value {
    json!({
        "name": format!("Bot {}", new_client_id()),
        "kind": "bot",
        "inbox_id": inbox,
        "language": "en",
        "enabled": true,
        "targeting": { "pages": { "include": [{ "part": "path", "test": "starts_with", "value": path }] } },
        "bot": { "actions": actions, "options": options },
    })
}

/// A page of its own for one test's flow.
fn unique_path() -> String {
    format!("/bot-{}", new_client_id())
}

fn send(edge: &Edge, chat: &ConversationCreated, text: &str) {
    let reply = edge.request(
        "POST",
        &format!(
            "/api/widget/conversations/{}/messages",
            chat.conversation_id
        ),
        &[
            ("authorization", &format!("Bearer {}", chat.visitor_token)),
            ("content-type", "application/json"),
        ],
        Some(&json!({ "client_id": new_client_id(), "body": text }).to_string()),
    );
    assert!(matches!(reply.status, 200 | 201), "{}", reply.body);
}

fn history(edge: &Edge, chat: &ConversationCreated) -> Vec<Message> {
    edge.visitor_history(&chat.visitor_token, &chat.conversation_id, 0)
}

fn said(messages: &[Message]) -> Vec<&str> {
    messages
        .iter()
        .filter(|m| matches!(m.author, Author::Bot { .. }))
        .map(|m| m.body.as_str())
        .collect()
}

/// Waits until the bot has said `text`; the log then.
fn until_said(edge: &Edge, chat: &ConversationCreated, text: &str) -> Vec<Message> {
    eventually(&format!("the bot saying {text:?}"), WAIT, || {
        let log = history(edge, chat);
        said(&log).contains(&text).then_some(log)
    })
}

/// The e-mail the team has for the chat's visitor.
fn visitor_email(edge: &Edge, admin: &str, chat: &ConversationCreated) -> Option<String> {
    let path = format!("/api/agent/conversations/{}/visitor", chat.conversation_id);
    let details: VisitorDetails = edge.as_agent(admin, "GET", &path, None).json();
    details.email
}

fn sql_text(sql: &str) -> Vec<String> {
    local_query(sql)
        .iter()
        .map(|row| row[0].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// What the conversation's bot sessions did: the actions reached, and how they ended.
fn report(conversation: &str) -> (Vec<String>, Vec<String>) {
    let reached = sql_text(&format!(
        "SELECT action FROM bot_events WHERE conversation_id = '{conversation}' \
         AND action IS NOT NULL ORDER BY rowid"
    ));
    let ended = sql_text(&format!(
        "SELECT outcome FROM bot_events WHERE conversation_id = '{conversation}' \
         AND outcome IS NOT NULL ORDER BY rowid"
    ));
    (reached, ended)
}

fn contact_property(edge: &Edge, admin: &str, conversation: &str, key: &str) -> Option<Value> {
    let contact = sql_text(&format!(
        "SELECT contact_id FROM conversations WHERE id = '{conversation}'"
    ));
    let found: ContactPage = page(edge, admin, &contact[0]).json();
    found
        .properties
        .into_iter()
        .find(|p| p.property.key == key)
        .and_then(|p| p.value)
}

/// Closes the conversations a test opened when it ends (passing or not): the demo agent is
/// given some of them, and open ones count against their chat limit, which other tests'
/// availability depends on.
struct Closes<'a> {
    edge: &'a Edge,
    admin: &'a str,
    ids: Vec<String>,
}

impl<'a> Closes<'a> {
    fn new(edge: &'a Edge, admin: &'a str) -> Self {
        Self {
            edge,
            admin,
            ids: Vec::new(),
        }
    }

    /// Starts a conversation on `page` with `text`, closed when the test ends.
    fn start(&mut self, page: &str, text: &str) -> ConversationCreated {
        let chat = start_on(self.edge, page, text);
        self.ids.push(chat.conversation_id.clone());
        chat
    }
}

impl Drop for Closes<'_> {
    fn drop(&mut self) {
        for id in &self.ids {
            self.edge.as_agent(
                self.admin,
                "POST",
                &protocol::routes::Close::new(id).path(),
                None,
            );
        }
    }
}

fn make_property(edge: &Edge, admin: &str, body: Value) {
    let made = edge.as_agent(admin, "POST", &property_path(edge), Some(&body));
    assert_eq!(made.status, 201, "{}", made.body);
}

#[test]
fn a_bot_asks_checks_saves_and_hands_over_to_a_member() {
    let held = SiteSettings::hold();
    let mut s = held.original.clone();
    s.availability.mode = AvailabilityMode::AlwaysOn;
    assert_eq!(held.put(&s).status, 200);
    let (edge, admin) = (&held.edge, held.cookie.as_str());
    let plan = format!("plan_{}", unique_key());
    make_property(
        edge,
        admin,
        json!({ "key": plan, "label": "Plan", "kind": "choice", "options": ["Free", "Pro"] }),
    );
    let me: protocol::api::AgentProfile = edge.as_agent(admin, "GET", "/api/agent/me", None).json();
    let path = unique_path();
    let flow = make_published(
        edge,
        admin,
        &bot_flow(
            &first_inbox(edge, admin),
            &path,
            json!([
                { "id": "hi", "kind": "message", "text": "Hi! I'm the bakery's assistant." },
                { "id": "mail", "kind": "question", "text": "What's your e-mail?",
                  "input": { "kind": "email" }, "save_to": "email",
                  "reask": "That is not an e-mail address." },
                { "id": "plan", "kind": "question", "text": "Which plan?",
                  "input": { "kind": "choices", "options": ["Free", "Pro"] }, "save_to": plan },
                { "id": "which", "kind": "branch", "cases": [
                    { "when": { "kind": "answer", "action": "plan", "test": { "op": "is", "value": "Pro" } },
                      "actions": [{ "id": "sales", "kind": "handover",
                                    "to": { "kind": "member", "agent_id": me.id },
                                    "text": "Let me get Dana for you." }] }],
                  "otherwise": [{ "id": "bye", "kind": "end" }] },
            ]),
            json!({ "typing_delay_ms": 300, "name": "Crumb" }),
        ),
    );

    let mut closes = Closes::new(edge, admin);
    let chat = closes.start(&format!("https://shop.example{path}"), "hello");
    let log = until_said(edge, &chat, "What's your e-mail?");
    assert_eq!(
        said(&log),
        ["Hi! I'm the bakery's assistant.", "What's your e-mail?"]
    );
    let greeting = &log[1];
    assert_eq!(
        greeting.author,
        Author::Bot {
            id: flow.clone(),
            name: "Crumb".into()
        }
    );
    assert!(
        greeting.sent_at - log[0].sent_at >= 300,
        "the bot types for its pause first: {log:?}"
    );

    send(edge, &chat, "not an address");
    until_said(edge, &chat, "That is not an e-mail address.");
    send(edge, &chat, "Ada.Bot@Example.com");
    let log = until_said(edge, &chat, "Which plan?");
    let question = log.iter().rfind(|m| m.body == "Which plan?").unwrap();
    assert_eq!(question.choices, ["Free", "Pro"], "offered as buttons");
    assert_eq!(
        visitor_email(edge, admin, &chat).as_deref(),
        Some("ada.bot@example.com")
    );

    send(edge, &chat, "pro");
    until_said(edge, &chat, "Let me get Dana for you.");
    let id = &chat.conversation_id;
    eventually("the conversation handed to the member", WAIT, || {
        let assignee = sql_text(&format!(
            "SELECT assignee_id FROM conversations WHERE id = '{id}'"
        ));
        (assignee == [me.id.clone()]).then_some(())
    });
    assert_eq!(contact_property(edge, admin, id, &plan), Some(json!("Pro")));
    let (reached, ended) = eventually("the session's report", WAIT, || {
        let report = report(id);
        (!report.1.is_empty()).then_some(report)
    });
    assert_eq!(reached, ["hi", "mail", "plan", "which", "sales"]);
    assert_eq!(ended, ["handed_over"]);
}

#[test]
fn a_session_keeps_its_version_and_a_member_writing_silences_the_bot() {
    let edge = Edge::from_env();
    let admin = edge.sign_in();
    let path = unique_path();
    let script = |v: &str| {
        json!([
            { "id": "name", "kind": "question", "text": format!("Your name? ({v})"),
              "input": { "kind": "text" }, "save_to": "name" },
            { "id": "thanks", "kind": "message", "text": format!("Thanks! ({v})") },
        ])
    };
    let inbox = first_inbox(&edge, &admin);
    // No typing pause: the bot answers within the visitor's own request.
    let options = json!({ "typing_delay_ms": 0 });
    let flow = make_published(
        &edge,
        &admin,
        &bot_flow(&inbox, &path, script("v1"), options.clone()),
    );
    let page = format!("https://shop.example{path}");
    let mut closes = Closes::new(&edge, &admin);
    let first = closes.start(&page, "hi");
    assert_eq!(said(&history(&edge, &first)), ["Your name? (v1)"]);

    let mut v2 = bot_flow(&inbox, &path, script("v2"), options);
    v2["name"] = json!("Bot v2");
    let saved = edge.as_agent(
        &admin,
        "PUT",
        &format!("/api/admin/chatflows/{flow}"),
        Some(&v2),
    );
    assert_eq!(saved.status, 200, "{}", saved.body);
    let published = porchlight_tests::flows::publish(&edge, &admin, &flow);
    assert_eq!(published.status, 201, "{}", published.body);

    send(&edge, &first, "Ada");
    assert_eq!(
        said(&history(&edge, &first)),
        ["Your name? (v1)", "Thanks! (v1)"],
        "a running session finishes on its version"
    );
    let second = closes.start(&page, "hi again");
    assert_eq!(said(&history(&edge, &second)), ["Your name? (v2)"]);

    // A member writes: the bot goes silent, and the visitor's next words are for them.
    let reply = edge.as_agent(
        &admin,
        "POST",
        &format!(
            "/api/agent/conversations/{}/messages",
            second.conversation_id
        ),
        Some(&json!({ "client_id": new_client_id(), "body": "Dana here, how can I help?" })),
    );
    assert_eq!(reply.status, 201, "{}", reply.body);
    send(&edge, &second, "Bob");
    let log = history(&edge, &second);
    assert_eq!(said(&log), ["Your name? (v2)"], "{log:?}");
    assert_eq!(log.last().map(|m| m.body.as_str()), Some("Bob"));
    let (_, ended) = report(&second.conversation_id);
    assert_eq!(ended, ["taken_over"]);

    // A member takes a conversation the bot holds: the row says the bot holds it until then,
    // and the bot goes silent.
    let third = closes.start(&page, "hello there");
    let row = |id: &str| -> ConversationSummary {
        let found: ConversationList = edge
            .as_agent(&admin, "GET", "/api/agent/conversations", None)
            .json();
        found
            .conversations
            .into_iter()
            .find(|c| c.id == id)
            .expect("listed")
    };
    assert!(row(&third.conversation_id).bot_active, "the bot holds it");
    let me: protocol::api::AgentProfile =
        edge.as_agent(&admin, "GET", "/api/agent/me", None).json();
    let taken = edge.as_agent(
        &admin,
        "PUT",
        &format!(
            "/api/agent/conversations/{}/assignee",
            third.conversation_id
        ),
        Some(&json!({ "agent_id": me.id })),
    );
    assert_eq!(taken.status, 200, "{}", taken.body);
    let taken: ConversationSummary = taken.json();
    assert!(!taken.bot_active, "the answer says the bot let go");
    send(&edge, &third, "Carol");
    assert_eq!(said(&history(&edge, &third)), ["Your name? (v2)"]);
    assert_eq!(report(&third.conversation_id).1, ["taken_over"]);

    // The flow's report, per version: v1's one session completed; v2's two taken over.
    let flow_report: FlowReport = edge
        .as_agent(
            &admin,
            "GET",
            &format!("/api/admin/chatflows/{flow}/report"),
            None,
        )
        .json();
    let of = |v: u32| {
        let r = flow_report
            .versions
            .iter()
            .find(|r| r.version == v)
            .unwrap();
        let ended: Vec<(&str, u64)> = r
            .ended
            .iter()
            .map(|o| (o.outcome.as_str(), o.sessions))
            .collect();
        let funnel: Vec<(&str, u64)> = r
            .funnel
            .iter()
            .map(|a| (a.action.as_str(), a.reached))
            .collect();
        (r.started, ended, funnel)
    };
    assert_eq!(
        of(1),
        (1, vec![("completed", 1)], vec![("name", 1), ("thanks", 1)])
    );
    assert_eq!(
        of(2),
        (2, vec![("taken_over", 2)], vec![("name", 2), ("thanks", 0)])
    );
    let agent_only = edge.new_member(&admin, "agent").1;
    edge.as_agent(
        &agent_only,
        "GET",
        &format!("/api/admin/chatflows/{flow}/report"),
        None,
    )
    .assert_error(403, protocol::api::ErrorCode::Forbidden);
    let (reached, ended) = report(&first.conversation_id);
    assert_eq!(
        (reached, ended),
        (
            vec!["name".into(), "thanks".into()],
            vec!["completed".into()]
        )
    );
}

#[test]
fn with_nobody_there_the_bot_takes_the_email_and_the_message() {
    let held = SiteSettings::hold();
    let mut s = held.original.clone();
    // Business hours that never open: offline, with no opening to name.
    s.availability.mode = AvailabilityMode::BusinessHours(Box::new(BusinessHours {
        time_zone: "UTC".into(),
        weekly: Default::default(),
        holidays: Default::default(),
    }));
    assert_eq!(held.put(&s).status, 200);
    let (edge, admin) = (&held.edge, held.cookie.as_str());
    let path = unique_path();
    make_published(
        edge,
        admin,
        &bot_flow(
            &first_inbox(edge, admin),
            &path,
            json!([{ "id": "team", "kind": "handover", "to": { "kind": "routing" } }]),
            json!({ "typing_delay_ms": 0 }),
        ),
    );
    let mut closes = Closes::new(edge, admin);
    let chat = closes.start(&format!("https://shop.example{path}"), "is anyone there?");
    assert_eq!(
        said(&history(edge, &chat)),
        [
            "Nobody from the team is here right now; we're back soon.",
            "What's your e-mail, so we can reply?"
        ]
    );
    send(edge, &chat, "bob.bot@example.com");
    let log = history(edge, &chat);
    assert_eq!(
        said(&log).last(),
        Some(&"Thanks! We'll get back to you as soon as we can.")
    );
    assert_eq!(
        visitor_email(edge, admin, &chat).as_deref(),
        Some("bob.bot@example.com")
    );
    let (_, ended) = eventually("the session's end", WAIT, || {
        let report = report(&chat.conversation_id);
        (!report.1.is_empty()).then_some(report)
    });
    assert_eq!(ended, ["message_taken"]);
}

/// One request as the site's system received it.
struct Received {
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Received {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A site's own system on 127.0.0.1: answers each request with the next of `answers` (status,
/// body), and hands what it received to the test.
fn site_system(answers: Vec<(u16, Value)>) -> (String, std::sync::mpsc::Receiver<Received>) {
    let server = tiny_http::Server::http("127.0.0.1:0").expect("a port");
    let url = format!("http://{}/hook", server.server_addr());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for (status, answer) in answers {
            let Ok(mut request) = server.recv() else {
                return;
            };
            let mut body = Vec::new();
            let _ = std::io::Read::read_to_end(request.as_reader(), &mut body);
            let headers = request
                .headers()
                .iter()
                .map(|h| (h.field.to_string(), h.value.to_string()))
                .collect();
            let _ = tx.send(Received { headers, body });
            let response = tiny_http::Response::from_string(answer.to_string())
                .with_status_code(status)
                .with_header(
                    "content-type: application/json"
                        .parse::<tiny_http::Header>()
                        .expect("a header"),
                );
            let _ = request.respond(response);
        }
    });
    (url, rx)
}

#[test]
fn a_webhook_call_is_signed_and_its_answer_decides_what_the_bot_does() {
    let edge = Edge::from_env();
    let admin = edge.sign_in();
    let tier = format!("tier_{}", unique_key());
    let order = format!("order_{}", unique_key());
    for (key, label) in [(&tier, "Tier"), (&order, "Last order")] {
        make_property(
            &edge,
            &admin,
            json!({ "key": key, "label": label, "kind": "text" }),
        );
    }
    let made = edge.as_agent(
        &admin,
        "POST",
        &format!("/api/admin/sites/{}/webhooks/secret", edge.site_id),
        None,
    );
    assert_eq!(made.status, 201, "{}", made.body);
    let secret = made.json::<SiteSecret>().secret.expect("a secret");
    assert!(secret.starts_with("whsec_"), "{secret}");

    let (url, received) = site_system(vec![
        (
            200,
            json!({ "properties": { tier.clone(): "gold" }, "next": "vip" }),
        ),
        (500, json!({ "error": "down" })),
    ]);
    let path = unique_path();
    make_published(
        &edge,
        &admin,
        &bot_flow(
            &first_inbox(&edge, &admin),
            &path,
            json!([
                { "id": "order", "kind": "question", "text": "Your order number?",
                  "input": { "kind": "text" }, "save_to": order },
                { "id": "lookup", "kind": "webhook", "url": url, "timeout_ms": 5000 },
                { "id": "plain", "kind": "message", "text": "An ordinary order." },
                { "id": "done", "kind": "end" },
                { "id": "vip", "kind": "message", "text": "A gold customer!" },
            ]),
            json!({ "typing_delay_ms": 0, "error_message": "Our system is not answering." }),
        ),
    );
    let page = format!("https://shop.example{path}");
    let mut closes = Closes::new(&edge, &admin);
    let chat = closes.start(&page, "hello");
    send(&edge, &chat, "42");
    until_said(&edge, &chat, "A gold customer!");
    let call = received.recv_timeout(WAIT).expect("the call");
    let signed = domain::webhooks::Signed {
        id: call.header("webhook-id"),
        timestamp: call.header("webhook-timestamp"),
        signatures: call.header("webhook-signature"),
    };
    let now = porchlight_tests::now_ms() / 1000;
    assert_eq!(
        domain::webhooks::verify_webhook(&secret, &signed, &call.body, now),
        Ok(()),
        "signed with the site's secret"
    );
    let sent: Value = serde_json::from_slice(&call.body).expect("JSON");
    assert_eq!(sent["action"], "lookup");
    assert_eq!(sent["answers"]["order"], "42");
    assert_eq!(
        contact_property(&edge, &admin, &chat.conversation_id, &tier),
        Some(json!("gold"))
    );
    assert!(!said(&history(&edge, &chat)).contains(&"An ordinary order."));

    // The site's system fails: the bot says so and hands over.
    let failing = closes.start(&page, "hello");
    send(&edge, &failing, "7");
    until_said(&edge, &failing, "Our system is not answering.");
    let (_, ended) = eventually("the failed session's end", WAIT, || {
        let report = report(&failing.conversation_id);
        (!report.1.is_empty()).then_some(report)
    });
    assert_eq!(ended, ["error"]);
}

#[test]
fn a_bot_may_end_by_closing_the_conversation() {
    let edge = Edge::from_env();
    let admin = edge.sign_in();
    let path = unique_path();
    make_published(
        &edge,
        &admin,
        &bot_flow(
            &first_inbox(&edge, &admin),
            &path,
            json!([
                { "id": "bye", "kind": "message", "text": "We open at nine. Goodbye!" },
                { "id": "end", "kind": "end", "close": true },
            ]),
            json!({ "typing_delay_ms": 0 }),
        ),
    );
    let mut closes = Closes::new(&edge, &admin);
    let chat = closes.start(&format!("https://shop.example{path}"), "when do you open?");
    assert_eq!(said(&history(&edge, &chat)), ["We open at nine. Goodbye!"]);
    let id = &chat.conversation_id;
    eventually("the conversation closed", WAIT, || {
        let status = sql_text(&format!(
            "SELECT status FROM conversations WHERE id = '{id}'"
        ));
        (status == ["closed"]).then_some(())
    });
    let reply = edge.request(
        "POST",
        &format!("/api/widget/conversations/{id}/messages"),
        &[
            ("authorization", &format!("Bearer {}", chat.visitor_token)),
            ("content-type", "application/json"),
        ],
        Some(&json!({ "client_id": new_client_id(), "body": "hello?" }).to_string()),
    );
    reply.assert_error(409, protocol::api::ErrorCode::ConversationClosed);
    assert_eq!(report(id).1, ["completed"]);
}
