//! Differential test against the real `terraform fmt -` when `terraform` is
//! on PATH (skipped with a note otherwise): every corpus input, plus a few
//! mechanical variations of each, must format identically.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use plcli_fmt::format_stdin;

/// Runs `terraform fmt -`; `None` if it could not be run at all.
fn terraform_fmt(src: &str) -> Option<(i32, String)> {
    let mut child = Command::new("terraform")
        .args(["fmt", "-no-color", "-"])
        .env("TF_CLI_CONFIG_FILE", "/dev/null")
        .env("CHECKPOINT_DISABLE", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let mut stdin = child.stdin.take()?;
    let input = src.as_bytes().to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().ok()?;
    let _ = writer.join();
    Some((out.status.code().unwrap_or(-1), String::from_utf8(out.stdout).ok()?))
}

fn terraform_available() -> bool {
    Command::new("terraform")
        .arg("version")
        .env("TF_CLI_CONFIG_FILE", "/dev/null")
        .env("CHECKPOINT_DISABLE", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Mechanical variations; any that terraform rejects are skipped.
fn variations(src: &str) -> Vec<(&'static str, String)> {
    let dedent: String = src.split_inclusive('\n').map(|l| l.trim_start_matches([' ', '\t'])).collect();
    let reindent: String = src
        .split_inclusive('\n')
        .map(|l| {
            let body = l.trim_start_matches(' ');
            let n = l.len() - body.len();
            format!("{}{body}", "\t".repeat(n / 2))
        })
        .collect();
    let crlf = src.replace("\r\n", "\n").replace('\n', "\r\n");
    let tight = src.replace(" = ", "=").replace(", ", ",");
    vec![("dedented", dedent), ("tab-indented", reindent), ("crlf", crlf), ("tight", tight)]
}

#[test]
fn matches_live_terraform_fmt() {
    if !terraform_available() {
        println!("note: `terraform` not found on PATH; skipping the live terraform fmt comparison");
        return;
    }
    let mut inputs: Vec<(String, String)> = Vec::new();
    for case in common::cases() {
        for (what, src) in variations(&case.input) {
            inputs.push((format!("{} ({what})", case.name), src));
        }
        inputs.push((case.name.clone(), case.input));
    }

    // Two workers: terraform start-up dominates the run time.
    let chunks: Vec<Vec<(String, String)>> = {
        let mid = inputs.len() / 2;
        let second = inputs.split_off(mid);
        vec![inputs, second]
    };
    let results: Vec<(usize, usize, Vec<String>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = chunks
            .iter()
            .map(|chunk| {
                scope.spawn(move || {
                    let (mut compared, mut skipped, mut failures) = (0, 0, Vec::new());
                    for (name, src) in chunk {
                        let Some((code, want)) = terraform_fmt(src) else {
                            failures.push(format!("{name}: could not run terraform"));
                            continue;
                        };
                        if code != 0 {
                            // Terraform refused this variation (e.g. a heredoc
                            // marker broken by re-indentation); nothing to compare.
                            skipped += 1;
                            continue;
                        }
                        compared += 1;
                        match format_stdin(src) {
                            Ok(got) if got == want => {}
                            Ok(got) => failures.push(format!("{name}: {}", common::describe_diff(&want, &got))),
                            Err(e) => failures.push(format!("{name}: terraform formats it but plcli-fmt failed: {e}")),
                        }
                    }
                    (compared, skipped, failures)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("worker")).collect()
    });

    let compared: usize = results.iter().map(|r| r.0).sum();
    let skipped: usize = results.iter().map(|r| r.1).sum();
    let failures: Vec<String> = results.into_iter().flat_map(|r| r.2).collect();
    println!("compared {compared} inputs with terraform fmt ({skipped} variations rejected by terraform)");
    assert!(failures.is_empty(), "differences from terraform fmt:\n{}", failures.join("\n"));
    assert!(compared >= common::cases().len());
}

#[test]
fn syntax_errors_exit_2_like_terraform() {
    if !terraform_available() {
        println!("note: `terraform` not found on PATH; skipping");
        return;
    }
    for src in ["a = \"unterminated\n", "a = <<EOF\nx\n", "a = [1, 2\n", "/* open\n"] {
        let (code, out) = terraform_fmt(src).expect("terraform runs");
        assert_eq!(code, 2, "{src:?}");
        assert!(out.is_empty(), "{src:?}");
        assert!(plcli_fmt::format_source(src).is_err(), "{src:?}");
    }
}
