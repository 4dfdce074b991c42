//! Nothing accepted is lost (issue 20): a reply an agent saw acknowledged goes out or shows as
//! failed, never stays "queued". Faults are made for real in D1 from the test: a lease held by
//! hand (as a dying attempt leaves it), jobs whose queue message is gone (rows nobody is
//! working on), and messages the queues gave up on (dead letters), which admins see and send
//! back.

use std::time::{Duration, Instant};

use domain::meta::{Content, EventKind, InboundEvent, MetaChannel};
use porchlight_tests::meta::{
    connect, conversation_where, deliver, messenger_text, settled, unique_id, FakeGraph,
    QUEUE_TIMEOUT,
};
use porchlight_tests::{local_sql, new_client_id, now_ms, Edge};
use protocol::api::{EmailList, EmailStatus, ErrorCode, HousekeepingDone, MessageAccepted};
use protocol::queues::DeadLetterList;
use protocol::reply::{Delivery, DeliveryState};
use serde_json::json;

/// A Messenger conversation of a Page of this test's own, with one message from the person.
struct Thread {
    edge: Edge,
    cookie: String,
    fake: FakeGraph,
    page: String,
    psid: String,
    conversation: String,
}

impl Thread {
    fn start() -> Self {
        let edge = Edge::from_env();
        let cookie = edge.sign_in();
        let page = unique_id();
        connect(&edge, &cookie, "messenger", &page);
        let psid = unique_id();
        let marker = format!("Do you ship abroad? {}", unique_id());
        let mid = format!("m_{}", unique_id());
        deliver(
            &edge,
            "messenger",
            &messenger_text(&page, &psid, &mid, &marker, now_ms()),
        );
        let row = conversation_where(&edge, &cookie, |c| c.last_message_preview == marker);
        Self {
            conversation: row.id,
            edge,
            cookie,
            fake: FakeGraph::from_env(),
            page,
            psid,
        }
    }

    /// The Send API request the Worker makes for a text reply within the window.
    fn request(&self, text: &str) -> String {
        json!([{
            "recipient": { "id": self.psid },
            "messaging_type": "RESPONSE",
            "message": { "text": text },
        }])
        .to_string()
    }

    /// Records a reply by hand, as the object's hand-off records it: `seq`, one part, with
    /// `attempts` made, last touched at `updated_at`, leased until `leased_until`.
    fn record(&self, seq: u64, text: &str, attempts: u32, updated_at: i64, leased_until: i64) {
        local_sql(&format!(
            "INSERT INTO meta_sends (id, conversation_id, seq, requests, parts, state, attempts, \
             leased_until, created_at, updated_at) VALUES ('{c}:{seq}', '{c}', {seq}, '{r}', 1, \
             'queued', {attempts}, {leased}, {updated_at}, {updated_at})",
            c = self.conversation,
            r = self.request(text).replace('\'', "''"),
            leased = if leased_until > 0 {
                leased_until.to_string()
            } else {
                "NULL".to_owned()
            },
        ));
    }

    fn sent_texts(&self) -> Vec<String> {
        self.fake
            .requests()
            .into_iter()
            .filter(|r| r["path"] == format!("/v21.0/{}/messages", self.page))
            .filter_map(|r| r["body"]["message"]["text"].as_str().map(str::to_owned))
            .collect()
    }

    /// Waits (bounded) until reply `seq` is in `state`.
    fn settled(&self, seq: u64, state: DeliveryState) -> Delivery {
        settled(&self.edge, &self.cookie, &self.conversation, seq, state)
    }
}

/// Records a dead letter of the inbound queue by hand, as its dead-letter consumer records one;
/// its id.
fn dead_letter(body: &str, reason: &str, failures: u32) -> String {
    let key = format!(
        "porchlight-inbound.{}",
        domain::credentials::sha256_hex(body)
    );
    local_sql(&format!(
        "INSERT INTO dead_letters (key, queue, body, reason, failures, first_at, last_at, \
         dead_at) VALUES ('{key}', 'porchlight-inbound', '{}', '{reason}', {failures}, \
         {now}, {now}, {now})",
        body.replace('\'', "''"),
        now = now_ms()
    ));
    key
}

