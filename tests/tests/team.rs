//! The team against the running Worker: invitations (a link used once, replaced, withdrawn,
//! expired, refused for members), roles with the last admin kept, removal and signing out
//! everywhere (sessions end and open inbox pages are told), a password change, and wrong
//! passwords throttled per account. Every refusal is checked to change nothing.
//!
//! Members made here are new people, never the demo admin, whose sessions other tests use.

use porchlight_tests::{
    invitation_token, local_sql, session_cookie, unique_email, Edge, Reply, MEMBER_PASSWORD,
};
use protocol::api::{
    AgentProfile, ErrorCode, InvitationCreated, InvitationList, InvitationPreview, Members, Role,
};
use protocol::frame::{ListFrame, SignedOut};
use serde_json::json;

fn preview(edge: &Edge, token: &str) -> Reply {
    edge.request(
        "GET",
        "/api/invitations/current",
        &[("authorization", &format!("Bearer {token}"))],
        None,
    )
}

fn me(edge: &Edge, cookie: &str) -> Reply {
    edge.request("GET", "/api/agent/me", &[("cookie", cookie)], None)
}

fn team(edge: &Edge, cookie: &str) -> Vec<AgentProfile> {
    let reply = edge.as_agent(cookie, "GET", "/api/agent/team", None);
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json::<Members>().members
}

fn pending(edge: &Edge, admin: &str) -> InvitationList {
    let reply = edge.as_agent(admin, "GET", "/api/admin/invitations", None);
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()
}

/// `POST /api/agent/session` as a client at `address`.
fn sign_in_from(edge: &Edge, email: &str, password: &str, address: &str) -> Reply {
    let body = json!({ "email": email, "password": password });
    edge.request(
        "POST",
        "/api/agent/session",
        &[
            ("origin", &edge.url),
            ("content-type", "application/json"),
            ("cf-connecting-ip", address),
        ],
        Some(&body.to_string()),
    )
}

/// Reads the list socket until the server signs it out; returns why.
fn signed_out(socket: &mut porchlight_tests::Socket) -> SignedOut {
    loop {
        match socket.receive::<ListFrame>() {
            ListFrame::SignedOut(why) => return why,
            _ => continue,
        }
    }
}

#[test]
fn an_admin_invites_someone_who_joins_with_the_link_once() {
    let edge = Edge::from_env();
    let admin = edge.sign_in();
    let email = unique_email();

    let reply = edge.invite(&admin, &email.to_uppercase(), "agent");
    assert_eq!(reply.status, 201, "{}", reply.body);
    let created: InvitationCreated = reply.json();
    assert_eq!(created.invitation.email, email);
    assert_eq!(created.invitation.role, Role::Agent);
    assert!(created.invitation.invited_by.is_some());
    assert!(
        created
            .url
            .starts_with(&format!("{}/inbox#invite=", edge.url)),
        "{}",
        created.url
    );
    let token = invitation_token(&created);

    // Admins see it pending, never its token.
    let listed = edge.as_agent(&admin, "GET", "/api/admin/invitations", None);
    assert!(listed
        .json::<InvitationList>()
        .invitations
        .contains(&created.invitation));
    assert!(!listed.body.contains(&token));

    let seen: InvitationPreview = preview(&edge, &token).json();
    assert_eq!(seen.email, email);
    assert_eq!(seen.role, Role::Agent);
    assert!(!seen.site_name.is_empty());

    // Refusals change nothing: the link still works after each.
    let no_origin = edge.request(
        "POST",
        "/api/invitations/accept",
        &[
            ("authorization", &format!("Bearer {token}")),
            ("content-type", "application/json"),
        ],
        Some(&json!({ "name": "Grace", "password": MEMBER_PASSWORD }).to_string()),
    );
    no_origin.assert_error(403, ErrorCode::Forbidden);
    edge.accept(&token, "Grace", "short")
        .assert_error(400, ErrorCode::InvalidField);
    edge.accept(&token, " ", MEMBER_PASSWORD)
        .assert_error(400, ErrorCode::InvalidField);
    edge.accept("not-a-token", "Grace", MEMBER_PASSWORD)
        .assert_error(404, ErrorCode::UnknownInvitation);
    assert_eq!(preview(&edge, &token).status, 200);

    let joined = edge.accept(&token, "  Grace Hopper ", MEMBER_PASSWORD);
    assert_eq!(joined.status, 201, "{}", joined.body);
    let member: AgentProfile = joined.json();
    assert_eq!(member.email, email);
    assert_eq!(member.name, "Grace Hopper");
    assert_eq!(member.role, Role::Agent);
    let cookie = session_cookie(&joined);
    assert_eq!(me(&edge, &cookie).json::<AgentProfile>().id, member.id);

    // Used once.
    edge.accept(&token, "Someone Else", MEMBER_PASSWORD)
        .assert_error(404, ErrorCode::UnknownInvitation);
    preview(&edge, &token).assert_error(404, ErrorCode::UnknownInvitation);
    assert!(!pending(&edge, &admin)
        .invitations
        .iter()
        .any(|i| i.email == email));

    // A member of the team, who signs in with their own password and sees the team.
    assert!(team(&edge, &admin).iter().any(|m| m.id == member.id));
    assert_eq!(edge.try_sign_in(&email, MEMBER_PASSWORD).status, 200);
    assert!(team(&edge, &cookie)
        .iter()
        .any(|m| m.email == edge.agent_email));
}

