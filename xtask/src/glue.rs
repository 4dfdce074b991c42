//! What the build does to each wasm app between wasm-bindgen and wasm-opt, to ship fewer bytes.
//!
//! **Short import names.** wasm-bindgen names every import the glue gives the module after its
//! Rust name and a 16-digit hash (`__wbg_source_f494cee1fae99ab3`), and each name appears twice,
//! in the wasm's import section and as a key of the glue's import object. The hashes are random
//! to gzip: renaming the ~180 imports of the widget to one or two letters saved 3.3 KB gzip of
//! wasm and 2.2 KB of JS (BENCHMARKS.md). binaryen's `--minify-imports` does not help: it only
//! renames imports of the `env` module. The module they come from (`./widget_bg.js`, named once
//! per import) becomes `.`.
//!
//! **No stream classes.** leptos depends on server_fn with its `browser` feature on wasm32,
//! which brings wasm-streams, whose three `#[wasm_bindgen]` classes (`IntoUnderlyingSource`,
//! `IntoUnderlyingByteSource`, `IntoUnderlyingSink`) are exported from the module and so kept
//! with all they call, although nothing in Porchlight creates one (we call no server
//! functions). Their exports are removed, the code only they reached is collected, and the glue
//! loses their classes: 1.2 KB gzip of widget wasm.
//!
//! Both are exact: an import is renamed only when its name occurs in the glue as a whole
//! identifier, a class is cut only where the glue has its known shape, and after the cut
//! nothing in the glue may name what was removed. Otherwise the build fails (a wasm-bindgen
//! whose glue looks different must be looked at, not half-edited).

use std::path::Path;

use anyhow::{bail, Context, Result};

/// The classes of wasm-streams that Porchlight never uses, and the prefix of their exports.
const STREAM_CLASSES: [(&str, &str); 3] = [
    ("IntoUnderlyingByteSource", "intounderlyingbytesource_"),
    ("IntoUnderlyingSink", "intounderlyingsink_"),
    ("IntoUnderlyingSource", "intounderlyingsource_"),
];

/// The split loader (`xtask/src/apps.rs`), which wasm-bindgen imports once per function the
/// module takes from it (`import * as import1 from "./__wasm_split.js"`, … and as many keys of
/// the same name in the module's imports).
const SPLIT_LOADER: &str = "./__wasm_split.js";

/// `js` with one namespace import of `module` instead of several (the others were the same
/// object under other names: esbuild warns of the duplicate keys they make).
fn one_import_of(js: &str, module: &str) -> String {
    let suffix = format!(" from {module:?}");
    let mut names = Vec::new();
    let mut out = String::with_capacity(js.len());
    for line in js.split_inclusive('\n') {
        let statement = line.trim_end().trim_end_matches(';');
        let name = statement
            .strip_prefix("import * as ")
            .and_then(|rest| rest.strip_suffix(suffix.as_str()));
        if let Some(name) = name {
            names.push(name.to_owned());
            if names.len() > 1 {
                continue;
            }
        }
        let key = format!("{module:?}: ");
        if let Some(value) = line.trim().strip_prefix(key.as_str()) {
            let value = value.trim_end_matches(',');
            if names.len() > 1 && names[1..].iter().any(|n| n == value) {
                continue;
            }
        }
        out.push_str(line);
    }
    out
}

/// What [`trim`] did.
pub struct Trimmed {
    pub renamed: usize,
    pub classes: usize,
}

/// Trims the wasm file and its glue (`module` is how the wasm names the glue, e.g.
/// `./widget_bg.js`): removes the unused stream classes, then renames the imports.
pub fn trim(wasm: &Path, glue: &Path, module: &str) -> Result<Trimmed> {
    let mut m = walrus::Module::from_file(wasm)
        .with_context(|| format!("could not read {}", wasm.display()))?;
    let js = std::fs::read_to_string(glue)
        .with_context(|| format!("could not read {}", glue.display()))?;
    let (js, classes) = drop_stream_classes(&mut m, js)
        .with_context(|| format!("removing the stream classes from {}", glue.display()))?;
    let (js, renamed) = shorten(&mut m, js, module)
        .with_context(|| format!("renaming the imports in {}", glue.display()))?;
    let js = shorten_closure_exports(&mut m, js)
        .with_context(|| format!("renaming the closure exports in {}", glue.display()))?;
    let js = one_import_of(&js, SPLIT_LOADER);
    m.emit_wasm_file(wasm)
        .with_context(|| format!("could not write {}", wasm.display()))?;
    std::fs::write(glue, js).with_context(|| format!("could not write {}", glue.display()))?;
    Ok(Trimmed { renamed, classes })
}

