//! Frames that are not read are counted and named once.

use super::*;

/// Runs `during` with `console.warn` recording its calls; returns each call's arguments.
fn warnings(during: impl FnOnce()) -> Vec<Vec<JsValue>> {
    let install = Function::new_no_args(
        "const seen = []; const warn = console.warn; \
         console.warn = (...args) => { seen.push(args); }; \
         return () => { console.warn = warn; return seen; };",
    );
    let restore: Function = install.call0(&JsValue::NULL).unwrap().into();
    during();
    let seen: Array = restore.call0(&JsValue::NULL).unwrap().into();
    seen.iter()
        .map(|call| Array::from(&call).iter().collect())
        .collect()
}

#[wasm_bindgen_test]
fn an_unreadable_frame_is_counted_and_only_the_first_is_named() {
    let secret = r#"{"launch":{"note":"Ada's address is 1 Main St"}}"#;
    let undecoded = Undecoded::default();
    let seen = warnings(|| {
        undecoded.report(secret);
        undecoded.report(r#"{"type":"porchlight.new"}"#);
        undecoded.report("not json");
    });
    assert_eq!(undecoded.get(), 3);
    assert_eq!(seen.len(), 1, "only the first is logged");
    let call = &seen[0];
    assert_eq!(call.len(), 3);
    assert!(call[0].as_string().unwrap().starts_with("porchlight:"));
    assert_eq!(call[1].as_string().as_deref(), Some("launch"));
    assert_eq!(call[2].as_f64(), Some(secret.len() as f64));
    for argument in call {
        let shown = js_sys::JSON::stringify(argument).unwrap().as_string();
        assert!(!shown.unwrap_or_default().contains("Ada"), "{argument:?}");
    }
}

#[wasm_bindgen_test]
fn each_socket_names_its_own_first_unreadable_frame() {
    let kinds = [
        (
            r#"{"type":"porchlight.new","data":"x"}"#,
            Some("porchlight.new"),
        ),
        (r#"{"launch":{}}"#, Some("launch")),
        (r#"{"type":5,"launch":{}}"#, None),
        (r#"{"a":1,"b":2}"#, None),
        (r#"{}"#, None),
        (r#"["launch"]"#, None),
        (r#""launch""#, None),
        ("3", None),
        ("null", None),
        ("not json at all", None),
    ];
    for (text, kind) in kinds {
        let seen = warnings(|| Undecoded::default().report(text));
        assert_eq!(seen.len(), 1, "{text}");
        assert_eq!(seen[0][1].as_string().as_deref(), kind, "{text}");
        assert!(
            seen[0][1].is_string() || seen[0][1].is_undefined(),
            "{text}"
        );
        assert_eq!(seen[0][2].as_f64(), Some(text.len() as f64), "{text}");
    }
}

#[wasm_bindgen_test]
fn a_frame_that_is_read_is_not_counted() {
    // What the sockets do with each text frame: decode, or report.
    let undecoded = Undecoded::default();
    let seen = warnings(|| {
        for (text, _) in server_frames() {
            if json::parse::<ServerFrame>(text).is_none() {
                undecoded.report(text);
            }
        }
    });
    assert_eq!(undecoded.get(), 0);
    assert!(seen.is_empty());
}
