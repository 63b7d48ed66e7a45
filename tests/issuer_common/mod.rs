//! Shared fixture of the `issuer_*` integration tests: one deterministic issuer (manual clock,
//! seeded randomness, in-memory audit sink) over a directory written out below, and helpers that
//! turn issued credentials back into callers through the `Verifier`.
#![allow(
    dead_code,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::Arc;
use tempcred::audit::MemoryAuditSink;
use tempcred::directory::{Directory, InMemoryDirectory};
use tempcred::hazmat::SeededRandom;
use tempcred::keys::{KeyId, KeyMaterial};
use tempcred::{
    AssumeRoleRequest, AssumeRoleResponse, CallEnv, Caller, Clock, Credentials, Issuer, KeyRing,
    ManualClock, StsError, StsErrorCode, UnixTime, VerifiedSession, Verifier,
};

/// The fixture's "now" (a multiple of the 30-second TOTP step).
pub const NOW: u64 = 1_764_000_000;
/// The account of the users and of most roles.
pub const A: &str = "111111111111";
/// The other account: a cross-account role and the OIDC provider.
pub const B: &str = "222222222222";

pub const ALICE: &str = "arn:aws:iam::111111111111:user/alice";
pub const BOB: &str = "arn:aws:iam::111111111111:user/bob";
pub const CAROL: &str = "arn:aws:iam::111111111111:user/carol";
pub const ROOT: &str = "arn:aws:iam::111111111111:root";

pub const ALICE_KEY: &str = "AKIAALICEEXAMPLE0001";
pub const BOB_KEY: &str = "AKIABOBEXAMPLE000001";
pub const CAROL_KEY: &str = "AKIACAROLEXAMPLE0001";
/// Dave may call `GetFederationToken` but not `sts:TagSession`.
pub const DAVE_KEY: &str = "AKIADAVEEXAMPLE00001";
pub const DAVE: &str = "arn:aws:iam::111111111111:user/dave";
pub const ROOT_KEY: &str = "AKIAROOTEXAMPLE00001";
pub const ALICE_SECRET: &str = "aliceSecretKeyForIssuerTests00000000000A";

pub const ALICE_MFA: &str = "arn:aws:iam::111111111111:mfa/alice";
pub const BOB_MFA: &str = "arn:aws:iam::111111111111:mfa/bob";
pub const ROOT_MFA: &str = "arn:aws:iam::111111111111:mfa/root-account-mfa-device";

pub const READ_POLICY: &str = "arn:aws:iam::111111111111:policy/s3-read";
pub const OIDC_ARN: &str = "arn:aws:iam::222222222222:oidc-provider/id.example.com";

/// `arn:aws:iam::111111111111:role/NAME`.
pub fn role(name: &str) -> String {
    format!("arn:aws:iam::{A}:role/{name}")
}

/// `arn:aws:sts::111111111111:assumed-role/ROLE/SESSION`.
pub fn assumed(role: &str, session: &str) -> String {
    format!("arn:aws:sts::{A}:assumed-role/{role}/{session}")
}

