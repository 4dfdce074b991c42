//! The visitor's details in the visitor panel of a website chat: name, e-mail and owner,
//! editable (an address makes the transcript go to them when the chat closes); "Create
//! contact"; where the chat started and in which browser; their earlier conversations, each
//! opening.

use leptos::html;
use leptos::prelude::*;
use protocol::api::{AgentProfile, VisitorDetails};
use protocol::ConversationStatus;

use crate::api;
use crate::OpenConversation;

/// The details form, the contact mark or button, the facts and the earlier conversations.
///
/// - `d`: the visitor's details as stored.
/// - `members`: the team, for the owner.
/// - `busy`: whether one of the panel's requests is out (the buttons wait).
/// - `saved`: whether the last save worked ("Saved.").
/// - `save`: stores the details typed here.
/// - `make_contact`: makes the visitor a contact.
#[component]
pub fn DetailsForm(
    d: VisitorDetails,
    members: RwSignal<Vec<AgentProfile>>,
    busy: Signal<bool>,
    saved: Signal<bool>,
    save: Callback<VisitorDetails>,
    make_contact: Callback<()>,
) -> impl IntoView {
    let open = use_context::<OpenConversation>();
    let name = NodeRef::<html::Input>::new();
    let email = NodeRef::<html::Input>::new();
    let owner = NodeRef::<html::Select>::new();
    let save = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let (Some(name), Some(email), Some(owner)) = (name.get(), email.get(), owner.get()) else {
            return;
        };
        save.run(VisitorDetails {
            name: Some(name.value()),
            email: Some(email.value()),
            owner_id: Some(owner.value()).filter(|o| !o.is_empty()),
            ..VisitorDetails::default()
        });
    };
    let make_contact = move |_| make_contact.run(());
    view! {
        <form class="visitor-form" on:submit=save>
            <label for="visitor-name">"Name"</label>
            <input id="visitor-name" node_ref=name type="text" autocomplete="off"
                maxlength="80" value=d.name.clone().unwrap_or_default() />
            <label for="visitor-email">"E-mail"</label>
            <input id="visitor-email" node_ref=email type="email" autocomplete="off"
                value=d.email.clone().unwrap_or_default() />
            <label for="visitor-owner">"Owner"</label>
            <select id="visitor-owner" node_ref=owner>
                <option value="" selected=d.owner_id.is_none()>"Nobody"</option>
                {
                    let current = d.owner_id.clone();
                    move || {
                        let all = members.get().into_iter().map(|m| (m.id, m.name)).collect();
                        crate::id_options(all, current.as_deref())
                    }
                }
            </select>
            <button id="visitor-save" type="submit" disabled=move || busy.get()>"Save"</button>
            <span class="ok" role="status">{move || saved.get().then_some("Saved.")}</span>
        </form>
        {if d.contact {
            view! { <p id="visitor-contact" class="contact-badge">"Contact"</p> }.into_any()
        } else {
            view! {
                <button id="visitor-make-contact" type="button" disabled=move || busy.get()
                    on:click=make_contact>"Create contact"</button>
            }
            .into_any()
        }}
        <dl class="visitor-facts">
            {d.verified_email.clone().map(|address| view! {
                // Vouched for by the site's backend (identity verified): the same
                // contact on every device, unlike the e-mail above, which agents edit.
                <dt>"Signed in as"</dt>
                <dd id="visitor-verified">{address}" ✓"</dd>
            })}
            {d.page_url.clone().map(|url| {
                // The visitor's browser said where it was: a link only if it is a web one.
                let href = domain::text::is_safe_href(&url).then(|| url.clone());
                view! {
                    <dt>"Started on"</dt>
                    <dd>{match href {
                        Some(href) => view! {
                            <a href=href target="_blank" rel="noopener noreferrer nofollow">{url}</a>
                        }
                        .into_any(),
                        None => url.into_any(),
                    }}</dd>
                }
            })}
            {d.referrer.clone().map(|r| view! { <dt>"Came from"</dt><dd>{r}</dd> })}
            {d.locale.clone().map(|l| view! { <dt>"Language"</dt><dd>{l}</dd> })}
            {d.user_agent.clone().map(|ua| view! { <dt>"Browser"</dt><dd class="visitor-browser">{ua}</dd> })}
        </dl>
        {(!d.previous.is_empty()).then(|| view! {
            <h3 class="previous-title">"Earlier conversations"</h3>
            <ul id="visitor-previous" class="previous">
                {d.previous.clone().into_iter().map(|p| {
                    let target = p.id.clone();
                    let label = if p.preview.is_empty() { "(no messages)".to_owned() } else { p.preview.clone() };
                    let state = match p.status {
                        ConversationStatus::Open => "open",
                        ConversationStatus::Closed => "closed",
                    };
                    view! {
                        <li data-id=p.id.clone()>
                            <button type="button" class="previous-open" on:click=move |_| {
                                if let Some(OpenConversation(selected)) = open {
                                    selected.set(Some(target.clone()));
                                }
                            }>
                                <span class="previous-preview">{label}</span>
                                <span class="previous-meta">{api::when(p.created_at)}" · "{state}</span>
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ul>
        })}
    }
}
