//! The socket load generator of `cargo xtask bench` (issue 7): what an operator pays for live
//! chat on the local Worker (workerd via `wrangler dev`), measured from a separate process.
//!
//! For each N (10, 100, 500 by default): N visitors start conversations over HTTP, then each
//! conversation gets the visitor's socket and an agent's socket, as the widget and the inbox open
//! them. Visitors send at a set total rate for a while; the agent answers every message it sees.
//! Measured, as p50/p90/p99/max: send → acknowledged (the message is durable), send → seen by
//! the agent, reply → seen by the visitor. Then, at N = 100, the rate is doubled step by step
//! until the p99 of send → seen passes 100 ms. workerd's CPU time over each phase is divided by
//! the messages stored in it.
//!
//! Correctness while loaded: every message sent must be acknowledged once and seen by the other
//! side exactly once, in the order sent; otherwise the run fails loudly (exit status 1).
//!
//! Environment (set by `cargo xtask bench`): EDGE_URL, SITE_ID, AGENT_EMAIL, AGENT_PASSWORD,
//! RESULTS (a JSON file the figures are merged into, under `sockets`); optional LOADGEN_SIZES
//! (`10,100,500`), LOADGEN_RATE (visitor messages per second, 50), LOADGEN_SECONDS (10).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use futures_util::{SinkExt, StreamExt};
use protocol::api::{ConversationCreated, SendMessage};
use protocol::frame::{ClientFrame, ServerFrame};
use protocol::Author;
use serde_json::{json, Value};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::{HeaderName, HeaderValue};
use tokio_tungstenite::tungstenite::Message as Ws;

/// How long the run waits for the last messages of a phase to arrive.
const DRAIN: Duration = Duration::from_secs(20);
/// The most messages a second one visitor sends (the Worker refuses more than 60 frames in
/// 10 s on a socket; kept below it with room for a window's jitter).
const VISITOR_RATE_MAX: f64 = 5.0;

/// The p99 the rate search looks for.
const P99_LIMIT_MS: f64 = 100.0;

struct Env {
    edge: String,
    site: String,
    email: String,
    password: String,
    results: String,
    sizes: Vec<usize>,
    rate: f64,
    seconds: f64,
}

fn env(name: &str) -> Result<String> {
    std::env::var(name)
        .with_context(|| format!("{name} is not set: run through `cargo xtask bench`"))
}

fn read_env() -> Result<Env> {
    let sizes = std::env::var("LOADGEN_SIZES").unwrap_or_else(|_| "10,100,500".into());
    Ok(Env {
        edge: env("EDGE_URL")?.trim_end_matches('/').to_owned(),
        site: env("SITE_ID")?,
        email: env("AGENT_EMAIL")?,
        password: env("AGENT_PASSWORD")?,
        results: env("RESULTS")?,
        sizes: sizes
            .split(',')
            .map(|n| n.trim().parse().context("LOADGEN_SIZES: numbers"))
            .collect::<Result<_>>()?,
        rate: std::env::var("LOADGEN_RATE").map_or(Ok(50.0), |r| r.parse())?,
        seconds: std::env::var("LOADGEN_SECONDS").map_or(Ok(10.0), |s| s.parse())?,
    })
}

// ---- HTTP, as the widget and the inbox start their sessions ----

fn http() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

fn sign_in(env: &Env) -> Result<String> {
    let mut reply = http()
        .post(&format!("{}/api/agent/session", env.edge))
        .header("origin", &env.edge)
        .send_json(json!({ "email": env.email, "password": env.password }))?;
    if reply.status() != 200 {
        bail!("signing in: {}", reply.body_mut().read_to_string()?);
    }
    let cookie = reply
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("pl_session="))
        .context("no session cookie")?;
    Ok(cookie.split(';').next().unwrap_or_default().to_owned())
}

/// The client address visitor `n` comes from (a header only: the local runtime keeps a client's
/// `cf-connecting-ip`). Each visitor is a different person, as the Worker's flood limits,
/// counted per address, expect of real traffic.
fn address(n: usize) -> String {
    format!("198.18.{}.{}", (n / 256) % 256, n % 256)
}

fn start_conversation(env: &Env, n: usize) -> Result<ConversationCreated> {
    let mut reply = http()
        .post(&format!("{}/api/widget/conversations", env.edge))
        .header("cf-connecting-ip", &address(n % 100_000))
        .send_json(json!({
            "site_id": env.site,
            "first_message": { "client_id": format!("lg-start-{n}-{}", std::process::id()), "body": "load test" },
        }))?;
    if reply.status() != 201 {
        bail!(
            "starting conversation {n}: {}",
            reply.body_mut().read_to_string()?
        );
    }
    Ok(reply.body_mut().read_json()?)
}

