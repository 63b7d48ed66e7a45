//! `GetWebIdentityToken` (issue 16): issuing a token through the Issuer (policy check, claims,
//! signature) and verifying it as deployment B does (`JwksValidator`: JWKS lookup, signature,
//! claims), each next to `jsonwebtoken` doing the bare cryptographic part with the same key in
//! the same run: `encode` of the same claims, and `decode` of the same token.
//!
//! Run with `cargo bench --bench outbound`.
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::pkcs8::DecodePrivateKey;
use std::sync::Arc;
use tempcred::directory::{InMemoryDirectory, OidcProvider};
use tempcred::hazmat::SeededRandom;
use tempcred::keys::KeyId;
use tempcred::outbound::{OutboundFederation, SigningAlgorithm, SigningKeyRing, SigningKeyRole};
use tempcred::principal::{AccountId, Partition};
use tempcred::web_identity::{IdentityTokenValidator, JwksValidator};
use tempcred::{CallEnv, GetWebIdentityTokenRequest, Issuer, KeyRing, UnixTime};

const NOW: u64 = 1_767_225_600;
const ISSUER: &str = "https://sts-a.tempcred.test";

fn bench(c: &mut Criterion) {
    let rng = SeededRandom::new(1);
    let mut ring = SigningKeyRing::new();
    ring.generate(
        KeyId::new("rs").unwrap(),
        SigningAlgorithm::Rs256,
        SigningKeyRole::Sign,
        &rng,
    )
    .unwrap();
    ring.generate(
        KeyId::new("es").unwrap(),
        SigningAlgorithm::Es384,
        SigningKeyRole::Sign,
        &rng,
    )
    .unwrap();
    let text = ring.to_text().to_string();
    let der = |prefix: &str| {
        let line = text.lines().find(|l| l.starts_with(prefix)).unwrap();
        data_encoding::BASE64URL_NOPAD
            .decode(line.rsplit(':').next().unwrap().as_bytes())
            .unwrap()
    };
    let rs_pkcs1 = rsa::RsaPrivateKey::from_pkcs8_der(&der("sign:rs:"))
        .unwrap()
        .to_pkcs1_der()
        .unwrap();
    let keys = [
        (
            SigningAlgorithm::Rs256,
            Algorithm::RS256,
            "rs",
            EncodingKey::from_rsa_der(rs_pkcs1.as_bytes()),
        ),
        (
            SigningAlgorithm::Es384,
            Algorithm::ES384,
            "es",
            EncodingKey::from_ec_der(&der("sign:es:")),
        ),
    ];
    let jwks = ring.jwks_json();
    let federation = OutboundFederation::new(ISSUER, ring).unwrap();
    let directory =
        InMemoryDirectory::from_json(tempcred::directory::demo_directory_json()).unwrap();
    let issuer = Issuer::builder(
        Arc::new(directory),
        KeyRing::generate(KeyId::new("k").unwrap(), &rng).unwrap(),
    )
    .random(Arc::new(SeededRandom::new(2)))
    .outbound_federation(federation)
    .build();
    let alice = issuer
        .long_term_caller(&"AKIADEMOALICE0000001".parse().unwrap())
        .unwrap();
    let env = CallEnv {
        now: UnixTime::from_secs(NOW),
        source_ip: None,
    };
    let provider = OidcProvider::new(
        Partition::aws(),
        AccountId::new("999999999999").unwrap(),
        ISSUER,
        vec!["tempcred-b".into()],
        &jwks,
    )
    .unwrap();
    let set: jsonwebtoken::jwk::JwkSet = serde_json::from_str(&jwks).unwrap();
    let validator = JwksValidator::new();

    for (alg, jalg, kid, encoding) in keys {
        let request = GetWebIdentityTokenRequest::builder(alg.as_str())
            .audience("tempcred-b")
            .build()
            .unwrap();
        let token = issuer
            .get_web_identity_token_at(&alice, &request, &env)
            .unwrap()
            .web_identity_token
            .expose_secret()
            .to_owned();
        let payload: serde_json::Value = serde_json::from_slice(
            &data_encoding::BASE64URL_NOPAD
                .decode(token.split('.').nth(1).unwrap().as_bytes())
                .unwrap(),
        )
        .unwrap();
        let mut header = Header::new(jalg);
        header.kid = Some(kid.into());
        let mut g = c.benchmark_group(format!("outbound {alg}"));
        g.bench_function("tempcred: Issuer::get_web_identity_token", |b| {
            b.iter(|| {
                issuer
                    .get_web_identity_token_at(&alice, black_box(&request), &env)
                    .unwrap()
            })
        });
        g.bench_function("jsonwebtoken: encode the same claims", |b| {
            b.iter(|| jsonwebtoken::encode(&header, black_box(&payload), &encoding).unwrap())
        });
        g.bench_function("tempcred: JwksValidator::validate (deployment B)", |b| {
            b.iter(|| {
                validator
                    .validate(black_box(&token), &provider, UnixTime::from_secs(NOW))
                    .unwrap()
            })
        });
        let key = DecodingKey::from_jwk(set.find(kid).unwrap()).unwrap();
        let mut v = Validation::new(jalg);
        v.set_issuer(&[ISSUER]);
        v.set_audience(&["tempcred-b"]);
        v.validate_exp = false;
        g.bench_function("jsonwebtoken: decode the same token", |b| {
            b.iter(|| {
                jsonwebtoken::decode::<serde_json::Value>(black_box(&token), &key, &v).unwrap()
            })
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
