use std::path::{Path, PathBuf};

use crate::ast::{Body, Span as _, Structure};

use crate::diag::{Diagnostic, Diagnostics};
use crate::source::{FileId, SourceMap, Span};

/// Deeper bracket nesting than this is refused before parsing (the parser recurses).
const MAX_NESTING: usize = 200;

/// Which language a file is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FileKind {
    /// `*.tf`: Terraform.
    Tf,
    /// `*.plcli.hcl`: plcli-only blocks.
    Plcli,
}

/// One parsed configuration file: what the loader's `convert` made of its body, in parts (a
/// large file is parsed in parts, each converted on the thread that parsed it), in order.
#[derive(Debug)]
pub struct ParsedFile<T> {
    pub file: FileId,
    pub kind: FileKind,
    pub parts: Vec<T>,
}

/// A root (or module) directory, loaded and parsed.
#[derive(Debug)]
pub struct LoadedRoot<T> {
    pub dir: PathBuf,
    pub files: Vec<ParsedFile<T>>,
}

/// Reads every `*.tf` and `*.plcli.hcl` file of `dir` in lexical order of file name and parses
/// each once. Files that cannot be read or parsed become diagnostics; the others are returned,
/// each body (each part of a large file's) handed to `convert` on the thread that parsed it, so
/// that what is done with it next (decoding) runs on every core too. `convert` must not depend
/// on anything but its arguments: a part may be converted and its result dropped when another
/// part fails and the file is parsed whole after all.
/// `display_prefix` is prepended to file names in diagnostics (e.g. `modules/consumer/`).
pub fn load_root<T: Send>(
    dir: &Path,
    display_prefix: &str,
    sources: &mut SourceMap,
    convert: &(dyn Fn(FileId, FileKind, Body) -> T + Sync),
) -> (LoadedRoot<T>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let mut root = LoadedRoot { dir: dir.to_path_buf(), files: Vec::new() };
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(err) => {
            let what = if dir.exists() { "is not a readable directory" } else { "does not exist" };
            diags.push(
                Diagnostic::error("no_such_directory", format!("The directory {} {what}", dir.display()))
                    .with_detail(err.to_string())
                    .with_help("pass the root module's directory with --dir"),
            );
            return (root, diags);
        }
    };
    let mut names: Vec<(String, PathBuf, FileKind)> = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let kind = if name.ends_with(".plcli.hcl") {
            FileKind::Plcli
        } else if name.ends_with(".tf") {
            FileKind::Tf
        } else {
            continue;
        };
        // Editor backups and hidden files are not configuration (Terraform skips them too).
        if name.starts_with('.') || name.starts_with('#') || name.ends_with('~') {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            continue;
        }
        names.push((name, path, kind));
    }
    names.sort();
    if names.is_empty() {
        diags.push(
            Diagnostic::error("no_configuration_files", "No configuration files")
                .with_detail(format!(
                    "{} contains no *.tf or *.plcli.hcl files.",
                    if dir.as_os_str().is_empty() { Path::new(".") } else { dir }.display()
                ))
                .with_help("run plcli in a directory with Terraform files, or pass --dir"),
        );
        return (root, diags);
    }
    for (name, path, kind) in names {
        let display = format!("{display_prefix}{name}");
        let Some((file, text)) = read_source(&path, &display, sources, &mut diags) else { continue };
        if let Some(parts) = parse_converted(file, &text, &mut diags, &|body| convert(file, kind, body)) {
            root.files.push(ParsedFile { file, kind, parts });
        }
    }
    (root, diags)
}

