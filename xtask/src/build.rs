//! Builds everything the Worker serves and the Worker itself, once:
//! - the widget and inbox apps, split into what a page loads at open and parts loaded when
//!   needed, into `dist/site/{widget,inbox}/{build}/` (`apps.rs`), listed in `dist/apps.json`;
//! - the loader (`embed/src/loader.js`, bundled and minified by esbuild) into `dist/site/embed.js`,
//!   and the chat module it imports on intent (`embed/src/chat.js`) into `dist/site/embed/chat.js`;
//! - the static files of `www/static/` copied into `dist/site/`;
//! - the Worker with worker-build into `edge/build/`.
//!
//! `dist/site` is wrangler's assets directory (wrangler.toml).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result};

use crate::tools::{root, run, step, Tools};

pub fn site_dir() -> PathBuf {
    root().join("dist/site")
}

pub fn all(tools: &Tools) -> Result<()> {
    let started = Instant::now();
    let site = site_dir();
    if site.exists() {
        std::fs::remove_dir_all(&site).context("could not clear dist/site")?;
    }
    std::fs::create_dir_all(&site)?;
    copy_tree(&root().join("www/static"), &site)?;
    minify_static(tools, &site)?;
    // The apps and the Worker build side by side, each in its own target directory
    // (`apps::target`): their links and wasm-opt runs leave a core idle much of the time, which
    // the other's work takes (2 cores here).
    let built = std::thread::scope(|scope| {
        let apps = scope.spawn(|| {
            crate::apps::compile()?;
            crate::apps::finish(tools, &site)
        });
        let rest = loader(tools, &site).and_then(|()| worker(tools));
        let built = apps
            .join()
            .map_err(|_| anyhow::anyhow!("the apps' post-processing panicked"))?;
        rest.and(built)
    })?;
    crate::apps::write_manifest(&built)?;
    println!("    built in {:.0} s", started.elapsed().as_secs_f64());
    Ok(())
}

fn loader(tools: &Tools, site: &Path) -> Result<()> {
    step(
        "bundling the host-page loader (embed.js) and its chat module (embed/chat.js) with esbuild",
    );
    // Kept in step with `buildEmbed` in tests/e2e/support.mjs, which the budgets measure.
    let bundle = |entry: &str, format: &str, out: PathBuf| {
        run(Command::new(&tools.esbuild)
            .arg(root().join("embed/src").join(entry))
            .args([
                "--bundle",
                "--minify",
                "--target=es2020",
                "--log-level=warning",
            ])
            .arg(format!("--format={format}"))
            .arg(format!("--outfile={}", out.display())))
    };
    bundle("loader.js", "iife", site.join("embed.js"))?;
    bundle("chat.js", "esm", site.join("embed/chat.js"))
}

/// The Worker: its crate linked for wasm32 as worker-build links it (so worker-build's own
/// `cargo build` then finds it done), and worker-build's wasm-bindgen, wasm-opt and esbuild run
/// only when that wasm changed since the build in `edge/build/` (`.porchlight-key` there
/// names what it was built from: that wasm, the tools' versions and the source of these steps):
/// wasm-opt on the Worker takes over a minute.
fn worker(tools: &Tools) -> Result<()> {
    step("building the Worker (cargo, then worker-build --release if its wasm changed)");
    let cargo_env = |cmd: &mut Command| -> Result<()> {
        cmd.current_dir(root().join("edge"))
            // The same flags and wrapper as the apps, so that what they share is built once
            // (cargo keeps one build of a crate per profile: another flag would rebuild it).
            .env(WASM_RUSTFLAGS, wasm_rustflags()?)
            .env("RUSTC_WRAPPER", rustc_wrapper())
            // What worker-build sets for wasm-bindgen's macro (js_sys futures).
            .env("WASM_BINDGEN_USE_JS_SYS", "1");
        Ok(())
    };
    let mut cargo = Command::new("cargo");
    cargo.args([
        "build",
        "--lib",
        "--release",
        "--target",
        "wasm32-unknown-unknown",
    ]);
    cargo_env(&mut cargo)?;
    run(&mut cargo)?;
    let linked =
        crate::tools::target_dir().join("wasm32-unknown-unknown/release/porchlight_edge.wasm");
    let key = crate::apps::key_of(&[
        &std::fs::read(&linked).with_context(|| format!("reading {}", linked.display()))?,
        crate::tools::locked_version("wasm-bindgen")?.as_bytes(),
        crate::tools::locked_version("worker")?.as_bytes(),
        include_str!("build.rs").as_bytes(),
        include_str!("names.rs").as_bytes(),
    ]);
    let build = root().join("edge/build");
    let stamp = build.join(".porchlight-key");
    let done = [
        "index.js",
        "index_bg.wasm",
        "worker/shim.mjs",
        FUNCTION_NAMES,
    ]
    .iter()
    .all(|f| build.join(f).is_file());
    if done && std::fs::read_to_string(&stamp).is_ok_and(|k| k == key) {
        println!("    its wasm is unchanged since edge/build was made; worker-build skipped");
        return Ok(());
    }
    let mut worker_build = Command::new(&tools.worker_build);
    worker_build
        .arg("--release")
        // worker-build would download these from GitHub; use the pinned local ones instead.
        .env("WASM_BINDGEN_BIN", &tools.wasm_bindgen)
        .env("WASM_OPT_BIN", &tools.wasm_opt);
    cargo_env(&mut worker_build)?;
    run(&mut worker_build)?;
    let saved = crate::names::move_function_names(
        &build.join("index_bg.wasm"),
        &build.join(FUNCTION_NAMES),
    )?;
    println!(
        "    names section: {saved} B moved out of the upload into edge/build/{FUNCTION_NAMES} \
         (`cargo xtask symbolize` reads a stack trace with it)"
    );
    std::fs::write(&stamp, key)?;
    Ok(())
}