/// Removes the exports of [`STREAM_CLASSES`] from the module, the functions only they reached,
/// the classes from the glue and the glue's imports that the module no longer takes.
fn drop_stream_classes(m: &mut walrus::Module, mut js: String) -> Result<(String, usize)> {
    let mut classes = 0;
    for (class, prefix) in STREAM_CLASSES {
        let exports: Vec<_> = m
            .exports
            .iter()
            .filter(|e| e.name.starts_with(prefix) || e.name == format!("__wbg_{}free", prefix))
            .map(|e| e.id())
            .collect();
        if exports.is_empty() {
            continue;
        }
        for id in exports {
            m.exports.delete(id);
        }
        js = cut_between(
            &js,
            &format!("export class {class} {{\n"),
            &format!(
                "if (Symbol.dispose) {class}.prototype[Symbol.dispose] = {class}.prototype.free;\n"
            ),
        )?;
        js = cut_between(
            &js,
            &format!("const {class}Finalization = "),
            &format!("__wbg_{prefix}free(ptr, 1));\n"),
        )?;
        if has_identifier(&js, class) || js.contains(prefix) {
            bail!("the glue still names {class} after its class was cut");
        }
        classes += 1;
    }
    walrus::passes::gc::run(m);
    Ok((drop_unused_imports(m, js)?, classes))
}

