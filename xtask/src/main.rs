//! Porchlight's developer commands. Each does all of its own set-up on a fresh machine (Rust with
//! rustup, Node/npm and apt are assumed; everything else is installed and said so):
//!
//! - `cargo xtask dev`: build, migrate, seed a demo site and agent, run the Worker on workerd
//!   (`wrangler dev`) and a demo business page on a second origin; prints where to go.
//! - `cargo xtask test`: lint, native tests, build, then black-box tests against a fresh local
//!   Worker and end-to-end journeys in headless Chromium. This is what CI runs.
//! - `cargo xtask bench`: the benchmarks; they report (BENCHMARKS.md, `target/bench/results.json`)
//!   and never fail on a figure.
//! - `cargo xtask build`: build everything the Worker serves and the Worker itself (for deploy).
//! - `cargo xtask setup`: only install the tools.
//! - `cargo xtask symbolize [FILE]`: a Worker stack trace (FILE or stdin) with its functions'
//!   names, from the build's `edge/build/function-names.txt` (the upload carries none).
//!
//! # Layout
//! - [`tools`]: finding and installing the pinned tools.
//! - [`build`]: the widget, inbox, loader and Worker builds, assembled under `dist/`.
//! - [`stack`]: starting and stopping the local Worker and the demo host, and seeding.
//! - [`fake_graph`]: a stand-in for Meta's Graph API on 127.0.0.1, for tests.
//! - [`host`]: the demo business page's static server (a second origin with a strict CSP).
//! - [`check`]: the test command's steps.
//! - [`wordpress`]: the WordPress plugin's lint and tests (PHP).
//! - [`bench`]: the benchmarks' runner.

mod apps;
mod bench;
mod build;
mod check;
mod fake_graph;
mod glue;
mod host;
mod lanes;
mod names;
mod stack;
mod tools;
mod wordpress;

use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <dev|test|bench|build|setup|symbolize>

  dev     run Porchlight locally: Worker + widget + inbox, and a demo page on another origin
  test    run every test (lint, native, black-box against workerd, Chromium end to end)
  test F  only the black-box and end-to-end test files whose names contain F, or one of
          F's comma-separated words (no lint)
  bench   measure what the widget costs a page, beside Rocket.Chat Livechat; writes BENCHMARKS.md
  build   build the widget, inbox, loader and Worker into dist/ and edge/build/
  setup   install the tools the other commands need
  symbolize [FILE]  a Worker stack trace (FILE or stdin) with its functions' names

environment:
  PORCHLIGHT_EDGE_PORT  port of the local Worker for `dev` (default 8787)
  PORCHLIGHT_HOST_PORT  port of the demo page for `dev` (default 8788)";

/// `cargo xtask symbolize [FILE]`: prints a Worker stack trace (FILE, else stdin) with the names
/// of the functions it passed through.
fn symbolize(file: Option<&str>) -> anyhow::Result<()> {
    use anyhow::Context;
    use std::io::Read;
    let names_path = tools::root().join("edge/build").join(build::FUNCTION_NAMES);
    let names = std::fs::read_to_string(&names_path).with_context(|| {
        format!(
            "reading {} (made by `cargo xtask build`, for the build the trace came from)",
            names_path.display()
        )
    })?;
    let trace = match file {
        Some(path) => std::fs::read_to_string(path).with_context(|| format!("reading {path}"))?,
        None => {
            let mut text = String::new();
            std::io::stdin().read_to_string(&mut text)?;
            text
        }
    };
    print!("{}", names::symbolize(&trace, &names));
    Ok(())
}

fn main() -> ExitCode {
    let command = std::env::args().nth(1).unwrap_or_default();
    let result = match command.as_str() {
        "dev" => stack::dev(),
        "test" => check::all(std::env::args().nth(2).as_deref()),
        "bench" => bench::all(),
        "symbolize" => symbolize(std::env::args().nth(2).as_deref()),
        "build" => tools::lock_checkout()
            .and_then(|_lock| tools::ensure_build_tools().and_then(|t| build::all(&t))),
        "setup" => tools::ensure_build_tools()
            .and_then(|_| tools::ensure_chromium())
            .map(|_| ()),
        "help" | "-h" | "--help" => {
            println!("{USAGE}");
            Ok(())
        }
        other => {
            eprintln!("porchlight: unknown command {other:?}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("\nporchlight: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