fn housekeeping(edge: &Edge, admin: &str) -> HousekeepingDone {
    let reply = edge.as_agent(admin, "POST", "/api/admin/housekeeping", None);
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()
}

#[test]
fn a_reply_whose_lease_is_held_goes_out_after_the_lease_instead_of_being_dropped() {
    let thread = Thread::start();
    let text = format!("It ships everywhere. {}", unique_id());
    // An earlier attempt at reply 2 took its lease and died: the row is there, held for a few
    // seconds more, when the reply's job arrives.
    thread.record(2, &text, 1, now_ms(), now_ms() + 5_000);
    let reply = thread.edge.as_agent(
        &thread.cookie,
        "POST",
        &format!("/api/agent/conversations/{}/messages", thread.conversation),
        Some(&json!({ "client_id": new_client_id(), "body": text })),
    );
    assert_eq!(reply.status, 201, "{}", reply.body);
    assert_eq!(reply.json::<MessageAccepted>().message.seq, 2);

    // The job found the lease held, waited for it to end, and sent the reply once.
    thread.settled(2, DeliveryState::Sent);
    let sent = thread.sent_texts();
    assert_eq!(sent.iter().filter(|t| **t == text).count(), 1, "{sent:?}");
}

#[test]
fn replies_stuck_queued_are_sent_again_or_failed_visibly_by_the_sweep() {
    let thread = Thread::start();
    let long_ago = now_ms() - 60 * 60 * 1000;
    let lost = format!("This job was lost. {}", unique_id());
    let spent = format!("This one ran out of tries. {}", unique_id());
    thread.record(90, &lost, 2, long_ago, 0);
    thread.record(91, &spent, 8, long_ago, long_ago);

    // (Another test's run may take up these rows first: what counts is what became of them.)
    housekeeping(&thread.edge, &thread.cookie);
    thread.settled(90, DeliveryState::Sent);
    assert!(thread.sent_texts().contains(&lost));
    let failed = thread.settled(91, DeliveryState::Failed);
    assert!(
        failed
            .error
            .as_deref()
            .unwrap_or_default()
            .contains("8 attempts"),
        "{failed:?}"
    );
    assert!(!thread.sent_texts().contains(&spent));
}

#[test]
fn emails_stuck_queued_are_attempted_again_or_failed_by_the_sweep() {
    let edge = Edge::from_env();
    let admin = edge.sign_in();
    let created = edge.start_conversation(None, "Please send me the transcript");
    let conversation = created.conversation_id;
    let long_ago = now_ms() - 60 * 60 * 1000;
    let (lost, spent) = (
        format!("e-lost-{}", unique_id()),
        format!("e-spent-{}", unique_id()),
    );
    for (id, attempts) in [(&lost, 1), (&spent, 8)] {
        local_sql(&format!(
            "INSERT INTO emails (id, conversation_id, kind, to_address, subject, status, \
             attempts, created_at, attempted_at) VALUES ('{id}', '{conversation}', \
             'transcript', 'visitor@example.test', 'Your conversation', 'queued', {attempts}, \
             {long_ago}, {long_ago})"
        ));
    }
    housekeeping(&edge, &admin);

    let emails = |id: &str| {
        let reply = edge.as_agent(
            &admin,
            "GET",
            &format!("/api/agent/conversations/{conversation}/emails"),
            None,
        );
        assert_eq!(reply.status, 200, "{}", reply.body);
        reply
            .json::<EmailList>()
            .emails
            .into_iter()
            .find(|e| e.id == id)
            .expect("listed")
    };
    // The lost one's job ran again: it is no longer waiting (sent, or failed for a reason of
    // its own, such as the demo site having no sender address).
    let deadline = Instant::now() + QUEUE_TIMEOUT;
    while emails(&lost).status == EmailStatus::Queued {
        assert!(Instant::now() < deadline, "never attempted again");
        std::thread::sleep(Duration::from_millis(100));
    }
    let spent = emails(&spent);
    assert_eq!(spent.status, EmailStatus::Failed);
    assert!(spent.error.unwrap_or_default().contains("8 attempts"));
}