// ---- what is measured ----

#[derive(Default)]
struct Ledger {
    /// Client id → (conversation, index in its conversation, when sent), until seen.
    pending_seen: HashMap<String, (usize, usize, Instant)>,
    pending_ack: HashMap<String, Instant>,
    ack_ms: Vec<f64>,
    seen_ms: Vec<f64>,
    reply_ms: Vec<f64>,
    /// Per conversation: the index of the last visitor message the agent saw, and of the last
    /// reply the visitor saw (order checks).
    last_seen: HashMap<usize, usize>,
    last_reply: HashMap<usize, usize>,
    errors: Vec<String>,
    stored: usize,
}

impl Ledger {
    fn fail(&mut self, what: String) {
        if self.errors.len() < 20 {
            self.errors.push(what);
        }
    }
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}

fn percentiles(values: &mut [f64]) -> Value {
    values.sort_by(f64::total_cmp);
    let at = |p: f64| {
        let rank = ((p / 100.0) * values.len() as f64).ceil() as usize;
        values
            .get(rank.saturating_sub(1))
            .copied()
            .unwrap_or(f64::NAN)
    };
    json!({
        "count": values.len(),
        "p50_ms": at(50.0), "p90_ms": at(90.0), "p99_ms": at(99.0),
        "max_ms": values.last().copied().unwrap_or(f64::NAN),
    })
}

/// workerd's CPU seconds so far (user + system, every workerd process), from /proc.
fn workerd_cpu() -> f64 {
    let mut total = 0.0;
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return 0.0;
    };
    for entry in dir.flatten() {
        let path = entry.path();
        let is_workerd = std::fs::read(path.join("cmdline")).is_ok_and(|c| {
            c.split(|b| *b == 0)
                .next()
                .is_some_and(|exe| exe.ends_with(b"workerd"))
        });
        if !is_workerd {
            continue;
        }
        if let Ok(stat) = std::fs::read_to_string(path.join("stat")) {
            let fields: Vec<&str> = stat
                .rsplit_once(") ")
                .map(|(_, rest)| rest.split(' ').collect())
                .unwrap_or_default();
            let ticks = |i: usize| {
                fields
                    .get(i)
                    .and_then(|f| f.parse::<f64>().ok())
                    .unwrap_or(0.0)
            };
            total += (ticks(11) + ticks(12)) / 100.0;
        }
    }
    total
}

// ---- sockets ----

type Outbox = mpsc::UnboundedSender<String>;