#[test]
fn invitations_are_replaced_withdrawn_expire_and_only_admins_send_them() {
    let edge = Edge::from_env();
    let admin = edge.sign_in();
    let email = unique_email();

    let first: InvitationCreated = edge.invite(&admin, &email, "agent").json();
    let second: InvitationCreated = edge.invite(&admin, &email, "admin").json();
    preview(&edge, &invitation_token(&first)).assert_error(404, ErrorCode::UnknownInvitation);
    assert_eq!(
        preview(&edge, &invitation_token(&second))
            .json::<InvitationPreview>()
            .role,
        Role::Admin
    );
    let mine = |list: InvitationList| {
        list.invitations
            .into_iter()
            .filter(|i| i.email == email)
            .count()
    };
    assert_eq!(mine(pending(&edge, &admin)), 1);

    let path = format!("/api/admin/invitations/{}", second.invitation.id);
    assert_eq!(edge.as_agent(&admin, "DELETE", &path, None).status, 204);
    preview(&edge, &invitation_token(&second)).assert_error(404, ErrorCode::UnknownInvitation);
    edge.as_agent(&admin, "DELETE", &path, None)
        .assert_error(404, ErrorCode::UnknownInvitation);
    assert_eq!(mine(pending(&edge, &admin)), 0);

    // Members are not invited again; bad input is refused and stores nothing.
    edge.invite(&admin, &edge.agent_email, "agent")
        .assert_error(409, ErrorCode::AlreadyMember);
    edge.invite(&admin, "not an address", "agent")
        .assert_error(400, ErrorCode::InvalidField);
    edge.invite(&admin, &email, "owner")
        .assert_error(400, ErrorCode::MalformedBody);
    assert_eq!(mine(pending(&edge, &admin)), 0);

    // An invitation past its week is dead.
    let third: InvitationCreated = edge.invite(&admin, &email, "agent").json();
    local_sql(&format!(
        "UPDATE invitations SET expires_at = 1 WHERE id = '{}'",
        third.invitation.id
    ));
    preview(&edge, &invitation_token(&third)).assert_error(404, ErrorCode::UnknownInvitation);
    edge.accept(&invitation_token(&third), "Late", MEMBER_PASSWORD)
        .assert_error(404, ErrorCode::UnknownInvitation);
    assert_eq!(mine(pending(&edge, &admin)), 0);

    // Agents cannot invite or see invitations; nobody can from another origin.
    let (_, agent) = edge.new_member(&admin, "agent");
    edge.invite(&agent, &unique_email(), "agent")
        .assert_error(403, ErrorCode::Forbidden);
    edge.as_agent(&agent, "GET", "/api/admin/invitations", None)
        .assert_error(403, ErrorCode::Forbidden);
    let foreign = edge.request(
        "POST",
        "/api/admin/invitations",
        &[
            ("cookie", &admin),
            ("origin", "https://evil.example"),
            ("content-type", "application/json"),
        ],
        Some(&json!({ "email": unique_email(), "name": "X", "role": "admin" }).to_string()),
    );
    foreign.assert_error(403, ErrorCode::Forbidden);
}

