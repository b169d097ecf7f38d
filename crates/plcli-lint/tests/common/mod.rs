//! Running the rules on a configuration written to a temporary root.

#![allow(dead_code)]

use plcli_lint::{Report, Settings};
use plcli_syntax::SourceMap;

/// The base topology (tests/fixtures/base): one root, owner and consumer accounts, every
/// control right. It lints clean; each rule test changes one thing.
pub const PROVIDERS: &str = include_str!("../fixtures/base/providers.tf");
pub const SERVICE: &str = include_str!("../fixtures/base/service.tf");
pub const CONSUMER: &str = include_str!("../fixtures/base/consumer.tf");

/// The base files with `(file, from, to)` replacements applied (each `from` must occur).
pub fn base(changes: &[(&str, &str, &str)]) -> Vec<(String, String)> {
    let mut files = vec![
        ("providers.tf".to_string(), PROVIDERS.to_string()),
        ("service.tf".to_string(), SERVICE.to_string()),
        ("consumer.tf".to_string(), CONSUMER.to_string()),
    ];
    for (file, from, to) in changes {
        let f = files.iter_mut().find(|(n, _)| n == file).unwrap_or_else(|| panic!("no file {file}"));
        assert!(f.1.contains(from), "{file} does not contain {from:?}");
        f.1 = f.1.replacen(from, to, 1);
    }
    files
}

/// Adds a file.
pub fn with(mut files: Vec<(String, String)>, name: &str, text: &str) -> Vec<(String, String)> {
    match files.iter_mut().find(|(n, _)| n == name) {
        Some(f) => f.1.push_str(text),
        None => files.push((name.to_string(), text.to_string())),
    }
    files
}

/// One finding as `(rule ID, "file:line:column")`.
pub type Found = (String, String);

/// Lints `files` with default settings; panics on an invalid configuration.
pub fn run(files: &[(String, String)]) -> (Report, SourceMap) {
    run_with(files, &Settings::default())
}

pub fn run_with(files: &[(String, String)], settings: &Settings) -> (Report, SourceMap) {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in files {
        let p = dir.path().join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(p, text).expect("write");
    }
    let mut sources = SourceMap::new();
    let (root, diags) = plcli_config::load_config(dir.path(), &mut sources);
    let (vars, var_diags) = plcli_config::variables::collect(&root, dir.path(), &[], &[], &mut sources);
    let mut prior = diags;
    prior.extend(var_diags);
    match plcli_lint::lint(&root, &vars, dir.path(), prior, &sources, settings) {
        Ok((report, _)) => (report, sources),
        Err(d) => panic!("invalid configuration:\n{}", d.iter().map(|d| d.render(&sources, false)).collect::<String>()),
    }
}

/// Every finding as `(rule, file:line:col)`.
pub fn findings(files: &[(String, String)]) -> Vec<Found> {
    let (report, sources) = run(files);
    report
        .findings
        .iter()
        .map(|f| {
            let l = f.location(&sources);
            (f.rule.id.to_string(), format!("{}:{}:{}", l.file, l.line, l.column))
        })
        .collect()
}

/// Every finding with its message, for failure output.
pub fn messages(files: &[(String, String)]) -> Vec<String> {
    let (report, sources) = run(files);
    report.findings.iter().map(|f| format!("{} {} {}", f.rule.id, f.location(&sources).file, f.message)).collect()
}

/// `file:line:column` of the first occurrence of `needle` in `file` (after the changes).
pub fn at(files: &[(String, String)], file: &str, needle: &str) -> String {
    let text = &files.iter().find(|(n, _)| n == file).unwrap_or_else(|| panic!("no file {file}")).1;
    let i = text.find(needle).unwrap_or_else(|| panic!("{needle:?} not in {file}"));
    let line = text[..i].matches('\n').count() + 1;
    let col = text[..i].rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!("{file}:{line}:{col}")
}

pub fn f(rule: &str, loc: String) -> Found {
    (rule.to_string(), loc)
}
