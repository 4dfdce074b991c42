//! `cargo xtask test`: every test Porchlight has, in the order that fails fastest.
//! 1. Lint: rustfmt and clippy with `-D warnings`, native and wasm crates (the Worker's unit
//!    tests linted on wasm32, the target it ships for).
//! 2. Native unit tests (protocol, domain, client, the Worker's decision logic, xtask), the
//!    client's wasm tests in Node (its JSON reader), and the WordPress plugin's (PHP).
//! 3. Build the widget, inbox, loader and Worker once; `wrangler deploy --dry-run` proves the
//!    Worker still packages for Cloudflare.
//! 4. Start fresh local stacks side by side (workerd via `wrangler dev`, each with a new state
//!    folder and demo host): one for the black-box tests, one for the end-to-end journeys
//!    (`lanes`).
//! 5. Black-box tests (`tests/`, Rust) and end-to-end journeys (`tests/e2e/`, Chromium), each
//!    on its own stacks, at the same time.
//! 6. Restart the black-box stack's Worker on the same state and check nothing acknowledged was
//!    lost.
//!
//! Every phase runs even when an earlier test phase failed, so one run shows all failures.

use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Result};

use crate::tools::{self, root, run, step};
use crate::{build, lanes, wordpress};

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
    if work.exists() {
        // Old runs' state folders; each run starts from empty databases.
        let _ = std::fs::remove_dir_all(&work);
    }
    std::fs::create_dir_all(&work)?;
    let (blackbox_files, e2e_files) = match chosen {
        Some((rust, js)) => (Some(rust), js),
        None => (None, lanes::e2e_files()?),
    };
    let blackbox = blackbox_files
        .as_ref()
        .is_none_or(|files| !files.is_empty());
    let mut names: Vec<String> = Vec::new();
    if blackbox {
        names.push("blackbox".into());
    }
    names.extend((1..=lanes::E2E_LANES.min(e2e_files.len())).map(|n| format!("e2e-{n}")));
    if blackbox {
        // Built before any test runs, so its compiling does not slow the journeys' browsers.
        step("building the black-box tests");
        run(&mut cargo(&["test", "--no-run", "-p", "porchlight-tests"]))?;
    }
    step(&format!(
        "starting {} local stacks side by side ({})",
        names.len(),
        names.join(", ")
    ));
    let mut stacks = lanes::start(&tools, &work, &names)?;
    let blackbox_lane = if blackbox {
        Some(stacks.remove(0))
    } else {
        None
    };

    let queue = lanes::E2eQueue::new(&e2e_files);
    let mut failed = Vec::new();
    if !e2e_files.is_empty() {
        step(&format!(
            "end-to-end journeys in headless Chromium: {} files, taken by {} lanes",
            e2e_files.len(),
            stacks.len()
        ));
    }
    std::thread::scope(|scope| {
        // The black-box lane takes no journeys (see `lanes`: two browsers at once stalled
        // wrangler's asset server here).
        let blackbox = blackbox_lane.map(|mut lane| {
            let files = blackbox_files.as_deref();
            let restart = only.is_none();
            scope.spawn(move || blackbox_and_restart(&mut lane, files, restart))
        });
        std::thread::scope(|lanes| {
            for lane in &stacks {
                let queue = &queue;
                lanes.spawn(move || queue.drain(lane));
            }
        });
        if let Some(handle) = blackbox {
            match handle.join() {
                Ok(broken) => failed.extend(broken),
                Err(_) => failed.push("black-box tests (the lane panicked)".into()),
            }
        }
    });
    let broken = queue.failed();
    if !broken.is_empty() {
        failed.push(format!("end-to-end journeys ({})", broken.join(", ")));
    }
    drop(stacks);

    println!(
        "\nbuild {build_secs:.0} s, whole run {:.0} s; the Workers' logs: {}/*/wrangler.log",
        started.elapsed().as_secs_f64(),
        work.display()
    );
    if !failed.is_empty() {
        bail!("failed: {}", failed.join(", "));
    }
    println!("all tests passed");
    Ok(())
}

/// The black-box tests (all, or `files`) on their lane, then, with `restart`, whether nothing
/// acknowledged is lost across a restart of its Worker; what failed.
fn blackbox_and_restart(
    lane: &mut lanes::Lane,
    files: Option<&[String]>,
    restart: bool,
) -> Vec<String> {
    let mut failed = Vec::new();
    // Every test binary runs even when one fails, so one run shows every failure.
    let mut tests = lane.command("cargo");
    tests.args(["test", "--no-fail-fast", "-p", "porchlight-tests"]);
    for file in files.unwrap_or_default() {
        tests.args(["--test", file]);
    }
    tests.args(["--", "--test-threads=4"]);
    if !lanes::run_whole("black-box tests against the Worker on workerd", &mut tests) {
        failed.push("black-box tests".to_owned());
    }
    if !restart {
        return failed;
    }
    let record = lane.log.with_file_name("restart.json");
    let phase = |lane: &lanes::Lane, name: &str| {
        let mut cmd = lane.command("cargo");
        cmd.args(["test", "-p", "porchlight-tests", "--test", "restart", "--"])
            .args(["--ignored", "--exact", name])
            .env("RESTART_FILE", &record);
        lanes::run_whole(
            &format!("durability across a Worker restart: {name}"),
            &mut cmd,
        )
    };
    let durable = phase(lane, "before_restart")
        && lane.stack.restart_worker().is_ok()
        && phase(lane, "after_restart");
    if !durable {
        failed.push("durability across a restart".to_owned());
    }
    failed
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
