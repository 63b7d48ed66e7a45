//! [`SigningKeyRing`]: the private keys that sign web identity tokens, and their public JWKS.
//!
//! Text form, one key per line, like the HMAC ring's:
//!
//! ```text
//! # tempcred signing keys: ROLE:KEY-ID:ALGORITHM:PKCS8
//! sign:rs-2026-12:RS256:MIIEvQIBADANBgkqhkiG9w0BAQEFAASC…
//! sign:es-2026-12:ES384:MIG2AgEAMBAGByqGSM49AgEGBSuBBAAiBIGeMIGbAgEBBDD…
//! verify:rs-2026-11:RS256:MIIEvgIBADANBgkqhkiG9w0BAQEFAASC…
//! ```
//!
//! `ROLE` is `sign` (the key that signs new tokens: at most one per algorithm) or `verify` (a
//! key that no longer signs but stays in the JWKS until every token it signed has expired);
//! `PKCS8` is the private key's PKCS#8 DER in unpadded base64url. RSA keys are 2048 to 4096 bits.
//! Blank lines and lines starting with `#` are ignored. At most [`MAX_SIGNING_KEYS`]
//! keys and 256 KiB of text.

use super::SigningAlgorithm;
use crate::keys::KeyId;
use crate::limits::MAX_SIGNING_KEYS;
use crate::random::{RandomError, RandomSource};
use data_encoding::BASE64URL_NOPAD;
use p384::ecdsa::signature::Signer as _;
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use rsa::traits::PublicKeyParts;
use std::fmt;
use zeroize::Zeroizing;

/// Why a signing key ring could not be read, made or used. Never holds key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SigningKeyError {
    /// A line is not `ROLE:KEY-ID:ALGORITHM:PKCS8`.
    #[error("signing key line {line}: {reason}")]
    Syntax {
        /// The 1-based line number.
        line: usize,
        /// What is wrong.
        reason: &'static str,
    },
    /// A key ID is not 1–32 characters of `A-Za-z0-9._-`.
    #[error("a signing key ID must be 1 to 32 characters of A-Za-z0-9._-")]
    InvalidKeyId,
    /// Two keys share an ID.
    #[error("the signing key ID {0} is used twice")]
    DuplicateKeyId(String),
    /// Two `sign` keys for one algorithm.
    #[error("more than one signing key for {0}")]
    TwoActiveKeys(SigningAlgorithm),
    /// The key material is not a PKCS#8 private key of the named algorithm, or an RSA key is
    /// outside 2048–4096 bits.
    #[error("signing key {0}: not a valid private key for its algorithm")]
    InvalidKey(String),
    /// More than [`MAX_SIGNING_KEYS`] keys or 256 KiB of text.
    #[error("the signing key ring is too large")]
    TooLarge,
    /// The ring has no key at all.
    #[error("the signing key ring is empty")]
    Empty,
    /// No key with this ID.
    #[error("no signing key {0}")]
    UnknownKey(String),
    /// The issuer URL is not `https://HOST[/PATH]` (the rule IAM applies to OIDC providers).
    #[error("invalid issuer URL: {0}")]
    InvalidIssuer(&'static str),
    /// The random source failed while making or using a key.
    #[error("the random source failed")]
    Random,
    /// The signature primitive failed.
    #[error("signing failed")]
    Signing,
}

impl From<RandomError> for SigningKeyError {
    fn from(_: RandomError) -> Self {
        SigningKeyError::Random
    }
}

/// What a key in the ring does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SigningKeyRole {
    /// It signs new tokens of its algorithm (at most one key per algorithm).
    Sign,
    /// It signs nothing but stays in the JWKS, so tokens it signed still verify.
    Verify,
}

impl SigningKeyRole {
    /// The role as the key file writes it: `sign` or `verify`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            SigningKeyRole::Sign => "sign",
            SigningKeyRole::Verify => "verify",
        }
    }
}

