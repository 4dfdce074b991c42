//! Sending a WhatsApp template, the one message WhatsApp takes once 24 hours have passed since
//! the customer last wrote: the account's approved templates (asked of Meta when the panel
//! opens), a field per parameter (the body's, a text header's, each button's that needs one)
//! and a file for a media header, the text as the customer will read it, and Send. The reply
//! then arrives in the thread through the socket like any other.

use leptos::prelude::*;
use protocol::reply::{SendTemplate, TemplateButtonKind, TemplateHeader, WhatsAppTemplate};

use crate::api;

/// The fields a template needs, in order: (label, most characters). The body's parameters,
/// then a text header's, then each button's; the values are sent in that order, split by
/// [`split`].
fn fields(t: &WhatsAppTemplate) -> Vec<(String, usize)> {
    let mut fields: Vec<(String, usize)> = t
        .params
        .iter()
        .map(|name| (format!("Value for {{{{{name}}}}}"), 1024))
        .collect();
    if let Some(TemplateHeader::Text { param, .. }) = &t.header {
        fields.push((format!("Header: value for {{{{{param}}}}}"), 60));
    }
    for b in &t.buttons {
        fields.push(match b.kind {
            TemplateButtonKind::Url => (
                format!(
                    "Button “{}”: the end of {}",
                    b.text,
                    b.url.as_deref().unwrap_or_default()
                ),
                1024,
            ),
            TemplateButtonKind::CopyCode => (format!("Button “{}”: the code", b.text), 15),
        });
    }
    fields
}

/// The values of [`fields`] as the API takes them: (body, header, buttons).
fn split(t: &WhatsAppTemplate, values: &[String]) -> (Vec<String>, Option<String>, Vec<String>) {
    let mut rest = values.iter().cloned();
    let body = rest.by_ref().take(t.params.len()).collect();
    let header = match t.header {
        Some(TemplateHeader::Text { .. }) => rest.next(),
        _ => None,
    };
    (body, header, rest.collect())
}

/// What a media header takes, for the file input's `accept`.
fn accepts(header: &TemplateHeader) -> Option<&'static str> {
    match header {
        TemplateHeader::Image => Some("image/jpeg,image/png"),
        TemplateHeader::Video => Some("video/mp4"),
        TemplateHeader::Document => Some("application/pdf"),
        TemplateHeader::Text { .. } => None,
    }
}

/// A template ready to go: what [`TemplatePicker`]'s form read when it was submitted.
#[derive(Clone)]
struct Filled {
    template: WhatsAppTemplate,
    client_id: String,
    values: Vec<String>,
    /// The media header's file, if the template has one.
    file: Option<web_sys::File>,
}

/// The "Send a WhatsApp template" panel.
///
/// - `id`: the conversation's id.
/// - `shown`: whether the panel shows (WhatsApp conversations past the 24-hour window).
#[component]
pub fn TemplatePicker(id: String, shown: Signal<bool>) -> impl IntoView {
    let id = StoredValue::new(id);
    let templates = RwSignal::new(None::<Vec<WhatsAppTemplate>>);
    let chosen = RwSignal::new(0usize);
    let values = RwSignal::new(Vec::<String>::new());
    let notice = RwSignal::new(None::<String>);
    // An action, not a resource: it asks Meta only once the panel is opened.
    let load = Action::new_local(move |()| async move {
        match api::templates(&id.get_value()).await {
            Ok(list) => {
                let first = list.templates.first().map_or(0, |t| fields(t).len());
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
    let load = move || {
        if templates.get_untracked().is_some() {
            return;
        }
        notice.set(Some("Asking WhatsApp for your templates…".into()));
        load.dispatch(());
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
        let n = current().map_or(0, |t| fields(&t).len());
        values.set(vec![String::new(); n]);
    };
    let file_input = NodeRef::<leptos::html::Input>::new();
    let media = move || current().and_then(|t| t.header.as_ref().and_then(accepts));
    let send = Action::new_local(move |filled: &Filled| {
        let Filled {
            template: t,
            client_id,
            values: filled,
            file,
        } = filled.clone();
        async move {
            let (params, header_param, button_params) = split(&t, &filled);
            let conversation = id.get_value();
            // A media header's file goes up first, as an attachment of this conversation.
            let header_file_id = match (t.header.as_ref().and_then(accepts), file) {
                (Some(_), Some(file)) => match api::upload(&conversation, &file).await {
                    Ok(upload) => Some(upload.id),
                    Err(e) => {
                        notice.try_set(Some(format!("The file was not sent: {e}")));
                        return;
                    }
                },
                _ => None,
            };
            let body = SendTemplate {
                client_id,
                name: t.name,
                language: t.language,
                params,
                header_param,
                header_file_id,
                button_params,
            };
            match api::send_template(&conversation, &body).await {
                Ok(_) => {
                    notice.try_set(None);
                    values.try_set(vec![String::new(); filled.len()]);
                    if let Some(input) = file_input.get_untracked() {
                        input.set_value("");
                    }
                }
                Err(e) => {
                    notice.try_set(Some(format!("The template was not sent: {e}")));
                }
            }
        }
    });
    let busy = send.pending();
    let send = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let (Some(template), Some(client_id)) = (current(), client::new_client_id()) else {
            return;
        };
        let file = file_input
            .get_untracked()
            .and_then(|input| input.files())
            .and_then(|files| files.get(0));
        send.dispatch_local(Filled {
            template,
            client_id,
            values: values.get_untracked(),
            file,
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
                <label for="template-header-file" hidden=move || media().is_none()>"Header file"</label>
                <input id="template-header-file" type="file" node_ref=file_input
                    hidden=move || media().is_none() required=move || media().is_some()
                    accept=move || media().unwrap_or_default() />
                {move || current().map(|t| fields(&t).into_iter().enumerate().map(|(i, (label, max))| {
                    let field = format!("template-param-{i}");
                    view! {
                        <label for=field.clone()>{label}</label>
                        <input id=field type="text" required maxlength=max.to_string()
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
