//! Running scripts: every action and input, branches, handovers, webhooks, time.

use protocol::api::{Property, PropertyKind};
use protocol::bot::{HandoverTo, Input};
use serde_json::json;

use super::*;
use crate::bot::answers::read;

#[test]
fn messages_then_the_end_complete_the_session_with_the_typing_delay() {
    let script = bot(json!([
        { "id": "hi", "kind": "message", "text": "Hello!" },
        { "id": "pic", "kind": "message", "text": "", "file": "up_1" },
        { "id": "end", "kind": "end", "close": true, "transcript": true },
    ]));
    let (session, outputs) = run(&script, &World::new(), &[Event::Start]);
    assert_eq!(outcome(&session), Some(Outcome::Completed));
    assert_eq!(
        outputs,
        [
            Output::Reached {
                action: "hi".into()
            },
            Output::Say {
                text: "Hello!".into(),
                file: None,
                choices: vec![],
                delay_ms: 500
            },
            Output::Reached {
                action: "pic".into()
            },
            Output::Say {
                text: String::new(),
                file: Some("up_1".into()),
                choices: vec![],
                delay_ms: 500
            },
            Output::Reached {
                action: "end".into()
            },
            Output::Close { transcript: true },
            Output::Finished {
                outcome: Outcome::Completed
            },
        ]
    );
    // Over for good: coming back, or writing, starts nothing.
    let program = Program::new(&script);
    let later = step(
        &program,
        1,
        session,
        Event::Start,
        &World::new().ctx(99_999_999),
    );
    assert!(later.outputs.is_empty());
}

#[test]
fn a_question_saves_its_answer_and_reasks_until_the_fallback() {
    let script = bot(json!([
        { "id": "size", "kind": "question", "text": "How many people?", "input": { "kind": "number" },
          "save_to": "team_size", "reask": "A number, please.", "attempts": 2,
          "fallback": [{ "id": "lost", "kind": "message", "text": "Never mind." }] },
        { "id": "thanks", "kind": "message", "text": "Thanks!" },
    ]));
    let world = World::new();
    let (session, outputs) = run(&script, &world, &[Event::Start, answer(" 1 200 ")]);
    assert!(outputs.contains(&Output::Save {
        key: "team_size".into(),
        value: "1200".into()
    }));
    assert_eq!(said(&outputs), ["How many people?", "Thanks!"]);
    assert_eq!(session.unwrap().answers["size"], "1200");

    let (session, outputs) = run(
        &script,
        &world,
        &[Event::Start, answer("lots"), answer("many")],
    );
    assert_eq!(
        said(&outputs),
        [
            "How many people?",
            "A number, please.",
            "Never mind.",
            "Thanks!"
        ]
    );
    assert_eq!(
        outcome(&session),
        Some(Outcome::Completed),
        "the fallback rejoins after the question"
    );
    assert!(!outputs.iter().any(|o| matches!(o, Output::Save { .. })));
}

#[test]
fn without_a_fallback_too_many_bad_answers_go_to_the_team() {
    let script = bot(json!([
        { "id": "mail", "kind": "question", "text": "E-mail?", "input": { "kind": "email" },
          "save_to": "email", "attempts": 1 },
    ]));
    let (session, outputs) = run(
        &script,
        &World::new(),
        &[Event::Start, answer("<b>x</b>@y")],
    );
    assert_eq!(outcome(&session), Some(Outcome::NoAnswerMatched));
    assert!(outputs.contains(&Output::Handover {
        to: HandoverTo::Routing
    }));
}

