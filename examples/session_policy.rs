//! Scope-down with a session policy: the session may do only what both the role's policies and
//! the session policy allow.
//!
//! The role `data` may read and write the bucket `analytics`. alice assumes it twice: once plain,
//! once with a session policy that allows reading only. A service checks each session with
//! [`Authorizer`]: the scoped-down session may `s3:GetObject` but not `s3:PutObject`.
//!
//! Run with `cargo run --example session_policy`.
#![allow(clippy::print_stdout)] // printing is what an example does

use std::error::Error;
use std::sync::Arc;
use tempcred::authorize::{AuthorizationRequest, Authorizer};
use tempcred::directory::{Directory, InMemoryDirectory};
use tempcred::keys::KeyId;
use tempcred::{
    AssumeRoleRequest, Clock, Issuer, KeyRing, PolicyDocument, SystemClock, SystemRandom, Verifier,
};

const DIRECTORY: &str = r#"{
  "users": [{
    "arn": "arn:aws:iam::111111111111:user/alice",
    "access_keys": [{ "id": "AKIAALICEEXAMPLE0001", "secret": "aliceSecretKeyForExamplesOnly00000000000" }]
  }],
  "roles": [{
    "arn": "arn:aws:iam::111111111111:role/data",
    "trust_policy": { "Version": "2012-10-17", "Statement": [{ "Effect": "Allow",
      "Principal": { "AWS": "arn:aws:iam::111111111111:user/alice" }, "Action": "sts:AssumeRole" }] },
    "policies": [{ "Version": "2012-10-17", "Statement": [{ "Sid": "ReadWriteAnalytics",
      "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
      "Resource": "arn:aws:s3:::analytics/*" }] }]
  }]
}"#;

/// What the session is narrowed to: reads only.
const SESSION_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::analytics/*"}]}"#;

fn main() -> Result<(), Box<dyn Error>> {
    let directory: Arc<dyn Directory> = Arc::new(InMemoryDirectory::from_json(DIRECTORY)?);
    let ring = KeyRing::generate(KeyId::new("example")?, &SystemRandom)?;
    let issuer = Issuer::builder(Arc::clone(&directory), ring.clone()).build();
    let authorizer = Authorizer::new(directory);
    let verifier = Verifier::new(&ring);
    let alice = issuer
        .long_term_caller(&"AKIAALICEEXAMPLE0001".parse()?)
        .ok_or("alice is not in the directory")?;

    // The issuer checks the session policy's grammar (and its 2048-character limit) up front.
    PolicyDocument::parse(SESSION_POLICY, 2048)?;
    println!("role data allows s3:GetObject and s3:PutObject on arn:aws:s3:::analytics/*");
    println!("session policy: {SESSION_POLICY}");

    let role = "arn:aws:iam::111111111111:role/data";
    let sessions = [
        (
            "without a session policy",
            AssumeRoleRequest::builder(role, "plain").build()?,
        ),
        (
            "with the session policy",
            AssumeRoleRequest::builder(role, "scoped")
                .policy(SESSION_POLICY)
                .build()?,
        ),
    ];
    for (label, request) in &sessions {
        let creds = issuer.assume_role(&alice, request)?.credentials;
        // What a service does with the session token it receives:
        let now = SystemClock.now();
        let session = verifier.verify(creds.session_token.expose_secret(), now)?;
        println!("session {label} ({}):", session.caller_identity().arn);
        for action in ["s3:GetObject", "s3:PutObject"] {
            let request = AuthorizationRequest::new(action, "arn:aws:s3:::analytics/2026/q1.csv");
            let decision = authorizer.authorize(&session, &request, now)?;
            println!("  {action:<13} on arn:aws:s3:::analytics/2026/q1.csv -> {decision:?}");
        }
    }
    println!("the session policy cannot add rights: it only intersects with the role's policies.");
    Ok(())
}
