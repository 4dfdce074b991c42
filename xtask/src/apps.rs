//! The widget and inbox apps: Rust → wasm, split into the module every page loads and the parts
//! loaded when first needed, then made small. For each app, into `dist/site/{app}/{build}/`:
//!
//! 1. one `cargo build --release` of both apps, with the wasm flags of `build.rs` and two of
//!    their own ([`APP_FLAGS`]): `--emit-relocs`, which the split needs, and no `Debug`
//!    formatting;
//! 2. `wasm-split-cli` cuts the module at the `#[wasm_split]` functions: `split_{name}.wasm` per
//!    part, `chunk_{n}.wasm` for code several parts share, and `__wasm_split.js`, which fetches
//!    and instantiates them against the main module's memory and function table;
//! 3. `wasm-bindgen --target web --keep-lld-exports` on the main module (the parts import what
//!    the linker exported), unused classes cut and short import names (`glue.rs`);
//! 4. `wasm-opt` on every module, esbuild on the JS.
//!
//! **A page never mixes builds.** Split modules are named by function, not by content, so each
//! build lives in its own directory, named by the hash of what is in it, and the app's
//! `boot.js` (the one file a page names, served with `no-cache`) names that directory. A page
//! loaded before a deploy that asks for a part afterwards gets a 404, which the apps show as a
//! part that could not load (with a retry), never as code from another build.
//!
//! **A build that knows what changed.** Steps 2–4 take most of a rebuild (wasm-opt alone is
//! about half a minute), so their output is kept under `target/porchlight-apps/`, keyed by the
//! hash of the linked wasm, the tools' versions and the source of these steps ([`PIPELINE`]);
//! an app whose wasm did not change is copied from there.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};
use sha2::{Digest, Sha256};

use crate::build::{rustc_wrapper, wasm_rustflags, WASM_RUSTFLAGS};
use crate::tools::{root, run, step, target_dir, Tools};

/// The source of the steps after cargo: a change to them is a change of what they make.
const PIPELINE: [&str; 2] = [include_str!("apps.rs"), include_str!("glue.rs")];

/// A wasm app served as static assets.
pub struct App {
    pub package: &'static str,
    /// Its directory under `dist/site/` and the name of its files.
    pub name: &'static str,
    /// `wasm-opt`'s passes for each of its modules. The widget, at its budget: `-Os`, then
    /// twice flattened and re-relooped (`--flatten --rereloop`: binaryen rebuilds the control
    /// flow from scratch, and `-Os` finds more to fold in what comes out), 1.3 KB gzip smaller
    /// than `-Os --converge` in 13 s instead of 10 (measured on aad9c73's widget). The inbox
    /// once, since converging took it 39 s instead of 16 s to save 133 B gzip of 624 KB
    /// (measured on 1b40ba4).
    wasm_opt: &'static [&'static str],
}

pub const APPS: [App; 2] = [
    App {
        package: "porchlight-widget",
        name: "widget",
        wasm_opt: &[
            "-Os",
            "--flatten",
            "--rereloop",
            "-Os",
            "--flatten",
            "--rereloop",
            "-Os",
            "-Os",
        ],
    },
    App {
        package: "porchlight-inbox",
        name: "inbox",
        wasm_opt: &["-Os"],
    },
];

/// The apps' own rustc flags, beside `build.rs`'s wasm flags (so the crates the apps share with
/// the Worker are built once for the apps and once for the Worker):
/// - `--emit-relocs`: the linker keeps the relocations that `wasm-split-cli` reads to move code
///   and data between modules (only the final link uses it);
/// - `-Zfmt-debug=none`: `{:?}` formats nothing and derived `Debug` is empty: 1.3 KB gzip of the
///   widget (measured on aad9c73). Nothing the apps show or key is formatted with `{:?}`; the
///   Worker keeps `Debug`, which its logs and some of its error messages use;
/// - `-Cpanic=immediate-abort`, with the standard library built for it ([`BUILD_STD`]): a panic
///   is a trap at once, so no panic message is formatted and the formatting machinery, the
///   panic hook and what they pull in (the current thread's name) leave the apps: 12.3 KB gzip
///   of the widget at open (measured on 2393b7b). A panic in an app is a bug either way; the
///   browser's console then shows `RuntimeError: unreachable` and the stack instead of the
///   message, which `-Zlocation-detail=none` had already stripped of its place. The Worker keeps
///   its panic messages: they are its logs' account of a bug.
const APP_FLAGS: [&str; 4] = [
    "-Clink-arg=--emit-relocs",
    "-Zfmt-debug=none",
    "-Zunstable-options",
    "-Cpanic=immediate-abort",
];

