//! Offline attenuation: narrowing your own credentials without calling the issuer.
//!
//! A holder of temporary credentials (access key ID, secret access key, session token) derives,
//! on its own machine, a narrower credential triple with
//! [`Credentials::attenuate`](crate::Credentials::attenuate): no round trip, no key ring. Unmodified
//! AWS SDKs sign with the result, and every tempcred verifier accepts it. A CI job hands a child
//! process credentials limited to one S3 prefix for ten minutes; a service passes a
//! tenant-scoped credential to a plugin. The `attenuate` example does it as a
//! `credential_process` helper, so the AWS CLI uses attenuated credentials with no code.
//!
//! ## Caveats
//!
//! | kind | caveat | effect |
//! |---|---|---|
//! | 1 | [`NotAfter`](crate::attenuate::Caveat::NotAfter)`(t)` | expiry = min(parent's, every `NotAfter`) |
//! | 2 | [`Policy`](crate::attenuate::Caveat::Policy)`(json)` | permissions = parent's ∩ every policy caveat |
//!
//! ### No caveat asserts
//!
//! Every caveat removes rights; none adds a fact the parent's own policies would read. A first
//! draft had a third kind that set `aws:SourceIdentity` on a parent without one, as AWS allows
//! when chaining. An independent review broke it (`tests/review_attenuation.rs`, rule 1): the
//! value reached the request context, so the parent's own policies saw it, and a holder could
//! unlock `"StringEquals": {"aws:SourceIdentity": "admin"}`, read
//! `home/${aws:SourceIdentity}/*` of anyone, and lift AWS's recommended "deny without a source
//! identity" rule. AWS accepts a source identity only from a principal whose role trust policy
//! grants `sts:SetSourceIdentity`, checked by the STS; a holder attenuating offline has no such
//! check, so tempcred refuses kind 3 in every token and offers no such caveat. (Evaluating the
//! parent's policies without it would not rescue it: `VerifiedSession::claims` would then carry
//! a source identity that no rule checked.)
//!
//! A policy caveat follows the rules and size limit of an inline session policy
//! ([`MAX_SESSION_POLICY_CHARS`](crate::limits::MAX_SESSION_POLICY_CHARS)). There is no
//! source-address caveat: a policy caveat with an `aws:SourceIp` condition does it, since the
//! [`Authorizer`](crate::authorize::Authorizer) sets that key from the request's `source_ip`.
//! Write it as an allowlist (an `Allow` under `IpAddress`, or a `Deny` under `NotIpAddress`):
//! where the service passes no address the key is missing, the `Allow` does not apply and the
//! `Deny` does (a negated operator on a missing key is true, as in AWS), so the request is
//! refused either way. A blocklist (a `Deny` under `IpAddress`) would not apply to a request
//! without an address.
//!
//! `attenuate` refuses caveats that could never narrow or never work: none at all, more than
//! [`MAX_CAVEATS`](crate::limits::MAX_CAVEATS) in the token, a `NotAfter` at or before `now` or
//! later than the current expiry (an equal one is accepted and changes nothing), an invalid
//! policy, a token over 4096 bytes. The verifier enforces the semantics whatever the encoder
//! allowed: it takes the minimum expiry and intersects every policy.
//!
//! ## The token (version 2)
//!
//! ```text
//! token2  = 2 ‖ parent_len:u16 ‖ parent:v1-token-bytes ‖ caveat_count:u8 ‖ caveat{caveat_count} ‖ tag:[32]
//! caveat  = kind:u8 ‖ body_len:u16 ‖ body
//! kind 1  = NotAfter:       body = u64 unix seconds (exactly 8 bytes, at most year 9999)
//! kind 2  = Policy:         body = UTF-8 IAM policy JSON (non-empty; an inline session policy)
//! kind 3  = refused (see "No caveat asserts")
//! ```
//!
//! Carried, like version 1, as unpadded base64url of at most
//! [`MAX_TOKEN_TEXT_BYTES`](crate::limits::MAX_TOKEN_TEXT_BYTES). `caveat_count` is 1 to
//! [`MAX_CAVEATS`](crate::limits::MAX_CAVEATS) (8). Decoding is strict: the parent must be a
//! well-formed version-1 token (never a version-2 one: attenuating attenuated credentials appends
//! to the one list), unknown kinds, a count of 0, over 8 or not matching the list, truncation,
//! trailing bytes, a `NotAfter` of another length than 8 bytes, invalid UTF-8 and an invalid
//! policy are each refused with
//! [`VerifyError::Malformed`](crate::VerifyError::Malformed), never a panic. One token has one
//! encoding.
//!
//! ## The chain
//!
//! With `S_0` the parent's secret access key (40 ASCII characters, derived from the version-1
//! MAC as in [`token_format`](super::token_format)) and `c_i` the `i`-th caveat's encoding:
//!
//! ```text
//! k_i   = HMAC-SHA256(key = S_{i-1}, "tempcred/v1/attenuate" ‖ u16 len(c_i) ‖ c_i)
//! S_i   = base64(first 30 bytes of HMAC-SHA256(k_i, "tempcred/v1/attenuate/secret"))
//! tag_i = HMAC-SHA256(k_i, "tempcred/v1/attenuate/tag")
//! ```
//!
//! Only the last tag, `tag_n`, is stored. The attenuated credentials are: access key ID
//! `ASIA` + base32(`tag_n[..10]`), secret access key `S_n`, session token `token2`.
//!
//! - **The holder** needs only its own triple to append caveats: it has `S_{n-1}` (its secret)
//!   and `token_{n-1}` (its token), computes `k_n`, `S_n` and `tag_n`, and writes the token with
//!   the new caveats appended and the tag replaced. No key ring.
//! - **The verifier** holds the ring: it checks the version-1 parent's MAC exactly as for a
//!   plain token, derives `S_0`, walks the chain and compares `tag_n` in constant time. Only
//!   then does it decode the caveats and fold them in. Every intermediate key and secret is
//!   wiped when dropped.
//!
//! ## Why it is sound
//!
//! The child holds `S_n` and public data (the token, including `tag_n`). HMAC-SHA256 is a PRF,
//! so `S_n` and `tag_n` reveal nothing about `k_n`, and `k_n` nothing about `S_{n-1}`:
//!
//! - **Dropping a caveat** (or all of them) needs a valid tag for the shorter chain:
//!   `tag_{n-1}` is computed from `k_{n-1}`, which needs `S_{n-2}`, which the child does not
//!   hold. Presenting the parent's own version-1 token needs the parent's access key ID and
//!   secret `S_0` to sign with; the child has neither.
//! - **Reordering** gives a different chain, whose tag the child cannot compute for the same
//!   reason.
//! - **Grafting** the caveats onto another parent changes `S_0` (a PRF of the other parent's
//!   MAC under the ring's secret-derivation key), so the stored tag does not match.
//! - **Changing any byte** changes the parent's MAC input or a `c_i`, and so `tag_n`; the
//!   length prefix keeps caveat boundaries unambiguous.
//! - **Signing with the wrong half of a triple**: the SigV4 verifier takes the access key ID
//!   from `tag_n` and the secret from the chain, so the parent's secret with the child's token
//!   (or the child's secret with the parent's token) does not verify.
//!
//! Anyone can append a caveat to credentials they hold; that only narrows, by the semantics
//! above: the child's permissions are an intersection that includes the parent's, its expiry a
//! minimum that includes the parent's, and its identity (principal, account, tags, session
//! policies, MFA, issue time) is the parent's claims, which the child cannot change.
//!
//! ## How the parts apply it
//!
//! - [`Verifier::verify`](crate::Verifier::verify): the checks above;
//!   [`VerifiedSession::claims`](crate::VerifiedSession::claims) returns the claims with the
//!   expiry folded in, so an application reading claims cannot miss it (a `NotAfter`, like any
//!   expiry, is enforced with the verifier's clock-skew leeway, 5 minutes by default);
//!   [`VerifiedSession::attenuation`](crate::VerifiedSession::attenuation) gives the caveats and
//!   the parsed policies. A plain version-1 token still verifies without a heap allocation; an
//!   attenuated one allocates (bounded by the 4096-byte token).
//! - [`Authorizer`](crate::authorize::Authorizer): everything it checks for the parent, and
//!   every policy caveat must also allow on its own (an explicit deny in any refuses). An
//!   application that decides from a session without the `Authorizer` must apply
//!   [`Attenuation::policies`](crate::attenuate::Attenuation::policies) itself.
//! - [`sigv4::SigV4Verifier`](crate::sigv4::SigV4Verifier) and the tower layer accept
//!   attenuated credentials wherever they accept issued session credentials.
//! - [`Issuer`](crate::Issuer) (STS): attenuated credentials may call `GetCallerIdentity`
//!   (which answers the parent's ARN, user ID and account) and nothing else. `AssumeRole`
//!   (chaining), `GetSessionToken`, `GetFederationToken`, `GetWebIdentityToken`,
//!   `GetAccessKeyInfo` and `DecodeAuthorizationMessage` are refused with `AccessDenied`: each
//!   issues a credential or reveals something, and what it returned would not carry the caveats,
//!   so a child limited to ten minutes or one prefix would leave with a fresh, unlimited
//!   credential. AWS has no attenuated credentials; this is tempcred's rule. The check is in
//!   one place every operation passes (the issuer's caller acceptance).
//! - Audit events of calls with attenuated credentials carry `caller_caveats` (the count);
//!   never a caveat's secret, since there is none to record.
//! - Revocation: a cut-off for the parent's role ([`RevokedSessions`](crate::RevokedSessions))
//!   applies to every child, since the child carries the parent's claims.
//!
//! ## What attenuation cannot do
//!
//! - **Add rights.** A policy caveat only intersects; `"Allow *"` in a caveat grants nothing the
//!   parent lacks. A later `NotAfter` does not extend a lifetime.
//! - **Revoke a parent, or a child.** Attenuation is offline and the verifier stateless: the
//!   parent keeps working after a child is derived, and a child leaked stays valid until its own
//!   expiry. Give children short `NotAfter`s; to cut sessions short, revoke the parent's role
//!   sessions or retire the key, which ends every child too.
//! - **Call STS to mint.** Attenuated credentials cannot obtain new credentials from the issuer
//!   (see above): re-issue from the parent instead.
//! - **Hide the parent's identity.** The child is the parent's session: the same ARN in
//!   `GetCallerIdentity`, in the request context and in audit trails.
//! - **Narrow what the verifier does not enforce.** Services that authorize with the
//!   [`Authorizer`](crate::authorize::Authorizer) (or the tower layer's `authorize_with`) apply
//!   policy caveats; a service that reads only the claims applies the expiry and source
//!   identity but not the policies.
//!
//! ## Bounds
//!
//! Token text at most 4096 bytes, at most 8 caveats, each policy caveat at most 2048
//! characters. Verifying walks at most 8 links of three HMACs each, after the parent's MAC has
//! passed, so an unauthenticated token costs no more than a plain one plus the structure check.
//!
//! Tested by: `tests/attenuation.rs` (in the `issuer` binary: each rule with an allowed and a
//! refused case from an attacker's goal, an independent implementation of the chain that forges
//! what the API refuses to build, and property tests), `tests/fuzz_replay_attenuated_token.rs`
//! with the `attenuated_token` fuzz target, `tests/real_client/attenuate_*.py` (boto3 and the AWS
//! CLI through the `attenuate` example), and `benches/attenuation.rs`.
