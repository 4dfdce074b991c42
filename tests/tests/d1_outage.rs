//! When D1 is down for a while (issue 20): a message taken meanwhile reaches the inbox list once
//! D1 is back, with nobody sending anything more (the conversation object's alarm publishes it
//! again until it goes; before, a failed publish was only logged). D1 is made to fail for real:
//! the test holds its database's lock, and every query of the Worker meets `SQLITE_BUSY`, then
//! lets go. A visitor's message on their socket needs no D1 to be taken (the conversation's own
//! storage), only to be listed.
//!
//! And a close whose index update D1 refused (a trigger the test adds, then drops) still sends
//! its transcript once D1 takes writes again, with nobody asking twice, and only once if they
//! do (before, the close stood in the conversation and its transcript never went).
//!
//! A binary of its own, one test at a time: while D1 is down, no other test of the suite runs.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use porchlight_tests::meta::QUEUE_TIMEOUT;
use porchlight_tests::{local_sql, new_client_id, Edge, SiteSettings};
use protocol::api::{ConversationList, EmailKind, EmailList};
use protocol::frame::{ClientFrame, ServerFrame};
use serde_json::json;

/// The tests here make D1 fail on purpose: one at a time.
static ONE_FAULT_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn alone() -> std::sync::MutexGuard<'static, ()> {
    ONE_FAULT_AT_A_TIME
        .lock()
        .unwrap_or_else(|p| p.into_inner())
}

/// How long D1 stays down.
const OUTAGE: Duration = Duration::from_secs(2);

/// D1's write lock, held by a process of the test's own until dropped.
struct Outage(Child);