/// Opens a conversation socket with these extra headers; returns its outbox, and calls
/// `on_frame` for each frame in a task of its own. Resolves once the replay is `Synced`.
async fn open_socket(
    url: &str,
    headers: &[(&str, String)],
    on_frame: impl Fn(ServerFrame, &Outbox) + Send + 'static,
) -> Result<Outbox> {
    let mut request = url.into_client_request()?;
    for (name, value) in headers {
        request.headers_mut().insert(
            HeaderName::from_bytes(name.as_bytes())?,
            HeaderValue::from_str(value)?,
        );
    }
    let (socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .with_context(|| format!("opening {url}"))?;
    let (mut sink, mut stream) = socket.split();
    let (outbox, mut queue) = mpsc::unbounded_channel::<String>();
    tokio::spawn(async move {
        while let Some(text) = queue.recv().await {
            if sink.send(Ws::text(text)).await.is_err() {
                break;
            }
        }
    });
    let (synced_tx, synced_rx) = tokio::sync::oneshot::channel();
    let mine = outbox.clone();
    tokio::spawn(async move {
        let mut synced = Some(synced_tx);
        while let Some(Ok(message)) = stream.next().await {
            let Ws::Text(text) = message else { continue };
            // Agents' sockets also carry notes and deliveries, which are not measured.
            let Ok(frame) = serde_json::from_str::<ServerFrame>(&text) else {
                continue;
            };
            if matches!(frame, ServerFrame::Synced { .. }) {
                if let Some(tx) = synced.take() {
                    let _ = tx.send(());
                }
            }
            on_frame(frame, &mine);
        }
    });
    tokio::time::timeout(Duration::from_secs(30), synced_rx)
        .await
        .context("no Synced within 30 s")??;
    Ok(outbox)
}

fn send_frame(outbox: &Outbox, client_id: String, body: String) {
    let frame = ClientFrame::Send(SendMessage {
        client_id,
        body,
        attachment: None,
    });
    if let Ok(text) = serde_json::to_string(&frame) {
        let _ = outbox.send(text);
    }
}

struct Pair {
    visitor: Outbox,
}

async fn connect_all(
    env: &Env,
    cookie: &str,
    conversations: &[ConversationCreated],
    ledger: &Arc<Mutex<Ledger>>,
) -> Result<Vec<Pair>> {
    let ws = env.edge.replacen("http", "ws", 1);
    let mut pairs = Vec::new();
    for (n, created) in conversations.iter().enumerate() {
        let id = &created.conversation_id;
        // The agent answers every visitor message it sees, with `a{n}-{index}`.
        let agent_ledger = Arc::clone(ledger);
        let agent = open_socket(
            &format!("{ws}/api/agent/conversations/{id}/socket"),
            &[("cookie", cookie.to_owned()), ("origin", env.edge.clone())],
            move |frame, outbox| {
                let ServerFrame::Message(message) = frame else {
                    return;
                };
                if message.author != Author::Visitor {
                    return;
                }
                let mut l = agent_ledger.lock().unwrap_or_else(|p| p.into_inner());
                let Some((conv, index, sent)) = l.pending_seen.remove(&message.client_id) else {
                    return; // the first message, or a replay
                };
                l.seen_ms.push(ms(sent));
                l.stored += 1;
                if let Some(last) = l.last_seen.insert(conv, index) {
                    if index != last + 1 {
                        l.fail(format!(
                            "conversation {conv}: the agent saw {index} after {last}"
                        ));
                    }
                }
                let reply = format!("a{conv}-{index}");
                l.pending_seen
                    .insert(reply.clone(), (conv, index, Instant::now()));
                drop(l);
                send_frame(outbox, reply, format!("reply {index}"));
            },
        )
        .await?;
        // The agent's socket lives on in its tasks; its outbox is the reply's.
        drop(agent);
        let visitor_ledger = Arc::clone(ledger);
        let visitor = open_socket(
            &format!("{ws}/api/widget/conversations/{id}/socket"),
            &[
                (
                    "sec-websocket-protocol",
                    format!("porchlight.v1, bearer.{}", created.visitor_token),
                ),
                ("cf-connecting-ip", address(n)),
            ],
            move |frame, _| {
                let mut l = visitor_ledger.lock().unwrap_or_else(|p| p.into_inner());
                match frame {
                    ServerFrame::Ack { client_id, duplicate, .. } => {
                        if let Some(sent) = l.pending_ack.remove(&client_id) {
                            l.ack_ms.push(ms(sent));
                            if duplicate {
                                l.fail(format!("{client_id} was acknowledged as a duplicate"));
                            }
                        }
                    }
                    ServerFrame::Message(message) if message.author != Author::Visitor => {
                        let Some((conv, index, sent)) = l.pending_seen.remove(&message.client_id)
                        else {
                            return;
                        };
                        l.reply_ms.push(ms(sent));
                        l.stored += 1;
                        if let Some(last) = l.last_reply.insert(conv, index) {
                            if index != last + 1 {
                                l.fail(format!("conversation {conv}: the visitor saw reply {index} after {last}"));
                            }
                        }
                    }
                    ServerFrame::Error { code, message, .. } => {
                        l.fail(format!("refused: {code:?} {message}"));
                    }
                    _ => {}
                }
            },
        )
        .await?;
        pairs.push(Pair { visitor });
    }
    Ok(pairs)
}

/// Sends `rate` visitor messages per second, round robin, for `seconds`; then waits for every
/// message and reply to be seen. Returns the phase's figures.
async fn phase(
    pairs: &[Pair],
    ledger: &Arc<Mutex<Ledger>>,
    next_index: &mut [usize],
    rate: f64,
    seconds: f64,
) -> Result<Value> {
    {
        let mut l = ledger.lock().unwrap_or_else(|p| p.into_inner());
        l.ack_ms.clear();
        l.seen_ms.clear();
        l.reply_ms.clear();
        l.stored = 0;
    }
    let cpu_before = workerd_cpu();
    let total = (rate * seconds).round() as usize;
    let gap = Duration::from_secs_f64(1.0 / rate);
    let started = Instant::now();
    for k in 0..total {
        let conv = k % pairs.len();
        let index = next_index[conv];
        next_index[conv] += 1;
        let client_id = format!("v{conv}-{index}");
        {
            let mut l = ledger.lock().unwrap_or_else(|p| p.into_inner());
            let now = Instant::now();
            l.pending_ack.insert(client_id.clone(), now);
            l.pending_seen.insert(client_id.clone(), (conv, index, now));
        }
        send_frame(&pairs[conv].visitor, client_id, format!("message {index}"));
        let due = started + gap * (k as u32 + 1);
        tokio::time::sleep_until(due.into()).await;
    }
    let deadline = Instant::now() + DRAIN;
    loop {
        let done = {
            let l = ledger.lock().unwrap_or_else(|p| p.into_inner());
            l.pending_ack.is_empty() && l.pending_seen.is_empty()
        };
        if done {
            break;
        }
        if Instant::now() > deadline {
            let l = ledger.lock().unwrap_or_else(|p| p.into_inner());
            bail!(
                "after {} s, {} sends unacknowledged and {} messages unseen: lost under load",
                DRAIN.as_secs(),
                l.pending_ack.len(),
                l.pending_seen.len()
            );
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let cpu = workerd_cpu() - cpu_before;
    let mut l = ledger.lock().unwrap_or_else(|p| p.into_inner());
    if !l.errors.is_empty() {
        bail!("messages out of order or refused: {:?}", l.errors);
    }
    let stored = l.stored;
    Ok(json!({
        "visitor_messages_per_s": rate,
        "seconds": seconds,
        "messages_stored": stored,
        "send_to_ack": percentiles(&mut l.ack_ms),
        "send_to_agent": percentiles(&mut l.seen_ms),
        "reply_to_visitor": percentiles(&mut l.reply_ms),
        "workerd_cpu_ms_per_message": if stored > 0 { cpu * 1000.0 / stored as f64 } else { f64::NAN },
        "exactly_once_in_order": true,
    }))
}

#[tokio::main]
async fn main() -> Result<()> {
    let env = read_env()?;
    let cookie = sign_in(&env)?;
    let mut runs = Vec::new();
    let mut search = None;
    for &n in &env.sizes {
        println!(
            "loadgen: N = {n}: starting {n} conversations and {} sockets",
            2 * n
        );
        let conversations = (0..n)
            .map(|i| start_conversation(&env, runs.len() * 100_000 + i))
            .collect::<Result<Vec<_>>>()?;
        let ledger = Arc::new(Mutex::new(Ledger::default()));
        let pairs = connect_all(&env, &cookie, &conversations, &ledger).await?;
        let mut next_index = vec![0; n];
        println!(
            "loadgen: N = {n}: {} visitor messages per second for {} s, each answered",
            env.rate, env.seconds
        );
        let figures = phase(&pairs, &ledger, &mut next_index, env.rate, env.seconds).await?;
        println!("loadgen: N = {n}: {figures}");
        runs.push(json!({ "conversations": n, "sockets": 2 * n, "figures": figures }));
        if n == 100 || (search.is_none() && n == *env.sizes.last().unwrap_or(&n)) {
            // The rate at which the p99 of send → seen by the agent passes 100 ms.
            let mut rate = env.rate;
            let mut steps = Vec::new();
            loop {
                rate *= 2.0;
                println!("loadgen: N = {n}: rate search at {rate} messages per second");
                let step = phase(&pairs, &ledger, &mut next_index, rate, 5.0).await?;
                let p99 = step["send_to_agent"]["p99_ms"]
                    .as_f64()
                    .unwrap_or(f64::INFINITY);
                steps.push(step);
                // Each visitor stays within the Worker's flood limit on a socket
                // (`FLOOD_SOCKET_FRAMES`, 60 frames in 10 s): past it, sends are refused, which
                // measures the limit, not the message path.
                let next_per_visitor = 2.0 * rate / n as f64;
                if p99 > P99_LIMIT_MS || rate >= 3200.0 || next_per_visitor > VISITOR_RATE_MAX {
                    search = Some(json!({
                        "conversations": n,
                        "p99_passes_100_ms_at": if p99 > P99_LIMIT_MS { json!(rate) } else { Value::Null },
                        "steps": steps,
                    }));
                    break;
                }
            }
        }
    }
    let mut all: Value = std::fs::read_to_string(&env.results)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_else(|| json!({}));
    all["sockets"] = json!({ "runs": runs, "rate_search": search });
    std::fs::write(&env.results, serde_json::to_string_pretty(&all)?)?;
    println!("loadgen: done; every message acknowledged and seen exactly once, in order");
    Ok(())
}
