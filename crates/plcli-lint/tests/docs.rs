//! The committed `docs/lint-rules/` pages are generated from the rules' doc comments; this
//! fails when they are stale. Regenerate with `cargo run -p plcli-lint --example gen-docs`
//! (or run this test with `PLCLI_REGENERATE_DOCS=1`).

use std::path::PathBuf;

#[test]
fn lint_rule_docs_are_up_to_date() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/lint-rules");
    let regenerate = std::env::var_os("PLCLI_REGENERATE_DOCS").is_some();
    let mut stale = Vec::new();
    let pages = plcli_lint::doc_pages();
    for (name, text) in &pages {
        let path = dir.join(name);
        if regenerate {
            std::fs::create_dir_all(&dir).expect("mkdir docs/lint-rules");
            std::fs::write(&path, text).expect("write page");
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            stale.push(name.clone());
        }
    }
    // No page for a rule that no longer exists.
    for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !pages.iter().any(|(n, _)| *n == name) {
            stale.push(format!("{name} (no such rule)"));
        }
    }
    assert!(stale.is_empty(), "docs/lint-rules is stale: {stale:?}; run `cargo run -p plcli-lint --example gen-docs`");
}

#[test]
fn every_rule_is_documented_in_ruffs_shape() {
    let mut ids: Vec<&str> = plcli_lint::RULES.iter().map(|r| r.info.id).collect();
    for r in plcli_lint::RULES {
        let doc = r.info.doc_markdown();
        for section in ["## What it does", "## Why it matters", "## Example", "## Fix"] {
            assert!(doc.contains(section), "{} lacks {section}", r.info.id);
        }
        assert!(r.info.name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "{} is not snake_case", r.info.name);
    }
    let n = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), n, "rule IDs are unique");
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "rules are listed in ID order");
}
