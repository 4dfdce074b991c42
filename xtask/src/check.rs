//! `cargo xtask test`: every test Porchlight has, in the order that fails fastest.
//! 1. Lint: rustfmt and clippy with `-D warnings`, native and wasm crates (the Worker's unit
//!    tests linted on wasm32, the target it ships for).
//! 2. Native unit tests (protocol, domain, client, the Worker's decision logic, xtask), the
//!    client's wasm tests in Node (its JSON reader), and the WordPress plugin's (PHP).
//! 3. Build the widget, inbox, loader and Worker once; `wrangler deploy --dry-run` proves the
//!    Worker still packages for Cloudflare.
//! 4. Start a fresh local stack (workerd via `wrangler dev`, a new state folder, the demo host).
//! 5. Black-box tests (`tests/`, Rust) and end-to-end journeys (`tests/e2e/`, Chromium) against it.
//! 6. Restart the Worker on the same state and check nothing acknowledged was lost.
//!
//! Every phase runs even when an earlier test phase failed, so one run shows all failures.

use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Result};

use crate::stack::{self, DEMO_EMAIL, DEMO_PASSWORD};
use crate::tools::{self, root, run, step};
use crate::{build, wordpress};

/// Crates that only build for wasm32 (linted with that target, tested black-box).
const WASM_CRATES: [&str; 3] = ["porchlight-edge", "porchlight-widget", "porchlight-inbox"];

/// Of those, the one whose library also builds natively: the Worker, whose Durable Objects keep
/// their decisions (windows, hand-offs, presence) in plain functions with native unit tests.
const NATIVE_TOO: &str = "porchlight-edge";

fn cargo(args: &[&str]) -> Command {
    let mut cmd = Command::new("cargo");
    cmd.args(args).current_dir(root());
    cmd
}

fn exclude_wasm(cmd: &mut Command) -> &mut Command {
    for krate in WASM_CRATES {
        cmd.args(["--exclude", krate]);
    }
    cmd
}

/// `cmd` over the workspace's native crates plus the Worker's library and its unit tests.
fn native_and_edge_lib(cmd: &mut Command) -> &mut Command {
    for krate in WASM_CRATES.iter().filter(|&&k| k != NATIVE_TOO) {
        cmd.args(["--exclude", krate]);
    }
    cmd
}

/// Every test, or with `only`, a quick run while working on something: no lint and no native
/// tests, and of the black-box and end-to-end tests only the files whose names contain `only`
/// (`cargo xtask test attachment` runs `tests/tests/attachments.rs` and
/// `tests/e2e/widget-attachments.test.mjs`). CI always runs everything.
pub fn all(only: Option<&str>) -> Result<()> {
    let started = Instant::now();
    let _lock = tools::lock_checkout()?;
    let tools = tools::ensure_build_tools()?;
    tools::ensure_chromium()?;
    if only.is_none() {
        lint_and_unit_tests(&tools)?;
    }
    let chosen = only.map(chosen_files).transpose()?;

    let build_started = Instant::now();
    build::all(&tools)?;
    let build_secs = build_started.elapsed().as_secs_f64();
    build::package_worker(&tools)?;

    let work = tools::target_dir().join("porchlight-test");
    let state = work.join(format!("state-{}", std::process::id()));
    if work.exists() {
        // Old runs' state folders; each run starts from an empty database.
        let _ = std::fs::remove_dir_all(&work);
    }
    std::fs::create_dir_all(&work)?;
    let log = work.join("wrangler.log");
    let (mut stack, graph, meta) = stack::start_with_fakes(&tools, &state, &log)?;
    let env = [
        ("EDGE_URL", stack.edge_url.clone()),
        ("HOST_URL", stack.host.url.clone()),
        ("SITE_ID", stack.site_id.clone()),
        ("SETUP_TOKEN", stack.setup_token.clone()),
        ("AGENT_EMAIL", DEMO_EMAIL.to_owned()),
        ("AGENT_PASSWORD", DEMO_PASSWORD.to_owned()),
        ("DIST_DIR", root().join("dist").display().to_string()),
        ("FAKE_GRAPH_URL", graph.url.clone()),
        ("META_APP_SECRET", meta.app_secret),
        ("META_VERIFY_TOKEN", meta.verify_token),
        ("MAIL_WEBHOOK_SECRET", meta.mail_webhook_secret),
        (
            "MAIL_INBOUND_DOMAIN",
            crate::fake_graph::MAIL_INBOUND_DOMAIN.to_owned(),
        ),
        // For tests that must set the clock back on a row (`Edge::local_sql`).
        ("WRANGLER", tools.wrangler.display().to_string()),
        ("STATE_DIR", state.display().to_string()),
    ];

    let mut failed = Vec::new();
    let (blackbox_files, e2e_files) = match &chosen {
        Some((rust, js)) => (Some(rust.as_slice()), Some(js.as_slice())),
        None => (None, None),
    };
    if blackbox_files.is_none_or(|files| !files.is_empty()) {
        step("black-box tests against the Worker on workerd");
        // Every test binary runs even when one fails, so one run shows every failure.
        let mut blackbox = cargo(&["test", "--no-fail-fast", "-p", "porchlight-tests"]);
        for file in blackbox_files.unwrap_or_default() {
            blackbox.args(["--test", file]);
        }
        blackbox
            .args(["--", "--test-threads=4"])
            .envs(env.iter().map(|(k, v)| (k, v)));
        if run(&mut blackbox).is_err() {
            failed.push("black-box tests");
        }
    }
    if e2e_files.is_none_or(|files| !files.is_empty()) {
        step("end-to-end journeys in headless Chromium");
        let mut e2e = Command::new("node");
        e2e.args(["--test", "--test-concurrency=1"])
            .args(e2e_files.map_or(vec!["tests/e2e/".to_owned()], <[String]>::to_vec))
            .current_dir(root())
            .envs(env.iter().map(|(k, v)| (k, v)));
        if run(&mut e2e).is_err() {
            failed.push("end-to-end journeys");
        }
    }

    if chosen.is_none() {
        step("durability across a Worker restart");
        let record = work.join("restart.json");
        let phase = |name: &str| {
            let mut cmd = cargo(&["test", "-p", "porchlight-tests", "--test", "restart", "--"]);
            cmd.args(["--ignored", "--exact", name])
                .envs(env.iter().map(|(k, v)| (k, v)))
                .env("RESTART_FILE", &record);
            run(&mut cmd)
        };
        let durable = phase("before_restart")
            .and_then(|()| stack.restart_worker())
            .and_then(|()| phase("after_restart"));
        if durable.is_err() {
            failed.push("durability across a restart");
        }
    }
    drop(stack);

    println!(
        "\nbuild {build_secs:.0} s, whole run {:.0} s; Worker log: {}",
        started.elapsed().as_secs_f64(),
        log.display()
    );
    if !failed.is_empty() {
        bail!("failed: {}", failed.join(", "));
    }
    println!("all tests passed");
    Ok(())
}

