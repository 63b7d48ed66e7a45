//! The property the `sigv4_authorization` fuzz target checks, shared with the stable replay test
//! `tests/fuzz_replay_sigv4.rs`.
//!
//! The input is split at newlines into: method, path, query, `Authorization`, `x-amz-date`,
//! `x-amz-security-token`, body (the body is the rest, newlines included). Then:
//! - `AuthorizationHeader::parse` and `PresignedQuery::parse` never panic;
//! - verification of the request never panics, with long-term and temporary keys known to the
//!   harness, at the request's own time and at fixed instants;
//! - whatever verifies names the scope and key ID its `Authorization` header (or presigned query)
//!   claimed, and verifies no more once its signature is altered;
//! - the strict default (paths must already be normalized) accepts exactly what the relaxed
//!   config accepts, minus paths with `.`, `..` or empty segments.

use tempcred::internal::{AuthorizationHeader, PresignedQuery};
use tempcred::keys::{KeyId, KeyMaterial};
use tempcred::sigv4::{LongTermKeys, PayloadHash, SigV4Config, SigV4Verifier, SignableRequest};
use tempcred::{AccessKeyId, KeyRing, SecretAccessKey, UnixTime, Verifier};

/// The long-term key the harness knows.
pub(crate) const FUZZ_KEY_ID: &str = "AKIAIOSFODNN7EXAMPLE";
/// Its secret.
pub(crate) const FUZZ_SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
/// The instant most seeds were signed at.
pub(crate) const FUZZ_NOW: u64 = 1_700_000_000;

pub(crate) struct OneKey;

impl LongTermKeys for OneKey {
    type Owner = ();
    fn lookup(&self, id: &AccessKeyId) -> Option<(SecretAccessKey, ())> {
        if id.as_str() != FUZZ_KEY_ID {
            return None;
        }
        SecretAccessKey::new(FUZZ_SECRET).ok().map(|s| (s, ()))
    }
}

/// The key ring the harness verifies session tokens with.
pub(crate) fn ring() -> KeyRing {
    KeyRing::new(
        KeyId::new("fuzz").expect("valid key ID"),
        KeyMaterial::from_bytes(&[0x5a; 32]).expect("valid key length"),
    )
    .expect("valid ring")
}

/// Splits an input into its fields (see the module docs).
pub(crate) fn fields(data: &[u8]) -> [String; 7] {
    let mut out: [String; 7] = Default::default();
    let mut rest = data;
    for (i, slot) in out.iter_mut().enumerate() {
        let (field, tail) = if i == 6 {
            (rest, &[][..])
        } else {
            match rest.iter().position(|b| *b == b'\n') {
                Some(p) => (&rest[..p], &rest[p + 1..]),
                None => (rest, &[][..]),
            }
        };
        *slot = String::from_utf8_lossy(field).into_owned();
        rest = tail;
    }
    out
}

/// Runs the property on one input; panics if it does not hold.
pub(crate) fn check(data: &[u8]) {
    let [method, path, query, authorization, date, token, body] = fields(data);
    let parsed_header = AuthorizationHeader::parse(&authorization, 64).ok();
    let parsed_query = PresignedQuery::parse(&query, 64).ok().flatten();

    let mut headers = vec![("host", "example.amazonaws.com")];
    if !authorization.is_empty() {
        headers.push(("Authorization", authorization.as_str()));
    }
    if !date.is_empty() {
        headers.push(("X-Amz-Date", date.as_str()));
    }
    if !token.is_empty() {
        headers.push(("X-Amz-Security-Token", token.as_str()));
    }
    let req = SignableRequest {
        method: &method,
        path: &path,
        query: &query,
        headers: &headers,
        payload: PayloadHash::Bytes(body.as_bytes()),
    };
    // Relaxed about unnormalized paths so that signatures over `/a/../b` are explored; the
    // strict default must never accept what the relaxed one refuses.
    let verifier = SigV4Verifier::new(
        Verifier::new(&ring()),
        OneKey,
        SigV4Config::new("sts").accept_unnormalized_paths(),
    );
    let strict = SigV4Verifier::new(Verifier::new(&ring()), OneKey, SigV4Config::new("sts"));
    let mut instants = vec![0, FUZZ_NOW, u64::MAX];
    if let Some(d) = tempcred::sigv4::AmzDate::parse(&date) {
        instants.push(d.to_unix().as_secs());
    }
    for now in instants {
        let strict_ok = strict.verify(&req, UnixTime::from_secs(now)).is_ok();
        let Ok(ok) = verifier.verify(&req, UnixTime::from_secs(now)) else {
            assert!(
                !strict_ok,
                "the strict verifier accepted what the relaxed one refused"
            );
            continue;
        };
        assert!(
            strict_ok
                || path.contains("//")
                || path.split('/').any(|s| s == "." || s == "..")
                || !path.starts_with('/'),
            "a normal path verified only when relaxed"
        );
        let (id, region, service) = match (&parsed_header, &parsed_query) {
            (Some(h), _) => (
                h.credential.access_key_id.to_owned(),
                h.credential.region.to_owned(),
                h.credential.service.to_owned(),
            ),
            (None, Some(q)) => {
                let c = q.credential().expect("validated credential");
                (
                    c.access_key_id.to_owned(),
                    c.region.to_owned(),
                    c.service.to_owned(),
                )
            }
            (None, None) => panic!("verified without any signature"),
        };
        assert_eq!(ok.access_key_id().as_str(), id);
        assert_eq!(ok.region(), region);
        assert_eq!(ok.service(), service);
        // The same request with one signature digit changed must fail.
        if parsed_header.is_some() {
            let mut flipped: Vec<char> = authorization.chars().collect();
            if let Some(c) = flipped.last_mut() {
                *c = if *c == '0' { '1' } else { '0' };
            }
            let flipped: String = flipped.into_iter().collect();
            let altered_headers: Vec<(&str, &str)> = headers
                .iter()
                .map(|(n, v)| {
                    if *n == "Authorization" {
                        (*n, flipped.as_str())
                    } else {
                        (*n, *v)
                    }
                })
                .collect();
            let altered = SignableRequest {
                headers: &altered_headers,
                ..req
            };
            assert!(verifier.verify(&altered, UnixTime::from_secs(now)).is_err());
        }
    }
}
