//! The Reports page (admins): for the last day, week, month or quarter, all channels or one, and
//! all inboxes or one,
//! the conversations started (with a bar per day), the first response and the time to close
//! (median and 90th percentile), and who answered.

use domain::reports::human_duration;
use leptos::prelude::*;
use protocol::api::{Durations, Report};

use crate::directory::Directory;
use crate::{api, last_ok, load_error};

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// The Reports page (admins): figures for a period, narrowed to a channel and an inbox. It has
/// no props.
#[component]
pub fn ReportsPage() -> impl IntoView {
    let days = RwSignal::new(7i64);
    let channel = RwSignal::new(String::new());
    let inbox = RwSignal::new(String::new());
    let directory = Directory::get();
    // Loaded again whenever a filter changes; the last report stays while a load fails.
    let load = LocalResource::new(move || {
        let (days, channel, inbox) = (days.get(), channel.get(), inbox.get());
        async move {
            let to = js_sys::Date::now() as i64;
            api::report(to - days * DAY_MS, to, &channel, &inbox)
                .await
                .map_err(|e| e.to_string())
        }
    });
    let report = last_ok(load);
    let error = move || load_error(load);
    view! {
        <main class="page reports" aria-labelledby="reports-title">
            <h1 id="reports-title">"Reports"</h1>
            <div class="report-filters">
                <label for="report-period">"Period"</label>
                <select id="report-period" on:change=move |e| {
                    days.set(event_target_value(&e).parse().unwrap_or(7));
                }>
                    <option value="1">"Last 24 hours"</option>
                    <option value="7" selected>"Last 7 days"</option>
                    <option value="30">"Last 30 days"</option>
                    <option value="90">"Last 90 days"</option>
                </select>
                <label for="report-channel">"Channel"</label>
                <select id="report-channel" on:change=move |e| channel.set(event_target_value(&e))>
                    <option value="" selected>"All channels"</option>
                    <option value="chat">"Website chat"</option>
                    <option value="messenger">"Messenger"</option>
                    <option value="whatsapp">"WhatsApp"</option>
                </select>
                <label for="report-inbox">"Inbox"</label>
                <select id="report-inbox" on:change=move |e| inbox.set(event_target_value(&e))>
                    <option value="" selected>"All inboxes"</option>
                    {move || directory.inboxes.get().into_iter().map(|i| view! {
                        <option value=i.id>{i.name}</option>
                    }).collect_view()}
                </select>
            </div>
            <p class="error" role="alert">{error}</p>
            {move || report.get().map(|r| view! {
                <div class="report-cards">
                    <Card id="report-started" label="Conversations started" value=r.started.to_string() detail=String::new() />
                    <DurationCard id="report-first-response" label="First response" d=r.first_response.clone() />
                    <DurationCard id="report-close" label="Time to close" d=r.time_to_close.clone() />
                </div>
                <PerDay report=r.clone() />
                <section aria-labelledby="report-agents-title">
                    <h2 id="report-agents-title">"Who answered"</h2>
                    <p class="empty" hidden=!r.agents.is_empty()>"No replies in this period."</p>
                    <table id="report-agents" class="report-table" hidden=r.agents.is_empty()>
                        <thead><tr>
                            <th scope="col">"Agent"</th>
                            <th scope="col">"Conversations"</th>
                            <th scope="col">"Replies"</th>
                        </tr></thead>
                        <tbody>
                            {r.agents.iter().map(|a| view! {
                                <tr data-agent=a.agent_id.clone()>
                                    <th scope="row">{a.name.clone()}</th>
                                    <td>{a.conversations}</td>
                                    <td>{a.replies}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </section>
            })}
        </main>
    }
}

/// One figure.
///
/// - `id`: the card's element id.
/// - `label`: what the figure is.
/// - `value`: the figure.
/// - `detail`: a line under it.
#[component]
fn Card(id: &'static str, label: &'static str, value: String, detail: String) -> impl IntoView {
    view! {
        <div class="report-card" id=id>
            <span class="report-label">{label}</span>
            <span class="report-value">{value}</span>
            <span class="report-detail">{detail}</span>
        </div>
    }
}

/// A duration's median and 90th percentile.
///
/// - `id`: the card's element id.
/// - `label`: what is timed.
/// - `d`: the durations.
#[component]
fn DurationCard(id: &'static str, label: &'static str, d: Durations) -> impl IntoView {
    let (value, detail) = match (d.median_ms, d.p90_ms) {
        (Some(median), Some(p90)) => (
            human_duration(median),
            format!("median of {}; 90% within {}", d.count, human_duration(p90)),
        ),
        _ => ("—".to_owned(), "none in this period".to_owned()),
    };
    view! { <Card id label value detail /> }
}

/// Conversations started per day, as bars (SVG, scaled to the busiest day), with the same
/// figures in a table for screen readers and for reading.
///
/// - `report`: the report, with its per-day counts.
#[component]
fn PerDay(report: Report) -> impl IntoView {
    let max = report
        .per_day
        .iter()
        .map(|d| d.started)
        .max()
        .unwrap_or(0)
        .max(1);
    let n = report.per_day.len().max(1);
    let width = 640.0_f64;
    let height = 160.0_f64;
    let slot = width / n as f64;
    let bars = report
        .per_day
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let h = (f64::from(d.started) / f64::from(max)) * (height - 20.0);
            let x = i as f64 * slot + slot * 0.15;
            view! {
                <rect class="report-bar" x=format!("{x:.1}") y=format!("{:.1}", height - h)
                    width=format!("{:.1}", slot * 0.7) height=format!("{h:.1}")>
                    <title>{format!("{}: {}", d.day, d.started)}</title>
                </rect>
            }
        })
        .collect_view();
    let first = report
        .per_day
        .first()
        .map(|d| d.day.clone())
        .unwrap_or_default();
    let last = report
        .per_day
        .last()
        .map(|d| d.day.clone())
        .unwrap_or_default();
    view! {
        <section aria-labelledby="report-days-title">
            <h2 id="report-days-title">"Started per day"</h2>
            <svg id="report-chart" class="report-chart" viewBox=format!("0 0 {width} {height}")
                role="img" aria-label=format!("Conversations started per day, {first} to {last}, at most {max} a day")>
                {bars}
            </svg>
            <details class="report-days">
                <summary>"The figures"</summary>
                <table class="report-table">
                    <thead><tr><th scope="col">"Day"</th><th scope="col">"Started"</th></tr></thead>
                    <tbody>
                        {report.per_day.iter().map(|d| view! {
                            <tr><th scope="row">{d.day.clone()}</th><td>{d.started}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </details>
        </section>
    }
}
