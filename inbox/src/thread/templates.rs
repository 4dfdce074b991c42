//! Sending a WhatsApp template, the one message WhatsApp takes once 24 hours have passed since
//! the customer last wrote: the account's approved templates (asked of Meta when the panel
//! opens), a field per parameter, the text as the customer will read it, and Send. The reply
//! then arrives in the thread through the socket like any other.

use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::reply::{SendTemplate, WhatsAppTemplate};

use crate::api;

#[component]
pub fn TemplatePicker(id: String, shown: Signal<bool>) -> impl IntoView {
    let id = StoredValue::new(id);
    let templates = RwSignal::new(None::<Vec<WhatsAppTemplate>>);
    let chosen = RwSignal::new(0usize);
    let values = RwSignal::new(Vec::<String>::new());
    let notice = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let load = move || {
        if templates.get_untracked().is_some() {
            return;
        }
        notice.set(Some("Asking WhatsApp for your templates…".into()));
        spawn_local(async move {
            match api::templates(&id.get_value()).await {
                Ok(list) => {
                    let first = list.templates.first().map_or(0, |t| t.params.len());
                    values.try_set(vec![String::new(); first]);
                    notice.try_set(list.templates.is_empty().then(|| {
                        "The business account has no approved template Porchlight can fill in."
                            .to_owned()
                    }));
                    templates.try_set(Some(list.templates));
                }
                Err(e) => {
                    notice.try_set(Some(e.to_string()));
                }
            }
        });
    };
    let current =
        move || templates.with(|all| all.as_ref().and_then(|all| all.get(chosen.get()).cloned()));
    let preview = move || {
        current().map(|t| {
            let filled: Vec<String> = values.with(|v| {
                t.params
                    .iter()
                    .enumerate()
                    .map(|(i, name)| {
                        v.get(i)
                            .filter(|x| !x.trim().is_empty())
                            .map_or_else(|| format!("[{name}]"), |x| x.trim().to_owned())
                    })
                    .collect()
            });
            domain::meta::templates::render(&t, &filled)
        })
    };
    let choose = move |index: usize| {
        chosen.set(index);
        let n = current().map_or(0, |t| t.params.len());
        values.set(vec![String::new(); n]);
    };
    let send = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let (Some(t), Some(client_id)) = (current(), client::new_client_id()) else {
            return;
        };
        let body = SendTemplate {
            client_id,
            name: t.name,
            language: t.language,
            params: values.get_untracked(),
        };
        busy.set(true);
        spawn_local(async move {
            match api::send_template(&id.get_value(), &body).await {
                Ok(_) => {
                    notice.try_set(None);
                    let n = body.params.len();
                    values.try_set(vec![String::new(); n]);
                }
                Err(e) => {
                    notice.try_set(Some(format!("The template was not sent: {e}")));
                }
            }
            busy.try_set(false);
        });
    };
    view! {
        <details id="templates" class="templates" hidden=move || !shown.get()
            on:toggle=move |_| load()>
            <summary>"Send a WhatsApp template"</summary>
            <p class="error" role="status">{move || notice.get()}</p>
            <form on:submit=send hidden=move || templates.with(|t| t.as_ref().is_none_or(Vec::is_empty))>
                <label for="template-choice">"Template"</label>
                <select id="template-choice"
                    on:change=move |e| choose(event_target_value(&e).parse().unwrap_or(0))>
                    {move || templates.get().unwrap_or_default().into_iter().enumerate().map(|(i, t)| {
                        view! { <option value=i.to_string()>{format!("{} ({})", t.name, t.language)}</option> }
                    }).collect_view()}
                </select>
                {move || current().map(|t| t.params.into_iter().enumerate().map(|(i, name)| {
                    let field = format!("template-param-{i}");
                    view! {
                        <label for=field.clone()>{format!("Value for {{{{{name}}}}}")}</label>
                        <input id=field type="text" required maxlength="1024"
                            prop:value=move || values.with(|v| v.get(i).cloned().unwrap_or_default())
                            on:input=move |e| {
                                let typed = event_target_value(&e);
                                values.update(|v| if let Some(slot) = v.get_mut(i) { *slot = typed; });
                            } />
                    }
                }).collect_view())}
                <p id="template-preview" class="template-preview" aria-live="polite">{preview}</p>
                <button id="template-send" type="submit" class="primary"
                    disabled=move || busy.get()>"Send template"</button>
            </form>
        </details>
    }
}
