//! `cargo xtask bench`: the benchmarks (issue 7). They report and never fail on a figure (a run
//! fails only when something does not work, such as a message lost); size budgets stay asserted
//! by the tests. Today:
//! - Meta webhooks (`bench/webhooks.mjs`): acknowledgement latency for batches of 1 and 50
//!   events, workerd's CPU per webhook and peak memory, and every event stored once, in order;
//! - conversation sockets under load (`bench/loadgen`, Rust and tokio, a process of its own):
//!   send → acknowledged, send → seen by the agent and reply → seen by the visitor for N = 10,
//!   100 and 500 conversations, the rate where the p99 passes 100 ms, CPU per message, and every
//!   message seen exactly once, in order;
//! - what a site owner pays, beside Rocket.Chat Livechat (`bench/page.mjs`): bytes, long tasks,
//!   blocking and main-thread time the widget adds to a host page, the launcher's click to a
//!   chat, and the sizes.
//!
//! The results go to `target/bench/results.json` and BENCHMARKS.md (date, machine, commit).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result};

use crate::build;
use crate::stack::{self, DEMO_EMAIL, DEMO_PASSWORD};
use crate::tools::{self, root, run, step, target_dir};

/// The peer, pinned: its npm package holds the built widget.
const PEER_PACKAGE: &str = "@rocket.chat/livechat@1.13.3";

pub fn all() -> Result<()> {
    let started = Instant::now();
    let _lock = tools::lock_checkout()?;
    let tools = tools::ensure_build_tools()?;
    tools::ensure_chromium()?;
    let peer = ensure_peer()?;
    build::all(&tools)?;
    build::package_worker(&tools)?;
    step("building the load generator (bench/loadgen, release)");
    run(Command::new("cargo").args(["build", "--release", "-q", "-p", "porchlight-loadgen"]))?;
    let loadgen = target_dir().join("release/porchlight-loadgen");

    let work = target_dir().join("bench");
    let state = work.join(format!("state-{}", std::process::id()));
    std::fs::create_dir_all(&work)?;
    let log = work.join("wrangler.log");
    // The fake Graph API answers the queue consumer's questions about contacts' names.
    let (stack, _graph, meta) = stack::start_with_fakes(&tools, &state, &log)?;
    let results = work.join("results.json");
    // Each run starts its results afresh.
    let _ = std::fs::remove_file(&results);
    let vars: Vec<(&str, std::ffi::OsString)> = vec![
        ("EDGE_URL", stack.edge_url.clone().into()),
        ("SITE_ID", stack.site_id.clone().into()),
        ("AGENT_EMAIL", DEMO_EMAIL.into()),
        ("AGENT_PASSWORD", DEMO_PASSWORD.into()),
        ("META_APP_SECRET", meta.app_secret.clone().into()),
        ("DIST_DIR", root().join("dist").into()),
        ("PEER_DIR", peer.clone().into()),
        ("RESULTS", results.clone().into()),
    ];
    let node = |script: &str| {
        let mut cmd = Command::new("node");
        cmd.arg(script).current_dir(root()).envs(vars.clone());
        cmd
    };
    step("measuring Meta webhooks on the local Worker (bench/webhooks.mjs)");
    let measured = run(&mut node("bench/webhooks.mjs"))
        .and_then(|()| {
            step("measuring conversation sockets under load (bench/loadgen, a separate process)");
            run(Command::new(&loadgen).envs(vars.clone()))
        })
        .and_then(|()| {
            step("measuring the page cost in headless Chromium (bench/page.mjs)");
            run(&mut node("bench/page.mjs"))
        });
    drop(stack);
    let _ = std::fs::remove_dir_all(&state);
    measured?;
    println!(
        "\nbench: done in {:.0} s; results in {}, BENCHMARKS.md updated; Worker log: {}",
        started.elapsed().as_secs_f64(),
        results.display(),
        log.display()
    );
    Ok(())
}

/// The peer's built widget (`package/build` of its npm package), fetched once with `npm pack`
/// into `target/bench/peer`.
fn ensure_peer() -> Result<PathBuf> {
    let dir = target_dir().join("bench/peer");
    let build = dir.join("package/build");
    if build.join("rocketchat-livechat.min.js").exists() {
        return Ok(build);
    }
    step(&format!(
        "fetching the peer widget for comparison: npm pack {PEER_PACKAGE} into {}",
        dir.display()
    ));
    std::fs::create_dir_all(&dir)?;
    run(Command::new("npm")
        .args(["pack", PEER_PACKAGE, "--silent", "--pack-destination"])
        .arg(&dir)
        .current_dir(&dir))?;
    let tarball = find_tarball(&dir)?;
    run(Command::new("tar")
        .arg("xzf")
        .arg(&tarball)
        .arg("-C")
        .arg(&dir))?;
    Ok(build)
}

fn find_tarball(dir: &Path) -> Result<PathBuf> {
    std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|e| e == "tgz"))
        .context("npm pack left no tarball")
}
