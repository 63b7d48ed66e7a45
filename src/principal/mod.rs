//! Principals and identifiers: account IDs, partitions, IAM names and paths, unique IDs.
//!
//! Every type here parses strictly and prints back exactly the string it was parsed from.

mod names;

pub use names::{AccountId, IamPath, Partition, RoleName, UniqueId, UniqueIdKind, UserName};
