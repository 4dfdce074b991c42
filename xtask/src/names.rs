//! The Worker's names section trimmed to what a stack trace reads. worker-build keeps the whole
//! section (`wasm-opt --debuginfo`) so that errors in production name the functions they passed
//! through; besides the function names that holds the names of every data segment, global and
//! table (`.rodata.1655`, `__stack_pointer`), which no stack trace shows: 22 KB gzip of the
//! upload, measured. This keeps the module's and the functions' names and drops the rest. The
//! apps' build uses it too, before wasm-opt, on modules whose names section wasm-opt cannot read
//! whole (`apps.rs`).

use std::path::Path;

use anyhow::{Context, Result};
use wasm_encoder::{CustomSection, Encode, Module, RawSection};
use wasmparser::{BinaryReader, Parser, Payload};

/// The name section's subsections a stack trace reads: the module's name and the functions'.
const KEPT: [u8; 2] = [0, 1];

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
