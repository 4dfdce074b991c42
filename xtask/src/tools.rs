//! Finding and installing the tools Porchlight builds and tests with, each at the version the
//! repository pins: the wasm32 target and the standard library's source, wasm-bindgen-cli (= the `wasm-bindgen` in Cargo.lock),
//! worker-build (= the `worker` crate in Cargo.lock), the npm packages of package-lock.json
//! (wrangler, esbuild, binaryen's wasm-opt, playwright-core), and Debian's Chromium and PHP for tests.
//! Every install says what it installs and why before it starts.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

/// Paths of the tools the build uses, once they are known to be installed.
pub struct Tools {
    pub wasm_bindgen: PathBuf,
    pub wasm_split: PathBuf,
    pub worker_build: PathBuf,
    pub wasm_opt: PathBuf,
    pub esbuild: PathBuf,
    pub wrangler: PathBuf,
}

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the root")
        .to_path_buf()
}

/// Cargo's target directory (honours `CARGO_TARGET_DIR`).
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
}

pub fn step(what: &str) {
    println!("==> {what}");
}

/// Runs a command, failing with its name if it cannot start or exits non-zero.
pub fn run(cmd: &mut Command) -> Result<()> {
    let shown = format!("{cmd:?}");
    let status = cmd
        .status()
        .with_context(|| format!("could not start {shown}"))?;
    if !status.success() {
        bail!("{shown} failed ({status})");
    }
    Ok(())
}

/// Whether `program` runs at all.
fn runs(program: &Path, arg: &str) -> Option<String> {
    let out = Command::new(program).arg(arg).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn require_on_path(program: &str, hint: &str) -> Result<()> {
    if runs(Path::new(program), "--version").is_none() {
        bail!("`{program}` was not found. {hint}");
    }
    Ok(())
}

/// The version of `package` recorded in Cargo.lock.
pub fn locked_version(package: &str) -> Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))
        .context("Cargo.lock is missing; it is committed with the repository")?;
    let needle = format!("name = \"{package}\"\nversion = \"");
    let start = lock
        .find(&needle)
        .with_context(|| format!("{package} is not in Cargo.lock"))?
        + needle.len();
    let end = lock[start..].find('"').context("Cargo.lock is malformed")?;
    Ok(lock[start..start + end].to_owned())
}

/// Cargo's home (`CARGO_HOME`, else `~/.cargo`).
pub fn cargo_home() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"))
}

fn cargo_bin(name: &str) -> PathBuf {
    cargo_home().join("bin").join(name)
}

/// Installs `krate` at `version` with `cargo install` unless `bin` already reports it.
fn ensure_cargo_tool(
    bin: &str,
    krate: &str,
    version: &str,
    locked: bool,
    why: &str,
) -> Result<PathBuf> {
    let path = cargo_bin(bin);
    if runs(&path, "--version").is_some_and(|v| v.contains(version)) {
        return Ok(path);
    }
    step(&format!(
        "installing {krate} {version} with cargo install ({why}; takes a few minutes, once)"
    ));
    let mut cmd = Command::new("cargo");
    cmd.args(["install", krate, "--version", version, "--force"]);
    if locked {
        cmd.arg("--locked");
    }
    run(&mut cmd)?;
    Ok(path)
}

/// The `wasm_split_cli_support` whose `wasm-split-cli` splits the apps (`apps.rs`), and the
/// `wasm_split_helpers` (leptos's `wasm_split`, in Cargo.lock) it was verified with: the two
/// agree on the format of the split points in the module, which is not versioned with either.
pub const WASM_SPLIT_CLI: &str = "0.2.4";
const WASM_SPLIT_HELPERS: &str = "0.2.3";

