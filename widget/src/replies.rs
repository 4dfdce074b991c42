//! A bot's question's quick replies (the `replies` part, `crate::parts`): the answers it offers,
//! as buttons between the log and the composer while the question is the last word. A tap
//! sends the answer as the visitor's message; typing one works as well (the bot reads either,
//! and matches a choice whatever its case).

use leptos::prelude::*;
use protocol::i18n::part;

use crate::chat::{Chat, Words};

#[component]
pub fn QuickReplies() -> impl IntoView {
    let chat = expect_context::<Chat>();
    let t = expect_context::<Words>();
    let label = t.part(part::QUICK_REPLIES).to_owned();
    move || {
        let choices = chat.offered_choices();
        (!choices.is_empty()).then(|| {
            let buttons = choices
                .into_iter()
                .map(|choice| {
                    let answer = choice.clone();
                    view! {
                        <button type="button" class="pl-reply"
                            disabled=move || !chat.may_write()
                            on:click=move |_| chat.reply_with(answer.clone())>
                            {choice}
                        </button>
                    }
                })
                .collect_view();
            view! {
                <div id="pl-replies" class="pl-replies" role="group" aria-label=label.clone()>
                    {buttons}
                </div>
            }
        })
    }
}
