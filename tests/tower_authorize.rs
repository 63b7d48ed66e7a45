//! `SigV4Layer::authorize_with` (issue 15): the layer authorizes each authenticated request with
//! the caller's policies, so a handler never runs for a request its policies do not allow. A
//! refusal is AWS's `AccessDenied` error document with HTTP 403 (IAM User Guide, "Troubleshoot
//! access denied error messages"); a request the mapping names no action for is refused too (the
//! stricter reading: a forgotten route is closed).
#![cfg(feature = "tower")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use axum::body::Body;
use axum::routing::get;
use axum::{Extension, Router};
use std::sync::Arc;
use tempcred::authorize::{Authorized, Authorizer};
use tempcred::directory::{Directory, InMemoryDirectory, LongTermOwner};
use tempcred::hazmat::SeededRandom;
use tempcred::keys::{KeyId, KeyMaterial};
use tempcred::sigv4::{
    sign, LongTermKeys, PayloadHash, SigV4Config, SigV4Verifier, SignableRequest, SigningParams,
};
use tempcred::tower::{ClientAddr, RequestedAction, Service, SigV4Layer};
use tempcred::{
    AccessKeyId, AssumeRoleRequest, CallEnv, Credentials, Issuer, KeyRing, ManualClock,
    SecretAccessKey, UnixTime,
};

const NOW: u64 = 1_764_000_000;
const ALICE_KEY: &str = "AKIAALICEEXAMPLE0001";
const ALICE_SECRET: &str = "aliceSecretKeyForTowerAuthz00000000000AA";

const DIRECTORY: &str = r#"{
  "users": [{ "arn": "arn:aws:iam::111111111111:user/alice",
    "access_keys": [{ "id": "AKIAALICEEXAMPLE0001", "secret": "aliceSecretKeyForTowerAuthz00000000000AA" }],
    "policies": [{ "Version": "2012-10-17", "Statement": [
      { "Effect": "Allow", "Action": "reports:Get", "Resource": "arn:aws:reports:::report/alice-*" } ] }] }],
  "roles": [{ "arn": "arn:aws:iam::111111111111:role/reader",
    "trust_policy": { "Version": "2012-10-17", "Statement": [{ "Effect": "Allow",
      "Principal": { "AWS": "arn:aws:iam::111111111111:user/alice" }, "Action": "sts:AssumeRole" }] },
    "policies": [{ "Version": "2012-10-17", "Statement": [
      { "Effect": "Allow", "Action": "reports:Get", "Resource": "arn:aws:reports:::report/q*" } ] }] }]
}"#;

/// The directory's long-term keys, so long-term callers are authorized with their policies.
struct Keys(Arc<InMemoryDirectory>);

impl LongTermKeys for Keys {
    type Owner = LongTermOwner;
    fn lookup(&self, id: &AccessKeyId) -> Option<(SecretAccessKey, LongTermOwner)> {
        self.0.user_by_access_key(id).map(|(o, s)| (s, o))
    }
}

async fn report(Extension(proof): Extension<Authorized>) -> String {
    format!("{} on {}", proof.action(), proof.resource())
}

fn app() -> (Router, Credentials) {
    app_with(|layer| layer)
}

fn app_with(configure: impl FnOnce(SigV4Layer<Keys>) -> SigV4Layer<Keys>) -> (Router, Credentials) {
    let dir = Arc::new(InMemoryDirectory::from_json(DIRECTORY).unwrap());
    let ring = KeyRing::new(
        KeyId::new("k").unwrap(),
        KeyMaterial::from_bytes(&[6; 32]).unwrap(),
    )
    .unwrap();
    let issuer = Issuer::builder(dir.clone(), ring.clone())
        .random(Arc::new(SeededRandom::new(3)))
        .build();
    let alice = issuer
        .long_term_caller(&ALICE_KEY.parse().unwrap())
        .unwrap();
    let creds = issuer
        .assume_role_at(
            &alice,
            &AssumeRoleRequest::builder("arn:aws:iam::111111111111:role/reader", "web")
                .build()
                .unwrap(),
            &CallEnv::at(UnixTime::from_secs(NOW)),
        )
        .unwrap()
        .credentials;
    let verifier = SigV4Verifier::new(
        tempcred::Verifier::new(&ring),
        Keys(dir.clone()),
        SigV4Config::new("execute-api"),
    );
    let layer = configure(SigV4Layer::new(verifier))
        .clock(Arc::new(ManualClock::new(UnixTime::from_secs(NOW))))
        .authorize_with(Arc::new(Authorizer::new(dir)), |parts| {
            let id = parts.uri.path().strip_prefix("/reports/")?;
            Some(RequestedAction {
                action: "reports:Get".into(),
                resource: format!("arn:aws:reports:::report/{id}"),
            })
        });
    let router = Router::new()
        .route("/reports/{id}", get(report))
        .route("/other", get(|| async { "unmapped" }))
        .layer(layer);
    (router, creds)
}

