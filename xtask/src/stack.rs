//! Running Porchlight locally: apply the D1 migrations, start the Worker with `wrangler dev` on
//! 127.0.0.1 (workerd with local D1, Durable Objects and assets persisted under a folder), wait
//! until it answers, run the first-run setup to seed a demo site and agent, and serve the demo
//! business page from a second origin. Dropping a [`Stack`] stops everything it started.

use std::fs::File;
use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use base64::Engine as _;

use crate::host::{self, HostServer};
use crate::tools::{self, root, run, step, Tools};

/// The demo agent every local stack is seeded with (local only; never used on a deployment).
pub const DEMO_EMAIL: &str = "demo@porchlight.test";
pub const DEMO_PASSWORD: &str = "porchlight-demo";
const DEMO_NAME: &str = "Dana Demo";
const DEMO_SITE: &str = "Larkspur Lane Bakery";

pub struct Stack {
    pub edge_url: String,
    pub site_id: String,
    pub setup_token: String,
    pub host: HostServer,
    worker: WorkerProcess,
    launch: Launch,
}

/// The `wrangler dev` process group; stopped when dropped.
struct WorkerProcess(Option<Child>);

impl WorkerProcess {
    fn none() -> Self {
        Self(None)
    }
}

pub enum Output {
    /// Wrangler's output goes to the terminal (for `dev`).
    Terminal,
    /// Wrangler's output goes to this file (for tests), shown if it fails.
    File(PathBuf),
}

/// Fails with a clear message when something already listens on `port`.
pub fn ensure_port_free(port: u16, what: &str, env: &str) -> Result<()> {
    if TcpListener::bind(("127.0.0.1", port)).is_err() {
        bail!("port {port} on 127.0.0.1 is busy, so the {what} cannot start there. Stop whatever uses it, or choose another port with {env}=PORT.");
    }
    Ok(())
}

/// A port nothing listens on now.
pub fn free_port() -> Result<u16> {
    Ok(TcpListener::bind(("127.0.0.1", 0))?.local_addr()?.port())
}

/// The key sealing Meta tokens in this local state: made once and kept beside the state, so what
/// was sealed before a restart still opens after it.
fn token_key(persist: &Path) -> Result<String> {
    let path = persist.join("porchlight-token-key");
    if let Ok(key) = std::fs::read_to_string(&path) {
        return Ok(key.trim().to_owned());
    }
    let mut bytes = [0u8; 32];
    File::open("/dev/urandom")?.read_exact(&mut bytes)?;
    // Standard base64 with padding, as `openssl rand -base64 32` prints it.
    let key = base64::engine::general_purpose::STANDARD.encode(bytes);
    std::fs::write(&path, &key)?;
    Ok(key)
}

pub fn random_hex(bytes: usize) -> Result<String> {
    let mut buf = vec![0u8; bytes];
    File::open("/dev/urandom")?.read_exact(&mut buf)?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}

fn wrangler(tools: &Tools) -> Command {
    let mut cmd = Command::new(&tools.wrangler);
    cmd.current_dir(root())
        .env("WRANGLER_SEND_METRICS", "false")
        .env("CLOUDFLARE_CF_FETCH_ENABLED", "false")
        .stdin(Stdio::null());
    cmd
}