/// A private key. Both types wipe their secrets on drop.
enum Secret {
    Rsa(Box<rsa::RsaPrivateKey>),
    Ec(Box<p384::ecdsa::SigningKey>),
}

struct Entry {
    id: KeyId,
    role: SigningKeyRole,
    secret: Secret,
}

impl Entry {
    fn algorithm(&self) -> SigningAlgorithm {
        match self.secret {
            Secret::Rsa(_) => SigningAlgorithm::Rs256,
            Secret::Ec(_) => SigningAlgorithm::Es384,
        }
    }
}

/// The keys that sign web identity tokens: RS256 and ES384 keys, each with a key ID, at most one
/// signing per algorithm, the others published for verification only.
///
/// `Debug` shows key IDs, algorithms and roles, never key material.
///
/// ```
/// use tempcred::keys::KeyId;
/// use tempcred::outbound::{SigningAlgorithm, SigningKeyRing, SigningKeyRole};
/// use tempcred::SystemRandom;
/// let mut ring = SigningKeyRing::new();
/// ring.generate(KeyId::new("es-1")?, SigningAlgorithm::Es384, SigningKeyRole::Sign, &SystemRandom)?;
/// let jwks = ring.jwks_json();
/// assert!(jwks.contains(r#""kid":"es-1""#) && jwks.contains(r#""crv":"P-384""#));
/// assert!(!jwks.contains(r#""d":"#), "public keys only");
/// let again = SigningKeyRing::from_text(&ring.to_text())?;
/// assert_eq!(again.jwks_json(), jwks);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Default)]
pub struct SigningKeyRing {
    keys: Vec<Entry>,
}

impl fmt::Debug for SigningKeyRing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(
                self.keys
                    .iter()
                    .map(|k| format!("{}:{}:{}", k.role.as_str(), k.id.as_str(), k.algorithm())),
            )
            .finish()
    }
}

/// The RSA modulus sizes accepted, in bits.
const RSA_BITS: std::ops::RangeInclusive<usize> = 2048..=4096;
/// The size of newly generated RSA keys, in bits.
const RSA_GENERATED_BITS: usize = 2048;
const MAX_TEXT_BYTES: usize = 256 * 1024;

impl SigningKeyRing {
    /// An empty ring (it signs nothing until a key is added).
    #[must_use]
    pub fn new() -> Self {
        SigningKeyRing::default()
    }

    /// Makes a new key of `algorithm` (RSA: 2048 bits) from `rng` and adds it with `role`.
    ///
    /// # Errors
    ///
    /// [`SigningKeyError`] when the ID is taken, the ring is full, the algorithm already has a
    /// signing key (for [`SigningKeyRole::Sign`]), or the random source fails.
    pub fn generate(
        &mut self,
        id: KeyId,
        algorithm: SigningAlgorithm,
        role: SigningKeyRole,
        rng: &dyn RandomSource,
    ) -> Result<(), SigningKeyError> {
        let mut adapter = Rng::new(rng);
        let secret = match algorithm {
            SigningAlgorithm::Rs256 => rsa::RsaPrivateKey::new(&mut adapter, RSA_GENERATED_BITS)
                .map(|k| Secret::Rsa(Box::new(k)))
                .map_err(|_| SigningKeyError::Random),
            SigningAlgorithm::Es384 => Ok(Secret::Ec(Box::new(p384::ecdsa::SigningKey::random(
                &mut adapter,
            )))),
        };
        adapter.result()?;
        self.insert(Entry {
            id,
            role,
            secret: secret?,
        })
    }

    fn insert(&mut self, entry: Entry) -> Result<(), SigningKeyError> {
        if self.keys.len() >= MAX_SIGNING_KEYS {
            return Err(SigningKeyError::TooLarge);
        }
        if self.keys.iter().any(|k| k.id == entry.id) {
            return Err(SigningKeyError::DuplicateKeyId(entry.id.as_str().into()));
        }
        if entry.role == SigningKeyRole::Sign && self.active(entry.algorithm()).is_some() {
            return Err(SigningKeyError::TwoActiveKeys(entry.algorithm()));
        }
        self.keys.push(entry);
        Ok(())
    }

