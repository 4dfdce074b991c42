//! Names sections. worker-build keeps the Worker's whole (`wasm-opt --debuginfo`) so that errors
//! name the functions they passed through.
//!
//! - [`move_function_names`] (the Worker): the functions' names leave the upload for a file
//!   beside the build (`edge/build/function-names.txt`, one `index<TAB>name` per line), which
//!   `cargo xtask symbolize` reads to put the names back into a stack trace
//!   (`wasm-function[1234]`). Shipped, they cost 103 KB gzip of the 1 MiB budget (measured at
//!   f07bd1f: 4,270 names, most of them std's, serde's and workers-rs's with a hash each); kept
//!   aside, a production trace is still read in full, as native code is with its symbols.
//! - [`keep_function_names`] (the apps, before wasm-opt, whose names section it cannot read
//!   whole: `apps.rs`): keeps the module's and the functions' names and drops the rest (every
//!   data segment's, global's and table's).

use std::path::Path;

use anyhow::{Context, Result};
use wasm_encoder::{CustomSection, Encode, Module, RawSection};
use wasmparser::{BinaryReader, Parser, Payload};

/// The name section's subsections a stack trace reads: the module's name and the functions'.
const KEPT: [u8; 2] = [0, 1];

/// Rewrites the wasm file at `path` without its names section, and writes its functions' names
/// to `names` (`index<TAB>name` lines); returns the bytes the module lost.
pub fn move_function_names(path: &Path, names: &Path) -> Result<usize> {
    let wasm = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let mut module = Module::new();
    let mut listed = String::new();
    for payload in Parser::new(0).parse_all(&wasm) {
        let payload = payload?;
        match &payload {
            Payload::CustomSection(section) if section.name() == "name" => {
                for (index, name) in function_name_list(section.data())? {
                    listed.push_str(&format!("{index}\t{name}\n"));
                }
            }
            _ => {
                if let Some((id, range)) = payload.as_section() {
                    module.section(&RawSection {
                        id,
                        data: &wasm[range],
                    });
                }
            }
        }
    }
    let stripped = module.finish();
    std::fs::write(names, listed).with_context(|| format!("writing {}", names.display()))?;
    std::fs::write(path, &stripped).with_context(|| format!("writing {}", path.display()))?;
    Ok(wasm.len() - stripped.len())
}

/// The function names of a name section's `data`, by function index.
fn function_name_list(data: &[u8]) -> Result<Vec<(u32, String)>> {
    let mut reader = BinaryReader::new(data, 0);
    let mut names = Vec::new();
    while !reader.eof() {
        let id = reader.read_u8()?;
        let size = reader.read_var_u32()?;
        let bytes = reader.read_bytes(size as usize)?;
        if id == 1 {
            let mut map = BinaryReader::new(bytes, 0);
            for _ in 0..map.read_var_u32()? {
                let index = map.read_var_u32()?;
                names.push((index, map.read_string()?.to_owned()));
            }
        }
    }
    Ok(names)
}

