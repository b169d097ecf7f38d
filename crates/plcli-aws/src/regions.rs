//! Regions and AZ IDs (SPEC §3.2).

use std::collections::BTreeMap;

/// A region plcli simulates.
#[derive(Debug, Clone, Copy)]
pub struct Region {
    pub name: &'static str,
    /// AZ IDs in order; AZ name suffixes a, b, c... index into the account's rotation.
    pub az_ids: &'static [&'static str],
    /// Whether AZ names map to IDs differently per account.
    pub per_account_mapping: bool,
}

/// Every region plcli knows, in the order SPEC §3.2 lists them.
pub const REGIONS: &[Region] = &[
    Region {
        name: "us-east-1",
        az_ids: &["use1-az1", "use1-az2", "use1-az3", "use1-az4", "use1-az5", "use1-az6"],
        per_account_mapping: true,
    },
    Region { name: "us-east-2", az_ids: &["use2-az1", "use2-az2", "use2-az3"], per_account_mapping: false },
    Region { name: "us-west-1", az_ids: &["usw1-az1", "usw1-az3"], per_account_mapping: true },
    Region { name: "us-west-2", az_ids: &["usw2-az1", "usw2-az2", "usw2-az3", "usw2-az4"], per_account_mapping: true },
    Region { name: "eu-west-1", az_ids: &["euw1-az1", "euw1-az2", "euw1-az3"], per_account_mapping: false },
    Region { name: "eu-central-1", az_ids: &["euc1-az1", "euc1-az2", "euc1-az3"], per_account_mapping: false },
    Region { name: "ap-northeast-1", az_ids: &["apne1-az1", "apne1-az2", "apne1-az4"], per_account_mapping: true },
    Region { name: "ap-southeast-1", az_ids: &["apse1-az1", "apse1-az2", "apse1-az3"], per_account_mapping: false },
];

/// The region named `name`.
pub fn region(name: &str) -> Option<&'static Region> {
    REGIONS.iter().find(|r| r.name == name)
}

/// The AZ IDs of a region, or `None` for a region plcli does not know.
pub fn region_az_ids(name: &str) -> Option<&'static [&'static str]> {
    region(name).map(|r| r.az_ids)
}

/// The AZ names of a region for any account (`us-east-1a`, `us-east-1b`, ...).
pub fn az_names(region_name: &str) -> Vec<String> {
    region(region_name)
        .map(|r| (0..r.az_ids.len()).map(|i| format!("{}{}", r.name, (b'a' + i as u8) as char)).collect())
        .unwrap_or_default()
}

/// The default AZ ID of `az_name` in `account` (SPEC §3.2): in regions that map names per
/// account, name index i maps to ID index (i + account mod n) mod n.
pub fn az_id_for(region_name: &str, account: &str, az_name: &str) -> Option<&'static str> {
    let r = region(region_name)?;
    let suffix = az_name.strip_prefix(r.name)?;
    let mut chars = suffix.chars();
    let (Some(c), None) = (chars.next(), chars.next()) else { return None };
    if !c.is_ascii_lowercase() {
        return None;
    }
    let i = (c as u8 - b'a') as usize;
    let n = r.az_ids.len();
    if i >= n {
        return None;
    }
    let shift = if r.per_account_mapping { account_mod(account, n) } else { 0 };
    Some(r.az_ids[(i + shift) % n])
}

/// An account's AZ name → ID map in one region: the explicit entries (a `simulation`
/// block's `az_ids`) first, then the default rotation for every other name whose ID no
/// explicit entry took (each AZ name of an account is a different zone).
pub fn account_az_map(region_name: &str, account: &str, explicit: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let mut map: BTreeMap<String, String> =
        explicit.iter().filter(|(k, _)| k.starts_with(region_name)).map(|(k, v)| (k.clone(), v.clone())).collect();
    for name in az_names(region_name) {
        if map.contains_key(&name) {
            continue;
        }
        if let Some(id) = az_id_for(region_name, account, &name) {
            if !map.values().any(|v| v == id) {
                map.insert(name, id.to_string());
            }
        }
    }
    map
}

fn account_mod(account: &str, n: usize) -> usize {
    account.bytes().filter(u8::is_ascii_digit).fold(0usize, |acc, d| (acc * 10 + (d - b'0') as usize) % n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotation_depends_on_the_account_in_mapped_regions() {
        // 111111111111 mod 6 = 3: us-east-1a is the 4th ID.
        assert_eq!(az_id_for("us-east-1", "111111111111", "us-east-1a"), Some("use1-az4"));
        // 222222222222 mod 6 = 0.
        assert_eq!(az_id_for("us-east-1", "222222222222", "us-east-1a"), Some("use1-az1"));
        assert_eq!(az_id_for("eu-west-1", "111111111111", "eu-west-1b"), Some("euw1-az2"));
        assert_eq!(az_id_for("us-west-1", "123456789012", "us-west-1c"), None);
        assert_eq!(az_names("us-west-1"), vec!["us-west-1a", "us-west-1b"]);
    }

    #[test]
    fn explicit_az_ids_win_and_defaults_fill_the_rest() {
        let explicit: BTreeMap<String, String> = [("us-east-1a".to_string(), "use1-az1".to_string())].into_iter().collect();
        let map = account_az_map("us-east-1", "111111111111", &explicit);
        assert_eq!(map["us-east-1a"], "use1-az1");
        // 111111111111's default for us-east-1d is use1-az1, already taken by the explicit entry.
        assert!(!map.contains_key("us-east-1d"));
        assert_eq!(map["us-east-1b"], "use1-az5");
    }
}
