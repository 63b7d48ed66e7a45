//! Placeholder until the verify benchmark lands.
fn main() {}
