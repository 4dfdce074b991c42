//! Reports against the running Worker: conversations started in a period, counted per day;
//! first response and time to close; who answered (a member made here, so their figures are
//! exact whatever else runs); a channel filter; bad periods refused; admins only.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use porchlight_tests::{new_client_id, Edge};
use protocol::api::{ErrorCode, Report};
use serde_json::json;

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

fn report(edge: &Edge, cookie: &str, query: &str) -> Report {
    let reply = edge.as_agent(cookie, "GET", &format!("/api/admin/reports?{query}"), None);
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()
}

#[test]
fn a_report_counts_conversations_responses_closes_and_who_answered() {
    let edge = Edge::from_env();
    let admin = edge.sign_in();
    let (member, cookie) = edge.new_member(&admin, "agent");
    let from = now_ms() - 5_000;
    let reply = |conversation: &str, body: &str| {
        let r = edge.as_agent(
            &cookie,
            "POST",
            &format!("/api/agent/conversations/{conversation}/messages"),
            Some(&json!({ "client_id": new_client_id(), "body": body })),
        );
        assert_eq!(r.status, 201, "{}", r.body);
    };
    let first = edge
        .start_conversation(None, "question one")
        .conversation_id;
    let second = edge
        .start_conversation(None, "question two")
        .conversation_id;
    reply(&first, "answer one");
    reply(&first, "answer one, again");
    reply(&second, "answer two");
    let closed = edge.as_agent(
        &cookie,
        "POST",
        &format!("/api/agent/conversations/{first}/close"),
        None,
    );
    assert_eq!(closed.status, 200, "{}", closed.body);
    let to = now_ms() + 60_000;
    let period = format!("from={from}&to={to}");

    // Replies are counted as they are published, just after they are acknowledged.
    let deadline = Instant::now() + Duration::from_secs(10);
    let report = loop {
        let r = report(&edge, &admin, &period);
        if r.agents
            .iter()
            .any(|a| a.agent_id == member.id && a.replies == 3)
        {
            break r;
        }
        assert!(
            Instant::now() < deadline,
            "the member's replies were never counted: {r:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    let mine = report
        .agents
        .iter()
        .find(|a| a.agent_id == member.id)
        .expect("listed");
    assert_eq!((mine.conversations, mine.replies), (2, 3));
    assert_eq!(mine.name, member.name);
    assert!(report.started >= 2);
    assert_eq!(
        report.per_day.iter().map(|d| d.started).sum::<u32>(),
        report.started
    );
    assert!(report.first_response.count >= 2);
    assert!(report.first_response.median_ms.is_some_and(|m| m >= 0));
    assert!(report.time_to_close.count >= 1);
    assert!(report.time_to_close.p90_ms.is_some());

    // Messenger had none of it.
    let messenger = self::report(&edge, &admin, &format!("{period}&channel=messenger"));
    assert!(!messenger.agents.iter().any(|a| a.agent_id == member.id));
    // Agents do not read reports.
    edge.as_agent(
        &cookie,
        "GET",
        &format!("/api/admin/reports?{period}"),
        None,
    )
    .assert_error(403, ErrorCode::Forbidden);
}

#[test]
fn bad_periods_and_channels_are_refused() {
    let edge = Edge::from_env();
    let admin = edge.sign_in();
    for query in [
        "from=2000&to=1000",
        "from=0&to=99999999999999",
        "from=yesterday",
        "channel=email",
        "to=-5",
    ] {
        edge.as_agent(&admin, "GET", &format!("/api/admin/reports?{query}"), None)
            .assert_error(400, ErrorCode::InvalidField);
    }
    // Without a period: the last seven days.
    let last_week = report(&edge, &admin, "");
    assert_eq!(last_week.to - last_week.from, 7 * 24 * 60 * 60 * 1000);
    assert!((7..=8).contains(&last_week.per_day.len()));
}
