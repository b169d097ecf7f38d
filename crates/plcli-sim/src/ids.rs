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
        // The counter in decimal, without allocating (this runs for every ID).
        let mut digits = [0u8; 20];
        let mut at = digits.len();
        let mut c = self.counter;
        loop {
            at -= 1;
            digits[at] = b'0' + (c % 10) as u8;
            c /= 10;
            if c == 0 {
                break;
            }
        }
        h.update(&digits[at..]);
        h.finalize().into()
    }

    /// `n` lowercase hex characters.
    pub fn hex(&mut self, n: usize) -> String {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut out = String::with_capacity(n + 1);
        while out.len() < n {
            for b in self.next_bytes() {
                if out.len() >= n {
                    break;
                }
                out.push(HEX[usize::from(b >> 4)] as char);
                out.push(HEX[usize::from(b & 15)] as char);
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

    #[test]
    fn hex_is_the_digest_stream_in_lowercase_hex() {
        // The plain way of writing it, for comparison: worlds written before must keep
        // their IDs.
        fn reference(seed: &str, counter: &mut u64, n: usize) -> String {
            let mut out = String::new();
            while out.len() < n {
                *counter += 1;
                let mut h = Sha256::new();
                h.update(format!("{seed}:{counter}").as_bytes());
                let bytes: [u8; 32] = h.finalize().into();
                for b in bytes {
                    out.push_str(&format!("{b:02x}"));
                }
            }
            out.truncate(n);
            out
        }
        let mut g = IdGen { seed: "plcli".into(), counter: 0 };
        let mut counter = 0;
        for n in [17, 32, 1, 64, 65, 130, 17, 8] {
            for _ in 0..15 {
                assert_eq!(g.hex(n), reference("plcli", &mut counter, n));
            }
        }
        assert_eq!(g.counter, counter);
    }
}