/// Reads a file as UTF-8 text and registers it in the source map; binary or non-UTF-8 files
/// are reported with the offending position.
pub(crate) fn read_source(
    path: &Path,
    display: &str,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
) -> Option<(FileId, std::sync::Arc<String>)> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(err) => {
            diags.push(Diagnostic::error("unreadable_file", format!("Failed to read file {display}")).with_detail(err.to_string()));
            return None;
        }
    };
    if let Some(nul) = memchr::memchr(0, &bytes) {
        diags.push(
            Diagnostic::error("binary_file", format!("{display} is not a text file"))
                .with_detail(format!("It contains a NUL byte at offset {nul}; configuration files must be UTF-8 text."))
                .with_help("remove the file from the directory or rename it so it does not end in .tf"),
        );
        return None;
    }
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(err) => {
            let at = err.utf8_error().valid_up_to();
            let valid = String::from_utf8_lossy(&err.as_bytes()[..at]).into_owned();
            let line = valid.matches('\n').count() + 1;
            let column = valid.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            diags.push(
                Diagnostic::error("invalid_utf8", format!("{display}:{line}:{column}: invalid UTF-8"))
                    .with_detail(format!("The file is not valid UTF-8 at byte {at}; configuration files must be UTF-8."))
                    .with_help("re-save the file as UTF-8"),
            );
            return None;
        }
    };
    let text = text.strip_prefix('\u{feff}').map(str::to_owned).unwrap_or(text);
    let id = sources.add(display, path, text);
    let text = std::sync::Arc::clone(&sources.get(id).text);
    Some((id, text))
}

/// Parses one file's text as an HCL body, turning parser errors into diagnostics.
pub(crate) fn parse_body(file: FileId, text: &str, diags: &mut Diagnostics) -> Option<Body> {
    let parts = parse_converted(file, text, diags, &|body| body)?;
    parts.into_iter().reduce(|mut body, part| {
        for structure in part {
            body.push(structure);
        }
        body
    })
}

/// Parses one file's text, in parts when it is large ([`parse_in_parts`]), each part's body
/// converted by `convert` on the thread that parsed it; parser errors become diagnostics.
fn parse_converted<T: Send>(file: FileId, text: &str, diags: &mut Diagnostics, convert: &(dyn Fn(Body) -> T + Sync)) -> Option<Vec<T>> {
    if let Some(parts) = parse_in_parts(text, convert) {
        return Some(parts);
    }
    if let Some(at) = too_deep(text) {
        diags.push(
            Diagnostic::error("nesting_too_deep", "Expressions are nested too deeply")
                .with_span(Span::new(file, at..at + 1))
                .with_detail(format!("plcli accepts at most {MAX_NESTING} levels of brackets and braces."))
                .with_label("nesting limit reached here"),
        );
        return None;
    }
    match crate::ast::parse_body(text) {
        Ok(body) => Some(vec![convert(body)]),
        Err(err) => {
            diags.push(syntax_diagnostic(file, text, &err));
            None
        }
    }
}

/// Below this size a file is parsed in one piece.
const PARTS_MIN_BYTES: usize = 1 << 20;

/// At most about how large the parts of a large file are; a file of a few of these is cut
/// into smaller parts, at least four per core, so that no core waits long for another.
const PART_BYTES: usize = 1 << 20;

/// Parses a large file in parts (of at most about a mebibyte, at least four per core), cut
/// between top-level blocks (after a line that is just `}`), on every core; each part's spans
/// are moved by its offset so that they are the whole file's. Each part's hcl-edit tree is
/// converted to the compact tree and then by `convert` on its thread, and dropped there: at
/// most one part's hcl-edit tree per core is ever held, instead of one for the whole file.
/// `None` when the file is small, on one core, or when a part does not parse or nests too
/// deeply: a cut inside a heredoc or a comment leaves the part before it unterminated, and the
/// whole file is then parsed in one piece (which also gives the exact error).
fn parse_in_parts<T: Send>(text: &str, convert: &(dyn Fn(Body) -> T + Sync)) -> Option<Vec<T>> {
    if rayon::current_num_threads() < 2 || text.len() < PARTS_MIN_BYTES {
        return None;
    }
    let part_bytes = (text.len() / (4 * rayon::current_num_threads())).clamp(PARTS_MIN_BYTES / 8, PART_BYTES);
    let mut cuts = vec![0];
    let mut from = part_bytes;
    while from < text.len() {
        let Some(at) = memchr::memmem::find(&text.as_bytes()[from..], b"\n}\n") else { break };
        let cut = from + at + 3;
        if cut >= text.len() {
            break;
        }
        cuts.push(cut);
        from = cut + part_bytes;
    }
    cuts.push(text.len());
    if cuts.len() < 3 {
        return None;
    }
    use rayon::prelude::*;
    cuts.par_windows(2)
        .map(|w| {
            let part = &text[w[0]..w[1]];
            // A part starts at the top level: its nesting is the file's.
            if too_deep(part).is_some() {
                return None;
            }
            crate::ast::parse_body_at(part, w[0]).ok().map(convert)
        })
        .collect()
}

