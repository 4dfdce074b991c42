//! The agents' app at `/inbox`: a Leptos app on the Worker's own origin, authenticated by the
//! HttpOnly session cookie. It asks who is signed in, shows the sign-in form if nobody is, and
//! otherwise the live conversation list beside the open thread. In this crate an *inbox* is
//! always the entity: a shared queue of conversations that some members see.
//!
//! Async work goes through Leptos's own tools: an [`Action`] for what a person starts (its
//! `pending()` disables the control, its value or [`failure`] says how it went), a
//! [`LocalResource`] for what a page loads (with `Transition` where a page waits for it, and
//! [`last_ok`]/[`load_error`] where a reload keeps the last answer). Loads that merge into
//! state also changed live are actions too, each saying so. `spawn_local` is left only for
//! fire-and-forget work, each saying why.
//!
//! # Layout
//! - this file: mounting, the signed-in/signed-out switch ([`App`]) and the signed-in page's
//!   frame ([`SignedIn`]).
//! - [`ui`]: small shared pieces: select options, checkboxes, the clipboard, how an action's or a
//!   load's failure shows.
//! - [`sign_in`]: the sign-in form.
//! - [`join`]: joining the team from an invitation link.
//! - [`availability`]: the agent's available/away toggle.
//! - [`profile`]: the agent's own picture (or initials), changed or removed.
//! - [`conversations`]: the list socket and the conversation list (views, search, filters).
//! - [`thread`]: one conversation: status, close and reopen, who else is viewing, typing, read
//!   positions, its messages and the reply composer.
//! - [`mentions`]: the agent's unseen @mentions, in the bar.
//! - [`directory`]: the inboxes the agent sees and every team, shared by every part.
//! - [`contacts`]: the Contacts page: the people on every channel, each one's page, edit,
//!   merges (and their undo) and (admins) export, and (admins) the site's contact properties.
//! - [`team`]: the Team page: members, roles, invitations.
//! - [`inboxes`]: the Inboxes page (admins): inboxes, where channels deliver, teams.
//! - [`reports`]: the Reports page (admins).
//! - [`deliveries`]: the Deliveries page (admins): what the queues gave up on, sent again.
//! - [`settings`]: the Settings page (admins): the site's chat settings, installing the widget
//!   with a live preview, and the Messenger and WhatsApp connections.
//! - [`alerts`]: the chime and browser notifications on this device.
//! - [`account`]: the Account page: password, alerts, signing out everywhere.
//! - [`api`]: the agent API's paths and socket URLs.
//! - [`lazy`]: what loads when first needed (each page, the WhatsApp template picker, Settings'
//!   Install panel, the Contacts page's parts), with "Loading…", a retry when it cannot load,
//!   and the idle prefetch.

/// The allocator (see Cargo.toml): the app is single-threaded wasm, which is what talc's wasm
/// allocator requires.
#[cfg(target_family = "wasm")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

pub mod account;
pub mod alerts;
pub mod api;
pub mod availability;
pub mod contacts;
pub mod conversations;
pub mod deliveries;
pub mod directory;
pub mod inboxes;
pub mod join;
pub mod lazy;
pub mod mentions;
pub mod profile;
pub mod reports;
pub mod settings;
pub mod sign_in;
pub mod team;
pub mod thread;
pub mod ui;

pub use ui::{
    checkboxes, clipboard, copied, failure, id_options, last_ok, load_error, member_options,
};

use leptos::prelude::*;
use protocol::api::{AgentProfile, Role};
use protocol::frame::SignedOut;
use wasm_bindgen::prelude::wasm_bindgen;

use crate::availability::AvailabilityToggle;
use crate::conversations::{ConversationList, ListSocket};
use crate::directory::Directory;
use crate::join::Join;
use crate::lazy::{lazy, Place};
use crate::mentions::{Mentions, MentionsMenu};
use crate::profile::ProfilePicture;
use crate::sign_in::SignIn;
use crate::thread::Thread;

/// Mounts the app when the wasm module is instantiated (by `/inbox/boot.js`).
#[wasm_bindgen(start)]
pub fn start() {
    leptos::mount::mount_to_body(App);
}

/// Who is at the keyboard.
#[derive(Clone, Debug, PartialEq)]
enum Phase {
    Checking,
    /// Not signed in; with why, when the server ended the session.
    SignedOut(Option<String>),
    /// Opened from an invitation link (its token).
    Invited(String),
    SignedIn(AgentProfile),
    /// The session check failed for another reason than "not signed in".
    Unavailable(String),
}

