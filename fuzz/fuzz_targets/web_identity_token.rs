//! Fuzz target: any text as a web-identity token for the demo provider is refused with an error
//! (no key signs it), never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::{Arc, OnceLock};
use tempcred::directory::{demo_directory_json, Directory, InMemoryDirectory, OidcProvider};
use tempcred::web_identity::{IdentityTokenValidator, JwksValidator};

/// The demo directory's provider, loaded once: parsing the directory for every input cost most of
/// each execution (about 3,000 exec/s instead of tens of thousands).
fn provider() -> Option<&'static Arc<OidcProvider>> {
    static PROVIDER: OnceLock<Option<Arc<OidcProvider>>> = OnceLock::new();
    PROVIDER
        .get_or_init(|| {
            InMemoryDirectory::from_json(demo_directory_json())
                .ok()?
                .oidc_provider_by_arn("arn:aws:iam::222222222222:oidc-provider/id.example.com")
        })
        .as_ref()
}

fuzz_target!(|data: &[u8]| {
    let Ok(token) = std::str::from_utf8(data) else {
        return;
    };
    let Some(provider) = provider() else {
        return;
    };
    let now = tempcred::UnixTime::from_secs(1_700_000_000);
    assert!(JwksValidator::new().validate(token, provider, now).is_err());
});
