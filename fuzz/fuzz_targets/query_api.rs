//! Fuzz target: the STS Query API parser. Any input must yield a request or a typed error, and
//! every request it accepts must render back to a body that parses to the same request.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(request) = tempcred::wire::parse_query(data) {
        let body = tempcred::wire::render_query(&request);
        assert_eq!(
            tempcred::wire::parse_query(body.as_bytes()).ok(),
            Some(request)
        );
    }
});