#[test]
fn a_dead_letter_is_shown_to_admins_and_sent_back_from_there() {
    let edge = Edge::from_env();
    let admin = edge.sign_in();
    let cookie = admin.clone();
    let page = unique_id();
    connect(&edge, &cookie, "messenger", &page);
    let psid = unique_id();
    let marker = format!("Lost in the queue {}", unique_id());
    let mid = format!("m_{}", unique_id());
    // What the inbound queue carries for one text message (its consumer's input).
    let event = InboundEvent {
        channel: MetaChannel::Messenger,
        account: page,
        contact: psid,
        contact_name: None,
        at: now_ms(),
        standby: false,
        kind: EventKind::Message {
            external_id: mid,
            content: Content::Text(marker.clone()),
            reply_to: None,
        },
    };
    let body = serde_json::to_string(&event).expect("an event");
    let key = dead_letter(&body, "Meta did not answer", 11);

    let listed = || {
        let reply = edge.as_agent(&admin, "GET", "/api/admin/dead-letters", None);
        assert_eq!(reply.status, 200, "{}", reply.body);
        reply.json::<DeadLetterList>()
    };
    let found = listed();
    let letter = found
        .dead_letters
        .iter()
        .find(|d| d.id == key)
        .expect("listed for admins");
    assert!(found.count >= 1);
    assert_eq!(letter.reason, "Meta did not answer");
    assert_eq!(letter.failures, 11);

    // Agents do not see them; a retry of something that is not there changes nothing.
    let (_, agent) = edge.new_member(&admin, "agent");
    edge.as_agent(&agent, "GET", "/api/admin/dead-letters", None)
        .assert_error(403, ErrorCode::Forbidden);
    edge.as_agent(
        &admin,
        "POST",
        "/api/admin/dead-letters/nothing/retry",
        None,
    )
    .assert_error(404, ErrorCode::NotFound);

    // Sent back: the event is taken in, and the letter leaves the list.
    let path = format!("/api/admin/dead-letters/{key}/retry");
    let reply = edge.as_agent(&admin, "POST", &path, None);
    assert_eq!(reply.status, 204, "{}", reply.body);
    conversation_where(&edge, &cookie, |c| c.last_message_preview == marker);
    assert!(!listed().dead_letters.iter().any(|d| d.id == key));
    edge.as_agent(&admin, "POST", &path, None)
        .assert_error(404, ErrorCode::NotFound);
}

#[test]
fn a_queued_message_that_cannot_be_read_is_a_dead_letter_at_once_not_lost() {
    let edge = Edge::from_env();
    let admin = edge.sign_in();
    // A body no consumer can read, put on the inbound queue the one way a test can: as a dead
    // letter sent back.
    let body = format!("{{\"not an event\": \"{}\"", unique_id());
    let key = dead_letter(&body, "put here by the test", 1);
    let reply = edge.as_agent(
        &admin,
        "POST",
        &format!("/api/admin/dead-letters/{key}/retry"),
        None,
    );
    assert_eq!(reply.status, 204, "{}", reply.body);

    // The consumer cannot read it: it is back among the dead letters at once, saying why.
    let deadline = Instant::now() + QUEUE_TIMEOUT;
    loop {
        let list: DeadLetterList = edge
            .as_agent(&admin, "GET", "/api/admin/dead-letters", None)
            .json();
        if let Some(letter) = list.dead_letters.iter().find(|d| d.id == key) {
            assert!(letter.reason.contains("cannot be read"), "{letter:?}");
            assert_eq!(letter.body, body);
            break;
        }
        assert!(Instant::now() < deadline, "never buried");
        std::thread::sleep(Duration::from_millis(100));
    }
}