/// Extra variables for the Worker (`wrangler dev --var NAME:VALUE`), e.g. test doubles' addresses.
pub type Vars = Vec<(&'static str, String)>;

pub fn start(
    tools: &Tools,
    edge_port: u16,
    host_port: u16,
    persist: &Path,
    output: Output,
    vars: Vars,
) -> Result<Stack> {
    ensure_port_free(edge_port, "Worker", "PORCHLIGHT_EDGE_PORT")?;
    ensure_port_free(host_port, "demo page", "PORCHLIGHT_HOST_PORT")?;
    std::fs::create_dir_all(persist)?;
    step("applying D1 migrations to the local database");
    run(wrangler(tools)
        .args(["d1", "migrations", "apply", "DB", "--local", "--persist-to"])
        .arg(persist)
        .stdout(Stdio::null()))?;

    let setup_token = random_hex(32)?;
    let mut vars = vars;
    vars.push(("TOKEN_KEY", token_key(persist)?));
    let launch = Launch {
        wrangler: tools.wrangler.clone(),
        port: edge_port,
        persist: persist.to_path_buf(),
        setup_token: setup_token.clone(),
        output,
        vars,
    };
    let worker = launch.spawn()?;
    let edge_url = launch.url();
    let site_id = seed(&edge_url, &setup_token, persist)?;
    let host = host::start(host_port, &edge_url, &site_id)?;
    Ok(Stack {
        edge_url,
        site_id,
        setup_token,
        host,
        worker,
        launch,
    })
}

/// A Worker for the tests and the benchmarks: fresh state in `state`, its output in `log`, on
/// free ports, with Meta's Graph API and the e-mail provider played by a recording fake on
/// 127.0.0.1 (the one thing outside this machine). The fake must outlive the Worker.
pub fn start_with_fakes(
    tools: &Tools,
    state: &Path,
    log: &Path,
) -> Result<(
    Stack,
    crate::fake_graph::FakeGraph,
    crate::fake_graph::MetaSecrets,
)> {
    let graph = crate::fake_graph::start(free_port()?)?;
    let (vars, meta) = graph.worker_vars()?;
    let stack = start(
        tools,
        free_port()?,
        free_port()?,
        state,
        Output::File(log.to_path_buf()),
        vars,
    )?;
    Ok((stack, graph, meta))
}

/// How the Worker was started, so it can be started again on the same state.
struct Launch {
    wrangler: PathBuf,
    port: u16,
    persist: PathBuf,
    setup_token: String,
    output: Output,
    vars: Vars,
}

impl Launch {
    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Starts `wrangler dev` and waits until the Worker answers.
    fn spawn(&self) -> Result<WorkerProcess> {
        step(&format!(
            "starting the Worker on workerd (wrangler dev) at {}",
            self.url()
        ));
        let mut cmd = Command::new(&self.wrangler);
        cmd.current_dir(root())
            .env("WRANGLER_SEND_METRICS", "false")
            .env("CLOUDFLARE_CF_FETCH_ENABLED", "false")
            .stdin(Stdio::null())
            .args(["dev", "--ip", "127.0.0.1", "--port", &self.port.to_string()])
            // Its own inspector port: with the default (9229) a second stack would not start.
            .args(["--inspector-port", &free_port()?.to_string()])
            .args(["--show-interactive-dev-session=false", "--persist-to"])
            .arg(&self.persist)
            .args(["--var", &format!("SETUP_TOKEN:{}", self.setup_token)]);
        for (name, value) in &self.vars {
            cmd.args(["--var", &format!("{name}:{value}")]);
        }
        if let Output::File(path) = &self.output {
            let file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)?;
            cmd.stdout(file.try_clone()?).stderr(file);
        }
        // Its own process group, so stopping it also stops the workerd it spawns.
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        let mut child = cmd.spawn().context("could not start wrangler")?;
        if let Err(e) = wait_ready(&mut child, &self.url()) {
            if let Output::File(log) = &self.output {
                let text = std::fs::read_to_string(log).unwrap_or_default();
                let tail: Vec<&str> = text.lines().rev().take(40).collect();
                eprintln!("--- last lines of {} ---", log.display());
                for line in tail.into_iter().rev() {
                    eprintln!("{line}");
                }
            }
            // Dropping the guard stops what did start.
            drop(WorkerProcess(Some(child)));
            return Err(e);
        }
        Ok(WorkerProcess(Some(child)))
    }
}

impl Stack {
    /// Stops workerd and starts it again on the same state and port (durability checks).
    pub fn restart_worker(&mut self) -> Result<()> {
        step("restarting the Worker on the same state");
        // Stop the old process group before the new one binds the port.
        drop(std::mem::replace(&mut self.worker, WorkerProcess::none()));
        self.worker = self.launch.spawn()?;
        Ok(())
    }
}

