//! "Your data" (the `privacy` part, `crate::parts`): a button in the chat's header, once the
//! visitor has said something, opening a panel to download this conversation and to ask the
//! team to erase everything stored about them, after saying what that means. The part draws
//! both at the end of the header (`#pl-header`) when it has loaded (the parts load when the
//! browser is idle), so the core chat carries none of it.

use leptos::prelude::*;
use leptos::task::spawn_local;

use protocol::i18n::part;

use crate::chat::{Chat, Words};

/// Where a step of the panel stands.
#[derive(Clone, Copy, PartialEq)]
enum Step {
    Idle,
    Confirming,
    Working,
    Requested,
    Failed,
}

#[component]
pub fn Privacy() -> impl IntoView {
    let chat = expect_context::<Chat>();
    let t = expect_context::<Words>();
    let open = RwSignal::new(false);
    let erase = RwSignal::new(Step::Idle);
    let download = RwSignal::new(Step::Idle);
    let get = move |_| {
        download.set(Step::Working);
        spawn_local(async move {
            let saved = chat.download_conversation().await;
            download.set(if saved { Step::Idle } else { Step::Failed });
        });
    };
    let ask = move |_| {
        erase.set(Step::Working);
        spawn_local(async move {
            let taken = chat.request_erasure().await;
            erase.set(if taken { Step::Requested } else { Step::Failed });
        });
    };
    view! {
        <Show when=move || chat.has_data()>
            <button id="pl-privacy-open" class="pl-icon" type="button"
                aria-label=t.part(part::YOUR_DATA)
                aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)>
                <span aria-hidden="true">"⋯"</span>
            </button>
        </Show>
        <Show when=move || open.get()>
            <section id="pl-privacy" class="pl-privacy" aria-labelledby="pl-privacy-title">
                <h2 id="pl-privacy-title">{t.part(part::YOUR_DATA)}</h2>
                <button id="pl-download" type="button" on:click=get
                    disabled=move || download.get() == Step::Working>
                    {t.part(part::DOWNLOAD_CONVERSATION)}
                </button>
                <Show when=move || download.get() == Step::Failed>
                    <p role="alert">{t.network_error.as_str()}</p>
                </Show>
                <Show when=move || erase.get() == Step::Idle>
                    <button id="pl-erase" type="button" on:click=move |_| erase.set(Step::Confirming)>
                        {t.part(part::ERASE_REQUEST)}
                    </button>
                </Show>
                <Show when=move || matches!(erase.get(), Step::Confirming | Step::Working)>
                    <p id="pl-erase-what">{t.part(part::ERASE_CONFIRM)}</p>
                    <button id="pl-erase-confirm" type="button" on:click=ask
                        disabled=move || erase.get() == Step::Working>
                        {t.part(part::ERASE_REQUEST)}
                    </button>
                </Show>
                <Show when=move || erase.get() == Step::Requested>
                    <p id="pl-erase-requested" role="status">{t.part(part::ERASE_REQUESTED)}</p>
                </Show>
                <Show when=move || erase.get() == Step::Failed>
                    <p role="alert">{t.network_error.as_str()}</p>
                </Show>
            </section>
        </Show>
    }
}
