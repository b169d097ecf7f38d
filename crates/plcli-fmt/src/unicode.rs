//! The small amount of Unicode knowledge the formatter needs: identifier
//! characters (for the lexer), printable characters (for re-quoting block
//! labels the way Go's `unicode.IsPrint` does) and extended grapheme cluster
//! counting (hclwrite measures alignment columns in grapheme clusters).

use crate::unicode_tables::{CONTROL, EXTEND, NON_PRINT, SPACING_MARK};

fn in_table(table: &[(u32, u32)], c: char) -> bool {
    let cp = c as u32;
    table
        .binary_search_by(|&(lo, hi)| {
            if hi < cp {
                std::cmp::Ordering::Less
            } else if lo > cp {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// First character of an HCL identifier (`ID_Start | '_'`).
pub(crate) fn is_ident_start(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphabetic() || c == '_'
    } else {
        c.is_alphabetic()
    }
}

/// Later characters of an HCL identifier (`ID_Continue | '-'`).
pub(crate) fn is_ident_continue(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric() || c == '_' || c == '-'
    } else {
        c.is_alphanumeric()
            || in_table(EXTEND, c)
            || in_table(SPACING_MARK, c)
            || matches!(c, '\u{203F}' | '\u{2040}' | '\u{2054}' | '\u{FE33}' | '\u{FE34}' | '\u{FE4D}'..='\u{FE4F}' | '\u{FF3F}')
    }
}

/// Go's `unicode.IsPrint` (letters, marks, numbers, punctuation, symbols and
/// the ASCII space).
pub(crate) fn is_print(c: char) -> bool {
    if c.is_ascii() {
        (' '..='~').contains(&c)
    } else {
        !in_table(NON_PRINT, c)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Gcb {
    Cr,
    Lf,
    Control,
    Extend,
    Zwj,
    RegionalIndicator,
    SpacingMark,
    L,
    V,
    T,
    Lv,
    Lvt,
    Other,
}

fn is_extended_pictographic(c: char) -> bool {
    matches!(c as u32,
        0xA9 | 0xAE | 0x203C | 0x2049 | 0x2122 | 0x2139 | 0x2194..=0x2199 | 0x21A9..=0x21AA
        | 0x231A..=0x231B | 0x2328 | 0x2388 | 0x23CF | 0x23E9..=0x23F3 | 0x23F8..=0x23FA
        | 0x24C2 | 0x25AA..=0x25AB | 0x25B6 | 0x25C0 | 0x25FB..=0x25FE | 0x2600..=0x27BF
        | 0x2934..=0x2935 | 0x2B05..=0x2B07 | 0x2B1B..=0x2B1C | 0x2B50 | 0x2B55 | 0x3030
        | 0x303D | 0x3297 | 0x3299 | 0x1F000..=0x1F1E5 | 0x1F200..=0x1F3FA | 0x1F400..=0x1FAFF
        | 0x1FC00..=0x1FFFD)
}

fn gcb(c: char) -> Gcb {
    let cp = c as u32;
    match cp {
        0x0D => return Gcb::Cr,
        0x0A => return Gcb::Lf,
        0x200D => return Gcb::Zwj,
        0x00..=0x1F | 0x7F => return Gcb::Control,
        0x20..=0x7E => return Gcb::Other,
        0x1F1E6..=0x1F1FF => return Gcb::RegionalIndicator,
        0x1100..=0x115F | 0xA960..=0xA97C => return Gcb::L,
        0x1160..=0x11A7 | 0xD7B0..=0xD7C6 => return Gcb::V,
        0x11A8..=0x11FF | 0xD7CB..=0xD7FB => return Gcb::T,
        0xAC00..=0xD7A3 => return if (cp - 0xAC00) % 28 == 0 { Gcb::Lv } else { Gcb::Lvt },
        _ => {}
    }
    if in_table(EXTEND, c) {
        Gcb::Extend
    } else if in_table(SPACING_MARK, c) {
        Gcb::SpacingMark
    } else if in_table(CONTROL, c) {
        Gcb::Control
    } else {
        Gcb::Other
    }
}

/// Number of extended grapheme clusters in `s` (UAX #29 rules, without the
/// rarely relevant Prepend rule).
pub(crate) fn grapheme_count(s: &str) -> usize {
    if s.is_ascii() {
        // Only CR LF joins within ASCII.
        return s.len() - s.matches("\r\n").count();
    }
    let mut count = 0;
    let mut prev: Option<Gcb> = None;
    // Whether we are in an ExtPict Extend* (ZWJ)? sequence, for GB11.
    let mut pict_seq = false;
    let mut ri_run = 0usize;
    for c in s.chars() {
        let cur = gcb(c);
        let is_pict = is_extended_pictographic(c);
        let join = match prev {
            None => false,
            Some(p) => match (p, cur) {
                (Gcb::Cr, Gcb::Lf) => true,
                (Gcb::Cr | Gcb::Lf | Gcb::Control, _) => false,
                (_, Gcb::Cr | Gcb::Lf | Gcb::Control) => false,
                (Gcb::L, Gcb::L | Gcb::V | Gcb::Lv | Gcb::Lvt) => true,
                (Gcb::Lv | Gcb::V, Gcb::V | Gcb::T) => true,
                (Gcb::Lvt | Gcb::T, Gcb::T) => true,
                (_, Gcb::Extend | Gcb::Zwj | Gcb::SpacingMark) => true,
                (Gcb::Zwj, _) if is_pict && pict_seq => true,
                (Gcb::RegionalIndicator, Gcb::RegionalIndicator) => ri_run % 2 == 1,
                _ => false,
            },
        };
        if !join {
            count += 1;
        }
        // Track GB11 state: ExtPict (Extend)* ZWJ x ExtPict.
        pict_seq = if is_pict {
            true
        } else if matches!(cur, Gcb::Extend | Gcb::Zwj) {
            pict_seq && prev != Some(Gcb::Zwj)
        } else {
            false
        };
        ri_run = if cur == Gcb::RegionalIndicator { ri_run + 1 } else { 0 };
        prev = Some(cur);
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graphemes() {
        assert_eq!(grapheme_count("abc"), 3);
        assert_eq!(grapheme_count("a\r\nb"), 3);
        assert_eq!(grapheme_count("e\u{301}"), 1);
        assert_eq!(grapheme_count("Größe"), 5);
        assert_eq!(grapheme_count("🇩🇪🇫🇷"), 2);
        assert_eq!(grapheme_count("👩\u{200D}💻"), 1);
        assert_eq!(grapheme_count("👍🏽"), 1);
        assert_eq!(grapheme_count("한국어"), 3);
    }

    #[test]
    fn printable() {
        assert!(is_print('a'));
        assert!(is_print('ö'));
        assert!(!is_print('\u{a0}'));
        assert!(!is_print('\u{200b}'));
        assert!(!is_print('\u{7f}'));
    }
}
