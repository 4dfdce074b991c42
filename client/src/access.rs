//! Who sees which inbox, as the inbox app works it out from the inboxes and teams it has read
//! (the same rule as the Worker's `inbox_access` view, which is the one that decides): admins see
//! every inbox; other members an inbox open to everyone, one they are given by name, or one given
//! to a team of theirs. The app uses it to offer only members who can see a conversation when
//! assigning it. Pure; tested natively.

use protocol::api::{AgentProfile, Inbox, Role, Team};

/// Whether `member` sees `inbox`.
pub fn sees(inbox: &Inbox, teams: &[Team], member: &AgentProfile) -> bool {
    member.role == Role::Admin
        || inbox.everyone
        || inbox.member_ids.contains(&member.id)
        || teams
            .iter()
            .any(|t| inbox.team_ids.contains(&t.id) && t.member_ids.contains(&member.id))
}

/// Whether `team` sees `inbox` (it is open to everyone, or given to the team): a conversation
/// there may be given to it.
pub fn team_sees(inbox: &Inbox, team: &str) -> bool {
    inbox.everyone || inbox.team_ids.iter().any(|t| t == team)
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::api::AgentStatus;

    fn member(id: &str, role: Role) -> AgentProfile {
        AgentProfile {
            id: id.into(),
            email: format!("{id}@example.com"),
            name: id.into(),
            role,
            status: AgentStatus::Available,
            avatar_url: None,
            chat_limit: None,
        }
    }

    fn inbox(everyone: bool, members: &[&str], teams: &[&str]) -> Inbox {
        Inbox {
            id: "sales".into(),
            name: "Sales".into(),
            everyone,
            member_ids: members.iter().map(|m| (*m).into()).collect(),
            team_ids: teams.iter().map(|t| (*t).into()).collect(),
            channels: Vec::new(),
        }
    }

    #[test]
    fn admins_everyone_members_and_team_members_see_an_inbox_and_nobody_else() {
        let teams = [Team {
            id: "nights".into(),
            name: "Nights".into(),
            member_ids: vec!["night-owl".into()],
        }];
        let closed = inbox(false, &["named"], &["nights"]);
        let sees_it = |id: &str, role| sees(&closed, &teams, &member(id, role));
        assert!(sees_it("boss", Role::Admin));
        assert!(sees_it("named", Role::Agent));
        assert!(sees_it("night-owl", Role::Agent));
        assert!(!sees_it("stranger", Role::Agent));
        assert!(sees(
            &inbox(true, &[], &[]),
            &teams,
            &member("stranger", Role::Agent)
        ));
        let other_team = inbox(false, &[], &["days"]);
        assert!(!sees(
            &other_team,
            &teams,
            &member("night-owl", Role::Agent)
        ));
    }
}
