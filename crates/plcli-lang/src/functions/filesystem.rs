//! Filesystem functions: file fileexists filebase64 basename dirname abspath pathexpand.
//!
//! Paths are handled like Go's `path/filepath` on Unix; relative paths given to the file
//! functions are resolved against [`FuncContext::base_dir`](super::FuncContext::base_dir)
//! after `~` expansion, as Terraform resolves them against `path.module`.

use std::path::Path;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use super::{Args, FuncContext, FuncError};
use crate::Value;

/// Go's `filepath.Clean` for Unix paths.
pub(crate) fn clean(path: &str) -> String {
    if path.is_empty() {
        return ".".into();
    }
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => match parts.last() {
                Some(&p) if p != ".." => {
                    parts.pop();
                }
                _ if rooted => {}
                _ => parts.push(".."),
            },
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

/// Go's `filepath.Join`.
fn join(base: &str, path: &str) -> String {
    match (base.is_empty(), path.is_empty()) {
        (true, true) => String::new(),
        (true, false) => clean(path),
        (false, true) => clean(base),
        (false, false) => clean(&format!("{base}/{path}")),
    }
}

/// `homedir.Expand`: a leading `~` (alone or followed by `/`) becomes the home directory.
fn expand_home(path: &str) -> Result<String, String> {
    let Some(rest) = path.strip_prefix('~') else { return Ok(path.to_string()) };
    if !(rest.is_empty() || rest.starts_with('/') || rest.starts_with('\\')) {
        return Err("cannot expand user-specific home dir".into());
    }
    let home = std::env::var("HOME").ok().filter(|h| !h.is_empty()).ok_or("home directory not found: HOME is not set")?;
    Ok(join(&home, rest))
}

/// The path a file function reads: `~` expanded, relative paths joined to the base directory.
fn resolve(ctx: &FuncContext, path: &str) -> Result<String, String> {
    let path = expand_home(path)?;
    if path.starts_with('/') {
        return Ok(clean(&path));
    }
    Ok(join(&ctx.base_dir.to_string_lossy(), &path))
}

/// Reads a file as the hashing functions (`filemd5`, ...) do.
pub(crate) fn read_bytes(ctx: &FuncContext, path: &str) -> Result<Vec<u8>, FuncError> {
    let p = resolve(ctx, path).map_err(FuncError::call)?;
    std::fs::read(Path::new(&p)).map_err(|e| {
        let reason = match e.kind() {
            std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
            _ if Path::new(&p).is_dir() => "is a directory".to_string(),
            _ => e.to_string(),
        };
        FuncError::call(format!("open {p}: {reason}"))
    })
}

/// Reads a file as `file` and `filebase64` do (their errors blame the path argument).
fn read_arg(a: &Args) -> Result<(String, Vec<u8>), FuncError> {
    let p = resolve(a.ctx, a.str(0)).map_err(|e| a.err(0, format!("failed to expand ~: {e}")))?;
    let path = Path::new(&p);
    if path.is_dir() {
        return Err(a.err(0, format!("failed to read file: read {p}: is a directory")));
    }
    match std::fs::read(path) {
        Ok(data) => Ok((p, data)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(a.err(
            0,
            format!(
                "no file exists at {p:?}; this function works only with files that are distributed as part of the configuration source code, so if this file will be created by a resource in this configuration you must instead obtain this result from an attribute of that resource"
            ),
        )),
        Err(e) => Err(a.err(0, format!("failed to read file: {e}"))),
    }
}

pub(super) fn file(a: Args) -> Result<Value, FuncError> {
    let (p, data) = read_arg(&a)?;
    String::from_utf8(data).map(Value::string).map_err(|_| {
        FuncError::call(format!(
            "contents of {p:?} are not valid UTF-8; use the filebase64 function to obtain the Base64 encoded contents or the other file functions (e.g. filemd5, filesha256) to obtain file hashing results instead"
        ))
    })
}

pub(super) fn filebase64(a: Args) -> Result<Value, FuncError> {
    let (_, data) = read_arg(&a)?;
    Ok(Value::String(STANDARD.encode(data).into()))
}

pub(super) fn fileexists(a: Args) -> Result<Value, FuncError> {
    let p = resolve(a.ctx, a.str(0)).map_err(|e| FuncError::call(format!("failed to expand ~: {e}")))?;
    match std::fs::metadata(&p) {
        Ok(m) if m.is_file() => Ok(Value::Bool(true)),
        Ok(m) if m.is_dir() => Err(FuncError::call(format!("{p:?} is a directory, not a file"))),
        Ok(_) => Err(FuncError::call(format!("{p:?} is not a regular file"))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Value::Bool(false)),
        Err(_) => Err(FuncError::call(format!("failed to stat {p:?}"))),
    }
}

pub(super) fn basename(a: Args) -> Result<Value, FuncError> {
    let p = a.str(0);
    if p.is_empty() {
        return Ok(Value::string("."));
    }
    let trimmed = p.trim_end_matches('/');
    if trimmed.is_empty() {
        return Ok(Value::string("/"));
    }
    Ok(Value::string(trimmed.rsplit('/').next().unwrap_or(trimmed)))
}

pub(super) fn dirname(a: Args) -> Result<Value, FuncError> {
    let p = a.str(0);
    let dir = match p.rfind('/') {
        Some(i) => &p[..=i],
        None => "",
    };
    Ok(Value::String(clean(dir).into()))
}

pub(super) fn abspath(a: Args) -> Result<Value, FuncError> {
    let p = a.str(0);
    if p.starts_with('/') {
        return Ok(Value::String(clean(p).into()));
    }
    let cwd = std::env::current_dir().map_err(|e| FuncError::call(format!("failed to get the working directory: {e}")))?;
    Ok(Value::String(join(&cwd.to_string_lossy(), p).into()))
}

pub(super) fn pathexpand(a: Args) -> Result<Value, FuncError> {
    expand_home(a.str(0)).map(Value::string).map_err(FuncError::call)
}

#[cfg(test)]
mod tests {
    use super::clean;
    use crate::functions::{call, FuncContext};
    use crate::Value;

    fn s(x: &str) -> Value {
        Value::string(x)
    }

    #[test]
    fn clean_like_go() {
        for (input, want) in
            [("", "."), ("a/../b", "b"), ("/../x", "/x"), ("../../a", "../../a"), ("a//b/./c/", "a/b/c"), ("/", "/"), ("a/..", ".")]
        {
            assert_eq!(clean(input), want, "{input}");
        }
    }

    #[test]
    fn file_functions_read_relative_to_base_dir() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("hello.txt"), "hello\n").unwrap();
        std::fs::write(dir.path().join("bin.dat"), [0xff, 0xfe]).unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        let ctx = FuncContext { base_dir: dir.path().to_path_buf(), ..FuncContext::default() };
        let f = |name: &str, p: &str| call(name, vec![s(p)], &ctx);
        assert_eq!(f("file", "hello.txt").unwrap(), s("hello\n"));
        assert_eq!(f("file", "./sub/../hello.txt").unwrap(), s("hello\n"));
        let e = f("file", "nope.txt").unwrap_err();
        assert!(e.message.starts_with("Invalid value for \"path\" parameter: no file exists at \""), "{}", e.message);
        assert_eq!(e.arg, Some(0));
        assert!(f("file", "sub").unwrap_err().message.contains("is a directory"));
        assert!(f("file", "bin.dat").unwrap_err().message.contains("are not valid UTF-8"));
        assert_eq!(f("filebase64", "bin.dat").unwrap(), s("//4="));
        assert_eq!(f("fileexists", "hello.txt").unwrap(), Value::Bool(true));
        assert_eq!(f("fileexists", "nope").unwrap(), Value::Bool(false));
        assert!(f("fileexists", "sub").unwrap_err().message.contains("is a directory, not a file"));
        assert_eq!(f("filemd5", "hello.txt").unwrap(), s("b1946ac92492d2347c6235b4d2611184"));
        assert!(f("filesha256", "nope").unwrap_err().message.contains("no such file or directory"));
    }

    #[test]
    fn path_functions() {
        let ctx = FuncContext::default();
        let f = |name: &str, p: &str| call(name, vec![s(p)], &ctx).unwrap();
        assert_eq!(f("basename", "a//b//"), s("b"));
        assert_eq!(f("basename", ""), s("."));
        assert_eq!(f("basename", "/"), s("/"));
        assert_eq!(f("dirname", "a//b//c"), s("a/b"));
        assert_eq!(f("dirname", "//a"), s("/"));
        assert_eq!(f("dirname", "foo"), s("."));
        assert_eq!(f("abspath", "/x/./y/"), s("/x/y"));
        assert!(f("abspath", "a/../b").as_str().unwrap().ends_with("/b"));
        assert_eq!(f("pathexpand", "/etc/x"), s("/etc/x"));
        assert!(call("pathexpand", vec![s("~user/x")], &ctx).is_err());
    }
}