#[test]
fn every_input_reads_what_people_type_and_refuses_the_rest() {
    let choices = Input::Choices {
        options: vec!["Sales".into(), "Support".into()],
        multiple: false,
    };
    let several = Input::Choices {
        options: vec!["Red".into(), "Blue".into()],
        multiple: true,
    };
    let cases: &[(&Input, &str, Option<&str>)] = &[
        (&Input::Text, "  hello there ", Some("hello there")),
        (&Input::Text, "two\u{7}bells", None),
        (&choices, "sales", Some("Sales")),
        (&choices, "2", Some("Support")),
        (&choices, "2.", Some("Support")),
        (&choices, "3", None),
        (&choices, "Billing", None),
        (&several, "blue, RED", Some("Blue, Red")),
        (&several, "blue, green", None),
        (&Input::Email, " Ada@Example.COM ", Some("ada@example.com")),
        (&Input::Email, "<script>x</script>@x.example", None),
        (&Input::Phone, "+44 (20) 7946-0000", Some("+442079460000")),
        (&Input::Phone, "020 7946 0000", None),
        (&Input::Number, "3,5", Some("3.5")),
        (&Input::Number, "1,234.5", Some("1234.5")),
        (&Input::Number, "NaN", None),
        (&Input::Date, "2026-12-24", Some("2026-12-24")),
        (&Input::Date, "24.12.2026", Some("2026-12-24")),
        (&Input::Date, "24/12/2026", Some("2026-12-24")),
        (&Input::Date, "12/24/2026", None),
        (&Input::Date, "2026-02-30", None),
        (&Input::Text, "   ", None),
    ];
    for (input, typed, kept) in cases {
        assert_eq!(read(input, typed).as_deref(), *kept, "{input:?} {typed:?}");
    }
}

#[test]
fn branches_look_at_answers_properties_the_team_the_page_and_the_language() {
    let script = bot(json!([
        { "id": "plan", "kind": "question", "text": "Which plan?", "save_to": "plan",
          "input": { "kind": "choices", "options": ["Free", "Pro"] } },
        { "id": "route", "kind": "branch", "cases": [
            { "when": { "kind": "answer", "action": "plan", "test": { "op": "is", "value": "pro" } },
              "actions": [{ "id": "pro", "kind": "message", "text": "Pro it is." }] },
            { "when": { "kind": "property", "key": "company", "test": { "op": "known" } },
              "actions": [{ "id": "co", "kind": "message", "text": "Hello, company." }] },
            { "when": { "kind": "page", "test": { "op": "contains", "value": "/pricing" } },
              "actions": [{ "id": "pricing", "kind": "message", "text": "On pricing." }] }],
          "otherwise": [{ "id": "other", "kind": "message", "text": "Otherwise." }] },
        { "id": "after", "kind": "message", "text": "After." },
    ]));
    let mut world = World::new();
    let (_, out) = run(&script, &world, &[Event::Start, answer("Pro")]);
    assert_eq!(said(&out)[1..], ["Pro it is.", "After."]);
    world.contact.insert("company".into(), "Acme".into());
    let (_, out) = run(&script, &world, &[Event::Start, answer("free")]);
    assert_eq!(said(&out)[1..], ["Hello, company.", "After."]);
    world.contact.clear();
    let (_, out) = run(&script, &world, &[Event::Start, answer("1")]);
    assert_eq!(said(&out)[1..], ["On pricing.", "After."]);

    let by_team = bot(json!([
        { "id": "b", "kind": "branch", "cases": [
            { "when": { "kind": "team_available" }, "actions": [{ "id": "in", "kind": "message", "text": "In." }] }],
          "otherwise": [{ "id": "out", "kind": "message", "text": "Out." }] },
    ]));
    world.available = false;
    assert_eq!(said(&run(&by_team, &world, &[Event::Start]).1), ["Out."]);
    world.available = true;
    assert_eq!(said(&run(&by_team, &world, &[Event::Start]).1), ["In."]);
}