/// The whole app: who is at the keyboard decides what shows. It has no props.
#[component]
fn App() -> impl IntoView {
    let phase = RwSignal::new(Phase::Checking);
    // An action, not a resource: signing in, out or joining also move the phase.
    let ask = Action::new_local(move |()| async move {
        phase.try_set(match api::me().await {
            Ok(agent) => Phase::SignedIn(agent),
            Err(e) if e.status() == Some(401) => Phase::SignedOut(None),
            Err(e) => Phase::Unavailable(e.to_string()),
        });
    });
    let check = move || {
        phase.set(Phase::Checking);
        ask.dispatch(());
    };
    match join::take_token() {
        Some(token) => phase.set(Phase::Invited(token)),
        None => check(),
    }
    let signed_in = Callback::new(move |agent| phase.set(Phase::SignedIn(agent)));
    let signed_out = Callback::new(move |why| phase.set(Phase::SignedOut(why)));
    let cancel = Callback::new(move |()| check());
    move || {
        match phase.get() {
        Phase::Checking => view! { <p class="loading" role="status">"Loading…"</p> }.into_any(),
        Phase::SignedOut(notice) => view! { <SignIn signed_in notice /> }.into_any(),
        Phase::Invited(token) => view! { <Join token joined=signed_in cancel /> }.into_any(),
        Phase::SignedIn(me) => view! { <SignedIn me signed_out /> }.into_any(),
        Phase::Unavailable(why) => view! {
            <main class="sign-in">
                <div class="card">
                    <p class="error" role="alert">{why}</p>
                    <button class="primary" type="button" on:click=move |_| check()>"Try again"</button>
                </div>
            </main>
        }
        .into_any(),
    }
    }
}

/// The open conversation's id, for parts that open another one.
#[derive(Clone, Copy)]
pub struct OpenConversation(pub RwSignal<Option<String>>);

/// Opens a conversation by its id from any page: the Conversations section shows, with it open.
#[derive(Clone, Copy)]
pub struct ShowConversation(pub Callback<String>);

/// What the signed-in page shows under its bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Section {
    Conversations,
    Contacts,
    Team,
    Inboxes,
    Reports,
    Deliveries,
    Settings,
    Account,
}