/// Installs `wasm-split-cli` at [`WASM_SPLIT_CLI`]; fails when Cargo.lock's `wasm_split_helpers`
/// is not the one it was verified with (a leptos update must be checked against a newer
/// splitter, not split with the old one by chance).
fn ensure_wasm_split() -> Result<PathBuf> {
    let helpers = locked_version("wasm_split_helpers")?;
    if helpers != WASM_SPLIT_HELPERS {
        bail!(
            "Cargo.lock has wasm_split_helpers {helpers}, but the apps' split was verified with \
             {WASM_SPLIT_HELPERS} and wasm-split-cli {WASM_SPLIT_CLI} (xtask/src/tools.rs): check \
             the split with a matching wasm_split_cli_support and update both"
        );
    }
    let path = cargo_bin("wasm-split-cli");
    // It has no `--version`; cargo's list of installed packages names it.
    let listed = Command::new("cargo")
        .args(["install", "--list"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    if path.exists() && listed.contains(&format!("wasm_split_cli_support v{WASM_SPLIT_CLI}:")) {
        return Ok(path);
    }
    step(&format!(
        "installing wasm_split_cli_support {WASM_SPLIT_CLI} with cargo install (it splits the \
         apps into parts loaded when needed; takes a few minutes, once)"
    ));
    run(Command::new("cargo").args([
        "install",
        "wasm_split_cli_support",
        "--version",
        WASM_SPLIT_CLI,
        "--features",
        "build-binary",
        "--locked",
        "--force",
    ]))?;
    Ok(path)
}

fn ensure_wasm_target() -> Result<()> {
    require_on_path(
        "rustup",
        "Porchlight needs Rust installed with rustup (https://rustup.rs).",
    )?;
    let out = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .context("could not run rustup")?;
    if !String::from_utf8_lossy(&out.stdout).contains("wasm32-unknown-unknown") {
        step("adding the Rust target wasm32-unknown-unknown (the widget, inbox and Worker compile to it)");
        run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }
    let out = Command::new("rustup")
        .args(["component", "list", "--installed"])
        .output()
        .context("could not run rustup")?;
    if !String::from_utf8_lossy(&out.stdout)
        .lines()
        .any(|c| c.starts_with("rust-src"))
    {
        step("adding the Rust component rust-src (the apps build the standard library for their size)");
        run(Command::new("rustup").args(["component", "add", "rust-src"]))?;
    }
    Ok(())
}

/// Installs the npm packages pinned in package-lock.json when node_modules is missing or older.
fn ensure_npm_packages() -> Result<()> {
    require_on_path(
        "node",
        "Porchlight needs Node.js 20 or later (wrangler runs on it).",
    )?;
    require_on_path("npm", "Porchlight needs npm (it comes with Node.js).")?;
    let node = runs(Path::new("node"), "--version").unwrap_or_default();
    let major: u32 = node
        .trim()
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    if major < 20 {
        bail!(
            "Node.js {} is too old: Porchlight needs 20 or later.",
            node.trim()
        );
    }
    let root = root();
    let marker = root.join("node_modules/.package-lock.json");
    let lock = root.join("package-lock.json");
    let fresh = match (std::fs::metadata(&marker), std::fs::metadata(&lock)) {
        (Ok(m), Ok(l)) => m.modified()? >= l.modified()?,
        _ => false,
    };
    if !fresh {
        step("installing npm packages from package-lock.json (wrangler, esbuild, wasm-opt, playwright-core, axe-core)");
        run(Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&root))?;
    }
    Ok(())
}

/// Everything `build`, `dev` and `test` need except the browser.
pub fn ensure_build_tools() -> Result<Tools> {
    ensure_wasm_target()?;
    ensure_npm_packages()?;
    let wasm_bindgen = ensure_cargo_tool(
        "wasm-bindgen",
        "wasm-bindgen-cli",
        &locked_version("wasm-bindgen")?,
        // --locked breaks this install (a yanked dependency in its lockfile; shared/TOOLCHAIN.md).
        false,
        "it must equal the wasm-bindgen version in Cargo.lock",
    )?;
    let worker_build = ensure_cargo_tool(
        "worker-build",
        "worker-build",
        &locked_version("worker")?,
        true,
        "it packages the Worker and must match the worker crate",
    )?;
    let wasm_split = ensure_wasm_split()?;
    let bin = root().join("node_modules/.bin");
    Ok(Tools {
        wasm_bindgen,
        wasm_split,
        worker_build,
        wasm_opt: bin.join("wasm-opt"),
        esbuild: bin.join("esbuild"),
        wrangler: bin.join("wrangler"),
    })
}

pub const CHROMIUM: &str = "/usr/bin/chromium";

/// Debian's Chromium, for the end-to-end tests (Playwright drives it; nothing is downloaded).
pub fn ensure_chromium() -> Result<()> {
    ensure_debian_package(
        CHROMIUM,
        "chromium",
        "the end-to-end tests drive it headless",
    )
}

pub const PHP: &str = "/usr/bin/php";

/// Debian's PHP command line, for the WordPress plugin's lint and tests (`wordpress.rs`).
pub fn ensure_php() -> Result<()> {
    ensure_debian_package(
        PHP,
        "php-cli",
        "the WordPress plugin is linted and tested with it",
    )
}

/// Installs Debian's `package` with apt-get unless `program` is there, saying `why`; without
/// root, fails with the command to run.
fn ensure_debian_package(program: &str, package: &str, why: &str) -> Result<()> {
    if Path::new(program).exists() {
        return Ok(());
    }
    let root_user = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false);
    if !root_user {
        bail!("{program} is not installed. Install it with `sudo apt-get install -y {package}` and run again.");
    }
    step(&format!(
        "installing Debian's {package} with apt-get ({why})"
    ));
    run(Command::new("apt-get").arg("update").arg("-q"))?;
    run(Command::new("apt-get")
        .args(["install", "-y", "-q", "--no-install-recommends", package])
        .env("DEBIAN_FRONTEND", "noninteractive"))?;
    Ok(())
}

/// Held while a command builds into or serves from `dist/`: two runs from one checkout would
/// otherwise rebuild the assets under each other's Worker. Released when dropped.
pub struct RunLock {
    _file: std::fs::File,
}

/// Waits for any other `build`, `dev` or `test` of this checkout to finish.
pub fn lock_checkout() -> Result<RunLock> {
    use std::os::unix::io::AsRawFd;
    let dir = target_dir();
    std::fs::create_dir_all(&dir)?;
    let file = std::fs::File::create(dir.join("porchlight-xtask.lock"))?;
    let fd = file.as_raw_fd();
    // SAFETY: flock on a descriptor we own; the lock lives as long as the file.
    if unsafe { libc::flock(fd, libc::LOCK_EX | libc::LOCK_NB) } != 0 {
        step("another cargo xtask command is using this checkout; waiting for it to finish");
        if unsafe { libc::flock(fd, libc::LOCK_EX) } != 0 {
            bail!(
                "could not lock {}",
                dir.join("porchlight-xtask.lock").display()
            );
        }
    }
    Ok(RunLock { _file: file })
}