fn syntax_diagnostic(file: FileId, text: &str, err: &hcl_edit::parser::Error) -> Diagnostic {
    let offset = err.location().offset().min(text.len());
    let message = err.message().to_string();
    if message.contains("redefined attribute") {
        let name: String = text[offset..].chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-').collect();
        let span = Span::new(file, offset..offset + name.len());
        let mut d = Diagnostic::error("attribute_redefined", "Attribute redefined")
            .with_span(span)
            .with_label("set again here")
            .with_help("remove one of the two definitions; Terraform rejects duplicates instead of keeping the last value");
        if let Some(first) = find_first_definition(text, offset, &name) {
            d = d
                .with_detail(format!("The argument \"{name}\" was already set. Each argument may be set only once."))
                .with_related(Span::new(file, first..first + name.len()), "first set here");
        }
        return d;
    }
    if let Some(quote) = unterminated_quote(text, offset) {
        return Diagnostic::error("syntax_error", "Unterminated template string")
            .with_span(Span::new(file, quote..quote + 1))
            .with_detail("This string is not closed before the end of the line; a quoted string must be on one line.")
            .with_label("string starts here")
            .with_help("add the closing `\"`, or use a heredoc (<<EOT ... EOT) for text that spans lines");
    }
    let (summary, help) = describe_syntax_error(&message, &text[offset..]);
    let end = next_char_end(text, offset);
    let mut d = Diagnostic::error("syntax_error", summary)
        .with_span(Span::new(file, offset..end))
        .with_detail(message.trim().to_string())
        .with_label("here");
    if let Some(h) = help {
        d = d.with_help(h);
    }
    d
}

/// The offset of an opening quote left open on the line where parsing failed (or the line
/// before, since the parser often reports the next line).
fn unterminated_quote(text: &str, offset: usize) -> Option<usize> {
    let line_start = text[..offset].rfind('\n').map_or(0, |p| p + 1);
    let prev_start = text[..line_start.saturating_sub(1)].rfind('\n').map_or(0, |p| p + 1);
    for start in [line_start, prev_start] {
        let end = text[start..].find('\n').map_or(text.len(), |p| start + p);
        let line = &text[start..end];
        let mut open: Option<usize> = None;
        let mut depth = 0usize;
        let mut chars = line.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            match (c, open) {
                ('#', None) => break,
                ('/', None) if chars.peek().map(|(_, n)| *n) == Some('/') => break,
                ('"', None) => open = Some(start + i),
                ('\\', Some(_)) => {
                    chars.next();
                }
                ('$', Some(_)) if chars.peek().map(|(_, n)| *n) == Some('{') => {
                    chars.next();
                    depth += 1;
                }
                ('}', Some(_)) if depth > 0 => depth -= 1,
                ('"', Some(_)) if depth == 0 => open = None,
                _ => {}
            }
        }
        if open.is_some() && depth == 0 {
            return open;
        }
        if start == prev_start {
            break;
        }
    }
    None
}

fn next_char_end(text: &str, offset: usize) -> usize {
    text[offset..].chars().next().map_or(offset, |c| offset + c.len_utf8())
}

fn describe_syntax_error(message: &str, rest: &str) -> (String, Option<String>) {
    if rest.is_empty() {
        return ("Unexpected end of file".into(), Some("a block, string, heredoc or bracket is not closed".into()));
    }
    if message.contains("expected `}`") || message.contains("expected `]`") || message.contains("expected `)`") {
        return ("Unclosed bracket or brace".into(), Some("check that every `{`, `[` and `(` is closed".into()));
    }
    if rest.starts_with('=') || message.contains("expected `=`") {
        return (
            "Invalid argument or block definition".into(),
            Some("an argument is written `name = value`, a block `name \"label\" { ... }`".into()),
        );
    }
    ("Invalid syntax".into(), None)
}