const DIRECTORY: &str = r#"{
  "partition": "aws",
  "users": [
    { "arn": "arn:aws:iam::111111111111:user/alice",
      "access_keys": [{ "id": "AKIAALICEEXAMPLE0001", "secret": "aliceSecretKeyForIssuerTests00000000000A" }],
      "mfa_devices": [{ "serial": "arn:aws:iam::111111111111:mfa/alice", "totp_base32": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP" }],
      "policies": [{ "Version": "2012-10-17", "Statement": [
        { "Sid": "Assume", "Effect": "Allow", "Action": ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"], "Resource": "*" },
        { "Sid": "Federate", "Effect": "Allow", "Action": ["sts:GetFederationToken", "sts:TagSession"], "Resource": "arn:aws:sts::111111111111:federated-user/fed-*" },
        { "Sid": "S3", "Effect": "Allow", "Action": "s3:*", "Resource": "*" } ] }],
      "tags": { "team": "payments" } },
    { "arn": "arn:aws:iam::111111111111:user/bob",
      "access_keys": [{ "id": "AKIABOBEXAMPLE000001", "secret": "bobSecretKeyForIssuerTests0000000000000A" }],
      "mfa_devices": [{ "serial": "arn:aws:iam::111111111111:mfa/bob", "totp_base32": "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" }] },
    { "arn": "arn:aws:iam::111111111111:user/dave",
      "access_keys": [{ "id": "AKIADAVEEXAMPLE00001", "secret": "daveSecretKeyForIssuerTests00000000000AA" }],
      "policies": [{ "Version": "2012-10-17", "Statement": [
        { "Effect": "Allow", "Action": "sts:GetFederationToken", "Resource": "arn:aws:sts::111111111111:federated-user/*" } ] }] },
    { "arn": "arn:aws:iam::111111111111:user/carol",
      "access_keys": [{ "id": "AKIACAROLEXAMPLE0001", "secret": "carolSecretKeyForIssuerTests00000000000A" }],
      "policies": [{ "Version": "2012-10-17", "Statement": [
        { "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*" },
        { "Effect": "Deny", "Action": "sts:AssumeRole", "Resource": "arn:aws:iam::111111111111:role/named-carol" } ] }] }
  ],
  "roots": [
    { "account": "111111111111",
      "access_keys": [{ "id": "AKIAROOTEXAMPLE00001", "secret": "rootSecretKeyForIssuerTests000000000000A" }],
      "mfa_devices": [{ "serial": "arn:aws:iam::111111111111:mfa/root-account-mfa-device", "totp_base32": "MFRGGZDFMZTWQ2LKMFRGGZDFMZTWQ2LK" }] }
  ],
  "roles": [
    { "arn": "arn:aws:iam::111111111111:role/short",
      "trust_policy": { "Version": "2012-10-17", "Statement": [{ "Effect": "Allow",
        "Principal": { "AWS": ["arn:aws:iam::111111111111:user/alice", "arn:aws:iam::111111111111:user/bob"] },
        "Action": "sts:AssumeRole" }] },
      "policies": [{ "Version": "2012-10-17", "Statement": [
        { "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*" } ] }] },
    { "arn": "arn:aws:iam::111111111111:role/long",
      "max_session_duration": 43200,
      "trust_policy": { "Version": "2012-10-17", "Statement": [{ "Effect": "Allow",
        "Principal": { "AWS": ["arn:aws:iam::111111111111:user/alice", "arn:aws:iam::111111111111:user/bob",
                               "arn:aws:iam::111111111111:role/short"] },
        "Action": "sts:AssumeRole" }] } },
    { "arn": "arn:aws:iam::111111111111:role/ext",
      "trust_policy": { "Version": "2012-10-17", "Statement": [{ "Effect": "Allow",
        "Principal": { "AWS": "arn:aws:iam::111111111111:user/alice" }, "Action": "sts:AssumeRole",
        "Condition": { "StringEquals": { "sts:ExternalId": "partner-42" } } }] } },
    { "arn": "arn:aws:iam::111111111111:role/mfa",
      "trust_policy": { "Version": "2012-10-17", "Statement": [{ "Effect": "Allow",
        "Principal": { "AWS": ["arn:aws:iam::111111111111:user/alice", "arn:aws:iam::111111111111:user/bob"] },
        "Action": "sts:AssumeRole",
        "Condition": { "Bool": { "aws:MultiFactorAuthPresent": "true" },
                       "NumericLessThan": { "aws:MultiFactorAuthAge": "300" } } }] } },
    { "arn": "arn:aws:iam::111111111111:role/mfa-chain",
      "trust_policy": { "Version": "2012-10-17", "Statement": [{ "Effect": "Allow",
        "Principal": { "AWS": ["arn:aws:iam::111111111111:role/mfa", "arn:aws:iam::111111111111:role/short"] },
        "Action": "sts:AssumeRole",
        "Condition": { "Bool": { "aws:MultiFactorAuthPresent": "true" },
                       "NumericLessThan": { "aws:MultiFactorAuthAge": "600" } } }] } },
    { "arn": "arn:aws:iam::111111111111:role/plain",
      "trust_policy": { "Version": "2012-10-17", "Statement": [{ "Effect": "Allow",
        "Principal": { "AWS": "arn:aws:iam::111111111111:user/alice" }, "Action": "sts:AssumeRole" }] } },
    { "arn": "arn:aws:iam::111111111111:role/tagcond",
      "trust_policy": { "Version": "2012-10-17", "Statement": [
        { "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::111111111111:user/alice" }, "Action": "sts:AssumeRole" },
        { "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::111111111111:user/alice" }, "Action": "sts:TagSession",
          "Condition": { "StringEquals": { "aws:RequestTag/team": "payments" },
                         "ForAllValues:StringEquals": { "aws:TagKeys": ["team", "env"] } } } ] } },
    { "arn": "arn:aws:iam::111111111111:role/transitive-team",
      "trust_policy": { "Version": "2012-10-17", "Statement": [
        { "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::111111111111:user/alice" }, "Action": "sts:AssumeRole" },
        { "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::111111111111:user/alice" }, "Action": "sts:TagSession",
          "Condition": { "ForAnyValue:StringEquals": { "sts:TransitiveTagKeys": "team" } } } ] } },
    { "arn": "arn:aws:iam::111111111111:role/guarded",
      "trust_policy": { "Version": "2012-10-17", "Statement": [{ "Effect": "Allow",
        "Principal": { "AWS": ["arn:aws:iam::111111111111:user/alice", "arn:aws:iam::111111111111:user/bob"] },
        "Action": "sts:AssumeRole",
        "Condition": { "IpAddress": { "aws:SourceIp": "203.0.113.0/24" },
                       "StringEquals": { "aws:PrincipalTag/team": "payments", "aws:PrincipalType": "User" },
                       "DateLessThan": { "aws:CurrentTime": "2030-01-01T00:00:00Z" } } }] } },
    { "arn": "arn:aws:iam::111111111111:role/parent",
      "trust_policy": { "Version": "2012-10-17", "Statement": [{ "Effect": "Allow",
        "Principal": { "AWS": "arn:aws:iam::111111111111:user/alice" },
        "Action": ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"] }] } },
    { "arn": "arn:aws:iam::111111111111:role/child",
      "trust_policy": { "Version": "2012-10-17", "Statement": [{ "Effect": "Allow",
        "Principal": { "AWS": "arn:aws:iam::111111111111:role/parent" },
        "Action": ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"] }] } },
    { "arn": "arn:aws:iam::111111111111:role/acct",
      "trust_policy": { "Version": "2012-10-17", "Statement": [{ "Effect": "Allow",
        "Principal": { "AWS": "111111111111" }, "Action": "sts:AssumeRole" }] } },
    { "arn": "arn:aws:iam::111111111111:role/named-carol",
      "trust_policy": { "Version": "2012-10-17", "Statement": [{ "Effect": "Allow",
        "Principal": { "AWS": ["arn:aws:iam::111111111111:user/carol", "arn:aws:iam::111111111111:user/alice"] },
        "Action": "sts:AssumeRole" }] } },
    { "arn": "arn:aws:iam::111111111111:role/team/pathed",
      "trust_policy": { "Version": "2012-10-17", "Statement": [{ "Effect": "Allow",
        "Principal": { "AWS": "arn:aws:iam::111111111111:user/alice" }, "Action": "sts:AssumeRole" }] } },
    { "arn": "arn:aws:iam::111111111111:role/service",
      "trust_policy": { "Version": "2012-10-17", "Statement": [{ "Effect": "Allow",
        "Principal": { "Service": "ec2.amazonaws.com" }, "Action": "sts:AssumeRole" }] } },
    { "arn": "arn:aws:iam::111111111111:role/reader",
      "trust_policy": { "Version": "2012-10-17", "Statement": [{ "Effect": "Allow",
        "Principal": { "AWS": "arn:aws:iam::111111111111:user/alice" },
        "Action": ["sts:AssumeRole", "sts:TagSession"] }] },
      "policies": [{ "Version": "2012-10-17", "Statement": [
        { "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::bucket/*" } ] }] },
    { "arn": "arn:aws:iam::222222222222:role/cross",
      "trust_policy": { "Version": "2012-10-17", "Statement": [{ "Effect": "Allow",
        "Principal": { "AWS": ["arn:aws:iam::111111111111:user/alice", "arn:aws:iam::111111111111:user/bob"] },
        "Action": "sts:AssumeRole" }] } },
    { "arn": "arn:aws:iam::222222222222:role/web",
      "trust_policy": { "Version": "2012-10-17", "Statement": [{ "Effect": "Allow",
        "Principal": { "Federated": "arn:aws:iam::222222222222:oidc-provider/id.example.com" },
        "Action": ["sts:AssumeRoleWithWebIdentity", "sts:TagSession", "sts:SetSourceIdentity"],
        "Condition": { "StringEquals": { "id.example.com:aud": "sts.amazonaws.com", "id.example.com:sub": "user-42" } } }] } },
    { "arn": "arn:aws:iam::222222222222:role/web-notag",
      "trust_policy": { "Version": "2012-10-17", "Statement": [{ "Effect": "Allow",
        "Principal": { "Federated": "arn:aws:iam::222222222222:oidc-provider/id.example.com" },
        "Action": "sts:AssumeRoleWithWebIdentity" }] } }
  ],
  "oidc_providers": [
    { "arn": "arn:aws:iam::222222222222:oidc-provider/id.example.com",
      "url": "https://id.example.com",
      "audiences": ["sts.amazonaws.com", "other-app"],
      "jwks": JWKS }
  ],
  "managed_policies": [
    { "arn": "arn:aws:iam::111111111111:policy/s3-read",
      "document": { "Version": "2012-10-17", "Statement": [
        { "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*" } ] } }
  ]
}"#;

/// The fixture directory's JSON text.
pub fn directory_json() -> String {
    DIRECTORY.replace("JWKS", include_str!("../data/oidc_jwks.json"))
}

/// One deterministic issuer and everything needed to check what it does.
pub struct Fx {
    pub dir: Arc<InMemoryDirectory>,
    pub ring: KeyRing,
    pub clock: Arc<ManualClock>,
    pub audit: Arc<MemoryAuditSink>,
    pub issuer: Issuer,
}

impl Fx {
    /// The fixture over [`directory_json`], at [`NOW`].
    pub fn new() -> Self {
        let dir = Arc::new(InMemoryDirectory::from_json(&directory_json()).unwrap());
        let ring = KeyRing::new(
            KeyId::new("k1").unwrap(),
            KeyMaterial::from_bytes(&[0x5a; 32]).unwrap(),
        )
        .unwrap();
        let clock = Arc::new(ManualClock::new(UnixTime::from_secs(NOW)));
        let audit = Arc::new(MemoryAuditSink::new());
        let builder = Issuer::builder(dir.clone(), ring.clone())
            .clock(clock.clone())
            .random(Arc::new(SeededRandom::new(7)))
            .audit_sink(audit.clone());
        #[cfg(feature = "totp")]
        let builder = builder.mfa_verifier(Arc::new(tempcred::TotpVerifier::new(dir.clone())));
        #[cfg(feature = "oidc")]
        let builder = builder.web_identity_validator(Arc::new(tempcred::JwksValidator::new()));
        let issuer = builder.build();
        Fx {
            dir,
            ring,
            clock,
            audit,
            issuer,
        }
    }

    /// The current call environment.
    pub fn env(&self) -> CallEnv {
        CallEnv::at(self.clock.now())
    }

    /// The instant now.
    pub fn now(&self) -> UnixTime {
        self.clock.now()
    }

    /// Moves the clock forward.
    pub fn advance(&self, secs: u64) {
        self.clock.advance(secs);
    }

    /// The long-term caller behind `key`.
    pub fn key(&self, key: &str) -> Caller {
        self.issuer
            .long_term_caller(&key.parse().unwrap())
            .expect("known key")
    }

    pub fn alice(&self) -> Caller {
        self.key(ALICE_KEY)
    }
    pub fn bob(&self) -> Caller {
        self.key(BOB_KEY)
    }
    pub fn carol(&self) -> Caller {
        self.key(CAROL_KEY)
    }
    pub fn root(&self) -> Caller {
        self.key(ROOT_KEY)
    }

    /// Verifies `creds` now, checking the derived access key and secret match what was returned.
    pub fn verify(&self, creds: &Credentials) -> VerifiedSession {
        let verifier = Verifier::new(&self.ring);
        let s = verifier
            .verify(creds.session_token.expose_secret(), self.now())
            .expect("issued token verifies");
        assert_eq!(s.access_key_id(), &creds.access_key_id);
        assert!(verifier
            .secret_access_key(&s)
            .unwrap()
            .ct_eq(&creds.secret_access_key));
        assert_eq!(s.claims().expires_at, creds.expiration);
        s
    }

    /// The caller signing with `creds`.
    pub fn session(&self, creds: &Credentials) -> Caller {
        Caller::from_session(self.verify(creds))
    }

    /// `AssumeRole` now.
    pub fn assume(
        &self,
        caller: &Caller,
        request: &AssumeRoleRequest,
    ) -> Result<AssumeRoleResponse, StsError> {
        self.issuer.assume_role_at(caller, request, &self.env())
    }

    /// `AssumeRole` of `role_arn` with session name `name` and nothing else; must succeed.
    pub fn assume_ok(&self, caller: &Caller, role_arn: &str, name: &str) -> AssumeRoleResponse {
        let r = AssumeRoleRequest::builder(role_arn, name).build().unwrap();
        self.assume(caller, &r).unwrap()
    }

    /// The seed-derived TOTP code of `serial` at `at`, as the six digits a user types.
    #[cfg(feature = "totp")]
    pub fn totp(&self, serial: &str, at: UnixTime) -> String {
        let serial = tempcred::MfaSerialNumber::new(serial).unwrap();
        let seed = self.dir.mfa_device(&serial).unwrap().seed().clone();
        format!("{:06}", tempcred::mfa::totp_code(&seed, at))
    }
}

/// The error of a result that must have failed.
pub fn err<T: std::fmt::Debug>(r: Result<T, StsError>) -> StsError {
    match r {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => e,
    }
}

/// The code of a result that must have failed.
pub fn code<T: std::fmt::Debug>(r: Result<T, StsError>) -> StsErrorCode {
    err(r).code
}

/// `User: CALLER is not authorized to perform: ACTION on resource: RESOURCE`.
pub fn not_authorized(caller: &str, action: &str, resource: &str) -> String {
    format!("User: {caller} is not authorized to perform: {action} on resource: {resource}")
}

/// The lifetime of issued credentials.
pub fn lifetime(creds: &Credentials, fx: &Fx) -> u64 {
    creds.expiration.seconds_since(fx.now())
}

/// A directory lookup, so tests can reach `Directory` methods without importing the trait.
pub fn directory(fx: &Fx) -> &dyn Directory {
    &*fx.dir
}