fn wait_ready(wrangler: &mut Child, edge_url: &str) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(120);
    let probe = format!("{edge_url}/api/sites/_/widget-config");
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(5)))
        .http_status_as_error(false)
        .build()
        .into();
    loop {
        if let Some(status) = wrangler.try_wait()? {
            bail!("wrangler dev exited before the Worker was ready ({status})");
        }
        if let Ok(res) = agent.get(&probe).call() {
            if res.status() == 404 {
                return Ok(());
            }
        }
        if Instant::now() > deadline {
            bail!("the Worker did not answer at {edge_url} within 120 s");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Runs first-run setup (a demo site and admin); on a persisted stack that was set up before,
/// finds the site it made then.
fn seed(edge_url: &str, setup_token: &str, persist: &Path) -> Result<String> {
    let remembered = persist.join("porchlight-demo-site");
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let body = serde_json::json!({
        "site_name": DEMO_SITE,
        "admin": { "email": DEMO_EMAIL, "name": DEMO_NAME, "password": DEMO_PASSWORD },
    });
    let mut res = agent
        .post(&format!("{edge_url}/api/setup"))
        .header("authorization", &format!("Bearer {setup_token}"))
        .send_json(&body)
        .context("could not reach the Worker for setup")?;
    let status = res.status().as_u16();
    let text = res.body_mut().read_to_string().unwrap_or_default();
    match status {
        201 => {
            let done: serde_json::Value = serde_json::from_str(&text)?;
            let site = done["site_id"]
                .as_str()
                .context("setup answered without a site id")?
                .to_owned();
            std::fs::write(&remembered, &site)?;
            Ok(site)
        }
        409 => std::fs::read_to_string(&remembered)
            .map(|s| s.trim().to_owned())
            .with_context(|| format!(
                "this local state ({}) was set up without Porchlight's dev command; delete the folder to start afresh",
                persist.display()
            )),
        _ => bail!("setup failed ({status}): {text}"),
    }
}

impl Drop for WorkerProcess {
    fn drop(&mut self) {
        let Some(child) = self.0.as_mut() else {
            return;
        };
        let pgid = child.id() as i32;
        // SIGTERM to the whole group lets wrangler stop workerd cleanly; SIGKILL if it lingers.
        unsafe { libc::kill(-pgid, libc::SIGTERM) };
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if matches!(child.try_wait(), Ok(Some(_))) {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        unsafe { libc::kill(-pgid, libc::SIGKILL) };
        let _ = child.wait();
    }
}

static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: libc::c_int) {
    STOP.store(true, Ordering::SeqCst);
}

fn port_from_env(name: &str, default: u16) -> Result<u16> {
    match std::env::var(name) {
        Ok(v) => v
            .parse()
            .with_context(|| format!("{name}={v:?} is not a port number")),
        Err(_) => Ok(default),
    }
}

/// `cargo xtask dev`.
pub fn dev() -> Result<()> {
    let edge_port = port_from_env("PORCHLIGHT_EDGE_PORT", 8787)?;
    let host_port = port_from_env("PORCHLIGHT_HOST_PORT", 8788)?;
    // Fail on a busy port before the long build, not after.
    ensure_port_free(edge_port, "Worker", "PORCHLIGHT_EDGE_PORT")?;
    ensure_port_free(host_port, "demo page", "PORCHLIGHT_HOST_PORT")?;
    let tools = {
        // Only while building: `test` in another terminal may run beside a running `dev`.
        let _lock = tools::lock_checkout()?;
        let tools = tools::ensure_build_tools()?;
        crate::build::all(&tools)?;
        tools
    };
    let persist = root().join(".wrangler/state");
    let mut stack = start(
        &tools,
        edge_port,
        host_port,
        &persist,
        Output::Terminal,
        Vec::new(),
    )?;
    unsafe {
        libc::signal(
            libc::SIGINT,
            on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t,
        );
        libc::signal(
            libc::SIGTERM,
            on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t,
        );
    }
    println!(
        "\nPorchlight is running.\n\
         \n  Demo business page (another origin):  {host}/\
         \n  Agents' inbox:                        {edge}/inbox\
         \n  Demo agent:                           {DEMO_EMAIL} / {DEMO_PASSWORD}\
         \n  Snippet:  <script async src=\"{edge}/embed.js\" data-site=\"{site}\"></script>\
         \n\n  State persists in {state}. Press Ctrl-C to stop.\n",
        host = stack.host.url,
        edge = stack.edge_url,
        site = stack.site_id,
        state = persist.display(),
    );
    while !STOP.load(Ordering::SeqCst) {
        if let Some(status) = stack
            .worker
            .0
            .as_mut()
            .map(Child::try_wait)
            .transpose()?
            .flatten()
        {
            bail!("wrangler dev stopped ({status})");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    println!("\nstopping…");
    Ok(())
}
