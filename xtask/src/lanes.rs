//! The tests against a running Worker, side by side: each lane is a local stack of its own (a
//! Worker on workerd with its own state, demo site and agent, a demo host page and the Graph
//! API fake), so the tests of one lane never see another's settings, presence or clock rows.
//!
//! - One lane runs the black-box tests (`tests/tests`), then the restart check on its state.
//! - [`E2E_LANES`] lane takes the end-to-end files (`tests/e2e`) from one queue, a file at a
//!   time, the longest first; each file's journeys run in order, as they were written to.
//!
//! Why: an end-to-end journey mostly waits (on the browser, the Worker, a window to pass), so
//! one lane alone left a core idle most of the time here (measured: 0.6 of 2 cores busy): the
//! black-box tests fit beside it. Journeys on two lanes at once (two browsers) filled both
//! cores, and twice in five runs wrangler's asset server left a page's request unanswered for
//! 15 s (the inbox page, then its boot script): one journey lane, until that is understood.
//! Each lane's output is printed whole when it is done, so nothing interleaves.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;
use std::time::Instant;

use anyhow::{Context, Result};

use crate::fake_graph::{FakeGraph, MAIL_INBOUND_DOMAIN};
use crate::stack::{self, Stack, DEMO_EMAIL, DEMO_PASSWORD};
use crate::tools::{root, step, Tools};

/// How many lanes only take end-to-end files (see the module docs).
pub const E2E_LANES: usize = 1;

/// One stack and what a test needs to reach it.
pub struct Lane {
    pub name: String,
    pub stack: Stack,
    pub env: Vec<(&'static str, String)>,
    pub log: PathBuf,
    _graph: FakeGraph,
}

impl Lane {
    /// A fresh stack under `work/{name}` (its state and its Worker's log).
    fn start(tools: &Tools, work: &Path, name: &str) -> Result<Self> {
        let dir = work.join(name);
        std::fs::create_dir_all(&dir)?;
        let state = dir.join("state");
        let log = dir.join("wrangler.log");
        let (stack, graph, meta) = stack::start_with_fakes(tools, &state, &log)
            .with_context(|| format!("lane {name}: the stack did not start"))?;
        let env = vec![
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
            ("MAIL_INBOUND_DOMAIN", MAIL_INBOUND_DOMAIN.to_owned()),
            // For tests that must set the clock back on a row (`Edge::local_sql`).
            ("WRANGLER", tools.wrangler.display().to_string()),
            ("STATE_DIR", state.display().to_string()),
        ];
        Ok(Self {
            name: name.to_owned(),
            stack,
            env,
            log,
            _graph: graph,
        })
    }

    /// `cmd` with this lane's environment.
    pub fn command(&self, program: &str) -> Command {
        let mut cmd = Command::new(program);
        cmd.current_dir(root())
            .envs(self.env.iter().map(|(k, v)| (k, v)));
        cmd
    }
}

/// Starts one lane per name, side by side (each waits on its own Worker).
pub fn start(tools: &Tools, work: &Path, names: &[String]) -> Result<Vec<Lane>> {
    std::thread::scope(|scope| {
        let started: Vec<_> = names
            .iter()
            .map(|name| scope.spawn(move || Lane::start(tools, work, name)))
            .collect();
        started
            .into_iter()
            .map(|handle| {
                handle
                    .join()
                    .map_err(|_| anyhow::anyhow!("a lane's start panicked"))?
            })
            .collect()
    })
}

/// Prints a finished piece of work under one heading, whole.
pub fn print_block(heading: &str, output: &Output) {
    static PRINT: Mutex<()> = Mutex::new(());
    let _held = PRINT.lock().unwrap_or_else(|p| p.into_inner());
    step(heading);
    print!("{}", String::from_utf8_lossy(&output.stdout));
    eprint!("{}", String::from_utf8_lossy(&output.stderr));
}

/// Runs `cmd` to its end, printing its output whole under `heading`; whether it passed.
pub fn run_whole(heading: &str, cmd: &mut Command) -> bool {
    let started = Instant::now();
    match cmd.output() {
        Ok(output) => {
            let verdict = if output.status.success() {
                "passed"
            } else {
                "FAILED"
            };
            let heading = format!(
                "{heading}: {verdict} in {:.0} s",
                started.elapsed().as_secs_f64()
            );
            print_block(&heading, &output);
            output.status.success()
        }
        Err(e) => {
            eprintln!("{heading}: could not start {cmd:?}: {e}");
            false
        }
    }
}

/// Every end-to-end file, as `tests/e2e/{name}.test.mjs`.
pub fn e2e_files() -> Result<Vec<String>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(root().join("tests/e2e"))? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if name.ends_with(".test.mjs") {
            files.push(format!("tests/e2e/{name}"));
        }
    }
    Ok(files)
}

/// Files that wait far longer than their size says, started first: the flood journey waits out
/// the limit's window (a minute of the run, measured).
const WAITS_LONG: &[&str] = &["widget-floods"];

/// The end-to-end files not yet taken, the longest first ([`WAITS_LONG`], then the largest:
/// more journeys, longer), so no long file starts last; and the files that failed.
pub struct E2eQueue {
    files: Mutex<VecDeque<String>>,
    failed: Mutex<Vec<String>>,
}

impl E2eQueue {
    pub fn new(files: &[String]) -> Self {
        let mut sized: Vec<(bool, u64, &String)> = files
            .iter()
            .map(|f| {
                let waits = WAITS_LONG.iter().any(|w| f.contains(w));
                let size = std::fs::metadata(root().join(f)).map_or(0, |m| m.len());
                (waits, size, f)
            })
            .collect();
        sized.sort_by(|a, b| (b.0, b.1).cmp(&(a.0, a.1)).then_with(|| a.2.cmp(b.2)));
        Self {
            files: Mutex::new(sized.into_iter().map(|(_, _, f)| f.clone()).collect()),
            failed: Mutex::new(Vec::new()),
        }
    }

    /// Runs files on `lane` until none is left.
    pub fn drain(&self, lane: &Lane) {
        loop {
            let next = self
                .files
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .pop_front();
            let Some(file) = next else { return };
            let mut node = lane.command("node");
            node.args(["--test", "--test-concurrency=1", &file]);
            if !run_whole(&format!("{file} (lane {})", lane.name), &mut node) {
                self.failed
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push(file);
            }
        }
    }

    /// The files that failed, by name.
    pub fn failed(self) -> Vec<String> {
        let mut failed = self.failed.into_inner().unwrap_or_else(|p| p.into_inner());
        failed.sort();
        failed
    }
}