fn lint_and_unit_tests(tools: &tools::Tools) -> Result<()> {
    step("checking formatting (cargo fmt --check)");

    run(&mut cargo(&["fmt", "--all", "--check"]))?;
    step("linting native crates (clippy -D warnings)");
    run(
        exclude_wasm(&mut cargo(&["clippy", "--workspace", "--all-targets"]))
            .args(["--", "-D", "warnings"]),
    )?;
    step("linting wasm crates (clippy -D warnings, wasm32)");
    // `--tests` lints the Worker's unit tests too, on the target it ships for (checked, not
    // built: a native lint of the Worker cost CI 48 s more).
    let mut wasm_clippy = cargo(&[
        "clippy",
        "--target",
        "wasm32-unknown-unknown",
        "--lib",
        "--tests",
    ]);
    for krate in WASM_CRATES.iter().chain(&["porchlight-client"]) {
        wasm_clippy.args(["-p", krate]);
    }
    run(wasm_clippy.args(["--", "-D", "warnings"]))?;

    step("native unit tests");
    run(native_and_edge_lib(&mut cargo(&["test", "--workspace"]))
        .args(["--exclude", "porchlight-tests"]))?;

    step("the client's wasm tests in Node (its JSON reader against the protocol's frames)");
    // wasm-bindgen-test-runner comes with the wasm-bindgen-cli that `ensure_build_tools`
    // installed, beside it.
    let runner = tools
        .wasm_bindgen
        .with_file_name("wasm-bindgen-test-runner");
    // Without the client's Leptos view, which the tests do not need: 39 s to build them
    // after the lint instead of 96 s (measured).
    run(cargo(&[
        "test",
        "-p",
        "porchlight-client",
        "--target",
        "wasm32-unknown-unknown",
        "--no-default-features",
    ])
    .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", runner))?;
    wordpress::check()
}

/// The black-box test targets and e2e files whose names contain `only`, or one of its
/// comma-separated parts (`cargo xtask test widget,budgets`).
fn chosen_files(only: &str) -> Result<(Vec<String>, Vec<String>)> {
    let names = |dir: &str, suffix: &str| -> Result<Vec<String>> {
        let mut names = Vec::new();
        for entry in std::fs::read_dir(root().join(dir))? {
            let name = entry?.file_name().to_string_lossy().into_owned();
            if let Some(stem) = name.strip_suffix(suffix) {
                if only
                    .split(',')
                    .any(|part| !part.is_empty() && stem.contains(part))
                {
                    names.push(if suffix == ".rs" {
                        stem.to_owned()
                    } else {
                        format!("{dir}/{name}")
                    });
                }
            }
        }
        names.sort();
        Ok(names)
    };
    let chosen = (
        names("tests/tests", ".rs")?,
        names("tests/e2e", ".test.mjs")?,
    );
    if chosen.0.is_empty() && chosen.1.is_empty() {
        bail!("no test file's name contains {only:?}");
    }
    Ok(chosen)
}
