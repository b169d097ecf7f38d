use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Writes `bytes` to `path` atomically: a temporary file in the same directory, fsync, rename.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    atomic_write_with(path, |w| w.write_all(bytes))
}

/// [`atomic_write`] of what `write` streams (through a buffer), so that a large file never
/// exists in memory as a whole.
pub fn atomic_write_with(path: &Path, write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> std::io::Result<()> {
    let tmp = write_temp(path, write)?;
    install(&tmp, path)
}

/// The first half of [`atomic_write_with`]: writes and fsyncs a temporary file beside `path`
/// (named for this process and `path`) and returns its name; `path` is untouched.
pub fn write_temp(path: &Path, write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> std::io::Result<PathBuf> {
    let dir = parent_dir(path);
    std::fs::create_dir_all(dir)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "file".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = (|| {
        let mut f = std::io::BufWriter::with_capacity(1 << 16, std::fs::File::create(&tmp)?);
        write(&mut f)?;
        f.into_inner().map_err(|e| e.into_error())?.sync_all()
    })();
    match written {
        Ok(()) => Ok(tmp),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

/// The second half of [`atomic_write_with`]: renames a finished temporary file over `path`
/// and makes the rename durable.
pub fn install(tmp: &Path, path: &Path) -> std::io::Result<()> {
    std::fs::rename(tmp, path)?;
    if let Ok(d) = std::fs::File::open(parent_dir(path)) {
        let _ = d.sync_all();
    }
    Ok(())
}

fn parent_dir(path: &Path) -> &Path {
    path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// Another process holds the lock.
#[derive(Debug, Clone, thiserror::Error)]
pub enum LockError {
    #[error("{path} is locked by {holder}")]
    Held { path: PathBuf, holder: String },
    #[error("cannot create lock file {path}: {message}")]
    Io { path: PathBuf, message: String },
}

/// An exclusive lock: a file created with O_EXCL holding who took it, removed on drop.
#[derive(Debug)]
pub struct Lock {
    path: PathBuf,
}

fn pid_alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists() || !Path::new("/proc/self").exists()
}

fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname").map(|s| s.trim().to_string()).unwrap_or_else(|_| "localhost".into())
}

impl Lock {
    /// Takes the lock at `path` for `operation`, waiting up to `timeout`. A lock left by a
    /// process that no longer runs on this host is taken over.
    pub fn acquire(path: &Path, operation: &str, timeout: Duration) -> Result<Lock, LockError> {
        let start = Instant::now();
        loop {
            match std::fs::OpenOptions::new().write(true).create_new(true).open(path) {
                Ok(mut f) => {
                    let info = serde_json::json!({
                        "pid": std::process::id(),
                        "host": hostname(),
                        "operation": operation,
                        "time": std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0),
                        "version": env!("CARGO_PKG_VERSION"),
                    });
                    // Not fsync'd: a lock matters only while its process runs, and one a crash
                    // leaves behind names a process that is gone, so it is taken over.
                    let _ = f.write_all(info.to_string().as_bytes());
                    return Ok(Lock { path: path.to_path_buf() });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let text = std::fs::read_to_string(path).unwrap_or_default();
                    let info: serde_json::Value = serde_json::from_str(&text).unwrap_or(serde_json::Value::Null);
                    let pid = info.get("pid").and_then(|p| p.as_u64()).unwrap_or(0) as u32;
                    let same_host = info.get("host").and_then(|h| h.as_str()) == Some(hostname().as_str());
                    if pid != 0 && same_host && !pid_alive(pid) {
                        let _ = std::fs::remove_file(path);
                        continue;
                    }
                    if start.elapsed() >= timeout {
                        let holder = format!(
                            "pid {} on {} ({}, since unix time {})",
                            pid,
                            info.get("host").and_then(|h| h.as_str()).unwrap_or("?"),
                            info.get("operation").and_then(|h| h.as_str()).unwrap_or("?"),
                            info.get("time").and_then(|h| h.as_u64()).unwrap_or(0)
                        );
                        return Err(LockError::Held { path: path.to_path_buf(), holder });
                    }
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(e) => return Err(LockError::Io { path: path.to_path_buf(), message: e.to_string() }),
            }
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_fails_naming_the_holder() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.lock");
        let first = Lock::acquire(&p, "apply", Duration::ZERO).unwrap();
        let err = Lock::acquire(&p, "plan", Duration::from_millis(60)).unwrap_err();
        assert!(err.to_string().contains(&format!("pid {}", std::process::id())), "{err}");
        drop(first);
        Lock::acquire(&p, "plan", Duration::ZERO).unwrap();
    }

    #[test]
    fn a_dead_holders_lock_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.lock");
        std::fs::write(&p, format!("{{\"pid\": 999999999, \"host\": \"{}\"}}", hostname())).unwrap();
        Lock::acquire(&p, "plan", Duration::ZERO).unwrap();
    }
}