    /// Makes key `id` the signing key of its algorithm; the one it replaces keeps verifying.
    ///
    /// # Errors
    ///
    /// [`SigningKeyError::UnknownKey`] when no key has this ID.
    pub fn promote(&mut self, id: &KeyId) -> Result<(), SigningKeyError> {
        let alg = self
            .keys
            .iter()
            .find(|k| k.id == *id)
            .map(Entry::algorithm)
            .ok_or_else(|| SigningKeyError::UnknownKey(id.as_str().into()))?;
        for k in self.keys.iter_mut().filter(|k| k.algorithm() == alg) {
            k.role = if k.id == *id {
                SigningKeyRole::Sign
            } else {
                SigningKeyRole::Verify
            };
        }
        Ok(())
    }

    /// Removes key `id` (once every token it signed has expired): it leaves the JWKS.
    ///
    /// # Errors
    ///
    /// [`SigningKeyError::UnknownKey`] when no key has this ID.
    pub fn remove(&mut self, id: &KeyId) -> Result<(), SigningKeyError> {
        let before = self.keys.len();
        self.keys.retain(|k| k.id != *id);
        if self.keys.len() == before {
            return Err(SigningKeyError::UnknownKey(id.as_str().into()));
        }
        Ok(())
    }

    fn active(&self, algorithm: SigningAlgorithm) -> Option<&Entry> {
        self.keys
            .iter()
            .find(|k| k.role == SigningKeyRole::Sign && k.algorithm() == algorithm)
    }

    /// The ID of the key that signs `algorithm`'s tokens, if any.
    #[must_use]
    pub fn signing_key_id(&self, algorithm: SigningAlgorithm) -> Option<&KeyId> {
        self.active(algorithm).map(|k| &k.id)
    }

