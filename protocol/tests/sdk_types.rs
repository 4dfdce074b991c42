//! The SDK's TypeScript declarations (`embed/porchlight.d.ts`) name every event the widget frame
//! sends, so a site's typed handlers cannot miss one.

use porchlight_protocol::embed::SdkEvent;

#[test]
fn the_declarations_name_every_frame_event() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../embed/porchlight.d.ts");
    let declarations = std::fs::read_to_string(path).expect("embed/porchlight.d.ts is readable");
    for name in SdkEvent::names() {
        assert!(
            declarations.contains(&format!("  {name}: ")),
            "embed/porchlight.d.ts does not declare the `{name}` event in PorchlightEvents"
        );
    }
}