/// Finds where `name = ` was first set in the same block as `offset`, scanning backwards.
fn find_first_definition(text: &str, offset: usize, name: &str) -> Option<usize> {
    let before = &text[..offset];
    let mut depth = 0i32;
    let bytes = before.as_bytes();
    let mut i = before.len();
    while i > 0 {
        i -= 1;
        match bytes[i] {
            b'}' | b']' | b')' => depth += 1,
            b'{' | b'[' | b'(' => {
                if depth == 0 {
                    return None;
                }
                depth -= 1;
            }
            _ => {}
        }
        if depth == 0 && (i == 0 || bytes[i - 1] == b'\n' || bytes[i - 1] == b' ' || bytes[i - 1] == b'\t') && before[i..].starts_with(name)
        {
            let after = before[i + name.len()..].trim_start_matches([' ', '\t']);
            let line_start = before[..i].rfind('\n').map_or(0, |p| p + 1);
            if after.starts_with('=') && !after.starts_with("==") && before[line_start..i].trim().is_empty() {
                return Some(i);
            }
        }
    }
    None
}

/// The byte offset where bracket nesting first exceeds the limit, ignoring brackets in
/// comments is not needed: a false positive only happens for absurd inputs.
fn too_deep(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, b) in text.bytes().enumerate() {
        match b {
            b'{' | b'[' | b'(' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(i);
                }
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// A variable definitions file (`*.tfvars` or `*.tfvars.json`).
#[derive(Debug)]
pub enum TfvarsFile {
    Hcl { file: FileId, body: Body },
    Json { file: FileId, value: serde_json::Value },
}

/// Reads and parses one HCL file that is not part of a root's configuration (such as
/// `.plcli-lint.hcl`), with the same guards as configuration files.
pub fn parse_file(path: &Path, display: &str, sources: &mut SourceMap) -> Result<(FileId, Body), Diagnostics> {
    let mut diags = Diagnostics::new();
    let Some((file, text)) = read_source(path, display, sources, &mut diags) else { return Err(diags) };
    match parse_body(file, &text, &mut diags) {
        Some(body) if !diags.has_errors() => Ok((file, body)),
        _ => Err(diags),
    }
}

/// Reads and parses a tfvars file. HCL tfvars may hold attributes only.
pub fn parse_tfvars(path: &Path, display: &str, sources: &mut SourceMap) -> Result<TfvarsFile, Diagnostics> {
    let mut diags = Diagnostics::new();
    let Some((file, text)) = read_source(path, display, sources, &mut diags) else { return Err(diags) };
    if display.ends_with(".json") {
        return match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(value @ serde_json::Value::Object(_)) => Ok(TfvarsFile::Json { file, value }),
            Ok(_) => Err(Diagnostic::error("invalid_tfvars", "A JSON variables file must contain an object")
                .with_span(Span::new(file, 0..text.len().min(1)))
                .into()),
            Err(err) => {
                let offset = line_col_to_offset(&text, err.line(), err.column());
                Err(Diagnostic::error("syntax_error", "Invalid JSON in variables file")
                    .with_span(Span::new(file, offset..next_char_end(&text, offset)))
                    .with_detail(err.to_string())
                    .into())
            }
        };
    }
    let Some(body) = parse_body(file, &text, &mut diags) else { return Err(diags) };
    for structure in body.iter() {
        if let Structure::Block(block) = structure {
            diags.push(
                Diagnostic::error("invalid_tfvars", "Unexpected block in variables file")
                    .with_span(Span::from_opt(file, block.ident.span()))
                    .with_detail("Blocks are not allowed in a variables file; it may only set variables as `name = value`.")
                    .with_help(format!("write `{} = {{ ... }}`", block.ident.as_str())),
            );
        }
    }
    if diags.has_errors() {
        return Err(diags);
    }
    Ok(TfvarsFile::Hcl { file, body })
}