#[test]
fn roles_change_but_the_team_always_keeps_an_admin() {
    let edge = Edge::from_env();
    let admin = edge.sign_in();
    let demo: AgentProfile = me(&edge, &admin).json();
    let (member, cookie) = edge.new_member(&admin, "agent");
    let role_path = |id: &str| format!("/api/admin/agents/{id}/role");

    // Only members made in this binary are ever admins beside the demo admin, and only in
    // this test: the demo admin is the last one.
    edge.as_agent(
        &admin,
        "PUT",
        &role_path(&demo.id),
        Some(&json!({ "role": "agent" })),
    )
    .assert_error(409, ErrorCode::LastAdmin);
    edge.as_agent(
        &admin,
        "DELETE",
        &format!("/api/admin/agents/{}", demo.id),
        None,
    )
    .assert_error(409, ErrorCode::LastAdmin);
    assert_eq!(me(&edge, &admin).json::<AgentProfile>().role, Role::Admin);

    // An agent cannot make themselves admin.
    edge.as_agent(
        &cookie,
        "PUT",
        &role_path(&member.id),
        Some(&json!({ "role": "admin" })),
    )
    .assert_error(403, ErrorCode::Forbidden);

    let promoted = edge.as_agent(
        &admin,
        "PUT",
        &role_path(&member.id),
        Some(&json!({ "role": "admin" })),
    );
    assert_eq!(promoted.status, 200, "{}", promoted.body);
    assert_eq!(promoted.json::<AgentProfile>().role, Role::Admin);
    assert_eq!(
        edge.as_agent(&cookie, "GET", "/api/admin/invitations", None)
            .status,
        200
    );

    let demoted = edge.as_agent(
        &admin,
        "PUT",
        &role_path(&member.id),
        Some(&json!({ "role": "agent" })),
    );
    assert_eq!(demoted.json::<AgentProfile>().role, Role::Agent);
    edge.as_agent(&cookie, "GET", "/api/admin/invitations", None)
        .assert_error(403, ErrorCode::Forbidden);

    edge.as_agent(
        &admin,
        "PUT",
        &role_path("a_nobody"),
        Some(&json!({ "role": "agent" })),
    )
    .assert_error(404, ErrorCode::UnknownAgent);
    edge.as_agent(
        &admin,
        "PUT",
        &role_path(&member.id),
        Some(&json!({ "role": "boss" })),
    )
    .assert_error(400, ErrorCode::MalformedBody);
    assert_eq!(me(&edge, &cookie).json::<AgentProfile>().role, Role::Agent);
}

#[test]
fn a_removed_member_is_signed_out_at_once_and_cannot_come_back() {
    let edge = Edge::from_env();
    let admin = edge.sign_in();
    let (member, cookie) = edge.new_member(&admin, "agent");
    let (other, other_cookie) = edge.new_member(&admin, "agent");
    let mut inbox = edge.list_socket(&cookie);
    let path = format!("/api/admin/agents/{}", member.id);

    edge.as_agent(&other_cookie, "DELETE", &path, None)
        .assert_error(403, ErrorCode::Forbidden);
    assert_eq!(me(&edge, &cookie).status, 200);

    assert_eq!(edge.as_agent(&admin, "DELETE", &path, None).status, 204);
    assert_eq!(signed_out(&mut inbox), SignedOut::Removed);
    assert_eq!(inbox.closed_by_server(), Some(4001));

    me(&edge, &cookie).assert_error(401, ErrorCode::Unauthenticated);
    edge.try_sign_in(&member.email, MEMBER_PASSWORD)
        .assert_error(401, ErrorCode::InvalidCredentials);
    let members = team(&edge, &admin);
    assert!(!members.iter().any(|m| m.id == member.id));
    assert!(members.iter().any(|m| m.id == other.id));
    edge.as_agent(&admin, "DELETE", &path, None)
        .assert_error(404, ErrorCode::UnknownAgent);
}

#[test]
fn signing_out_everywhere_ends_every_session_of_that_member_only() {
    let edge = Edge::from_env();
    let admin = edge.sign_in();
    let (member, here) = edge.new_member(&admin, "agent");
    let there = session_cookie(&edge.try_sign_in(&member.email, MEMBER_PASSWORD));
    let mut inbox_there = edge.list_socket(&there);

    let reply = edge.as_agent(&here, "DELETE", "/api/agent/sessions", None);
    assert_eq!(reply.status, 204, "{}", reply.body);
    assert!(reply
        .header("set-cookie")
        .is_some_and(|c| c.contains("Max-Age=0")));
    assert_eq!(signed_out(&mut inbox_there), SignedOut::Everywhere);
    me(&edge, &here).assert_error(401, ErrorCode::Unauthenticated);
    me(&edge, &there).assert_error(401, ErrorCode::Unauthenticated);
    assert_eq!(me(&edge, &admin).status, 200);
    // Signing in again works.
    assert_eq!(edge.try_sign_in(&member.email, MEMBER_PASSWORD).status, 200);
}

