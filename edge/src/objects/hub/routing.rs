//! Routing, decided in the hub one decision at a time: a new conversation's first message (or
//! a conversation given to a team) has its object ask, and the hub picks the member of the
//! conversation's inbox by the channel's rule (`domain::routing`) from their presence (known
//! here), chat limits and open conversations. One hub serialises every inbox's decisions:
//! decisions are short, and one object also knows every agent's presence, which availability
//! and routing both need.

use domain::routing;
use protocol::api::ConversationSummary;
use protocol::settings::{RoutingRule, RoutingSettings};
use protocol::Channel;
use worker::Result;

use super::Hub;
use crate::{config, store};

impl Hub {
    /// Assigns a new conversation by its site's routing rule (`domain::routing`), one decision
    /// at a time; the row as it now is (unchanged when nobody is eligible).
    pub(super) async fn route(&self, summary: ConversationSummary) -> Result<ConversationSummary> {
        let _one_at_a_time = self.routing.lock().await;
        let db = self.env.d1(config::DB)?;
        // Given to a team: among its members available now. Otherwise a website chat goes by
        // its site's rule, a Page or number by its own flow's.
        let rule = match (&summary.team_id, summary.channel) {
            (Some(team), _) => Some(RoutingSettings {
                rule: RoutingRule::Members {
                    agent_ids: Vec::new(),
                    team_ids: vec![team.clone()],
                },
                only_available: true,
            }),
            (None, Channel::Chat) => store::chat_settings(&db, &summary.site_id)
                .await?
                .map(|s| s.routing),
            (None, _) => store::conversation_connection(&db, &summary.id)
                .await?
                .map(|c| c.flow().routing),
        };
        let Some(rule) = rule else {
            return Ok(summary);
        };
        let owner = match rule.rule {
            RoutingRule::ContactOwner { .. } => {
                store::mail::contact_owner(&db, &summary.id).await?
            }
            _ => None,
        };
        let candidates =
            store::routing_candidates(&db, Some(&summary.inbox_id), &self.present_agents()).await?;
        let Some(chosen) = routing::choose(&rule, &candidates, owner.as_deref()) else {
            return Ok(summary);
        };
        match store::route_to(&db, &summary.id, &chosen.id, store::now()).await? {
            Some(routed) => {
                // Their open count changed, and with it perhaps the channel's capacity.
                self.forget_presence().await;
                // Given it while away (an owner, or "only available" off): they are told by
                // e-mail.
                if !chosen.available {
                    self.notify_away(&routed.id, &chosen.id).await?;
                }
                Ok(routed)
            }
            None => Ok(summary),
        }
    }

    /// E-mails a member routed a conversation while away.
    pub(super) async fn notify_away(&self, conversation_id: &str, agent_id: &str) -> Result<()> {
        let app = crate::config::App::new(self.env.clone())?;
        if let Some(agent) = store::team::agent(&app.db, agent_id).await? {
            let origin = self.viewers().into_iter().map(|(_, v)| v.origin).next();
            crate::mail::notify_assignment(&app, conversation_id, &agent, None, origin.as_deref())
                .await;
        }
        Ok(())
    }
}
