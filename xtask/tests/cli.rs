//! The developer commands fail the way a person can act on: a busy port or a missing tool is one
//! clear sentence and exit code 1, never a panic or a stack trace.

use std::net::TcpListener;
use std::process::{Command, Output};

/// Runs xtask with its own target directory: a `cargo xtask test` running these tests holds the
/// checkout's lock in the real one, and the child must not wait for its own parent.
fn xtask(args: &[&str], env: &[(&str, &str)]) -> Output {
    let target = tempdir().join("target");
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .env("CARGO_TARGET_DIR", &target)
        .envs(env.iter().copied())
        .output()
        .expect("xtask runs")
}

fn assert_clear_failure(out: &Output, expected: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "stderr: {stderr}");
    assert!(
        stderr.contains(expected),
        "stderr lacks {expected:?}: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "no panic: {stderr}");
    assert!(
        !stderr.contains("stack backtrace"),
        "no backtrace: {stderr}"
    );
}

#[test]
fn a_busy_port_is_named_with_the_way_out() {
    let taken = TcpListener::bind(("127.0.0.1", 0)).expect("bind");
    let port = taken.local_addr().expect("addr").port().to_string();
    let out = xtask(&["dev"], &[("PORCHLIGHT_EDGE_PORT", &port)]);
    assert_clear_failure(&out, &format!("port {port} on 127.0.0.1 is busy"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("PORCHLIGHT_EDGE_PORT"));
}

#[test]
fn a_missing_tool_is_named_with_what_to_install() {
    // A PATH with rustup on it but no Node.js.
    let bin = tempdir();
    let rustup = which("rustup");
    std::os::unix::fs::symlink(&rustup, bin.join("rustup")).expect("symlink rustup");
    let path = bin.display().to_string();
    let out = xtask(&["build"], &[("PATH", &path)]);
    assert_clear_failure(&out, "`node` was not found");
    assert!(String::from_utf8_lossy(&out.stderr).contains("Node.js 20"));
    let _ = std::fs::remove_dir_all(&bin);
}

#[test]
fn an_unknown_command_shows_the_usage() {
    let out = xtask(&["launch"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("usage: cargo xtask"));
}

fn tempdir() -> std::path::PathBuf {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "xtask-cli-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn which(program: &str) -> std::path::PathBuf {
    let out = Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .expect("sh");
    std::path::PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
}
