//! The composer's snippets: the team's saved replies, found by name and put into the draft at
//! the caret; the draft itself can be saved as a new one. Their authors (and admins) delete
//! them here.

use leptos::html;
use leptos::prelude::*;
use protocol::api::{AgentProfile, NewSnippet, Role, Snippet};

use crate::api;

/// A "Snippets" button and its panel.
///
/// - `draft`: the composer's text, which a snippet goes into and which can be saved as one.
/// - `textarea`: the composer's field, for the caret.
/// - `me`: the signed-in agent (who may delete which snippets).
#[component]
pub fn SnippetPicker(
    draft: RwSignal<String>,
    textarea: NodeRef<html::Textarea>,
    me: AgentProfile,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let snippets = RwSignal::new(Vec::<Snippet>::new());
    let filter = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let name = NodeRef::<html::Input>::new();
    // An action, not a resource: it is read again each time the panel opens, and saving and
    // deleting change the list in place.
    let load = Action::new_local(move |()| async move {
        match api::snippets().await {
            Ok(list) => {
                snippets.try_set(list.snippets);
            }
            Err(e) => {
                error.try_set(Some(e.to_string()));
            }
        }
    });
    let load = move || {
        load.dispatch(());
    };
    let toggle = move |_| {
        let opening = !open.get_untracked();
        open.set(opening);
        if opening {
            load();
        }
    };
    let shown = Memo::new(move |_| {
        let f = filter.get().to_lowercase();
        snippets.with(|all| {
            all.iter()
                .filter(|s| {
                    f.is_empty()
                        || s.name.to_lowercase().contains(&f)
                        || s.body.to_lowercase().contains(&f)
                })
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    // Into the draft at the caret (UTF-16 positions, as the field counts them).
    let insert = move |body: String| {
        let text = draft.get_untracked();
        let units: Vec<u16> = text.encode_utf16().collect();
        let caret = textarea
            .get_untracked()
            .and_then(|el| el.selection_start().ok().flatten())
            .map_or(units.len(), |c| (c as usize).min(units.len()));
        let before = String::from_utf16_lossy(&units[..caret]);
        let after = String::from_utf16_lossy(&units[caret..]);
        let next = format!("{before}{body}{after}");
        let at = (before.encode_utf16().count() + body.encode_utf16().count()) as u32;
        draft.set(next.clone());
        open.set(false);
        if let Some(el) = textarea.get_untracked() {
            el.set_value(&next);
            let _ = el.focus();
            let _ = el.set_selection_range(at, at);
        }
    };
    let save = Action::new_local(move |new: &NewSnippet| {
        let new = new.clone();
        async move {
            match api::add_snippet(&new).await {
                Ok(saved) => {
                    if let Some(input) = name.get_untracked() {
                        input.set_value("");
                    }
                    snippets.try_update(|all| all.push(saved));
                    error.try_set(None);
                }
                Err(e) => {
                    error.try_set(Some(e.to_string()));
                }
            }
        }
    });
    let save = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let Some(input) = name.get() else { return };
        save.dispatch(NewSnippet {
            name: input.value(),
            body: draft.get_untracked(),
        });
    };
    let remove = Action::new_local(move |id: &String| {
        let id = id.clone();
        async move {
            match api::delete_snippet(&id).await {
                Ok(()) => {
                    snippets.try_update(|all| all.retain(|s| s.id != id));
                }
                Err(e) => {
                    error.try_set(Some(e.to_string()));
                }
            }
        }
    });
    let remove = move |id: String| {
        remove.dispatch(id);
    };
    let may_delete = move |s: &Snippet| {
        me.role == Role::Admin || s.created_by.as_deref() == Some(me.id.as_str())
    };
    view! {
        <div class="snippets">
            <button id="snippets-button" type="button" aria-expanded=move || open.get().to_string()
                aria-controls="snippet-picker" on:click=toggle>"Snippets"</button>
            <div id="snippet-picker" class="snippet-picker" hidden=move || !open.get()>
                <input id="snippet-filter" type="search" aria-label="Find a snippet"
                    placeholder="Find a snippet" autocomplete="off"
                    prop:value=move || filter.get()
                    on:input=move |e| filter.set(event_target_value(&e)) />
                <p class="error" role="alert">{move || error.get()}</p>
                <ul class="snippet-list">
                    <li class="empty" hidden=move || !shown.with(Vec::is_empty)>"No snippets yet."</li>
                    <For each=move || shown.get() key=|s| (s.id.clone(), s.updated_at) let(s)>
                        {
                            let body = s.body.clone();
                            let id = s.id.clone();
                            let deletable = may_delete(&s);
                            let label = format!("Delete the snippet {}", s.name);
                            view! {
                                <li class="snippet" data-snippet=s.id.clone()>
                                    <button type="button" class="snippet-use"
                                        on:click=move |_| insert(body.clone())>
                                        <span class="snippet-name">{s.name.clone()}</span>
                                        <span class="snippet-body">{s.body.chars().take(90).collect::<String>()}</span>
                                    </button>
                                    {deletable.then(|| view! {
                                        <button type="button" class="snippet-delete" aria-label=label
                                            on:click=move |_| remove(id.clone())>"Delete"</button>
                                    })}
                                </li>
                            }
                        }
                    </For>
                </ul>
                <form class="snippet-save" on:submit=save hidden=move || draft.with(|d| d.trim().is_empty())>
                    <label for="snippet-name">"Save the draft as"</label>
                    <input id="snippet-name" node_ref=name type="text" maxlength="80" required
                        placeholder="Snippet name" autocomplete="off" />
                    <button id="snippet-save" type="submit">"Save"</button>
                </form>
            </div>
        </div>
    }
}
