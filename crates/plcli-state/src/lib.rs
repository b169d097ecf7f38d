//! plcli-state: the state file and durable files.
//!
//! Owns the state file in Terraform's format version 4 ([`State`]), atomic writes with a
//! kept `.backup` ([`atomic_write`]), lock files with the holder's identity ([`Lock`]), and
//! the apply [`Journal`]: an append-only file of operations, fsync'd in batches, replayed
//! after a crash, so that an apply records each operation in time proportional to it.
//!
//! Invariants: a file that cannot be read or parsed is an error naming it and is never
//! overwritten; every write is temp file + fsync + rename; nothing here knows the world's
//! rules or HCL.

// Diagnostics are large and only built on the error path; boxing them would cost every caller.
#![allow(clippy::result_large_err)]

mod files;
mod journal;
mod state;

pub use files::{atomic_write, atomic_write_with, install, write_temp, Lock, LockError};
pub use journal::Journal;
pub use state::{strip_instance_keys, InstanceState, OutputState, Share, State, StateError, STATE_VERSION};