#[test]
fn a_handover_goes_to_the_team_or_takes_a_message_and_an_email_when_nobody_is_there() {
    let script = bot(json!([
        { "id": "h", "kind": "handover", "to": { "kind": "team", "team_id": "t_sales" } },
    ]));
    let mut world = World::new();
    let (session, out) = run(&script, &world, &[Event::Start]);
    assert_eq!(outcome(&session), Some(Outcome::HandedOver));
    assert!(out.contains(&Output::Handover {
        to: HandoverTo::Team {
            team_id: "t_sales".into()
        }
    }));

    world.available = false;
    let (session, out) = run(&script, &world, &[Event::Start]);
    assert!(matches!(
        session.as_ref().unwrap().status,
        Status::TakingMessage { email: true, .. }
    ));
    assert!(said(&out)[0].contains("back tomorrow at 09:00"), "{out:?}");
    assert!(
        !out.iter().any(|o| matches!(o, Output::Handover { .. })),
        "not yet"
    );
    let (session, out) = run(&script, &world, &[Event::Start, answer("ada@example.com")]);
    assert_eq!(outcome(&session), Some(Outcome::MessageTaken));
    assert!(out.contains(&Output::Save {
        key: "email".into(),
        value: "ada@example.com".into()
    }));
    assert!(out.contains(&Output::Handover {
        to: HandoverTo::Team {
            team_id: "t_sales".into()
        }
    }));

    // With the address known, their next words are the message.
    world
        .contact
        .insert("email".into(), "ada@example.com".into());
    let (session, out) = run(
        &script,
        &world,
        &[Event::Start, answer("Call me about pricing")],
    );
    assert_eq!(outcome(&session), Some(Outcome::MessageTaken));
    assert_eq!(said(&out).len(), 2, "the away text and the thanks: {out:?}");
}

#[test]
fn a_meeting_link_comes_from_the_members_profile() {
    let script = bot(json!([
        { "id": "m", "kind": "meeting", "text": "Book a call:", "member_id": "ag_1" },
    ]));
    let (_, out) = run(&script, &World::new(), &[Event::Start]);
    assert_eq!(said(&out), ["Book a call:\nhttps://cal.example/ada"]);
    let gone = bot(json!([{ "id": "m", "kind": "meeting", "text": "Book:", "member_id": "ag_9" }]));
    let (session, _) = run(&gone, &World::new(), &[Event::Start]);
    assert_eq!(outcome(&session), Some(Outcome::Error));
}

#[test]
fn a_webhook_sets_properties_and_may_choose_the_next_action_or_fail_to_the_team() {
    let script = bot(json!([
        { "id": "ask", "kind": "question", "text": "Order number?", "input": { "kind": "text" }, "save_to": "order" },
        { "id": "look", "kind": "webhook", "url": "https://shop.example/hook" },
        { "id": "found", "kind": "message", "text": "Found it." },
        { "id": "vip", "kind": "message", "text": "VIP!" },
    ]));
    let world = World::new();
    let (session, out) = run(&script, &world, &[Event::Start, answer("A-17")]);
    let Some(Output::Call {
        body,
        url,
        timeout_ms,
        ..
    }) = out.iter().find(|o| matches!(o, Output::Call { .. }))
    else {
        panic!("a call: {out:?}");
    };
    assert_eq!(
        (url.as_str(), *timeout_ms),
        ("https://shop.example/hook", 5_000)
    );
    assert_eq!(body["answers"]["ask"], "A-17");
    assert!(matches!(
        session.as_ref().unwrap().status,
        Status::Calling { .. }
    ));
    // Words while the webhook works are for the team, not an answer.
    let (_, extra) = run(
        &script,
        &world,
        &[Event::Start, answer("A-17"), answer("hello?")],
    );
    assert_eq!(said(&extra), ["Order number?"]);

    let answered = json!({ "properties": { "tier": "gold", "spent": 420 }, "next": "vip" });
    let (session, out) = run(
        &script,
        &world,
        &[Event::Start, answer("A-17"), Event::Webhook(Ok(answered))],
    );
    assert!(out.contains(&Output::Save {
        key: "spent".into(),
        value: "420".into()
    }));
    assert_eq!(said(&out).last(), Some(&"VIP!"));
    assert_eq!(session.unwrap().saved["tier"], "gold");

    let (_, out) = run(
        &script,
        &world,
        &[Event::Start, answer("A-17"), Event::Webhook(Ok(json!({})))],
    );
    assert_eq!(said(&out)[1..], ["Found it.", "VIP!"]);
    let (session, out) = run(
        &script,
        &world,
        &[
            Event::Start,
            answer("A-17"),
            Event::Webhook(Err("timeout".into())),
        ],
    );
    assert_eq!(outcome(&session), Some(Outcome::Error));
    assert!(said(&out).last().unwrap().contains("went wrong"));
    assert!(out.contains(&Output::Handover {
        to: HandoverTo::Routing
    }));
}

