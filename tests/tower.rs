//! The tower layer: SigV4 in front of services, payload modes, aws-chunked, authorization.
//!
//! One test binary per domain (each binary links the whole dependency graph); each file below is
//! a module, and its own tests keep their names under it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "aws_chunked.rs"]
mod aws_chunked;
#[path = "tower_authorization_message.rs"]
mod tower_authorization_message;
#[path = "tower_authorize.rs"]
mod tower_authorize;
#[path = "tower_layer.rs"]
mod tower_layer;
#[path = "tower_payload_modes.rs"]
mod tower_payload_modes;
