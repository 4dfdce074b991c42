//! Where each channel delivers: every channel of every inbox, with a select of the inbox it
//! delivers to.

use leptos::prelude::*;
use protocol::Channel;

use super::channel_label;
use crate::api;
use crate::directory::Directory;

/// Every channel with the inbox it delivers to, changeable.
///
/// - `done`: says what was changed (the page's status line).
/// - `failed`: says why a change was refused (the page's error line).
#[component]
pub fn Channels(done: Callback<String>, failed: Callback<String>) -> impl IntoView {
    let directory = Directory::get();
    let connect = Action::new_local(move |(c, inbox): &(protocol::api::InboxChannel, String)| {
        let (c, inbox) = (c.clone(), inbox.clone());
        async move {
            // A site's chat is named by its site; a Page or number by its connection, on the
            // site that owns it.
            let connection = (c.channel != Channel::Chat).then_some(c.id.as_str());
            match api::connect_channel(&c.site_id, connection, inbox).await {
                Ok(list) => {
                    directory.inboxes.try_set(list.inboxes);
                    done.run(format!("{} now delivers to the chosen inbox.", c.name));
                }
                Err(e) => failed.run(e.to_string()),
            }
        }
    });
    let rows = move || {
        directory.inboxes.with(|all| {
            all.iter()
                .flat_map(|inbox| {
                    inbox
                        .channels
                        .iter()
                        .map(move |c| (c.clone(), inbox.id.clone()))
                })
                .collect::<Vec<_>>()
        })
    };
    view! {
        <table class="channel-table">
            <thead><tr>
                <th scope="col">"Channel"</th>
                <th scope="col">"Delivers to"</th>
            </tr></thead>
            <tbody>
                <For each=rows key=|(c, inbox)| (c.id.clone(), inbox.clone()) let((channel, current))>
                    {
                        let label = format!("{}: {}", channel_label(channel.channel), channel.name);
                        let select_label = format!("Inbox of {label}");
                        let channel = StoredValue::new(channel);
                        let change = move |e: leptos::ev::Event| {
                            connect.dispatch_local((channel.get_value(), event_target_value(&e)));
                        };
                        view! {
                            <tr data-channel=channel.with_value(|c| c.id.clone())>
                                <th scope="row">{label}</th>
                                <td>
                                    <select class="channel-inbox" aria-label=select_label on:change=change>
                                        {move || crate::id_options(directory.inbox_names(), Some(&current))}
                                    </select>
                                </td>
                            </tr>
                        }
                    }
                </For>
            </tbody>
        </table>
    }
}