/// The standard library compiled with the apps' flags (from the `rust-src` component, which
/// `tools.rs` installs): the prebuilt one unwinds-or-aborts through the panic runtime, which an
/// immediate-abort build cannot link. Compiled once per target directory, about a minute.
const BUILD_STD: &str = "-Zbuild-std=std,panic_abort";

/// The placeholder in an app's `boot.js` for its build's directory.
const BUILD_PLACEHOLDER: &str = "__BUILD__";

/// What an app's build produced, for `dist/apps.json` (the budgets and benchmarks read it).
pub struct Built {
    pub name: &'static str,
    /// The build's directory name under `dist/site/{name}/`.
    pub build: String,
    /// The split-off parts: `split_*.wasm` and `chunk_*.wasm`.
    pub parts: Vec<String>,
}

/// The apps' own target directory (`target/apps`). Their flags differ from the Worker's, and
/// cargo keeps one build of a crate per target and profile whatever the flags it was built
/// with: in one directory, each build would rebuild what the other had just built (a minute
/// and more of every `cargo xtask build`). Apart, the two also build at the same time
/// (`build.rs`).
pub fn target() -> PathBuf {
    target_dir().join("apps")
}

/// Step 1 for both apps.
pub fn compile() -> Result<()> {
    step(
        "building the widget and inbox apps (Rust → wasm, release, relocations kept for the split)",
    );
    let mut cargo = Command::new("cargo");
    cargo
        .args([
            "build",
            "--release",
            "--target",
            "wasm32-unknown-unknown",
            BUILD_STD,
        ])
        .env("CARGO_TARGET_DIR", target())
        // Cargo's `-Z` flag needs it too; in the apps' own target directory, the build scripts
        // and proc macros it reaches are always built with it, so nothing rebuilds back and forth.
        .env("RUSTC_BOOTSTRAP", "1")
        .env(
            WASM_RUSTFLAGS,
            format!("{} {}", wasm_rustflags()?, APP_FLAGS.join(" ")),
        )
        .env("RUSTC_WRAPPER", rustc_wrapper())
        .current_dir(root());
    for app in &APPS {
        cargo.args(["-p", app.package]);
    }
    run(&mut cargo)
}

/// Steps 2–4 for both apps (or their kept output), into `site` (`dist/site`).
pub fn finish(tools: &Tools, site: &Path) -> Result<Vec<Built>> {
    let mut built = Vec::new();
    for app in &APPS {
        let wasm = target()
            .join("wasm32-unknown-unknown/release")
            .join(format!("{}.wasm", app.package.replace('-', "_")));
        let output = post_process(tools, app, &wasm)?;
        let build = output
            .file_name()
            .and_then(|n| n.to_str())
            .context("a kept build without a name")?
            .to_owned();
        let dest = site.join(app.name).join(&build);
        std::fs::create_dir_all(&dest)?;
        crate::build::copy_tree(&output, &dest)?;
        name_build_in_boot(&site.join(app.name).join("boot.js"), &build)?;
        let mut parts: Vec<String> = std::fs::read_dir(&dest)?
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| n.starts_with("split_") || n.starts_with("chunk_"))
            .collect();
        parts.sort();
        println!(
            "    {}: build {build}, parts: {}",
            app.name,
            parts.join(", ")
        );
        built.push(Built {
            name: app.name,
            build,
            parts,
        });
    }
    Ok(built)
}