/// The glue without the entries of its import object (`const import0 = {` … `    };`) that
/// the module no longer imports. An entry starts at `        NAME: ` and runs through the line
/// that closes it at the same indentation (`        },` or `        }, arguments); },`).
fn drop_unused_imports(m: &walrus::Module, js: String) -> Result<String> {
    const OBJECT: &str = "const import0 = {\n";
    const ENTRY: &str = "\n        ";
    const CLOSE: &str = "\n        }";
    let imported: std::collections::HashSet<&str> =
        m.imports.iter().map(|i| i.name.as_str()).collect();
    let from = js.find(OBJECT).context("no import object")? + OBJECT.len() - 1;
    let to = from
        + js[from..]
            .find("\n    };")
            .context("no end of the import object")?;
    let mut out = String::from(&js[..from]);
    let mut rest = &js[from..to];
    while let Some(at) = rest.find(ENTRY) {
        let name_start = at + ENTRY.len();
        let name_len = rest[name_start..]
            .find(|c: char| !is_identifier_byte(c as u8))
            .unwrap_or(0);
        let name = &rest[name_start..name_start + name_len];
        let tail = &rest[name_start + name_len..];
        let end = if tail.starts_with(": function(") {
            let close = at
                + rest[at..]
                    .find(CLOSE)
                    .context("an import entry without its end")?;
            close
                + 1
                + rest[close + 1..]
                    .find('\n')
                    .unwrap_or(rest.len() - close - 1)
        } else {
            // `__proto__: null,` and the like: one line, kept.
            at + 1 + rest[at + 1..].find('\n').unwrap_or(rest.len() - at - 1)
        };
        out.push_str(&rest[..at]);
        if !tail.starts_with(": function(") || imported.contains(name) {
            out.push_str(&rest[at..end]);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out.push_str(&js[to..]);
    Ok(out)
}

/// `js` without the text from `start` through `end` (both included); an error unless each
/// occurs exactly once, in that order.
fn cut_between(js: &str, start: &str, end: &str) -> Result<String> {
    let (Some(from), 1) = (js.find(start), js.matches(start).count()) else {
        bail!("expected one {start:?}");
    };
    let (Some(to), 1) = (js[from..].find(end), js.matches(end).count()) else {
        bail!("expected one {end:?} after {start:?}");
    };
    let to = from + to + end.len();
    Ok(format!("{}{}", &js[..from], &js[to..]))
}

fn has_identifier(js: &str, name: &str) -> bool {
    replace_identifier(js, name, name).is_ok()
}

/// Renames the imports the module takes from `module` to short names, in the module and in the
/// glue, and the module itself to `.`; returns the glue and how many were renamed.
fn shorten(m: &mut walrus::Module, mut js: String, module: &str) -> Result<(String, usize)> {
    let exports: std::collections::HashSet<String> =
        m.exports.iter().map(|e| e.name.clone()).collect();
    let mut renamed = 0;
    for import in m.imports.iter_mut().filter(|i| i.module == module) {
        if exports.contains(&import.name) {
            bail!("{} is both imported and exported", import.name);
        }
        let short = short_name(renamed);
        js = replace_identifier(&js, &import.name, &short)
            .with_context(|| format!("the import {} is not named in the glue", import.name))?;
        import.name = short;
        import.module = ".".to_owned();
        renamed += 1;
    }
    let key = format!("{module:?}: import0");
    if js.matches(&key).count() != 1 {
        bail!("expected the glue to give the imports once as {key}");
    }
    Ok((js.replace(&key, "\".\": import0"), renamed))
}

/// Renames the exported closure trampolines (`wasm_bindgen__convert__closures_____invoke__`
/// and a 16-digit hash) to `$0`, `$1`, …, in the module and the glue (where each is also the name
/// of a local function; the build fails if the glue already has an identifier of that name).
fn shorten_closure_exports(m: &mut walrus::Module, mut js: String) -> Result<String> {
    const TRAMPOLINE: &str = "wasm_bindgen__convert__closures_____invoke__";
    for (n, export) in m
        .exports
        .iter_mut()
        .filter(|e| e.name.starts_with(TRAMPOLINE))
        .enumerate()
    {
        let short = format!("${n}");
        if has_identifier(&js, &short) {
            bail!("the glue already has an identifier {short}");
        }
        js = replace_identifier(&js, &export.name, &short)
            .with_context(|| format!("the export {} is not named in the glue", export.name))?;
        export.name = short;
    }
    Ok(js)
}

/// `a`, `b`, … `Z`, then `ba`, `bb`, …: a distinct identifier for every number.
fn short_name(mut n: usize) -> String {
    const LETTERS: &[u8; 52] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut name = vec![LETTERS[n % 52]];
    n /= 52;
    while n > 0 {
        name.push(LETTERS[n % 52]);
        n /= 52;
    }
    String::from_utf8(name).expect("letters are ASCII")
}

fn is_identifier_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$'
}

/// `js` with every whole-identifier occurrence of `from` replaced by `to`; an error when there
/// is none.
fn replace_identifier(js: &str, from: &str, to: &str) -> Result<String> {
    let bytes = js.as_bytes();
    let mut out = String::with_capacity(js.len());
    let mut rest = 0;
    let mut found = false;
    for (at, _) in js.match_indices(from) {
        let end = at + from.len();
        let before_ok = at == 0 || !is_identifier_byte(bytes[at - 1]);
        let after_ok = end == bytes.len() || !is_identifier_byte(bytes[end]);
        if before_ok && after_ok && at >= rest {
            out.push_str(&js[rest..at]);
            out.push_str(to);
            rest = end;
            found = true;
        }
    }
    if !found {
        bail!("no occurrence");
    }
    out.push_str(&js[rest..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_split_loader_is_imported_once() {
        let js = "import * as import1 from \"./__wasm_split.js\"\nimport * as import2 from \"./__wasm_split.js\"\nlet a;\nconst imports = {\n        \"./widget_bg.js\": import0,\n        \"./__wasm_split.js\": import1,\n        \"./__wasm_split.js\": import2,\n    };\n";
        assert_eq!(
            one_import_of(js, SPLIT_LOADER),
            "import * as import1 from \"./__wasm_split.js\"\nlet a;\nconst imports = {\n        \"./widget_bg.js\": import0,\n        \"./__wasm_split.js\": import1,\n    };\n"
        );
        assert_eq!(one_import_of("let a;\n", SPLIT_LOADER), "let a;\n");
    }

    #[test]
    fn short_names_are_distinct_identifiers() {
        let names: std::collections::HashSet<_> = (0..3000).map(short_name).collect();
        assert_eq!(names.len(), 3000);
        assert_eq!(short_name(0), "a");
        assert_eq!(short_name(52), "ab");
        assert!(names
            .iter()
            .all(|n| n.bytes().all(|b| b.is_ascii_alphabetic())));
    }

    #[test]
    fn only_whole_identifiers_are_replaced() {
        let js = "{__wbg_new_1:function(){},__wbg_new_12:x,y:__wbg_new_1}";
        assert_eq!(
            replace_identifier(js, "__wbg_new_1", "a").unwrap(),
            "{a:function(){},__wbg_new_12:x,y:a}"
        );
        assert!(replace_identifier(js, "__wbg_gone", "b").is_err());
    }

    #[test]
    fn cuts_need_exactly_one_start_and_end() {
        let js = "a;\nexport class X {\n  f() {}\n}\nif (X) X;\nb;\n";
        assert_eq!(
            cut_between(js, "export class X {\n", "if (X) X;\n").unwrap(),
            "a;\nb;\n"
        );
        assert!(cut_between(js, "export class Y {\n", "if (X) X;\n").is_err());
        assert!(cut_between(&js.repeat(2), "export class X {\n", "if (X) X;\n").is_err());
    }

    #[test]
    fn import_entries_no_longer_imported_are_dropped() {
        let js = "const import0 = {\n        __proto__: null,\n        __wbg_kept_1: function(a) {\n            return a;\n        },\n        __wbg_gone_2: function() { return handleError(function () {\n            x();\n        }, arguments); },\n        __wbg_last_3: function() {\n        },\n    };\n";
        let mut m = walrus::Module::default();
        let ty = m.types.add(&[], &[]);
        m.add_import_func(".", "__wbg_kept_1", ty);
        m.add_import_func(".", "__wbg_last_3", ty);
        let out = drop_unused_imports(&m, js.to_owned()).unwrap();
        assert!(out.contains("__proto__: null,"));
        assert!(out.contains("__wbg_kept_1: function(a) {\n            return a;\n        },"));
        assert!(out.contains("__wbg_last_3"));
        assert!(!out.contains("gone") && !out.contains("arguments"));
        assert!(out.ends_with("        },\n    };\n"));
    }
}
