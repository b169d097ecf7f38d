//! Writes `docs/lint-rules/` from the rules' doc comments:
//! `cargo run -p plcli-lint --example gen-docs` (from the repository root, or with the
//! target directory as the first argument). `tests/docs.rs` fails when the committed pages
//! are stale.

use std::path::PathBuf;

fn main() {
    let dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/lint-rules"));
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("gen-docs: cannot create {}: {e}", dir.display());
        std::process::exit(1);
    }
    for (name, text) in plcli_lint::doc_pages() {
        let path = dir.join(&name);
        if let Err(e) = std::fs::write(&path, text) {
            eprintln!("gen-docs: cannot write {}: {e}", path.display());
            std::process::exit(1);
        }
    }
    println!("wrote {} pages to {}", plcli_lint::doc_pages().len(), dir.display());
}