pub const WASM_RUSTFLAGS: &str = "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS";

/// The Worker's function names, beside its build (`names::move_function_names`).
pub const FUNCTION_NAMES: &str = "function-names.txt";

/// Panics carry no file, line and column. Every panic site otherwise ships its location (a file
/// name and a 16-byte record): 2.0 KB gzip of the widget, measured. A browser app's panic stops
/// it anyway, and its message still says what went wrong; the Worker's panics are bugs whose
/// message names them, and its upload shrinks too. `-Zlocation-detail` has been in rustc since
/// 1.59 and is what `min-sized-rust` recommends; stable rustc takes it through
/// [`rustc_wrapper`].
const NO_PANIC_LOCATIONS: &str = "-Zlocation-detail=none";

/// Symbol names as stable rustc makes them. Acting as its own bootstrap, rustc also takes the
/// nightly defaults, among them v0 symbol names; measured against them, stable's names make the
/// widget 343 B gzip smaller (its glue and imports) and the Worker 18 KB gzip larger (it keeps
/// its names section for the function names in stack traces, and stable's names end in hashes
/// that do not compress). The widget is the one at its budget.
const STABLE_SYMBOL_NAMES: &str = "-Zunstable-options -Csymbol-mangling-version=legacy";

/// `xtask/rustc-wasm.sh`: lets the `-Z` flag through for the crates built for wasm only. Setting
/// `RUSTC_BOOTSTRAP` for the whole cargo command instead would reach the build scripts too
/// (proc-macro2's turns on unstable APIs under it) and rebuild every proc macro whenever a
/// command without it ran in between.
pub fn rustc_wrapper() -> PathBuf {
    root().join("xtask/rustc-wasm.sh")
}

/// The wasm builds' flags: [`NO_PANIC_LOCATIONS`], [`STABLE_SYMBOL_NAMES`], and shorter source
/// paths. Every
/// dependency's file is named from the machine's registry directory
/// (`/root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/tachys-0.2.19/src/dom.rs`);
/// cut to `tachys-0.2.19/src/dom.rs`, what still names a file (`file!()`) is shorter and the
/// same on every machine.
pub fn wasm_rustflags() -> Result<String> {
    let registry = crate::tools::cargo_home().join("registry/src");
    let mut flags = vec![
        NO_PANIC_LOCATIONS.to_owned(),
        STABLE_SYMBOL_NAMES.to_owned(),
    ];
    if let Ok(indexes) = std::fs::read_dir(&registry) {
        for index in indexes {
            let index = index?.path();
            let Some(index) = index.to_str() else {
                continue;
            };
            if index.contains(char::is_whitespace) {
                continue;
            }
            flags.push(format!("--remap-path-prefix={index}/="));
        }
    }
    Ok(flags.join(" "))
}

/// Minifies the apps' hand-written stylesheets and boot scripts in place with esbuild (their
/// comments are for people, not for every visitor's download: 1.2 KB gzip of the widget's CSS).
fn minify_static(tools: &Tools, site: &Path) -> Result<()> {
    step("minifying the apps' stylesheets and boot scripts (esbuild)");
    for app in &crate::apps::APPS {
        let name = app.name;
        for file in [format!("{name}.css"), "boot.js".to_owned()] {
            let path = site.join(name).join(file);
            run(Command::new(&tools.esbuild)
                .arg(&path)
                .args(["--minify", "--log-level=warning", "--allow-overwrite"])
                .args(
                    path.extension()
                        .is_some_and(|e| e == "js")
                        .then_some("--format=esm"),
                )
                .arg(format!("--outfile={}", path.display())))?;
        }
    }
    Ok(())
}

pub fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    for entry in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        let dest = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            std::fs::create_dir_all(&dest)?;
            copy_tree(&entry.path(), &dest)?;
        } else {
            std::fs::copy(entry.path(), &dest)?;
        }
    }
    Ok(())
}

/// What `wrangler deploy` would upload, into `dist/deploy` (`--dry-run`): the Worker's size
/// budget and the benchmarks measure it.
pub fn package_worker(tools: &Tools) -> Result<()> {
    step("packaging the Worker for Cloudflare (wrangler deploy --dry-run)");
    let deploy_dir = root().join("dist/deploy");
    if deploy_dir.exists() {
        // wrangler adds hashed files beside old ones; the budget must see this build only.
        std::fs::remove_dir_all(&deploy_dir)?;
    }
    run(Command::new(&tools.wrangler)
        .args(["deploy", "--dry-run", "--outdir"])
        .arg(&deploy_dir)
        .current_dir(root())
        .env("WRANGLER_SEND_METRICS", "false"))
}