#[test]
fn an_idle_session_is_abandoned_and_the_next_visit_starts_again_on_the_new_version() {
    let script = bot(json!([
        { "id": "q", "kind": "question", "text": "Name?", "input": { "kind": "text" }, "save_to": "name" },
    ]));
    let program = Program::new(&script);
    let world = World::new();
    let started = step(&program, 1, None, Event::Start, &world.ctx(0));
    let session = started.session;
    // Before the timeout the alarm changes nothing, and coming back re-asks nothing.
    let early = step(
        &program,
        1,
        session.clone(),
        Event::Timeout,
        &world.ctx(29 * 60_000),
    );
    assert_eq!(early.session, session);
    assert!(early.outputs.is_empty());
    let late = step(
        &program,
        1,
        session.clone(),
        Event::Timeout,
        &world.ctx(30 * 60_000),
    );
    assert_eq!(
        late.outputs,
        [Output::Finished {
            outcome: Outcome::Abandoned
        }]
    );
    // Back after the alarm found it abandoned: again from the start, and nothing more ends.
    let again = step(
        &program,
        2,
        late.session,
        Event::Answer("hello".into()),
        &world.ctx(40 * 60_000),
    );
    assert_eq!(said(&again.outputs), ["Name?"]);
    assert!(!again
        .outputs
        .iter()
        .any(|o| matches!(o, Output::Finished { .. })));
    assert_eq!(again.session.unwrap().version, 2);
    // Back after the timeout: over, and again from the start on what is published now.
    let back = step(&program, 2, session, Event::Start, &world.ctx(31 * 60_000));
    assert_eq!(
        back.outputs[0],
        Output::Finished {
            outcome: Outcome::Abandoned
        }
    );
    assert_eq!(said(&back.outputs), ["Name?"]);
    assert_eq!(back.session.unwrap().version, 2);
}

#[test]
fn a_member_taking_over_silences_the_bot() {
    let script = bot(json!([
        { "id": "q", "kind": "question", "text": "Name?", "input": { "kind": "text" }, "save_to": "name" },
        { "id": "m", "kind": "message", "text": "Hi!" },
    ]));
    let (session, out) = run(
        &script,
        &World::new(),
        &[Event::Start, Event::TakenOver, answer("Ada")],
    );
    assert_eq!(outcome(&session), Some(Outcome::TakenOver));
    assert_eq!(said(&out), ["Name?"]);
}

#[test]
fn a_go_to_loops_through_a_question() {
    let script = bot(json!([
        { "id": "more", "kind": "question", "text": "Anything else?", "save_to": "more",
          "input": { "kind": "choices", "options": ["Yes", "No"] } },
        { "id": "b", "kind": "branch", "cases": [
            { "when": { "kind": "answer", "action": "more", "test": { "op": "is", "value": "yes" } },
              "actions": [{ "id": "again", "kind": "go_to", "action": "more" }] }] },
        { "id": "bye", "kind": "end" },
    ]));
    let more = [Property {
        key: "more".into(),
        label: "More".into(),
        kind: PropertyKind::Text,
        options: Vec::new(),
    }];
    let known = Known {
        properties: &more,
        ..Known::default()
    };
    assert_eq!(check(&script, known), []);
    let (session, out) = run(
        &script,
        &World::new(),
        &[Event::Start, answer("yes"), answer("no")],
    );
    assert_eq!(said(&out), ["Anything else?", "Anything else?"]);
    assert_eq!(outcome(&session), Some(Outcome::Completed));
}

#[test]
fn an_outcome_is_named_as_its_json_says() {
    for outcome in Outcome::ALL {
        let json = serde_json::to_value(outcome).unwrap();
        assert_eq!(json.as_str(), Some(outcome.as_str()));
        assert_eq!(Outcome::of_str(outcome.as_str()), Some(outcome));
    }
    assert_eq!(Outcome::of_str("won"), None);
}