/// `trace` with every `wasm-function[N]` followed by the function's name from `names` (as
/// [`move_function_names`] wrote them).
pub fn symbolize(trace: &str, names: &str) -> String {
    let by_index: std::collections::HashMap<&str, &str> = names
        .lines()
        .filter_map(|line| line.split_once('\t'))
        .collect();
    let mut out = String::with_capacity(trace.len());
    let mut rest = trace;
    const MARK: &str = "wasm-function[";
    while let Some(at) = rest.find(MARK) {
        let (before, from) = rest.split_at(at);
        out.push_str(before);
        let digits = &from[MARK.len()..];
        let end = digits.find(']').unwrap_or(0);
        let index = &digits[..end];
        match by_index.get(index) {
            Some(name) if end > 0 => {
                out.push_str(&from[..MARK.len() + end + 1]);
                out.push_str(&format!(" {name}"));
                rest = &digits[end + 1..];
            }
            _ => {
                out.push_str(MARK);
                rest = digits;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Rewrites the wasm file at `path` with its names section trimmed; returns the bytes saved.
pub fn keep_function_names(path: &Path) -> Result<usize> {
    let wasm = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let trimmed = trimmed(&wasm)?;
    std::fs::write(path, &trimmed).with_context(|| format!("writing {}", path.display()))?;
    Ok(wasm.len() - trimmed.len())
}

/// `wasm` with every section as it was, except the `name` section's unread subsections.
fn trimmed(wasm: &[u8]) -> Result<Vec<u8>> {
    let mut module = Module::new();
    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload?;
        match &payload {
            Payload::CustomSection(section) if section.name() == "name" => {
                module.section(&CustomSection {
                    name: "name".into(),
                    data: function_names(section.data())?.into(),
                });
            }
            _ => {
                if let Some((id, range)) = payload.as_section() {
                    module.section(&RawSection {
                        id,
                        data: &wasm[range],
                    });
                }
            }
        }
    }
    Ok(module.finish())
}

/// The subsections of a name section's `data` that are [`KEPT`], as they were.
fn function_names(data: &[u8]) -> Result<Vec<u8>> {
    let mut reader = BinaryReader::new(data, 0);
    let mut kept = Vec::new();
    while !reader.eof() {
        let id = reader.read_u8()?;
        let size = reader.read_var_u32()?;
        let bytes = reader.read_bytes(size as usize)?;
        if KEPT.contains(&id) {
            kept.push(id);
            size.encode(&mut kept);
            kept.extend_from_slice(bytes);
        }
    }
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module with one function named `f` and one data segment named `.rodata`.
    fn named_module() -> Vec<u8> {
        use wasm_encoder::{
            CodeSection, ConstExpr, DataSection, Function, FunctionSection, IndirectNameMap,
            MemorySection, MemoryType, NameMap, NameSection, TypeSection,
        };
        let mut module = Module::new();
        let mut types = TypeSection::new();
        types.ty().function([], []);
        module.section(&types);
        let mut functions = FunctionSection::new();
        functions.function(0);
        module.section(&functions);
        let mut memory = MemorySection::new();
        memory.memory(MemoryType {
            minimum: 1,
            maximum: None,
            memory64: false,
            shared: false,
            page_size_log2: None,
        });
        module.section(&memory);
        let mut code = CodeSection::new();
        let mut body = Function::new([]);
        body.instructions().end();
        code.function(&body);
        module.section(&code);
        let mut data = DataSection::new();
        data.active(0, &ConstExpr::i32_const(0), b"hi".iter().copied());
        module.section(&data);
        let mut names = NameSection::new();
        let mut functions = NameMap::new();
        functions.append(0, "f");
        names.functions(&functions);
        names.locals(&IndirectNameMap::new());
        let mut segments = NameMap::new();
        segments.append(0, ".rodata");
        names.data(&segments);
        module.section(&names);
        module.finish()
    }

    #[test]
    fn the_workers_names_move_beside_it_and_read_back_into_a_trace() {
        let dir = std::env::temp_dir().join(format!("porchlight-names-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (wasm, names) = (dir.join("m.wasm"), dir.join("names.txt"));
        std::fs::write(&wasm, named_module()).unwrap();
        assert!(move_function_names(&wasm, &names).unwrap() > 0);
        let stripped = std::fs::read(&wasm).unwrap();
        assert!(
            !stripped.windows(4).any(|w| w == b"name"),
            "no names section left"
        );
        let listed = std::fs::read_to_string(&names).unwrap();
        assert_eq!(listed, "0\tf\n");
        let trace = "Error: boom\n    at wasm-function[0]:0x2a\n    at wasm-function[7]:0x1";
        assert_eq!(
            symbolize(trace, &listed),
            "Error: boom\n    at wasm-function[0] f:0x2a\n    at wasm-function[7]:0x1"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn function_names_stay_and_data_names_go() {
        let wasm = named_module();
        let trimmed = trimmed(&wasm).unwrap();
        assert!(trimmed.len() < wasm.len());
        let contains = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).any(|w| w == needle);
        assert!(contains(&wasm, b".rodata") && !contains(&trimmed, b".rodata"));
        // Everything else is as it was: the module still validates and keeps its code.
        wasmparser::Validator::new().validate_all(&trimmed).unwrap();
        let code = |w: &[u8]| {
            Parser::new(0)
                .parse_all(w)
                .filter_map(|p| match p.unwrap() {
                    Payload::CodeSectionStart { range, .. } => Some(w[range].to_vec()),
                    _ => None,
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(code(&wasm), code(&trimmed));
        let names = Parser::new(0)
            .parse_all(&trimmed)
            .find_map(|p| match p.unwrap() {
                Payload::CustomSection(s) if s.name() == "name" => Some(s.data().to_vec()),
                _ => None,
            })
            .unwrap();
        let subsections: Vec<_> = wasmparser::NameSectionReader::new(BinaryReader::new(&names, 0))
            .map(|n| n.unwrap())
            .collect();
        assert_eq!(subsections.len(), 1, "only the functions' names");
        let wasmparser::Name::Function(functions) = &subsections[0] else {
            panic!("not the functions' names");
        };
        let named: Vec<_> = functions
            .clone()
            .into_iter()
            .map(|n| n.unwrap())
            .map(|n| (n.index, n.name.to_owned()))
            .collect();
        assert_eq!(named, [(0, "f".to_owned())]);
    }
}
