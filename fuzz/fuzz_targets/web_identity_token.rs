//! Fuzz target: any text as a web-identity token for the demo provider is refused with an error
//! (no key signs it), never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tempcred::directory::{demo_directory_json, Directory, InMemoryDirectory};
use tempcred::web_identity::{IdentityTokenValidator, JwksValidator};

fuzz_target!(|data: &[u8]| {
    let Ok(token) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(dir) = InMemoryDirectory::from_json(demo_directory_json()) else {
        return;
    };
    let Some(provider) =
        dir.oidc_provider_by_arn("arn:aws:iam::222222222222:oidc-provider/id.example.com")
    else {
        return;
    };
    let now = tempcred::UnixTime::from_secs(1_700_000_000);
    assert!(JwksValidator::new()
        .validate(token, &provider, now)
        .is_err());
});
