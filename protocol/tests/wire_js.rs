//! The loader's copy of the embed message tags must match the protocol crate.

use std::path::PathBuf;

#[test]
fn embed_wire_js_matches_the_protocol() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../embed/src/wire.js");
    let expected = porchlight_protocol::embed::wire_js();
    if std::env::var_os("PORCHLIGHT_BLESS").is_some() {
        std::fs::write(&path, &expected).expect("write embed/src/wire.js");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(
        committed, expected,
        "embed/src/wire.js is out of date: run `PORCHLIGHT_BLESS=1 cargo test -p porchlight-protocol`"
    );
}

/// The frame's boot script, which asks the loader for the identification and reads its answer
/// before the widget starts, speaks the tags the loader does.
#[test]
fn the_frames_boot_script_asks_for_the_identity_with_the_protocols_tags() {
    use porchlight_protocol::embed::{IDENTIFY_TAG, IDENTITY_TAG};
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../www/static/widget/boot.js");
    let boot = std::fs::read_to_string(path).expect("boot.js is readable");
    for tag in [IDENTIFY_TAG, IDENTITY_TAG] {
        assert!(
            boot.contains(&format!("\"{tag}\"")),
            "boot.js does not use {tag}"
        );
    }
}