fn line_col_to_offset(text: &str, line: usize, column: usize) -> usize {
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let col_bytes: usize = l.chars().take(column.saturating_sub(1)).map(char::len_utf8).sum();
            return (offset + col_bytes).min(text.len());
        }
        offset += l.len();
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every structure, nested attribute and expression with its span, as text.
    fn outline(body: &Body) -> Vec<String> {
        fn walk(body: &Body, out: &mut Vec<String>) {
            for s in body.iter() {
                match s {
                    Structure::Attribute(a) => out.push(format!("{}={:?}:{:?}", a.key.as_str(), a.value.span(), a.value)),
                    Structure::Block(b) => {
                        out.push(format!("{}{:?}@{:?}", b.ident.as_str(), b.labels, b.span()));
                        walk(&b.body, out);
                    }
                }
            }
        }
        let mut out = Vec::new();
        walk(body, &mut out);
        out
    }

    fn big_file(blocks: usize, extra: &str) -> String {
        let mut text = String::from("# generated\n\n");
        for i in 0..blocks {
            text.push_str(&format!(
                "resource \"aws_vpc\" \"v{i}\" {{\n  cidr_block = \"10.0.0.0/16\"\n  tags = {{\n    Name = \"v${{{i} + 1}}\"\n  }}\n}}\n\n"
            ));
            if i == blocks / 2 {
                text.push_str(extra);
            }
        }
        text
    }

    #[test]
    fn a_large_file_parsed_in_parts_is_the_file_parsed_whole() {
        let text = big_file(20_000, "");
        assert!(text.len() > PARTS_MIN_BYTES);
        let whole = crate::ast::parse_body(&text).unwrap();
        // On a single core there are no parts.
        if let Some(parts) = parse_in_parts(&text, &|body| body) {
            assert!(parts.len() > 1);
            let outlines: Vec<String> = parts.iter().flat_map(outline).collect();
            assert_eq!(outlines, outline(&whole));
        }
    }

    #[test]
    fn a_cut_inside_a_heredoc_or_comment_falls_back_to_the_whole_file() {
        // Lines that are just `}` inside a heredoc and a block comment, all through the file.
        let mut text = String::new();
        for i in 0..15_000 {
            text.push_str(&format!("locals {{\n  doc{i} = <<EOT\n{{\n}}\nEOT\n}}\n/*\n}}\n*/\nresource \"aws_vpc\" \"v{i}\" {{\n  cidr_block = \"10.0.0.0/16\"\n}}\n"));
        }
        assert!(text.len() > PARTS_MIN_BYTES);
        let whole = crate::ast::parse_body(&text).unwrap();
        let (mut sources, mut diags) = (SourceMap::new(), Diagnostics::new());
        let file = sources.add("main.tf", Path::new("main.tf"), text.as_str());
        let parsed = parse_body(file, &text, &mut diags).unwrap();
        assert!(diags.is_empty());
        assert_eq!(outline(&parsed), outline(&whole));
    }

    #[test]
    fn too_deep_nesting_in_a_large_file_is_reported_where_it_is() {
        let deep = format!("locals {{\n  x = {}1{}\n}}\n", "[".repeat(MAX_NESTING + 1), "]".repeat(MAX_NESTING + 1));
        let text = big_file(20_000, &deep);
        let (mut sources, mut diags) = (SourceMap::new(), Diagnostics::new());
        let file = sources.add("main.tf", Path::new("main.tf"), text.as_str());
        assert!(parse_body(file, &text, &mut diags).is_none());
        let d = diags.iter().next().expect("a diagnostic");
        assert_eq!(d.code, "nesting_too_deep");
        // The block's brace is the first level: the limit is passed at the 200th bracket.
        let at = text.find(&"[".repeat(MAX_NESTING + 1)).unwrap() + MAX_NESTING - 1;
        assert_eq!(d.span.map(|s| s.start), Some(at));
    }

    fn parse(text: &str) -> (SourceMap, Diagnostics) {
        let mut sources = SourceMap::new();
        let file = sources.add("main.tf", Path::new("main.tf"), text);
        let mut diags = Diagnostics::new();
        parse_body(file, text, &mut diags);
        (sources, diags)
    }

    #[test]
    fn redefined_attribute_points_at_both() {
        let (sources, diags) = parse("resource \"aws_vpc\" \"dup\" {\n  enable_dns_support = true\n  enable_dns_support = false\n}\n");
        let d = &diags.0[0];
        assert_eq!(d.code, "attribute_redefined");
        assert_eq!(sources.location(d.span.unwrap()), "main.tf:3:3");
        assert_eq!(sources.location(d.related[0].span), "main.tf:2:3");
    }

    #[test]
    fn deep_nesting_is_refused() {
        let text = format!("x = {}", "[".repeat(100_000));
        let (_, diags) = parse(&text);
        assert_eq!(diags.0[0].code, "nesting_too_deep");
    }

    #[test]
    fn unclosed_block_is_a_syntax_error() {
        let (sources, diags) = parse("resource \"a\" \"b\" {\n  x = 1\n");
        assert_eq!(diags.0[0].code, "syntax_error");
        assert!(sources.location(diags.0[0].span.unwrap()).starts_with("main.tf:"));
    }
}
