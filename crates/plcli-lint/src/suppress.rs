//! Inline suppression: `# plcli-ignore: PL004` (or `// plcli-ignore: nlb_cross_zone_disabled`,
//! several separated by commas) in the comment lines just above the attribute or block a
//! finding points at, or above the header of the resource it is about.

use plcli_syntax::{SourceMap, Span};

use crate::rules::RuleInfo;

const MARKER: &str = "plcli-ignore:";

/// The rules a comment line names, if it is a `plcli-ignore` comment.
fn ignored_in(comment: &str) -> Option<impl Iterator<Item = &str>> {
    let at = comment.find(MARKER)?;
    Some(comment[at + MARKER.len()..].split([',', ' ', '\t']).map(str::trim).filter(|s| !s.is_empty()))
}

fn is_comment(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with('#') || t.starts_with("//")
}

/// Whether a comment on the lines directly above 1-based `line` names `rule`.
fn ignored_above(text_of: &dyn Fn(usize) -> Option<String>, line: usize, rule: &RuleInfo) -> bool {
    let mut l = line;
    while l > 1 {
        l -= 1;
        let Some(text) = text_of(l) else { return false };
        if !is_comment(&text) {
            return false;
        }
        if ignored_in(&text).is_some_and(|mut names| names.any(|n| n.eq_ignore_ascii_case(rule.id) || n == rule.name)) {
            return true;
        }
    }
    false
}

/// Whether a finding of `rule` at `at`, about the resource whose header is `header`, is
/// suppressed by an inline comment.
pub(crate) fn is_suppressed(sources: &SourceMap, rule: &RuleInfo, at: Span, header: Span) -> bool {
    [at, header].iter().any(|span| {
        let Some(file) = sources.try_get(span.file) else { return false };
        let line = file.pos(span.start).line;
        let text_of = |l: usize| (l >= 1).then(|| file.line_text(l).to_string());
        ignored_above(&text_of, line, rule)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_name_rules_by_id_or_name() {
        let rule = &crate::rules::RULES[3].info;
        assert_eq!(rule.id, "PL004");
        let lines = [
            "resource \"aws_lb\" \"x\" {",
            "  # zonal isolation on purpose",
            "  # plcli-ignore: PL017, nlb_cross_zone_disabled",
            "  enable_cross_zone_load_balancing = false",
            "}",
        ];
        let text_of = |l: usize| lines.get(l - 1).map(|s| s.to_string());
        assert!(ignored_above(&text_of, 4, rule));
        assert!(!ignored_above(&text_of, 5, rule));
        let lines2 = ["# plcli-ignore: PL004", "", "x = 1"];
        let text_of2 = |l: usize| lines2.get(l - 1).map(|s| s.to_string());
        assert!(!ignored_above(&text_of2, 3, rule), "a blank line ends the comment block");
    }
}
