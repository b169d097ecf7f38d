//! Hash and UUID functions: md5 sha1 sha256 sha512 base64sha256 base64sha512 uuid uuidv5, and
//! the file* hash variants.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};

use super::filesystem::read_bytes;
use super::{Args, FuncError};
use crate::Value;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn digest<D: Digest>(data: &[u8]) -> Vec<u8> {
    D::digest(data).to_vec()
}

fn text(s: String) -> Result<Value, FuncError> {
    Ok(Value::String(s.into()))
}

pub(super) fn md5(a: Args) -> Result<Value, FuncError> {
    text(hex(&digest::<Md5>(a.str(0).as_bytes())))
}

pub(super) fn sha1(a: Args) -> Result<Value, FuncError> {
    text(hex(&digest::<Sha1>(a.str(0).as_bytes())))
}

pub(super) fn sha256(a: Args) -> Result<Value, FuncError> {
    text(hex(&digest::<Sha256>(a.str(0).as_bytes())))
}

pub(super) fn sha512(a: Args) -> Result<Value, FuncError> {
    text(hex(&digest::<Sha512>(a.str(0).as_bytes())))
}

pub(super) fn base64sha256(a: Args) -> Result<Value, FuncError> {
    text(STANDARD.encode(digest::<Sha256>(a.str(0).as_bytes())))
}

pub(super) fn base64sha512(a: Args) -> Result<Value, FuncError> {
    text(STANDARD.encode(digest::<Sha512>(a.str(0).as_bytes())))
}

fn file_digest(a: &Args, f: fn(&[u8]) -> String) -> Result<Value, FuncError> {
    let data = read_bytes(a.ctx, a.str(0))?;
    text(f(&data))
}

pub(super) fn filemd5(a: Args) -> Result<Value, FuncError> {
    file_digest(&a, |d| hex(&digest::<Md5>(d)))
}

pub(super) fn filesha1(a: Args) -> Result<Value, FuncError> {
    file_digest(&a, |d| hex(&digest::<Sha1>(d)))
}

pub(super) fn filesha256(a: Args) -> Result<Value, FuncError> {
    file_digest(&a, |d| hex(&digest::<Sha256>(d)))
}

pub(super) fn filesha512(a: Args) -> Result<Value, FuncError> {
    file_digest(&a, |d| hex(&digest::<Sha512>(d)))
}

pub(super) fn filebase64sha256(a: Args) -> Result<Value, FuncError> {
    file_digest(&a, |d| STANDARD.encode(digest::<Sha256>(d)))
}

pub(super) fn filebase64sha512(a: Args) -> Result<Value, FuncError> {
    file_digest(&a, |d| STANDARD.encode(digest::<Sha512>(d)))
}

fn uuid_string(b: &[u8]) -> String {
    let h = hex(&b[..16]);
    format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

/// Sets the version nibble and the RFC 4122 variant bits.
fn shape(mut b: Vec<u8>, version: u8) -> Vec<u8> {
    b[6] = (b[6] & 0x0f) | (version << 4);
    b[8] = (b[8] & 0x3f) | 0x80;
    b
}

/// `uuid()`: random in Terraform; here a version-4-shaped UUID derived from the call site, so
/// that repeated runs agree (see the module documentation).
pub(super) fn uuid(a: Args) -> Result<Value, FuncError> {
    let mut seed = b"plcli-uuid\0".to_vec();
    seed.extend_from_slice(a.ctx.base_dir.to_string_lossy().as_bytes());
    seed.push(0);
    seed.extend_from_slice(a.ctx.call_site.as_bytes());
    text(uuid_string(&shape(digest::<Sha256>(&seed), 4)))
}

fn parse_uuid(s: &str) -> Option<Vec<u8>> {
    let s = s.strip_prefix("urn:uuid:").unwrap_or(s);
    let s = s.strip_prefix('{').and_then(|x| x.strip_suffix('}')).unwrap_or(s);
    let hex: String = match s.len() {
        36 => {
            let b = s.as_bytes();
            if [8, 13, 18, 23].iter().any(|&i| b[i] != b'-') {
                return None;
            }
            s.chars().filter(|c| *c != '-').collect()
        }
        32 => s.to_string(),
        _ => return None,
    };
    if hex.len() != 32 {
        return None;
    }
    (0..16).map(|i| u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()).collect()
}

/// `uuidv5(namespace, name)`: RFC 4122 name-based UUID (SHA-1).
pub(super) fn uuidv5(a: Args) -> Result<Value, FuncError> {
    let ns = match a.str(0) {
        "dns" => "6ba7b810-9dad-11d1-80b4-00c04fd430c8",
        "url" => "6ba7b811-9dad-11d1-80b4-00c04fd430c8",
        "oid" => "6ba7b812-9dad-11d1-80b4-00c04fd430c8",
        "x500" => "6ba7b814-9dad-11d1-80b4-00c04fd430c8",
        other => other,
    };
    let Some(mut data) = parse_uuid(ns) else {
        return Err(FuncError::call(format!("uuidv5() doesn't support namespace {}", a.str(0))));
    };
    data.extend_from_slice(a.str(1).as_bytes());
    text(uuid_string(&shape(digest::<Sha1>(&data), 5)))
}

#[cfg(test)]
mod tests {
    use crate::functions::{call, FuncContext};
    use crate::Value;

    fn f(name: &str, args: Vec<Value>, ctx: &FuncContext) -> Value {
        call(name, args, ctx).unwrap()
    }

    #[test]
    fn hashes() {
        let ctx = FuncContext::default();
        let s = |x: &str| Value::string(x);
        assert_eq!(f("md5", vec![s("hello world")], &ctx), s("5eb63bbbe01eeed093cb22bb8f5acdc3"));
        assert_eq!(f("sha1", vec![s("")], &ctx), s("da39a3ee5e6b4b0d3255bfef95601890afd80709"));
        assert_eq!(f("sha256", vec![s("héllo")], &ctx), s("3c48591d8d098a4538f5e013dfcf406e948eac4d3277b10bf614e295d6068179"));
        assert_eq!(f("base64sha256", vec![s("hello world")], &ctx), s("uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek="));
        assert_eq!(f("uuidv5", vec![s("dns"), s("www.example.com")], &ctx), s("2ed6657d-e927-568b-95e1-2665a8aea6a2"));
    }

    #[test]
    fn uuid_is_deterministic_per_call_site() {
        let a = FuncContext { call_site: "main.tf:1:1".into(), ..FuncContext::default() };
        let b = FuncContext { call_site: "main.tf:2:1".into(), ..FuncContext::default() };
        let ua = f("uuid", vec![], &a);
        assert_eq!(ua, f("uuid", vec![], &a));
        assert_ne!(ua, f("uuid", vec![], &b));
        let text = ua.as_str().unwrap().to_string();
        assert_eq!(text.len(), 36);
        assert_eq!(&text[14..15], "4");
        assert!(matches!(&text[19..20], "8" | "9" | "a" | "b"));
    }
}
