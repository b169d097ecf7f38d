use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// An append-only file of JSON records, one per line. Each record is written (write(2))
/// before the operation's dependents start; fsync runs at least every 50 ms or 1,000 records
/// and on [`Journal::sync`], so killing the process loses at most what the OS had not yet
/// written — and the world and state it describes are only ever compacted from it.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    file: File,
    unsynced: usize,
    last_sync: Instant,
}

impl Journal {
    /// Creates (or appends to) the journal at `path`.
    pub fn open(path: &Path) -> std::io::Result<Journal> {
        let file = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
        Ok(Journal { path: path.to_path_buf(), file, unsynced: 0, last_sync: Instant::now() })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one record, serialized straight from `entry`.
    pub fn record<T: serde::Serialize + ?Sized>(&mut self, entry: &T) -> std::io::Result<()> {
        let mut line = serde_json::to_vec(entry).map_err(std::io::Error::other)?;
        line.push(b'\n');
        self.file.write_all(&line)?;
        self.unsynced += 1;
        if self.unsynced >= 1000 || self.last_sync.elapsed() >= Duration::from_millis(50) {
            self.sync()?;
        }
        Ok(())
    }

    /// Forces everything written so far to disk.
    pub fn sync(&mut self) -> std::io::Result<()> {
        self.file.sync_data()?;
        self.unsynced = 0;
        self.last_sync = Instant::now();
        Ok(())
    }

    /// Reads a journal left behind. A torn last line (the process died mid-write) is ignored;
    /// a malformed line elsewhere is an error.
    pub fn replay(path: &Path) -> std::io::Result<Option<Vec<serde_json::Value>>> {
        let file = match File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        let lines: Vec<String> = BufReader::new(file).lines().collect::<Result<_, _>>()?;
        let mut out = Vec::with_capacity(lines.len());
        let n = lines.len();
        for (i, line) in lines.into_iter().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            match serde_json::from_str(&line) {
                Ok(v) => out.push(v),
                Err(_) if i + 1 == n => break,
                Err(e) => {
                    return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, format!("{}: line {}: {e}", path.display(), i + 1)))
                }
            }
        }
        Ok(Some(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replays_records_and_ignores_a_torn_tail() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("j");
        let mut j = Journal::open(&p).unwrap();
        j.record(&serde_json::json!({"a": 1})).unwrap();
        j.record(&serde_json::json!({"a": 2})).unwrap();
        j.sync().unwrap();
        drop(j);
        let mut f = std::fs::OpenOptions::new().append(true).open(&p).unwrap();
        f.write_all(b"{\"a\": 3").unwrap();
        let r = Journal::replay(&p).unwrap().unwrap();
        assert_eq!(r, vec![serde_json::json!({"a": 1}), serde_json::json!({"a": 2})]);
        assert!(Journal::replay(&dir.path().join("none")).unwrap().is_none());
    }
}