    /// The algorithms this ring can sign, in [`SigningAlgorithm::ALL`] order.
    pub fn algorithms(&self) -> impl Iterator<Item = SigningAlgorithm> + '_ {
        SigningAlgorithm::ALL
            .into_iter()
            .filter(|a| self.active(*a).is_some())
    }

    /// Every key: its ID, algorithm and role.
    pub fn keys(&self) -> impl Iterator<Item = (&KeyId, SigningAlgorithm, SigningKeyRole)> {
        self.keys.iter().map(|k| (&k.id, k.algorithm(), k.role))
    }

    /// Signs `input` (a JWS signing input) with the active key of `algorithm`: the key's ID and
    /// the JWS signature bytes (RS256: PKCS#1 v1.5; ES384: the 96-byte `r ‖ s`).
    pub(crate) fn sign(
        &self,
        algorithm: SigningAlgorithm,
        input: &[u8],
        rng: &dyn RandomSource,
    ) -> Result<(&KeyId, Vec<u8>), SigningKeyError> {
        let key = self
            .active(algorithm)
            .ok_or_else(|| SigningKeyError::UnknownKey(algorithm.as_str().into()))?;
        let signature = match &key.secret {
            Secret::Rsa(k) => {
                use rsa::sha2::{Digest, Sha256};
                let digest = Sha256::digest(input);
                // Blinding draws from `rng`: the RSA private operation's timing says nothing
                // about the key.
                let mut adapter = Rng::new(rng);
                let sig =
                    k.sign_with_rng(&mut adapter, rsa::Pkcs1v15Sign::new::<Sha256>(), &digest);
                adapter.result()?;
                sig.map_err(|_| SigningKeyError::Signing)?
            }
            Secret::Ec(k) => {
                // RFC 6979 deterministic nonces: no randomness to get wrong. The low-S form of
                // the signature, so each token has one encoding: `(r, n − s)` also verifies, and
                // a relying party that keys anything on the token's bytes sees the canonical one.
                let sig: p384::ecdsa::Signature =
                    k.try_sign(input).map_err(|_| SigningKeyError::Signing)?;
                sig.normalize_s().unwrap_or(sig).to_bytes().to_vec()
            }
        };
        Ok((&key.id, signature))
    }

    /// The JSON Web Key Set of every key in the ring, signing and verify-only: public parts only,
    /// each with `kid`, `kty`, `alg` and `use: sig` (RFC 7517; EC keys as RFC 7518 §6.2).
    pub fn jwks_json(&self) -> String {
        let keys: Vec<serde_json::Value> = self.keys.iter().map(jwk).collect();
        serde_json::json!({ "keys": keys }).to_string()
    }

    /// Parses the text form (see the module docs).
    ///
    /// # Errors
    ///
    /// [`SigningKeyError`] for a malformed line (with its number), an invalid ID or key, a key of
    /// the wrong algorithm or an RSA key outside 2048–4096 bits, a duplicate ID, two signing keys
    /// for one algorithm, no key, or text over 256 KiB or 16 keys.
    pub fn from_text(text: &str) -> Result<Self, SigningKeyError> {
        if text.len() > MAX_TEXT_BYTES {
            return Err(SigningKeyError::TooLarge);
        }
        let mut ring = SigningKeyRing::new();
        for (i, line) in text.split('\n').enumerate() {
            let n = i + 1;
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let syntax = |reason| SigningKeyError::Syntax { line: n, reason };
            let mut parts = line.splitn(4, ':');
            let (role, id, alg, material) =
                match (parts.next(), parts.next(), parts.next(), parts.next()) {
                    (Some(r), Some(i), Some(a), Some(m)) => (r, i, a, m),
                    _ => return Err(syntax("expected ROLE:KEY-ID:ALGORITHM:PKCS8")),
                };
            let role = match role {
                "sign" => SigningKeyRole::Sign,
                "verify" => SigningKeyRole::Verify,
                _ => return Err(syntax("the role must be sign or verify")),
            };
            let id = KeyId::new(id).map_err(|_| SigningKeyError::InvalidKeyId)?;
            let alg = SigningAlgorithm::from_name(alg)
                .ok_or(syntax("the algorithm must be RS256 or ES384"))?;
            let der = Zeroizing::new(
                BASE64URL_NOPAD
                    .decode(material.as_bytes())
                    .map_err(|_| syntax("the key is not unpadded base64url"))?,
            );
            let invalid = || SigningKeyError::InvalidKey(id.as_str().into());
            let secret = match alg {
                SigningAlgorithm::Rs256 => {
                    let key = rsa::RsaPrivateKey::from_pkcs8_der(&der).map_err(|_| invalid())?;
                    if !RSA_BITS.contains(&(key.size() * 8)) || key.validate().is_err() {
                        return Err(invalid());
                    }
                    Secret::Rsa(Box::new(key))
                }
                SigningAlgorithm::Es384 => Secret::Ec(Box::new(
                    p384::ecdsa::SigningKey::from_pkcs8_der(&der).map_err(|_| invalid())?,
                )),
            };
            ring.insert(Entry { id, role, secret })?;
        }
        if ring.keys.is_empty() {
            return Err(SigningKeyError::Empty);
        }
        Ok(ring)
    }

    /// The text form, private keys included: write it only where the HMAC key ring goes. Wiped on
    /// drop.
    #[must_use]
    pub fn to_text(&self) -> Zeroizing<String> {
        const HEADER: &str =
            "# tempcred signing keys: ROLE:KEY-ID:ALGORITHM:PKCS8 (private: keep like the key ring)\n";
        // Every key's DER first, so the text is allocated once at its final size: a `String`
        // that grows leaves the keys written so far behind in the buffer it outgrew, unwiped.
        let lines: Vec<(&Entry, rsa::pkcs8::SecretDocument)> = self
            .keys
            .iter()
            .filter_map(|k| {
                let der = match &k.secret {
                    Secret::Rsa(s) => s.to_pkcs8_der(),
                    Secret::Ec(s) => s.to_pkcs8_der(),
                };
                // Encoding a valid in-memory key cannot fail; a key that somehow cannot be
                // encoded is left out rather than written half.
                der.ok().map(|d| (k, d))
            })
            .collect();
        let len = HEADER.len()
            + lines
                .iter()
                .map(|(k, der)| {
                    k.role.as_str().len()
                        + k.id.as_str().len()
                        + k.algorithm().as_str().len()
                        + BASE64URL_NOPAD.encode_len(der.as_bytes().len())
                        + 4
                })
                .sum::<usize>();
        let mut out = Zeroizing::new(String::with_capacity(len));
        out.push_str(HEADER);
        for (k, der) in &lines {
            out.push_str(k.role.as_str());
            out.push(':');
            out.push_str(k.id.as_str());
            out.push(':');
            out.push_str(k.algorithm().as_str());
            out.push(':');
            BASE64URL_NOPAD.encode_append(der.as_bytes(), &mut out);
            out.push('\n');
        }
        debug_assert_eq!(out.len(), len);
        out
    }
}

