//! plcli-aws: AWS facts, written once.
//!
//! Owns the resource and data-source schemas of the Terraform AWS provider (generated from
//! `terraform providers schema -json` by `tools/gen-schemas.py` into `data/schemas.json`,
//! with force-new flags and defaults from `data/overlay.json`), and the regions with their
//! AZ IDs and the per-account AZ name → ID rotation of SPEC §3.2.
//!
//! Invariants: pure data and lookups, no I/O at run time (the data files are compiled in),
//! no knowledge of HCL, state or the world.

pub mod principals;
pub mod quotas;
pub mod regions;
pub mod schema;

pub use principals::principal_matches;
pub use quotas::{quota, Quota, QUOTAS};
pub use regions::{account_az_map, az_id_for, az_names, region, region_az_ids, Region, REGIONS};
pub use schema::{attribute_type, is_computed_block, Attribute, BlockSchema, ConditionalDefault, NestedBlock, Nesting, Schemas};

/// Whether the AWS provider has this resource (`data == false`) or data source type, whether
/// or not plcli simulates it. Used to tell a typo from an opaque type.
pub fn is_provider_type(data: bool, ty: &str) -> bool {
    use std::collections::HashSet;
    use std::sync::OnceLock;
    static TYPES: OnceLock<HashSet<(bool, &'static str)>> = OnceLock::new();
    let types = TYPES.get_or_init(|| {
        include_str!("../data/aws-types.txt")
            .lines()
            .filter_map(|l| {
                let (kind, name) = l.split_once(' ')?;
                match kind {
                    "resource" => Some((false, name)),
                    "data" => Some((true, name)),
                    _ => None,
                }
            })
            .collect()
    });
    types.contains(&(data, ty))
}

/// Every provider type name of one kind, for "did you mean".
pub fn provider_types(data: bool) -> impl Iterator<Item = &'static str> {
    let want = if data { "data" } else { "resource" };
    include_str!("../data/aws-types.txt").lines().filter_map(move |l| {
        let (kind, name) = l.split_once(' ')?;
        (kind == want).then_some(name)
    })
}
