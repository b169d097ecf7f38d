//! Shared helpers for the corpus-driven tests.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

pub struct Case {
    pub name: String,
    pub input: String,
    pub expected: String,
}

pub fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("corpus")
}

/// Every `NAME.in.tf` in the corpus with its recorded `NAME.out.tf`.
pub fn cases() -> Vec<Case> {
    let dir = corpus_dir();
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .filter_map(|entry| {
            let name = entry.ok()?.file_name().into_string().ok()?;
            name.strip_suffix(".in.tf").map(str::to_owned)
        })
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let read = |suffix: &str| {
                let path = dir.join(format!("{name}{suffix}"));
                let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
                String::from_utf8(bytes).unwrap_or_else(|e| panic!("{} is not UTF-8: {e}", path.display()))
            };
            Case { input: read(".in.tf"), expected: read(".out.tf"), name }
        })
        .collect()
}

/// A compact, line-oriented description of where two outputs differ.
pub fn describe_diff(expected: &str, got: &str) -> String {
    let exp: Vec<&str> = expected.split_inclusive('\n').collect();
    let got_lines: Vec<&str> = got.split_inclusive('\n').collect();
    for i in 0..exp.len().max(got_lines.len()) {
        let e = exp.get(i).copied();
        let g = got_lines.get(i).copied();
        if e != g {
            return format!("first difference at line {}:\n  terraform: {e:?}\n  plcli:     {g:?}", i + 1);
        }
    }
    "outputs differ only in length".to_owned()
}