fn b64(bytes: &[u8]) -> String {
    BASE64URL_NOPAD.encode(bytes)
}

fn jwk(k: &Entry) -> serde_json::Value {
    match &k.secret {
        Secret::Rsa(s) => serde_json::json!({
            "kty": "RSA",
            "kid": k.id.as_str(),
            "use": "sig",
            "alg": "RS256",
            "n": b64(&s.n().to_bytes_be()),
            "e": b64(&s.e().to_bytes_be()),
        }),
        Secret::Ec(s) => {
            let point = s.verifying_key().to_encoded_point(false);
            let (x, y) = (point.x().map(|x| b64(x)), point.y().map(|y| b64(y)));
            serde_json::json!({
                "kty": "EC",
                "kid": k.id.as_str(),
                "use": "sig",
                "alg": "ES384",
                "crv": "P-384",
                "x": x.unwrap_or_default(),
                "y": y.unwrap_or_default(),
            })
        }
    }
}

/// The crate's [`RandomSource`] as the `rand_core` 0.6 generator the RustCrypto key and
/// signature APIs take. `fill_bytes` cannot fail there, so a failure is remembered and reported
/// by [`Rng::result`], and whatever was computed meanwhile is discarded. Until then the bytes
/// come from a counter hashed with SHA-256, never a constant: key generation retries until its
/// candidates are prime or in range, and a constant would make it retry for ever.
struct Rng<'a> {
    source: &'a dyn RandomSource,
    failed: bool,
    counter: u64,
}

impl<'a> Rng<'a> {
    fn new(source: &'a dyn RandomSource) -> Self {
        Rng {
            source,
            failed: false,
            counter: 0,
        }
    }

    fn result(&self) -> Result<(), SigningKeyError> {
        if self.failed {
            Err(SigningKeyError::Random)
        } else {
            Ok(())
        }
    }
}

impl rsa::rand_core::RngCore for Rng<'_> {
    fn next_u32(&mut self) -> u32 {
        let mut b = [0u8; 4];
        self.fill_bytes(&mut b);
        u32::from_le_bytes(b)
    }
    fn next_u64(&mut self) -> u64 {
        let mut b = [0u8; 8];
        self.fill_bytes(&mut b);
        u64::from_le_bytes(b)
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        if self.failed || self.source.fill_bytes(dest).is_err() {
            use sha2::{Digest, Sha256};
            self.failed = true;
            for chunk in dest.chunks_mut(32) {
                self.counter = self.counter.wrapping_add(1);
                let block = Sha256::digest(self.counter.to_le_bytes());
                for (d, b) in chunk.iter_mut().zip(block.iter()) {
                    *d = *b;
                }
            }
        }
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rsa::rand_core::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

impl rsa::rand_core::CryptoRng for Rng<'_> {}