#[test]
fn a_password_change_needs_the_current_one_and_ends_the_other_sessions() {
    let edge = Edge::from_env();
    let admin = edge.sign_in();
    let (member, here) = edge.new_member(&admin, "agent");
    let there = session_cookie(&edge.try_sign_in(&member.email, MEMBER_PASSWORD));
    let mut inbox_here = edge.list_socket(&here);
    let mut inbox_there = edge.list_socket(&there);
    let change = |current: &str, new: &str| {
        edge.as_agent(
            &here,
            "PUT",
            "/api/agent/me/password",
            Some(&json!({ "current_password": current, "new_password": new })),
        )
    };
    let new_password = "another long password";

    change("wrong password", new_password).assert_error(400, ErrorCode::InvalidField);
    change(MEMBER_PASSWORD, "short").assert_error(400, ErrorCode::InvalidField);
    assert_eq!(me(&edge, &there).status, 200);
    assert_eq!(edge.try_sign_in(&member.email, MEMBER_PASSWORD).status, 200);

    assert_eq!(change(MEMBER_PASSWORD, new_password).status, 200);
    assert_eq!(me(&edge, &here).status, 200);
    me(&edge, &there).assert_error(401, ErrorCode::Unauthenticated);
    assert_eq!(signed_out(&mut inbox_there), SignedOut::Everywhere);
    // The page that changed it stays live: the next row it gets is a conversation.
    let created = edge.start_conversation(None, "after the password change");
    inbox_here.next_row_of(&created.conversation_id);
    edge.try_sign_in(&member.email, MEMBER_PASSWORD)
        .assert_error(401, ErrorCode::InvalidCredentials);
    assert_eq!(edge.try_sign_in(&member.email, new_password).status, 200);
}

#[test]
fn wrong_passwords_are_throttled_per_account_until_the_window_ends() {
    let edge = Edge::from_env();
    let admin = edge.sign_in();
    let (member, _) = edge.new_member(&admin, "agent");

    for _ in 0..domain::throttle::PER_ACCOUNT_AND_ADDRESS.failures {
        edge.try_sign_in(&member.email, "not the password")
            .assert_error(401, ErrorCode::InvalidCredentials);
    }
    let blocked = edge.try_sign_in(&member.email, "not the password");
    blocked.assert_error(429, ErrorCode::TooManyAttempts);
    let retry: i64 = blocked
        .header("retry-after")
        .and_then(|v| v.parse().ok())
        .expect("a Retry-After in seconds");
    assert!((1..=15 * 60).contains(&retry), "{retry}");
    // The right password is refused too while the account is throttled…
    edge.try_sign_in(&member.email, MEMBER_PASSWORD)
        .assert_error(429, ErrorCode::TooManyAttempts);
    // …but only that account.
    assert_eq!(
        edge.try_sign_in(&edge.agent_email, &edge.agent_password)
            .status,
        200
    );

    // Nor can a stranger lock the owner out from elsewhere: from another address the owner
    // signs in (each test sends its own address: the local runtime keeps a client's
    // `cf-connecting-ip`, where Cloudflare sets it itself).
    let elsewhere = sign_in_from(&edge, &member.email, MEMBER_PASSWORD, "203.0.113.7");
    assert_eq!(elsewhere.status, 200, "{}", elsewhere.body);

    // Once the window is over, the right password works (and clears the count).
    local_sql("UPDATE login_failures SET since = since - 900000");
    assert_eq!(edge.try_sign_in(&member.email, MEMBER_PASSWORD).status, 200);
    edge.try_sign_in(&member.email, "not the password")
        .assert_error(401, ErrorCode::InvalidCredentials);
}

#[test]
fn parallel_guesses_are_each_counted_before_any_password_is_derived() {
    let edge = Edge::from_env();
    let admin = edge.sign_in();
    let (member, _) = edge.new_member(&admin, "agent");
    let limit = domain::throttle::PER_ACCOUNT_AND_ADDRESS.failures as usize;
    let address = "198.51.100.23";
    let statuses: Vec<u16> = std::thread::scope(|scope| {
        let guesses: Vec<_> = (0..2 * limit)
            .map(|_| {
                scope.spawn(|| {
                    sign_in_from(&edge, &member.email, "a guess in parallel", address).status
                })
            })
            .collect();
        guesses
            .into_iter()
            .map(|g| g.join().expect("a guess"))
            .collect()
    });
    let wrong = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(wrong, limit, "{statuses:?}");
    assert_eq!(refused, limit, "{statuses:?}");
}
