use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Index of a file in a [`SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct FileId(pub u32);

/// A byte range in one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub file: FileId,
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(file: FileId, range: Range<usize>) -> Span {
        Span { file, start: range.start, end: range.end }
    }

    /// A span from an optional hcl-edit range (items built by hand have none).
    pub fn from_opt(file: FileId, range: Option<Range<usize>>) -> Span {
        match range {
            Some(r) => Span::new(file, r),
            None => Span { file, start: 0, end: 0 },
        }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        if other.file != self.file {
            return self;
        }
        Span { file: self.file, start: self.start.min(other.start), end: self.end.max(other.end) }
    }
}

/// A 1-based line and column (columns count characters, as Terraform does) and the byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
    pub byte: usize,
}

/// One source file: its path as shown to users (relative to the root), and its text.
#[derive(Debug)]
pub struct SourceFile {
    pub id: FileId,
    /// The path shown in diagnostics (relative to the working root where possible).
    pub name: String,
    /// The path on disk.
    pub path: PathBuf,
    /// Shared, and not copied from what was read (a `String` moves into its `Arc`).
    pub text: Arc<String>,
    /// Where each line starts: worked out the first time a position is asked for (most runs
    /// report nothing, and the index of a large file costs a pass over it).
    line_starts: std::sync::OnceLock<Vec<usize>>,
}

impl SourceFile {
    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            let mut starts = vec![0];
            starts.extend(memchr::memchr_iter(b'\n', self.text.as_bytes()).map(|i| i + 1));
            starts
        })
    }

    pub fn pos(&self, byte: usize) -> Pos {
        let byte = byte.min(self.text.len());
        let line_starts = self.line_starts();
        let line = match line_starts.binary_search(&byte) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = line_starts[line];
        let mut b = byte;
        while b > start && !self.text.is_char_boundary(b) {
            b -= 1;
        }
        let column = self.text[start..b].chars().count() + 1;
        Pos { line: line + 1, column, byte }
    }

    /// The text of 1-based line `line`, without its line ending.
    pub fn line_text(&self, line: usize) -> &str {
        let line_starts = self.line_starts();
        let Some(&start) = line_starts.get(line.saturating_sub(1)) else { return "" };
        let end = line_starts.get(line).copied().unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }
}

/// Every file plcli has read in this run.
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    pub fn add(&mut self, name: impl Into<String>, path: &Path, text: impl Into<String>) -> FileId {
        let id = FileId(self.files.len() as u32);
        let text: Arc<String> = Arc::new(text.into());
        self.files.push(SourceFile { id, name: name.into(), path: path.to_path_buf(), text, line_starts: Default::default() });
        id
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn try_get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    pub fn files(&self) -> impl Iterator<Item = &SourceFile> {
        self.files.iter()
    }

    /// `file:line:column` of the span's start.
    pub fn location(&self, span: Span) -> String {
        match self.try_get(span.file) {
            Some(f) => {
                let p = f.pos(span.start);
                format!("{}:{}:{}", f.name, p.line, p.column)
            }
            None => "<unknown>".to_string(),
        }
    }

    /// The source text a span covers.
    pub fn snippet(&self, span: Span) -> &str {
        self.try_get(span.file).and_then(|f| f.text.get(span.start..span.end)).unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters() {
        let mut map = SourceMap::new();
        let id = map.add("a.tf", Path::new("a.tf"), "x = 1\ny = \"é\" z\n");
        let f = map.get(id);
        assert_eq!(f.pos(0), Pos { line: 1, column: 1, byte: 0 });
        assert_eq!(f.pos(6).line, 2);
        // 'z' comes after a two-byte character: column counts characters.
        let z = f.text.find('z').unwrap();
        assert_eq!(f.pos(z).column, 9);
        assert_eq!(f.line_text(2), "y = \"é\" z");
        assert_eq!(map.location(Span::new(id, 6..7)), "a.tf:2:1");
    }
}
