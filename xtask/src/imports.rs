//! Short import names for the wasm apps. wasm-bindgen names every import the glue gives the
//! module after its Rust name and a 16-digit hash (`__wbg_source_f494cee1fae99ab3`), and each name
//! appears twice, in the wasm's import section and as a key of the glue's import object. The
//! hashes are random to gzip: renaming the ~180 imports of the widget to one or two letters saved
//! 3.3 KB gzip of wasm and 2.2 KB of JS (BENCHMARKS.md). binaryen's `--minify-imports` does not
//! help: it only renames imports of the `env` module.
//!
//! The rename is exact: an import is renamed only when its name occurs in the glue as a whole
//! identifier, and the build fails otherwise (a wasm-bindgen whose glue looks different must be
//! looked at, not half-renamed).

use std::path::Path;

use anyhow::{bail, Context, Result};

/// Renames the imports `wasm` takes from `module` (the glue, e.g. `./widget_bg.js`) to short
/// names, in the wasm file and in the glue's JavaScript; returns how many were renamed.
pub fn shorten(wasm: &Path, glue: &Path, module: &str) -> Result<usize> {
    let mut m = walrus::Module::from_file(wasm)
        .with_context(|| format!("could not read {}", wasm.display()))?;
    let mut js = std::fs::read_to_string(glue)
        .with_context(|| format!("could not read {}", glue.display()))?;
    let exports: std::collections::HashSet<String> =
        m.exports.iter().map(|e| e.name.clone()).collect();
    let mut renamed = 0;
    for import in m.imports.iter_mut().filter(|i| i.module == module) {
        if exports.contains(&import.name) {
            bail!("{} is both imported and exported", import.name);
        }
        let short = short_name(renamed);
        js = replace_identifier(&js, &import.name, &short).with_context(|| {
            format!(
                "the import {} is not named in {}",
                import.name,
                glue.display()
            )
        })?;
        import.name = short;
        renamed += 1;
    }
    m.emit_wasm_file(wasm)
        .with_context(|| format!("could not write {}", wasm.display()))?;
    std::fs::write(glue, js).with_context(|| format!("could not write {}", glue.display()))?;
    Ok(renamed)
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
}
