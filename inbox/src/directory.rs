//! The [`Directory`] every part of the signed-in app reads: the inboxes this agent sees (an
//! inbox: a shared queue of conversations) and every team, read again whenever the list shows
//! and whenever the server says access changed. Also which site the inboxes serve
//! ([`chat_site`]), for the pages that edit a site's settings.

use leptos::prelude::*;
use protocol::api::{AgentProfile, Inbox, Team};
use protocol::Channel;

use crate::api;

/// The site whose chat delivers to one of these inboxes (the site the admin pages edit).
pub fn chat_site(inboxes: &[Inbox]) -> Option<String> {
    inboxes
        .iter()
        .flat_map(|i| &i.channels)
        .find(|c| c.channel == Channel::Chat)
        .map(|c| c.site_id.clone())
}

/// The inboxes the agent sees and every team, shared through the context.
#[derive(Clone, Copy)]
pub struct Directory {
    pub inboxes: RwSignal<Vec<Inbox>>,
    pub teams: RwSignal<Vec<Team>>,
    /// Reads the inboxes again; a failed read keeps what is known.
    load_inboxes: Action<(), ()>,
    /// Reads the teams again; likewise.
    load_teams: Action<(), ()>,
}

impl Directory {
    /// Every inbox as `(id, name)`, for a select ([`crate::id_options`]); tracked.
    pub fn inbox_names(&self) -> Vec<(String, String)> {
        self.inboxes
            .with(|all| all.iter().map(|i| (i.id.clone(), i.name.clone())).collect())
    }

    /// Every team as `(id, name)`, for a select ([`crate::id_options`]); tracked.
    pub fn team_names(&self) -> Vec<(String, String)> {
        self.teams
            .with(|all| all.iter().map(|t| (t.id.clone(), t.name.clone())).collect())
    }

    /// Provides an empty directory; the owner loads it ([`Self::reload`]) when the list shows.
    pub fn provide() -> Self {
        let inboxes = RwSignal::new(Vec::new());
        let teams = RwSignal::new(Vec::new());
        // Actions, not resources: pages change these lists in place with what the server
        // answers, and many occasions read them again.
        let load_inboxes = Action::new_local(move |()| async move {
            if let Ok(list) = api::inboxes().await {
                inboxes.try_set(list.inboxes);
            }
        });
        let load_teams = Action::new_local(move |()| async move {
            if let Ok(list) = api::teams().await {
                teams.try_set(list.teams);
            }
        });
        let directory = Self {
            inboxes,
            teams,
            load_inboxes,
            load_teams,
        };
        provide_context(directory);
        directory
    }

    /// The directory the signed-in page provided.
    pub fn get() -> Self {
        expect_context::<Self>()
    }

    /// Reads both again, side by side (two requests at once, not one after the other: the
    /// fewer moments a request is in flight, the fewer a sign-out elsewhere can cut short).
    pub fn reload(self) {
        self.load_inboxes.dispatch(());
        self.load_teams.dispatch(());
    }

    /// The name of inbox `id`, if the agent sees it.
    pub fn inbox_name(self, id: &str) -> Option<String> {
        self.inboxes
            .with(|all| all.iter().find(|i| i.id == id).map(|i| i.name.clone()))
    }

    /// Every team as a checkbox option: (id, name).
    pub fn team_options(self) -> Vec<(String, String)> {
        self.teams
            .get()
            .into_iter()
            .map(|t| (t.id, t.name))
            .collect()
    }

    /// Whether `member` sees inbox `id` (all members while it is not known yet).
    pub fn sees(self, id: &str, member: &AgentProfile) -> bool {
        let teams = self.teams;
        self.inboxes
            .with(|all| match all.iter().find(|i| i.id == id) {
                Some(inbox) => teams.with(|t| client::access::sees(inbox, t, member)),
                None => true,
            })
    }
}
