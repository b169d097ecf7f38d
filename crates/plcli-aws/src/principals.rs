//! How AWS matches a caller against an endpoint service's allowed principals.

/// Whether `principal` (the caller) is admitted by the allowed-principal entry `entry`:
/// `*` admits everyone, an exact ARN admits itself, and an account root
/// (`arn:aws:iam::<acct>:root`, or a bare account ID) admits every principal of that account.
pub fn principal_matches(entry: &str, principal: &str) -> bool {
    if entry == "*" || entry == principal {
        return true;
    }
    if let Some(acct) = entry.strip_prefix("arn:aws:iam::").and_then(|r| r.strip_suffix(":root")) {
        return principal.split(':').nth(4) == Some(acct);
    }
    entry.len() == 12 && entry.bytes().all(|b| b.is_ascii_digit()) && principal.split(':').nth(4) == Some(entry)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn principals_match_as_aws_does() {
        assert!(principal_matches("*", "arn:aws:iam::111111111111:role/x"));
        assert!(principal_matches("arn:aws:iam::111111111111:root", "arn:aws:iam::111111111111:role/x"));
        assert!(!principal_matches("arn:aws:iam::111111111111:role/y", "arn:aws:iam::111111111111:role/x"));
        assert!(!principal_matches("arn:aws:iam::222222222222:root", "arn:aws:iam::111111111111:root"));
    }
}
