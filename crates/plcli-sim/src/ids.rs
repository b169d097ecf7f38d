//! Deterministic IDs in AWS formats.

use sha2::{Digest, Sha256};

/// Derives identifiers from a seed and a counter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdGen {
    pub seed: String,
    pub counter: u64,
}

const ALNUM: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
const ALNUM_MIXED: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

impl IdGen {
    /// The next 32 bytes of the deterministic stream.
    fn next_bytes(&mut self) -> [u8; 32] {
        self.counter += 1;
        let mut h = Sha256::new();
        h.update(self.seed.as_bytes());
        h.update(b":");
        h.update(self.counter.to_string().as_bytes());
        h.finalize().into()
    }

    /// `n` lowercase hex characters.
    pub fn hex(&mut self, n: usize) -> String {
        let mut out = String::with_capacity(n);
        while out.len() < n {
            for b in self.next_bytes() {
                out.push_str(&format!("{b:02x}"));
            }
        }
        out.truncate(n);
        out
    }

    fn chars(&mut self, n: usize, alphabet: &[u8]) -> String {
        let mut out = String::with_capacity(n);
        while out.len() < n {
            for b in self.next_bytes() {
                if out.len() < n {
                    out.push(alphabet[b as usize % alphabet.len()] as char);
                }
            }
        }
        out
    }

    /// `n` lowercase letters and digits.
    pub fn alnum(&mut self, n: usize) -> String {
        self.chars(n, ALNUM)
    }

    /// `n` letters (both cases) and digits.
    pub fn alnum_mixed(&mut self, n: usize) -> String {
        self.chars(n, ALNUM_MIXED)
    }

    /// `<prefix>-<17 hex>`, the shape of EC2 IDs.
    pub fn ec2(&mut self, prefix: &str) -> String {
        format!("{prefix}-{}", self.hex(17))
    }

    /// A Route 53 hosted zone ID (`Z` and 20 uppercase alphanumerics).
    pub fn zone_id(&mut self) -> String {
        format!("Z{}", self.alnum(20).to_uppercase())
    }

    /// A UUID-shaped identifier.
    pub fn uuid(&mut self) -> String {
        let h = self.hex(32);
        format!("{}-{}-4{}-8{}-{}", &h[0..8], &h[8..12], &h[13..16], &h[17..20], &h[20..32])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_deterministic_and_shaped_like_aws() {
        let mut a = IdGen { seed: "s".into(), counter: 0 };
        let mut b = IdGen { seed: "s".into(), counter: 0 };
        let id = a.ec2("vpc");
        assert_eq!(id, b.ec2("vpc"));
        assert_eq!(id.len(), 4 + 17);
        assert!(id[4..].bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a.ec2("vpc"), id);
        assert_eq!(a.alnum(20).len(), 20);
    }
}
