//! Cheap robustness check: truncations and mutations of every corpus input
//! must produce `Ok` or `Err`, never a panic, and successful results must be
//! stable under reformatting.

mod common;

use plcli_fmt::format_source;

/// Tiny deterministic PRNG (xorshift64*), so the test needs no dependencies.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const PIECES: &[&str] = &[
    "\"", "{", "}", "[", "]", "(", ")", "${", "%{", "~}", "}", "<<EOF\n", "<<-X\n", "EOF\n", "\n", "\r\n", "\r", "#", "//", "/*", "*/",
    "=", " ", "\t", "-", "!", ",", ".", "...", ":", "?", "\\", "$", "%", "é", "🚀", "\u{feff}", "\u{200d}", "in", "for", "1e", "0.", "::",
];

fn check(src: &str) {
    if let Ok(out) = format_source(src) {
        // Anything we format must survive a second pass.
        let _ = format_source(&out);
    }
}

#[test]
fn truncations_and_mutations_never_panic() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut runs = 0usize;
    for case in common::cases() {
        let src = case.input.as_str();
        // Every truncation point on a char boundary (bounded per file).
        let boundaries: Vec<usize> = (0..=src.len()).filter(|&i| src.is_char_boundary(i)).collect();
        let step = (boundaries.len() / 150).max(1);
        for &cut in boundaries.iter().step_by(step) {
            check(&src[..cut]);
            check(&src[cut..]);
            runs += 2;
        }
        // Random splices of syntax-significant fragments and deletions.
        for _ in 0..120 {
            let mut s = src.to_owned();
            for _ in 0..1 + rng.below(3) {
                let mut at = rng.below(s.len() + 1);
                while !s.is_char_boundary(at) {
                    at -= 1;
                }
                if rng.below(3) == 0 {
                    let mut end = (at + 1 + rng.below(4)).min(s.len());
                    while !s.is_char_boundary(end) {
                        end += 1;
                    }
                    s.replace_range(at..end, "");
                } else {
                    s.insert_str(at, PIECES[rng.below(PIECES.len())]);
                }
            }
            check(&s);
            runs += 1;
        }
    }
    // Pathological shapes.
    let deep_open = "a = ".to_owned() + &"[".repeat(20_000);
    let deep = deep_open.clone() + &"]".repeat(20_000) + "\n";
    let deep_blocks = "b {\n".repeat(5_000) + &"}\n".repeat(5_000);
    let deep_interp = "a = \"".to_owned() + &"${\"".repeat(3_000) + &"\"}".repeat(3_000) + "\"\n";
    for s in [&deep_open, &deep, &deep_blocks, &deep_interp] {
        check(s);
    }
    assert!(format_source(&deep).is_ok());
    assert!(format_source(&deep_open).is_err());
    assert!(runs > 5_000, "only {runs} runs");
}
