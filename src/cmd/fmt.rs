//! `plcli fmt`

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use clap::Args;
use plcli_syntax::{Diagnostic, Diagnostics, SourceMap, Span};

use crate::ui::Ui;
use crate::GlobalArgs;

#[derive(Args, Debug)]
pub struct FmtArgs {
    /// Do not write: list the files that are not formatted and exit 2 if there are any.
    #[arg(long)]
    pub check: bool,
    /// Show the changes as a unified diff.
    #[arg(long)]
    pub diff: bool,
    /// Files or directories to format (default: --dir). `-` formats standard input.
    #[arg(value_name = "FILES")]
    pub files: Vec<PathBuf>,
}

fn is_formattable(p: &Path) -> bool {
    let n = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    !n.starts_with('.') && (n.ends_with(".tf") || n.ends_with(".tfvars") || n.ends_with(".plcli.hcl") || n.ends_with(".tftest.hcl"))
}

fn files_in(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)?.flatten().map(|e| e.path()).filter(|p| p.is_file() && is_formattable(p)).collect();
    out.sort();
    Ok(out)
}

/// Formats one source text: a syntax error becomes a diagnostic, as in `terraform fmt`.
fn format_text(name: &str, text: &str, sources: &mut SourceMap) -> Result<String, Diagnostics> {
    let file = sources.add(name, Path::new(name), text.to_string());
    if let Err(e) = plcli_syntax::hcl_edit::parser::parse_body(text) {
        let off = e.location().offset().min(text.len());
        return Err(Diagnostic::error("syntax_error", "Invalid syntax; the file was not formatted")
            .with_span(Span::new(file, off..off))
            .with_detail(e.message().trim().to_string())
            .into());
    }
    let format = if name == "<stdin>" { plcli_fmt::format_stdin } else { plcli_fmt::format_source };
    format(text).map_err(|e| {
        Diagnostic::error("syntax_error", "The file could not be formatted")
            .with_span(Span::new(file, 0..0))
            .with_detail(e.to_string())
            .into()
    })
}

pub fn run(global: &GlobalArgs, args: &FmtArgs, ui: &Ui) -> u8 {
    let mut sources = SourceMap::new();
    if args.files.len() == 1 && args.files[0].as_os_str() == "-" {
        let mut text = String::new();
        if std::io::stdin().read_to_string(&mut text).is_err() {
            eprintln!("plcli fmt: standard input is not UTF-8 text");
            return 1;
        }
        return match format_text("<stdin>", &text, &mut sources) {
            Ok(out) => {
                if args.check {
                    return if out == text { 0 } else { 2 };
                }
                print!("{out}");
                0
            }
            Err(d) => {
                ui.print_diagnostics(&d, &sources);
                1
            }
        };
    }
    let targets = if args.files.is_empty() { vec![global.dir.clone()] } else { args.files.clone() };
    let mut files = Vec::new();
    for t in &targets {
        if t.is_dir() {
            match files_in(t) {
                Ok(f) => files.extend(f),
                Err(e) => {
                    eprintln!("plcli fmt: cannot read directory {}: {e}", t.display());
                    return 1;
                }
            }
        } else if t.is_file() {
            files.push(t.clone());
        } else {
            eprintln!("plcli fmt: no file or directory at {}", t.display());
            return 1;
        }
    }
    let mut changed = 0;
    let mut failed = false;
    let mut stdout = std::io::stdout().lock();
    for path in files {
        // Like terraform fmt: names relative to the current directory, without "./".
        let display = path.strip_prefix(".").unwrap_or(&path).display().to_string();
        let text = match std::fs::read(&path).map(String::from_utf8) {
            Ok(Ok(t)) => t,
            _ => {
                eprintln!("plcli fmt: {display} is not a readable UTF-8 file");
                failed = true;
                continue;
            }
        };
        let out = match format_text(&display, &text, &mut sources) {
            Ok(o) => o,
            Err(d) => {
                ui.print_diagnostics(&d, &sources);
                failed = true;
                continue;
            }
        };
        if out == text {
            continue;
        }
        changed += 1;
        let _ = writeln!(stdout, "{display}");
        if args.diff {
            let diff = similar::TextDiff::from_lines(&text, &out);
            let _ =
                write!(stdout, "{}", diff.unified_diff().context_radius(3).header(&format!("old/{display}"), &format!("new/{display}")));
        }
        if !args.check {
            if let Err(e) = write_atomically(&path, &out) {
                eprintln!("plcli fmt: failed to write {display}: {e}");
                failed = true;
            }
        }
    }
    if failed {
        1
    } else if args.check && changed > 0 {
        2
    } else {
        0
    }
}

/// Writes through a temporary file and a rename, so a crash never leaves half a file.
fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let tmp = dir.join(format!(".{}.plcli-fmt.tmp", path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()));
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
    }
    if let Ok(meta) = std::fs::metadata(path) {
        let _ = std::fs::set_permissions(&tmp, meta.permissions());
    }
    std::fs::rename(&tmp, path)
}