/// The signed-in page: a bar with the sections, the agent and sign-out; under it the list and
/// the open thread, or the Team or Account page. The list and thread stay alive (hidden) while
/// another page shows, so nothing live is missed.
///
/// - `me`: the signed-in agent.
/// - `signed_out`: returns to the sign-in form, with why when the server ended the session.
#[component]
fn SignedIn(me: AgentProfile, signed_out: Callback<Option<String>>) -> impl IntoView {
    let mentions = Mentions::provide();
    let directory = Directory::provide();
    let selected = RwSignal::new(None::<String>);
    // Any part may open a conversation (the contact panel's earlier conversations do).
    provide_context(OpenConversation(selected));
    let section = RwSignal::new(Section::Conversations);
    let show = Callback::new(move |id| {
        section.set(Section::Conversations);
        selected.set(Some(id));
    });
    // Pages open a conversation with it (a contact's page lists theirs).
    provide_context(ShowConversation(show));
    let alerts = alerts::Alerts::provide(show);
    // The socket opens with the view and closes when it goes (on sign-out).
    let conversations = ListSocket::open(
        me.id.clone(),
        Callback::new(
            move |(alert, row): (client::alerts::Alert, protocol::api::ConversationSummary)| {
                let on_screen = selected.with_untracked(|s| s.as_deref() == Some(row.id.as_str()))
                    && section.get_untracked() == Section::Conversations;
                alerts.fire(alert, &row, on_screen);
            },
        ),
        Callback::new(move |mention| mentions.arrived(mention)),
        Callback::new(move |why: SignedOut| {
            signed_out.run(Some(
                match why {
                    SignedOut::Everywhere => "You were signed out on every device.",
                    SignedOut::Removed => "An admin removed you from the team.",
                    SignedOut::Ended => "Your session ended; please sign in again.",
                }
                .into(),
            ))
        }),
        Callback::new(move |()| directory.reload()),
    );
    // Only a change of conversation reopens the thread, not a click on the open one.
    let open = Memo::new(move |_| selected.get());
    // The team, for assigning and for names; read again each time the list shows (the Team
    // page may have changed it). Written into a signal the thread and list share.
    let team = LocalResource::new(move || {
        let showing = section.get() == Section::Conversations;
        async move {
            if showing {
                api::team().await.ok()
            } else {
                None
            }
        }
    });
    Effect::new(move |_| {
        if section.get() == Section::Conversations {
            directory.reload();
        }
    });
    let members = RwSignal::new(Vec::<AgentProfile>::new());
    Effect::new(move |_| {
        if let Some(Some(team)) = team.get() {
            members.set(team.members);
        }
    });
    let error = RwSignal::new(None::<String>);
    let sign_out = Action::new_local(move |()| async move {
        match api::sign_out().await {
            Ok(()) => signed_out.run(None),
            Err(e) if e.is_auth() => signed_out.run(None),
            Err(e) => {
                error.try_set(Some(e.to_string()));
            }
        }
    });
    let sign_out = move |_| {
        sign_out.dispatch(());
    };
    let thread_me = me.clone();
    let changed = Callback::new(move |row| conversations.changed(row));
    let nav = move |to: Section, id: &'static str, label: &'static str| {
        view! {
            <button id=id type="button" class="nav"
                aria-current=move || (section.get() == to).then_some("page")
                on:click=move |_| section.set(to)>
                {label}
            </button>
        }
    };
    let page_me = me.clone();
    // How many deliveries failed for good (admins): the bar says so, and the page lists them.
    let failed_deliveries = RwSignal::new(0u32);
    // An action, not a resource: the Deliveries page sets the count too, whenever it loads.
    let count_failed = Action::new_local(move |()| async move {
        if let Ok(found) = api::dead_letters().await {
            failed_deliveries.try_set(found.count);
        }
    });
    if me.role == Role::Admin {
        count_failed.dispatch(());
    }
    lazy::prefetch(me.role == Role::Admin);
    view! {
        <div class="app" class=("has-thread", move || open.with(Option::is_some) && section.get() == Section::Conversations)>
            <header class="bar">
                <span class="brand">"Porchlight"</span>
                <nav class="sections" aria-label="Sections">
                    {nav(Section::Conversations, "nav-conversations", "Conversations")}
                    {nav(Section::Contacts, "nav-contacts", "Contacts")}
                    {nav(Section::Team, "nav-team", "Team")}
                    {(me.role == Role::Admin).then(|| nav(Section::Inboxes, "nav-inboxes", "Inboxes"))}
                    {(me.role == Role::Admin).then(|| nav(Section::Reports, "nav-reports", "Reports"))}
                    {(me.role == Role::Admin).then(|| view! {
                        <button id="nav-deliveries" type="button" class="nav"
                            aria-current=move || (section.get() == Section::Deliveries).then_some("page")
                            on:click=move |_| section.set(Section::Deliveries)>
                            "Deliveries"
                            <span class="badge" hidden=move || failed_deliveries.get() == 0>
                                {move || failed_deliveries.get()}
                                <span class="visually-hidden">" failed"</span>
                            </span>
                        </button>
                    })}
                    {(me.role == Role::Admin).then(|| nav(Section::Settings, "nav-settings", "Settings"))}
                    {nav(Section::Account, "nav-account", "Account")}
                </nav>
                <MentionsMenu mentions open=show />
                <span class="who">{me.name.clone()}{(me.role == Role::Admin).then_some(" (admin)")}</span>
                <ProfilePicture me=me.clone() error />
                <AvailabilityToggle initial=me.status error />
                <p class="error" role="alert">{move || error.get()}</p>
                <button id="sign-out" type="button" on:click=sign_out>"Sign out"</button>
            </header>
            <div class="panes" hidden=move || section.get() != Section::Conversations>
                <ConversationList conversations selected me=me.id.clone() members />
                <main class="pane-thread">
                    <button class="back" type="button" on:click=move |_| selected.set(None)>
                        "← All conversations"
                    </button>
                    {move || match open.get() {
                        Some(id) => {
                            let status = conversations.status(&id);
                            let channel = conversations.channel(&id);
                            let assignee = conversations.assignee(id.clone());
                            let inbox = conversations.inbox(id.clone());
                            let team = conversations.team(id.clone());
                            let bot = conversations.bot_active(id.clone());
                            view! {
                                <Thread id me=thread_me.clone() status channel assignee inbox team bot members changed />
                            }
                            .into_any()
                        }
                        None => view! {
                            <p class="placeholder">"Choose a conversation."</p>
                        }
                        .into_any(),
                    }}
                </main>
            </div>
            // Each page is its own module, loaded when first opened (or prefetched): `lazy`.
            {move || match section.get() {
                Section::Conversations => ().into_any(),
                Section::Contacts => lazy(Place::Page, lazy::contacts_page, page_me.clone()),
                Section::Team => lazy(Place::Page, lazy::team_page, page_me.clone()),
                Section::Inboxes => lazy(Place::Page, lazy::inboxes_page, ()),
                Section::Reports => lazy(Place::Page, lazy::reports_page, ()),
                Section::Deliveries => lazy(Place::Page, lazy::deliveries_page, failed_deliveries),
                Section::Settings => lazy(Place::Page, lazy::settings_page, ()),
                Section::Account => lazy(Place::Page, lazy::account_page, signed_out),
            }}
        </div>
    }
}