/// A signed GET from 192.0.2.10, as the server's [`ClientAddr`] says.
async fn get_signed(
    router: &mut Router,
    path: &str,
    key: &str,
    secret: &str,
    token: Option<&str>,
) -> (u16, String) {
    get_signed_from(router, path, key, secret, token, Some("192.0.2.10")).await
}

/// A signed GET whose client address the server gives as `from` (`None`: not given).
async fn get_signed_from(
    router: &mut Router,
    path: &str,
    key: &str,
    secret: &str,
    token: Option<&str>,
    from: Option<&str>,
) -> (u16, String) {
    let host = [("host", "api.example")];
    let unsigned = SignableRequest {
        method: "GET",
        path,
        query: "",
        headers: &host,
        payload: PayloadHash::Bytes(b""),
    };
    let secret = SecretAccessKey::new(secret).unwrap();
    let mut params = SigningParams::new(
        key,
        &secret,
        "us-east-1",
        "execute-api",
        UnixTime::from_secs(NOW),
    );
    if let Some(t) = token {
        params = params.with_session_token(t);
    }
    let mut request = http::Request::builder()
        .method("GET")
        .uri(path)
        .header("host", "api.example");
    if let Some(ip) = from {
        request = request.extension(ClientAddr(ip.parse().unwrap()));
    }
    for (name, value) in sign(&unsigned, &params).unwrap().headers {
        request = request.header(name, value);
    }
    let response = router
        .call(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status().as_u16();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

#[tokio::test]
async fn a_session_reaches_the_handler_only_for_what_its_policies_allow() {
    let (mut router, c) = app();
    let (key, secret, token) = (
        c.access_key_id.as_str().to_owned(),
        c.secret_access_key.expose_secret().to_owned(),
        c.session_token.expose_secret().to_owned(),
    );
    let (status, body) = get_signed(&mut router, "/reports/q1", &key, &secret, Some(&token)).await;
    assert_eq!(
        (status, body.as_str()),
        (200, "reports:Get on arn:aws:reports:::report/q1")
    );
    let (status, body) =
        get_signed(&mut router, "/reports/payroll", &key, &secret, Some(&token)).await;
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("<Code>AccessDenied</Code>"), "{body}");
    assert!(
        body.contains("User: arn:aws:sts::111111111111:assumed-role/reader/web is not authorized to perform: reports:Get on resource: arn:aws:reports:::report/payroll"),
        "{body}"
    );
}

#[tokio::test]
async fn a_route_the_mapping_names_no_action_for_is_refused() {
    let (mut router, c) = app();
    let (status, body) = get_signed(
        &mut router,
        "/other",
        c.access_key_id.as_str(),
        c.secret_access_key.expose_secret(),
        Some(c.session_token.expose_secret()),
    )
    .await;
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("<Code>AccessDenied</Code>"), "{body}");
    assert!(!body.contains("unmapped"));
}

#[tokio::test]
async fn a_long_term_user_is_authorized_with_the_users_own_policies() {
    let (mut router, _) = app();
    let (status, body) = get_signed(
        &mut router,
        "/reports/alice-2026",
        ALICE_KEY,
        ALICE_SECRET,
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) =
        get_signed(&mut router, "/reports/q1", ALICE_KEY, ALICE_SECRET, None).await;
    assert_eq!(status, 403, "{body}");
    assert!(
        body.contains("User: arn:aws:iam::111111111111:user/alice is not authorized"),
        "{body}"
    );
}

#[tokio::test]
async fn authentication_still_comes_first() {
    let (mut router, c) = app();
    let wrong = "x".repeat(40);
    let (status, body) = get_signed(
        &mut router,
        "/reports/q1",
        c.access_key_id.as_str(),
        &wrong,
        Some(c.session_token.expose_secret()),
    )
    .await;
    assert_eq!(status, 403);
    assert!(
        body.contains("<Code>SignatureDoesNotMatch</Code>"),
        "{body}"
    );
}

