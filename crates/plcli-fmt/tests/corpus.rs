//! Byte-for-byte comparison with `terraform fmt` output recorded in
//! tests/corpus (see tests/record-corpus.sh), plus idempotence.

mod common;

use plcli_fmt::{format_source, format_stdin};

#[test]
fn corpus_has_enough_cases() {
    let n = common::cases().len();
    assert!(n >= 40, "corpus has only {n} cases");
}

#[test]
fn corpus_matches_terraform_fmt() {
    let mut failures = Vec::new();
    let cases = common::cases();
    for case in &cases {
        match format_source(&case.input) {
            Ok(got) if got == case.expected => {}
            Ok(got) => failures.push(format!("{}: {}", case.name, common::describe_diff(&case.expected, &got))),
            Err(e) => failures.push(format!("{}: unexpected error: {e}", case.name)),
        }
    }
    assert!(failures.is_empty(), "{} of {} corpus cases differ from terraform fmt:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

#[test]
fn corpus_is_idempotent() {
    for case in common::cases() {
        let once = format_source(&case.input).expect("corpus input formats");
        let twice = format_source(&once).expect("formatted output formats");
        assert_eq!(once, twice, "{} is not idempotent: {}", case.name, common::describe_diff(&once, &twice));
        // Expected outputs are fixed points too.
        assert_eq!(format_source(&case.expected).unwrap(), case.expected, "{}", case.name);
    }
}

#[test]
fn stdin_form_always_ends_in_newline() {
    for case in common::cases() {
        let out = format_stdin(&case.input).unwrap();
        let mut want = case.expected.clone();
        if !want.ends_with('\n') {
            want.push('\n');
        }
        assert_eq!(out, want, "{}", case.name);
    }
}

#[test]
fn untokenizable_input_is_an_error() {
    let cases: &[(&str, usize)] = &[
        ("a = \"abc\n", 4),
        ("a = \"abc", 4),
        ("a = <<EOF\nabc\n", 4),
        ("a = <<EOF\nabc\nEOF", 4),
        ("/* never closed\na = 1\n", 0),
        ("a = [1, 2\n", 4),
        ("a = (1))\n", 7),
        ("a = [1, 2}\n", 9),
        ("a = \"${x\"\n", 8),
        ("b {\n  a = 1\n", 2),
    ];
    for &(src, offset) in cases {
        let err = format_source(src).expect_err(src);
        assert_eq!(err.offset(), offset, "{src:?}: {err}");
        assert!(!err.message().is_empty());
        assert!(err.to_string().contains("byte offset"));
    }
}
