//! Bad input never panics: thousands of mutated and random inputs go through the loader,
//! the config decoder, the graph walk and the evaluator. Each must end in a value or a
//! diagnostic. Deterministic (a fixed-seed xorshift), so a failure reproduces.

use std::path::{Path, PathBuf};

use plcli_config::variables::{collect, VarValues};
use plcli_eval::{Evaluator, Scope, Subject};
use plcli_graph::{walk, DefaultHook, WalkMode, WalkOptions};
use plcli_lang::Value;
use plcli_syntax::{Diagnostic, FileId, SourceMap, Span};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn seeds() -> Vec<String> {
    let mut out = Vec::new();
    for ex in ["examples/payments", "examples/fraud-scoring", "examples/split-roots/provider", "examples/split-roots/consumer"] {
        let dir = repo().join(ex);
        let Ok(rd) = std::fs::read_dir(&dir) else { continue };
        let mut files: Vec<PathBuf> = rd.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "tf")).collect();
        files.sort();
        for f in files {
            out.push(std::fs::read_to_string(f).unwrap_or_default());
        }
    }
    out.push("variable \"x\" {\n  type = list(object({ a = optional(number, 1) }))\n  default = [{}]\n}\nlocals {\n  y = [for i, v in var.x : v.a * i if i > 0]\n  z = { for k in [\"a\", \"b\"] : k => k... }\n  t = <<-EOT\n    ${join(\",\", [\"a\"])}\n    %{ for s in [1, 2] }${s}%{ endfor }\n  EOT\n}\n".into());
    out
}

const SPLICES: &[&str] = &[
    "${",
    "}",
    "{",
    "[",
    "]",
    "(",
    ")",
    "\"",
    "<<EOF\n",
    "\nEOF\n",
    "%{ if true }",
    "%{ endif }",
    "...",
    "[*]",
    ".*",
    ".0",
    "?",
    ":",
    "=>",
    "count.index",
    "each.value",
    "self",
    "var.",
    "local.",
    "module.x.",
    "data.aws_region.r.name",
    "aws_vpc.main[0]",
    "-1e309",
    "99999999999999999999999999999",
    "0x",
    "\u{202e}",
    "\u{1F600}",
    "é",
    "\u{0}",
    "\\",
    "#",
    "//",
    "/*",
    "*/",
    "\r\n",
    "\t",
    "count = -1",
    "for_each = 3",
    "depends_on = [self]",
    "dynamic \"x\" {",
    "lifecycle {",
    "tomap([1])",
    "cidrsubnet(\"10.0.0.0/8\", 40, 1)",
    "range(1e9)",
    "element([], 0)",
    "one([1,2])",
    "regex(\"(\", \"x\")",
    "format(\"%99999999d\", 1)",
    "substr(\"x\", -9, -9)",
];

fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut s: Vec<char> = text.chars().collect();
    for _ in 0..(1 + rng.below(4)) {
        match rng.below(6) {
            0 => {
                let at = rng.below(s.len() + 1);
                s.truncate(at);
            }
            1 if !s.is_empty() => {
                let at = rng.below(s.len());
                s[at] = char::from_u32((rng.next() % 0x300) as u32).unwrap_or('?');
            }
            2 => {
                let at = rng.below(s.len() + 1);
                let piece = SPLICES[rng.below(SPLICES.len())];
                s.splice(at..at, piece.chars());
            }
            3 if s.len() > 2 => {
                let a = rng.below(s.len());
                let b = (a + rng.below(40)).min(s.len());
                s.drain(a..b);
            }
            4 if !s.is_empty() => {
                let a = rng.below(s.len());
                let b = (a + rng.below(80)).min(s.len());
                let chunk: Vec<char> = s[a..b].to_vec();
                let at = rng.below(s.len() + 1);
                s.splice(at..at, chunk);
            }
            _ => {
                let depth = 1 + rng.below(300);
                let at = rng.below(s.len() + 1);
                let nest: String = "[".repeat(depth) + &"]".repeat(depth);
                s.splice(at..at, format!("x = {nest}\n").chars());
            }
        }
    }
    s.into_iter().collect()
}

fn run_root(dir: &Path) {
    let mut sources = SourceMap::new();
    let (root, _) = plcli_config::load_config(dir, &mut sources);
    let (vars, _) = collect(&root, dir, &[], &[], &mut sources);
    for mode in [WalkMode::Validate, WalkMode::Plan] {
        let opts = WalkOptions { mode, vars: &vars, root_dir: dir.to_path_buf() };
        let (_eval, diags) = walk(&root, &opts, &mut DefaultHook);
        for d in diags.iter() {
            // Every diagnostic renders (spans in range, no panics in miette).
            let _ = d.render(&sources, false);
        }
    }
}

/// Runs `f` on a thread with a large stack, as the binary does.
fn big_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new().stack_size(256 << 20).spawn(f).unwrap().join().unwrap();
}

#[test]
fn mutated_configurations_never_panic() {
    big_stack(mutated_configurations);
}

fn mutated_configurations() {
    let seeds = seeds();
    assert!(!seeds.is_empty());
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Rng(0x9e3779b97f4a7c15);
    let iterations = 2500;
    for i in 0..iterations {
        let seed = &seeds[i % seeds.len()];
        let text = mutate(&mut rng, seed);
        std::fs::write(dir.path().join("main.tf"), &text).unwrap();
        let r = std::panic::catch_unwind(|| run_root(dir.path()));
        if r.is_err() {
            let keep = std::env::temp_dir().join(format!("plcli-panic-{i}.tf"));
            let _ = std::fs::write(&keep, &text);
            panic!("iteration {i} panicked; input saved to {}", keep.display());
        }
    }
    // Random bytes, including invalid UTF-8.
    for i in 0..300 {
        let len = rng.below(400);
        let bytes: Vec<u8> = (0..len).map(|_| (rng.next() & 0xff) as u8).collect();
        std::fs::write(dir.path().join("main.tf"), &bytes).unwrap();
        let r = std::panic::catch_unwind(|| run_root(dir.path()));
        assert!(r.is_ok(), "random bytes #{i} panicked");
    }
    let _ = VarValues::default();
}

struct NoRefs;
impl Scope for NoRefs {
    fn lookup(&self, _subject: &Subject, span: Span) -> Result<Value, Diagnostic> {
        Ok(if span.start.is_multiple_of(2) { Value::Unknown } else { Value::Null })
    }
}

#[test]
fn mutated_expressions_never_panic() {
    big_stack(mutated_expressions);
}

fn mutated_expressions() {
    let table: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(repo().join("tests/data/functions.json")).unwrap()).unwrap();
    let exprs: Vec<String> = table["cases"].as_array().unwrap().iter().filter_map(|c| c["expr"].as_str().map(str::to_string)).collect();
    let mut rng = Rng(0xdeadbeefcafef00d);
    for i in 0..6000 {
        let base = &exprs[i % exprs.len()];
        let text = if i < exprs.len() { base.clone() } else { mutate(&mut rng, base) };
        let r = std::panic::catch_unwind(|| {
            if let Ok(e) = plcli_syntax::ast::parse_expr(&text) {
                let _ = Evaluator::new(FileId(0), &NoRefs).eval(&e);
            }
        });
        assert!(r.is_ok(), "expression #{i} panicked: {text}");
    }
}