/// Issue 18: credentials attenuated offline pass the layer exactly where the parent's do, and
/// the layer's authorization applies the policy caveat on top of the role's policies; the
/// parent's secret with the child's token does not authenticate.
#[tokio::test]
async fn attenuated_credentials_authenticate_and_are_held_to_their_caveats() {
    use tempcred::attenuate::Caveat;
    let (mut router, parent) = app();
    let now = UnixTime::from_secs(NOW);
    let child = parent
        .attenuate(
            &[
                Caveat::NotAfter(now.saturating_add(600)),
                Caveat::policy(
                    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"reports:Get","Resource":"arn:aws:reports:::report/q1"}]}"#,
                ),
            ],
            now,
        )
        .unwrap();
    let (key, secret, token) = (
        child.access_key_id.as_str().to_owned(),
        child.secret_access_key.expose_secret().to_owned(),
        child.session_token.expose_secret().to_owned(),
    );
    let (status, body) = get_signed(&mut router, "/reports/q1", &key, &secret, Some(&token)).await;
    assert_eq!(
        (status, body.as_str()),
        (200, "reports:Get on arn:aws:reports:::report/q1")
    );
    // The role allows q2; the caveat does not.
    let (parent_key, parent_secret, parent_token) = (
        parent.access_key_id.as_str().to_owned(),
        parent.secret_access_key.expose_secret().to_owned(),
        parent.session_token.expose_secret().to_owned(),
    );
    let (status, _) = get_signed(
        &mut router,
        "/reports/q2",
        &parent_key,
        &parent_secret,
        Some(&parent_token),
    )
    .await;
    assert_eq!(status, 200);
    let (status, body) = get_signed(&mut router, "/reports/q2", &key, &secret, Some(&token)).await;
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("<Code>AccessDenied</Code>"), "{body}");
    // The parent's secret with the child's token and ID.
    let (status, body) = get_signed(
        &mut router,
        "/reports/q1",
        &key,
        &parent_secret,
        Some(&token),
    )
    .await;
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("SignatureDoesNotMatch"), "{body}");
}

/// The layer hands the Authorizer the client's address, so a policy that blocks a network
/// (`Deny` under `IpAddress`, here as an attenuation caveat) applies; a request whose address
/// the server did not supply is refused rather than decided without `aws:SourceIp`, unless the
/// service declared it cannot know addresses. Attacker's goal: reach the handler from the
/// blocked network by getting the layer to decide without an address.
#[tokio::test]
async fn a_blocked_network_is_refused_and_a_request_without_an_address_is_not_decided_blind() {
    use tempcred::attenuate::Caveat;
    let blocklist = Caveat::policy(
        r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Action":"reports:Get","Resource":"*"},
            {"Effect":"Deny","Action":"*","Resource":"*",
             "Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}]}"#,
    );
    let (mut router, parent) = app();
    let c = parent
        .attenuate(std::slice::from_ref(&blocklist), UnixTime::from_secs(NOW))
        .unwrap();
    let (key, secret, token) = (
        c.access_key_id.as_str().to_owned(),
        c.secret_access_key.expose_secret().to_owned(),
        c.session_token.expose_secret().to_owned(),
    );
    let from = |ip| (key.clone(), secret.clone(), token.clone(), ip);
    let (k, s, t, ip) = from(Some("192.0.2.10"));
    let (status, _) = get_signed_from(&mut router, "/reports/q1", &k, &s, Some(&t), ip).await;
    assert_eq!(status, 200);
    let (k, s, t, ip) = from(Some("203.0.113.5"));
    let (status, body) = get_signed_from(&mut router, "/reports/q1", &k, &s, Some(&t), ip).await;
    assert_eq!((status, body.contains("AccessDenied")), (403, true));
    let (k, s, t, ip) = from(None);
    let (status, body) = get_signed_from(&mut router, "/reports/q1", &k, &s, Some(&t), ip).await;
    assert_eq!(
        (status, body.contains("client address")),
        (403, true),
        "{body}"
    );

    // A service that declares it cannot know addresses is served, and the blocklist cannot
    // apply to it (the documented cost of the declaration).
    let (mut router, parent) = app_with(SigV4Layer::without_client_addresses);
    let c = parent
        .attenuate(&[blocklist], UnixTime::from_secs(NOW))
        .unwrap();
    let (status, _) = get_signed_from(
        &mut router,
        "/reports/q1",
        c.access_key_id.as_str(),
        c.secret_access_key.expose_secret(),
        Some(c.session_token.expose_secret()),
        None,
    )
    .await;
    assert_eq!(status, 200);
}
