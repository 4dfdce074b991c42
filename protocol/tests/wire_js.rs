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
