//! plcli-aws: AWS facts, written once.
//!
//! Owns the resource and data-source schemas of the Terraform AWS provider (generated from
//! `terraform providers schema -json` by `tools/gen-schemas.py` into `data/schemas.json`,
//! with force-new flags and defaults from `data/overlay.json`), and the regions with their
//! AZ IDs and the per-account AZ name → ID rotation of SPEC §3.2.
//!
//! Invariants: pure data and lookups, no I/O at run time (the data files are compiled in),
//! no knowledge of HCL, state or the world.

pub mod regions;
pub mod schema;

pub use regions::{az_id_for, region_az_ids, Region, REGIONS};
pub use schema::{attribute_type, Attribute, BlockSchema, NestedBlock, Nesting, Schemas};
