//! The session token, the key ring, and credentials derived from the token alone.
//!
//! ## The key ring
//!
//! [`KeyRing`](crate::KeyRing) holds named keys of 32–64 random bytes: one signs, the others only
//! verify until they are retired. No key is used directly: each is used through sub-keys derived
//! with HMAC-SHA256 under fixed labels, `tempcred/v1/session-token-mac` and
//! `tempcred/v1/secret-access-key` (and `tempcred/v1/authorization-message` for encoded
//! authorization messages), so a MAC key is never also a derivation key. The text form for files
//! and environment variables is `sign:KEY-ID:BASE64URL;verify:OLD-ID:BASE64URL`.
//!
//! ## The token (version 1)
//!
//! ```text
//! token  = version:u8(=1) ‖ key_id:str8 ‖ claims ‖ mac:[32]
//! mac    = HMAC-SHA256(token-MAC sub-key of key_id, everything before mac)
//! claims = token_id:[16] ‖ issued_at:u64 ‖ expires_at:u64 ‖ operation:u8
//!          ‖ partition:str8 ‖ account:u64 ‖ principal ‖ source_identity:str8 (empty = none)
//!          ‖ mfa:u8 (0 | 1 ‖ authenticated_at:u64) ‖ chain_depth:u8
//!          ‖ tag_count:u8 ‖ (key:str16 ‖ value:str16 ‖ transitive:u8){tag_count}
//!          ‖ session_policy:str16 (empty = none) ‖ arn_count:u8 ‖ arn:str16{arn_count}
//! principal = 1 ‖ role_path:str16 ‖ role_name:str8 ‖ role_id:str8 ‖ session_name:str8
//!           | 2 ‖ federated_name:str8 ‖ long_term
//!           | 3 ‖ long_term
//! long_term = 0 (root) | 1 ‖ path:str16 ‖ user_name:str8 ‖ user_id:str8
//! strN   = length:uN (big-endian) ‖ UTF-8 bytes
//! ```
//!
//! The whole is carried as unpadded base64url, at most
//! [`MAX_TOKEN_TEXT_BYTES`](crate::limits::MAX_TOKEN_TEXT_BYTES). Integers are big-endian and
//! fixed-width, so no length has two encodings. The version fixes the algorithm: there is no
//! algorithm field to negotiate. Decoding refuses every value the encoder could not have produced
//! (unknown versions and tags, booleans other than 0/1, invalid names, out-of-range times,
//! duplicate tag keys, truncation, trailing bytes), so one token has exactly one encoding.
//!
//! ## Credentials from the token
//!
//! - The access key ID is `ASIA` + base32 of the first 10 bytes of the token's MAC: public, like
//!   the MAC.
//! - The secret access key is base64 of HMAC(secret-derivation sub-key, MAC): only a key-ring
//!   holder can compute it.
//!
//! A verifier that holds the ring recomputes both from the session token, so nothing is stored
//! anywhere, and a SigV4 request signed with the secret proves possession of the token.
//!
//! ## Verification
//!
//! [`Verifier::verify`](crate::Verifier::verify) checks, in order: size and base64url, version,
//! key ID in the ring, the MAC in constant time, and only then decodes the claims; then issue time
//! and expiry against `now` with a leeway (default 5 minutes, at most 15) and the optional
//! [`RevokedSessions`](crate::RevokedSessions) snapshot. Every failure is a distinct
//! [`VerifyError`](crate::VerifyError). A plain token verifies without a heap allocation (an
//! attenuated one allocates, bounded by its size).
//!
//! Tested by: `tests/token_verify.rs` (every rule above, property tests that every altered byte
//! is refused and that encode/decode round-trips), `tests/alloc_verify.rs` (no allocation),
//! `tests/fuzz_replay_token.rs` with the `token_decode` fuzz target.
//!
//! ## Attenuated tokens (version 2)
//!
//! A holder can narrow its own credentials offline, without the ring
//! ([`Credentials::attenuate`](crate::Credentials::attenuate)): the result is a version-2 token
//! that wraps the version-1 token unchanged and appends caveats (an earlier expiry, a policy
//! that must also allow, a source identity), sealed by a chain of HMACs keyed by the previous
//! secret access key:
//!
//! ```text
//! token2 = 2 ‖ parent_len:u16 ‖ parent:v1-token-bytes ‖ caveat_count:u8 ‖ caveat{caveat_count} ‖ tag:[32]
//! caveat = kind:u8 ‖ body_len:u16 ‖ body
//! ```
//!
//! Its access key ID is `ASIA` + base32 of the first 10 bytes of the last tag, its secret the
//! last secret of the chain. The verifier checks the parent's MAC as above, then the chain, then
//! decodes the caveats as strictly as claims. The construction, why it is sound, and what it
//! cannot do: [`attenuation`](super::attenuation).
//!
//! ## Minting without the rules
//!
//! [`hazmat::Seal`](crate::hazmat::Seal) seals any [`Claims`](crate::token::Claims): it checks the
//! token's own bounds and none of the delegation rules. Applications issue through the
//! [`Issuer`](crate::Issuer).