impl Outage {
    fn begin() -> Self {
        const SCRIPT: &str = "import glob, sqlite3, sys\n\
            files = [f for f in glob.glob(sys.argv[1] + '/v3/d1/miniflare-D1DatabaseObject/*.sqlite')\n\
                     if not f.endswith('metadata.sqlite')]\n\
            db = sqlite3.connect(files[0], timeout=30, isolation_level=None)\n\
            db.execute('BEGIN IMMEDIATE')\n\
            print('locked', flush=True)\n\
            sys.stdin.read()\n\
            db.execute('ROLLBACK')\n";
        let mut child = Command::new("python3")
            .args(["-c", SCRIPT])
            .arg(std::env::var("STATE_DIR").expect("STATE_DIR"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 runs");
        let mut line = String::new();
        BufReader::new(child.stdout.as_mut().expect("stdout"))
            .read_line(&mut line)
            .expect("the lock is taken");
        assert_eq!(line.trim(), "locked");
        Self(child)
    }

    fn end(mut self) {
        drop(self.0.stdin.take());
        let status = self.0.wait().expect("the lock is let go");
        assert!(status.success());
    }
}

impl Drop for Outage {
    fn drop(&mut self) {
        if let Some(mut stdin) = self.0.stdin.take() {
            let _ = stdin.flush();
        }
        let _ = self.0.wait();
    }
}

fn preview_of(edge: &Edge, cookie: &str, id: &str) -> Option<String> {
    edge.as_agent(cookie, "GET", "/api/agent/conversations", None)
        .json::<ConversationList>()
        .conversations
        .into_iter()
        .find(|c| c.id == id)
        .map(|c| c.last_message_preview)
}

fn wait_until(what: &str, ok: impl Fn() -> bool) {
    let deadline = Instant::now() + QUEUE_TIMEOUT;
    while !ok() {
        assert!(Instant::now() < deadline, "{what} never happened");
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn a_message_taken_while_d1_was_down_reaches_the_list_once_it_is_back() {
    let _alone = alone();
    let edge = Edge::from_env();
    let cookie = edge.sign_in();
    let created = edge.start_conversation(None, "Is the shop open on Sunday?");
    let id = created.conversation_id.clone();
    wait_until("the conversation in the list", || {
        preview_of(&edge, &cookie, &id).as_deref() == Some("Is the shop open on Sunday?")
    });
    let mut socket = edge.visitor_socket(&created.visitor_token, &id, 0);
    socket.replay();

    let outage = Outage::begin();
    let late = format!("And on Monday? {}", new_client_id());
    socket.send(&ClientFrame::Send(protocol::api::SendMessage {
        client_id: new_client_id(),
        body: late.clone(),
        attachment: None,
    }));
    // Taken and acknowledged: durable in the conversation, whatever D1 does.
    loop {
        if let ServerFrame::Ack { .. } = socket.next_message_frame() {
            break;
        }
    }
    // The outage lasts two seconds: not a wait for anything, the fault's length. The publish
    // that follows the message meets it (a publish that came after would only make this test
    // weaker, never fail it).
    std::thread::sleep(OUTAGE);
    outage.end();

    wait_until("the late message in the list", || {
        preview_of(&edge, &cookie, &id).as_deref() == Some(late.as_str())
    });
    socket.close();
}

/// A trigger that makes D1 refuse one conversation's status change, as a failing database
/// would, until dropped.
struct RefusedClose(String);

impl RefusedClose {
    fn of(conversation: &str) -> Self {
        let name = format!(
            "refuse_close_{}",
            conversation.replace(|c: char| !c.is_ascii_alphanumeric(), "_")
        );
        local_sql(&format!(
            "CREATE TRIGGER {name} BEFORE UPDATE OF status ON conversations \
             WHEN NEW.id = '{conversation}' BEGIN SELECT RAISE(ABORT, 'D1 is failing'); END"
        ));
        Self(name)
    }
}

impl Drop for RefusedClose {
    fn drop(&mut self) {
        local_sql(&format!("DROP TRIGGER IF EXISTS {}", self.0));
    }
}

#[test]
fn a_close_whose_index_update_failed_still_sends_its_transcript_once() {
    let _alone = alone();
    let mail = SiteSettings::hold();
    let mut settings = serde_json::to_value(&mail.original).expect("json");
    settings["email"] = json!({
        "from_name": "Larkspur Bakery",
        "from_address": "chat@bakery.example",
        "transcript_on_close": true,
    });
    assert_eq!(mail.put_raw(&settings.to_string()).status, 200);
    let (edge, cookie) = (&mail.edge, &mail.cookie);
    let id = edge
        .start_conversation(None, "Is the shop open on Sunday?")
        .conversation_id;
    let path = |action: &str| format!("/api/agent/conversations/{id}/{action}");
    let reply = edge.as_agent(
        cookie,
        "POST",
        &path("messages"),
        Some(&json!({ "client_id": new_client_id(), "body": "Yes, from ten." })),
    );
    assert_eq!(reply.status, 201, "{}", reply.body);
    let reply = edge.as_agent(
        cookie,
        "PUT",
        &path("visitor"),
        Some(&json!({ "email": "ada@example.com" })),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);

    // D1 refuses the close's index update: the close stands in the conversation, its effects
    // wait.
    let refused = RefusedClose::of(&id);
    let closing = edge.as_agent(cookie, "POST", &path("close"), None);
    assert_eq!(closing.status, 500, "{}", closing.body);
    let transcripts = || {
        edge.as_agent(cookie, "GET", &path("emails"), None)
            .json::<EmailList>()
            .emails
            .into_iter()
            .filter(|e| e.kind == EmailKind::Transcript)
            .count()
    };
    assert_eq!(transcripts(), 0);
    drop(refused);

    // D1 takes writes again: with nobody asking, the index and the transcript follow, once.
    wait_until("the close in the index", || {
        edge.as_agent(cookie, "GET", "/api/agent/conversations", None)
            .json::<ConversationList>()
            .conversations
            .iter()
            .any(|c| c.id == id && c.status == protocol::ConversationStatus::Closed)
    });
    wait_until("the transcript", || transcripts() == 1);
    let again = edge.as_agent(cookie, "POST", &path("close"), None);
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(transcripts(), 1);
}
