//! `SigV4Layer::authorize_with` with an `Authorizer` that attaches encoded authorization
//! messages (issue 16, part 2): a refusal is AWS's `AccessDenied` document whose message ends in
//! `Encoded authorization failure message: …`, as EC2's do, and that message decodes, through the
//! Issuer, for a principal of the account allowed `sts:DecodeAuthorizationMessage`.
#![cfg(all(feature = "tower", feature = "authorization-messages"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use axum::body::Body;
use axum::routing::get;
use axum::{Extension, Router};
use std::sync::Arc;
use tempcred::authorization_message::AuthorizationMessages;
use tempcred::authorize::{Authorized, Authorizer};
use tempcred::directory::{Directory, InMemoryDirectory, LongTermOwner};
use tempcred::hazmat::SeededRandom;
use tempcred::keys::{KeyId, KeyMaterial};
use tempcred::sigv4::{
    sign, LongTermKeys, PayloadHash, SigV4Config, SigV4Verifier, SignableRequest, SigningParams,
};
use tempcred::tower::{RequestedAction, Service, SigV4Layer};
use tempcred::{
    AccessKeyId, AssumeRoleRequest, CallEnv, Credentials, DecodeAuthorizationMessageRequest,
    Issuer, KeyRing, ManualClock, SecretAccessKey, UnixTime,
};

const NOW: u64 = 1_764_000_000;
const ALICE_KEY: &str = "AKIAALICEEXAMPLE0001";
const ALICE_SECRET: &str = "aliceSecretKeyForTowerMessages000000000A";

const DIRECTORY: &str = r#"{
  "users": [{ "arn": "arn:aws:iam::111111111111:user/alice",
    "access_keys": [{ "id": "AKIAALICEEXAMPLE0001", "secret": "aliceSecretKeyForTowerMessages000000000A" }],
    "policies": [{ "Version": "2012-10-17", "Statement": [
      { "Effect": "Allow", "Action": "reports:Get", "Resource": "arn:aws:reports:::report/alice-*" },
      { "Effect": "Allow", "Action": "sts:DecodeAuthorizationMessage", "Resource": "*" } ] }] }],
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

fn app() -> (Router, Credentials, Issuer) {
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
    let layer = SigV4Layer::new(verifier)
        .clock(Arc::new(ManualClock::new(UnixTime::from_secs(NOW))))
        .authorize_with(
            Arc::new(Authorizer::new(dir).with_authorization_messages(
                AuthorizationMessages::new(ring).with_random(Arc::new(SeededRandom::new(4))),
            )),
            |parts| {
                let id = parts.uri.path().strip_prefix("/reports/")?;
                Some(RequestedAction {
                    action: "reports:Get".into(),
                    resource: format!("arn:aws:reports:::report/{id}"),
                })
            },
        );
    let router = Router::new()
        .route("/reports/{id}", get(report))
        .route("/other", get(|| async { "unmapped" }))
        .layer(layer);
    (router, creds, issuer)
}

async fn get_signed(
    router: &mut Router,
    path: &str,
    key: &str,
    secret: &str,
    token: Option<&str>,
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
        .header("host", "api.example")
        .extension(tempcred::tower::ClientAddr("192.0.2.10".parse().unwrap()));
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

/// The `<Message>` of an error document.
fn message_of(xml: &str) -> &str {
    xml.split("<Message>")
        .nth(1)
        .and_then(|m| m.split("</Message>").next())
        .unwrap()
}

/// The encoded message at the end of a refusal's text.
fn encoded_of(xml: &str) -> &str {
    message_of(xml)
        .split_once(". Encoded authorization failure message: ")
        .unwrap_or_else(|| panic!("no encoded message in {xml}"))
        .1
}

fn decode(issuer: &Issuer, message: &str) -> serde_json::Value {
    let alice = issuer
        .long_term_caller(&ALICE_KEY.parse().unwrap())
        .unwrap();
    let answer = issuer
        .decode_authorization_message_at(
            &alice,
            &DecodeAuthorizationMessageRequest::new(message).unwrap(),
            &CallEnv::at(UnixTime::from_secs(NOW)),
        )
        .unwrap();
    serde_json::from_str(&answer.decoded_message).unwrap()
}

#[tokio::test]
async fn a_session_refused_by_the_layer_gets_a_message_that_decodes_to_the_refusal() {
    let (mut router, c, issuer) = app();
    let (key, secret, token) = (
        c.access_key_id.as_str().to_owned(),
        c.secret_access_key.expose_secret().to_owned(),
        c.session_token.expose_secret().to_owned(),
    );
    let (status, body) =
        get_signed(&mut router, "/reports/payroll", &key, &secret, Some(&token)).await;
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("<Code>AccessDenied</Code>"), "{body}");
    assert!(message_of(&body).starts_with(
        "User: arn:aws:sts::111111111111:assumed-role/reader/web is not authorized to perform: \
         reports:Get on resource: arn:aws:reports:::report/payroll. Encoded authorization failure \
         message: "
    ));
    let json = decode(&issuer, encoded_of(&body));
    assert_eq!(json["allowed"], false);
    assert_eq!(json["explicitDeny"], false);
    assert_eq!(
        json["context"]["principal"]["arn"],
        "arn:aws:sts::111111111111:assumed-role/reader/web"
    );
    assert_eq!(json["context"]["action"], "reports:Get");
    assert_eq!(
        json["context"]["resource"],
        "arn:aws:reports:::report/payroll"
    );

    // An allowed request is answered by the handler, with no message anywhere.
    let (status, body) = get_signed(&mut router, "/reports/q1", &key, &secret, Some(&token)).await;
    assert_eq!(
        (status, body.as_str()),
        (200, "reports:Get on arn:aws:reports:::report/q1")
    );
}

#[tokio::test]
async fn a_long_term_user_refused_by_the_layer_gets_a_message_naming_the_user() {
    let (mut router, _, issuer) = app();
    let (status, body) =
        get_signed(&mut router, "/reports/q1", ALICE_KEY, ALICE_SECRET, None).await;
    assert_eq!(status, 403, "{body}");
    let json = decode(&issuer, encoded_of(&body));
    let principal = &json["context"]["principal"];
    assert_eq!(principal["arn"], "arn:aws:iam::111111111111:user/alice");
    assert!(
        principal["id"].as_str().unwrap().starts_with("AIDA"),
        "{principal}"
    );
}

#[tokio::test]
async fn refusals_that_are_not_policy_decisions_carry_no_message() {
    let (mut router, c, _) = app();
    // No action for the route: nothing was evaluated, so there is nothing to explain.
    let (status, body) = get_signed(
        &mut router,
        "/other",
        c.access_key_id.as_str(),
        c.secret_access_key.expose_secret(),
        Some(c.session_token.expose_secret()),
    )
    .await;
    assert_eq!(status, 403, "{body}");
    assert!(
        !body.contains("Encoded authorization failure message"),
        "{body}"
    );
    // A bad signature never reaches authorization.
    let (status, body) = get_signed(
        &mut router,
        "/reports/q1",
        c.access_key_id.as_str(),
        &"x".repeat(40),
        Some(c.session_token.expose_secret()),
    )
    .await;
    assert_eq!(status, 403);
    assert!(
        body.contains("<Code>SignatureDoesNotMatch</Code>"),
        "{body}"
    );
    assert!(
        !body.contains("Encoded authorization failure message"),
        "{body}"
    );
}
