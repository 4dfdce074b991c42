//! Size budgets of what `cargo xtask build` produced (shared/DESIGN.md, issue 2): bytes are
//! asserted here; speed is measured by the benchmarks, never asserted.
//! - the host-page loader ≤ 2 KB gzip;
//! - the widget at open (wasm + JS + CSS + boot script) ≤ 120 KB gzip;
//! - the Worker upload (`wrangler deploy --dry-run` output) ≤ 1 MB gzip.

use std::io::Write;
use std::path::{Path, PathBuf};

fn dist() -> PathBuf {
    PathBuf::from(std::env::var("DIST_DIR").expect("DIST_DIR: run through `cargo xtask test`"))
}

fn gzip_len(path: &Path) -> usize {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(&bytes).expect("gzip");
    enc.finish().expect("gzip").len()
}

fn total(files: &[PathBuf]) -> usize {
    files
        .iter()
        .map(|f| {
            let n = gzip_len(f);
            println!("{:>9} B gzip  {}", n, f.display());
            n
        })
        .sum()
}

#[test]
fn the_loader_fits_in_2_kb_gzip() {
    let n = total(&[dist().join("site/embed.js")]);
    assert!(
        n <= 2 * 1024,
        "embed.js is {n} B gzip, over the 2 KB budget"
    );
}

#[test]
fn the_widget_at_open_fits_in_120_kb_gzip() {
    let widget = dist().join("site/widget");
    let files = ["widget_bg.wasm", "widget.js", "widget.css", "boot.js"].map(|f| widget.join(f));
    let n = total(&files);
    assert!(
        n <= 120 * 1024,
        "the widget is {n} B gzip, over the 120 KB budget"
    );
}

#[test]
fn the_worker_upload_fits_in_1_mb_gzip() {
    let deploy = dist().join("deploy");
    let files: Vec<PathBuf> = std::fs::read_dir(&deploy)
        .expect("dist/deploy from `wrangler deploy --dry-run`")
        .filter_map(|e| e.ok().map(|e| e.path()))
        // What wrangler uploads: the module and the wasm (not its README or source map).
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "js" || e == "wasm"))
        .collect();
    assert!(
        files
            .iter()
            .any(|f| f.extension().is_some_and(|e| e == "wasm")),
        "the upload has the wasm"
    );
    let n = total(&files);
    assert!(
        n <= 1024 * 1024,
        "the Worker upload is {n} B gzip, over the 1 MB budget"
    );
}
