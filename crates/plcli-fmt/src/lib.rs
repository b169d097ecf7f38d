//! `plcli-fmt` owns canonical formatting of Terraform configuration: its
//! output is byte-for-byte what `terraform fmt` (Terraform 1.11: hclwrite's
//! token formatter plus Terraform's own legacy-syntax rewrites) writes for the
//! same file.
//!
//! It never does I/O: it takes source text and returns formatted text, and
//! leaves reading, writing, diffing and syntax diagnostics to its callers.
//!
//! Main entry point: [`format_source`]. [`format_stdin`] gives what
//! `terraform fmt -` prints, which differs only by always ending in a newline.

use std::fmt;

mod format;
mod lexer;
mod terraform;
mod unicode;
mod unicode_tables;

/// Input that cannot be tokenized as HCL native syntax: an unterminated
/// quoted string, heredoc, template sequence or `/*` comment, or brackets
/// that do not nest. (`terraform fmt` rejects all of these too.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FmtError {
    offset: usize,
    message: String,
}

impl FmtError {
    pub(crate) fn new(offset: usize, message: impl Into<String>) -> FmtError {
        FmtError { offset, message: message.into() }
    }

    /// Byte offset into the source where the problem starts.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// Human-readable description of the problem.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// 1-based line and column (in characters) of [`FmtError::offset`]
    /// within `src`, for diagnostics.
    pub fn line_col(&self, src: &str) -> (usize, usize) {
        let mut off = self.offset.min(src.len());
        while !src.is_char_boundary(off) {
            off -= 1;
        }
        let before = &src[..off];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        (line, before[line_start..].chars().count() + 1)
    }
}

impl fmt::Display for FmtError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at byte offset {})", self.message, self.offset)
    }
}

impl std::error::Error for FmtError {}

/// Formats Terraform source exactly as `terraform fmt` rewrites a file.
///
/// Like Terraform this keeps line endings (CRLF stays CRLF), heredoc bodies
/// and a missing final newline as they are, drops a UTF-8 byte order mark,
/// and applies Terraform's rewrites of legacy syntax (`"${var.x}"` becomes
/// `var.x`; in `variable` blocks `type = "string"` becomes `type = string`,
/// `"list"`/`"map"` become `list(string)`/`map(string)` and a bare
/// `list`/`map`/`set` becomes `list(any)` etc.).
///
/// Input that tokenizes but is not valid HCL (which `terraform fmt` refuses
/// with a syntax error) is still formatted on a best-effort basis; callers
/// that must refuse it should parse it first.
pub fn format_source(src: &str) -> Result<String, FmtError> {
    let tokens = lexer::lex(src)?;
    lexer::check_balance(&tokens)?;
    let mut tokens = terraform::rewrite(tokens);
    format::format(&mut tokens);
    Ok(format::render(&tokens))
}

/// What `terraform fmt -` prints for `src` on standard output: the result of
/// [`format_source`], with a newline appended when it does not already end in
/// one (Terraform writes through its UI layer, which always ends the output
/// with a line break, so empty input prints a single newline).
pub fn format_stdin(src: &str) -> Result<String, FmtError> {
    let mut out = format_source(src)?;
    if !out.ends_with('\n') {
        out.push('\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic() {
        assert_eq!(format_source("a=1\nbb = 2\n").unwrap(), "a  = 1\nbb = 2\n");
        assert_eq!(format_source("").unwrap(), "");
        assert_eq!(format_stdin("").unwrap(), "\n");
    }

    #[test]
    fn errors() {
        let e = format_source("a = \"abc").unwrap_err();
        assert_eq!(e.offset(), 4);
        assert!(format_source("a = (1\n").is_err());
        assert!(format_source("a = 1)\n").is_err());
        assert!(format_source("/* x").is_err());
        assert!(format_source("a = <<EOF\nx\n").is_err());
        assert_eq!(e.line_col("a = \"abc"), (1, 5));
    }
}