/// Steps 2–4 for `app`'s linked `wasm`, or their kept output when the same wasm went through
/// the same steps before; returns the directory of the finished build (named by its content).
fn post_process(tools: &Tools, app: &App, wasm: &Path) -> Result<PathBuf> {
    let bytes = std::fs::read(wasm).with_context(|| format!("reading {}", wasm.display()))?;
    let key = key_of(&[
        PIPELINE[0].as_bytes(),
        PIPELINE[1].as_bytes(),
        app.wasm_opt.join(" ").as_bytes(),
        crate::tools::locked_version("wasm-bindgen")?.as_bytes(),
        crate::tools::WASM_SPLIT_CLI.as_bytes(),
        &bytes,
    ]);
    let kept = target_dir().join("porchlight-apps").join(app.name);
    let stamp = kept.join(format!("{key}.build"));
    if let Ok(build) = std::fs::read_to_string(&stamp) {
        let dir = kept.join(build.trim());
        if dir.is_dir() {
            println!(
                "    {}: its wasm is unchanged; post-processing skipped",
                app.name
            );
            return Ok(dir);
        }
    }
    step(&format!(
        "splitting, binding and optimising the {} (wasm-split-cli, wasm-bindgen, wasm-opt, esbuild)",
        app.name
    ));
    let work = kept.join("work");
    if work.exists() {
        std::fs::remove_dir_all(&work)?;
    }
    std::fs::create_dir_all(&work)?;
    let out = work.join("out");
    run(Command::new(&tools.wasm_split)
        .arg(wasm)
        .arg(&out)
        .args(["--out-name", app.name]))?;
    let split_main = out.join(format!("{}.wasm", app.name));
    run(Command::new(&tools.wasm_bindgen)
        .args([
            "--target",
            "web",
            "--no-typescript",
            // The parts import the linker's exports (memory, table, stack pointer) by name.
            "--keep-lld-exports",
            "--out-name",
            app.name,
            "--out-dir",
        ])
        .arg(&out)
        .arg(&split_main))?;
    std::fs::remove_file(&split_main)?;
    let name = app.name;
    let bg = out.join(format!("{name}_bg.wasm"));
    let glue = out.join(format!("{name}.js"));
    let trimmed = crate::glue::trim(&bg, &glue, &format!("./{name}_bg.js"))?;
    println!(
        "    {name}: {} unused stream classes removed, {} imports renamed to short names",
        trimmed.classes, trimmed.renamed
    );
    for module in files_ending(&out, ".wasm")? {
        // The split modules' names section has a subsection (labels) that this wasm-opt does
        // not read and warns about; wasm-opt drops the names anyway.
        crate::names::keep_function_names(&module)?;
        run(Command::new(&tools.wasm_opt)
            .args(app.wasm_opt)
            .arg(&module)
            .arg("-o")
            .arg(&module))?;
    }
    for script in files_ending(&out, ".js")? {
        run(Command::new(&tools.esbuild)
            .arg(&script)
            .args([
                "--minify",
                "--format=esm",
                // Drops the glue's helpers nothing calls any more (once `glue.rs` has cut what
                // used them); esbuild only shakes ES modules it does not bundle when asked.
                "--tree-shaking=true",
                "--log-level=warning",
                "--allow-overwrite",
            ])
            .arg(format!("--outfile={}", script.display())))?;
    }
    let build = content_hash(&out)?;
    let dir = kept.join(&build);
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::rename(&out, &dir)?;
    std::fs::write(&stamp, &build)?;
    Ok(dir)
}

/// What a build step's output is kept under: the hash of its inputs, each length-prefixed.
pub fn key_of(inputs: &[&[u8]]) -> String {
    let mut hash = Sha256::new();
    for input in inputs {
        hash.update((input.len() as u64).to_le_bytes());
        hash.update(input);
    }
    hex::encode(&hash.finalize()[..12])
}

/// The files of `dir` whose names end in `suffix`, sorted.
fn files_ending(dir: &Path, suffix: &str) -> Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_str().is_some_and(|p| p.ends_with(suffix)))
        .collect();
    files.sort();
    Ok(files)
}

/// A build's name: the first 10 hex digits of the hash of its files' names and contents.
fn content_hash(dir: &Path) -> Result<String> {
    let mut hash = Sha256::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    files.sort();
    for file in files {
        hash.update(
            file.file_name()
                .map(|n| n.as_encoded_bytes())
                .unwrap_or_default(),
        );
        hash.update(std::fs::read(&file)?);
    }
    Ok(hex::encode(&hash.finalize()[..5]))
}

/// Puts `build` in place of [`BUILD_PLACEHOLDER`] in the (minified) `boot.js`.
fn name_build_in_boot(boot: &Path, build: &str) -> Result<()> {
    let js =
        std::fs::read_to_string(boot).with_context(|| format!("reading {}", boot.display()))?;
    if js.matches(BUILD_PLACEHOLDER).count() != 1 {
        bail!(
            "{} must name its build directory once, as {BUILD_PLACEHOLDER}",
            boot.display()
        );
    }
    std::fs::write(boot, js.replace(BUILD_PLACEHOLDER, build))?;
    Ok(())
}

/// `dist/apps.json`: each app's build directory, the files a page loads at open, and its parts.
pub fn write_manifest(built: &[Built]) -> Result<()> {
    let mut apps = serde_json::Map::new();
    for app in built {
        let name = app.name;
        let build = &app.build;
        apps.insert(
            name.to_owned(),
            serde_json::json!({
                "build": build,
                "open": [
                    format!("{name}/boot.js"),
                    format!("{name}/{name}.css"),
                    format!("{name}/{build}/{name}.js"),
                    format!("{name}/{build}/{name}_bg.wasm"),
                    format!("{name}/{build}/__wasm_split.js"),
                ],
                "parts": app.parts.iter().map(|p| format!("{name}/{build}/{p}")).collect::<Vec<_>>(),
            }),
        );
    }
    let path = root().join("dist/apps.json");
    std::fs::write(&path, serde_json::to_string_pretty(&apps)?)
        .with_context(|| format!("writing {}", path.display()))
}
