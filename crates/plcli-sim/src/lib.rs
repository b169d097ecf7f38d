//! plcli-sim: the simulated AWS region ("the world").
//!
//! Owns the [`World`] — every account's resources by cloud ID with their attributes, each
//! account's AZ name → AZ ID map, the deterministic ID counter and the event log — its JSON
//! form, and one API operation per AWS call ([`World::create`], [`World::read`],
//! [`World::update`], [`World::delete`]), run as a [`Caller`] (an account and principal in a
//! region). Failures are AWS-shaped [`ApiError`]s (`Code: message`).
//!
//! Invariants: it knows nothing of HCL, configuration or state files; IDs, ARNs, DNS names and
//! tokens derive only from the world's seed and counter (never the clock or an RNG), so the
//! same operations on a fresh world give the same results; lookups are by ID in ordered maps
//! (no scans over all resources per operation).

// Diagnostics are large and only built on the error path; boxing them would cost every caller.
#![allow(clippy::result_large_err)]

mod data;
mod ids;
mod ops;
mod world;

pub use ids::IdGen;
pub use ops::{object_key, principal_matches, Caller};
pub use world::{ApiError, Event, Object, World, WorldError, WORLD_VERSION};
