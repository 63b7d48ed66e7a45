use crate::limits::{MAX_KEY_BYTES, MAX_KEY_ID_BYTES, MIN_KEY_BYTES};
use crate::random::{RandomError, RandomSource};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use std::fmt;
use std::sync::Arc;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

type HmacSha256 = Hmac<Sha256>;

/// Why a key or key ring was refused. Never contains key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// A key ID is not 1–32 characters of `[A-Za-z0-9._-]`.
    #[error("key IDs are 1-32 characters of [A-Za-z0-9._-]")]
    InvalidKeyId,
    /// Key material is shorter than 32 or longer than 64 bytes.
    #[error("key material must be {MIN_KEY_BYTES}-{MAX_KEY_BYTES} bytes")]
    InvalidKeyLength,
    /// Two keys share an ID.
    #[error("duplicate key ID `{0}`")]
    DuplicateKeyId(String),
    /// No key has this ID.
    #[error("no key with ID `{0}`")]
    UnknownKeyId(String),
    /// The signing key cannot be retired; promote another key first.
    #[error("key `{0}` is the signing key and cannot be retired")]
    RetireSigningKey(String),
    /// A ring must have exactly one signing key.
    #[error("a key ring needs exactly one signing key")]
    SigningKeyCount,
    /// The text form is malformed; `line` is 1-based.
    #[error("key ring text, entry {entry}: {reason}")]
    Syntax {
        /// Which entry (1-based) is wrong.
        entry: usize,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The text form is larger than 64 KiB or holds more than 64 keys.
    #[error("key ring text is too large")]
    TooLarge,
    /// The random source failed while generating a key.
    #[error(transparent)]
    Random(#[from] RandomError),
}

/// The name of a key, carried in every token it signs: 1–32 characters of `[A-Za-z0-9._-]`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyId(arrayvec::ArrayString<32>);

impl KeyId {
    /// Validates a key ID.
    ///
    /// # Errors
    ///
    /// [`KeyError::InvalidKeyId`] unless the ID is 1–32 characters of `A-Za-z0-9._-`.
    pub fn new(id: &str) -> Result<Self, KeyError> {
        Self::from_bytes(id.as_bytes())
    }

    pub(crate) fn from_bytes(id: &[u8]) -> Result<Self, KeyError> {
        let ok = !id.is_empty()
            && id.len() <= MAX_KEY_ID_BYTES
            && id
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
        if !ok {
            return Err(KeyError::InvalidKeyId);
        }
        let s = std::str::from_utf8(id).map_err(|_| KeyError::InvalidKeyId)?;
        arrayvec::ArrayString::from(s)
            .map(KeyId)
            .map_err(|_| KeyError::InvalidKeyId)
    }

    /// The ID's text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyId({:?})", self.as_str())
    }
}

/// Secret key material: 32–64 random bytes. Zeroized on drop; `Debug` prints nothing of it; no
/// `Serialize`, no `PartialEq`.
///
/// ```
/// use tempcred::keys::KeyMaterial;
/// let k = KeyMaterial::from_bytes(&[7u8; 32]).unwrap();
/// assert_eq!(format!("{k:?}"), "KeyMaterial(***OMITTED***)");
/// assert!(KeyMaterial::from_bytes(&[7u8; 31]).is_err());
/// ```
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct KeyMaterial(Vec<u8>);

impl KeyMaterial {
    /// Copies `bytes` into new key material; refuses fewer than 32 or more than 64 bytes.
    ///
    /// # Errors
    ///
    /// [`KeyError`] unless the material is 32–64 bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, KeyError> {
        if !(MIN_KEY_BYTES..=MAX_KEY_BYTES).contains(&bytes.len()) {
            return Err(KeyError::InvalidKeyLength);
        }
        Ok(KeyMaterial(bytes.to_vec()))
    }

    /// 32 fresh random bytes.
    ///
    /// # Errors
    ///
    /// [`KeyError`] when the random source fails.
    pub fn generate(rng: &dyn RandomSource) -> Result<Self, KeyError> {
        let mut bytes = Zeroizing::new([0u8; MIN_KEY_BYTES]);
        rng.fill_bytes(&mut bytes[..])?;
        Self::from_bytes(&bytes[..])
    }

    /// The raw bytes. Only the key-ring text form needs them.
    #[must_use]
    pub fn expose_secret(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for KeyMaterial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KeyMaterial(***OMITTED***)")
    }
}

/// What a sub-key is for. The label is the domain-separation constant.
#[derive(Clone, Copy)]
enum Purpose {
    TokenMac,
    SecretDerivation,
    KeyCheck,
    #[cfg(feature = "authorization-messages")]
    AuthorizationMessage,
}

impl Purpose {
    fn label(self) -> &'static [u8] {
        match self {
            Purpose::TokenMac => b"tempcred/v1/session-token-mac",
            Purpose::SecretDerivation => b"tempcred/v1/secret-access-key",
            Purpose::KeyCheck => b"tempcred/v1/key-check",
            #[cfg(feature = "authorization-messages")]
            Purpose::AuthorizationMessage => b"tempcred/v1/authorization-message",
        }
    }
}

/// One key of a ring, with its HMAC states prepared once so that each MAC costs only the message.
///
/// The prepared states are keyed by derived sub-keys. The sub-keys' own bytes are wiped right
/// after the states are built; the states (and every clone of them) are wiped when dropped, by the
/// `zeroize` features of `hmac` and `sha2`.
pub(crate) struct RingKey {
    id: KeyId,
    material: KeyMaterial,
    token_mac: HmacSha256,
    secret_derivation: HmacSha256,
    /// A check value of the key (a MAC of a fixed label under it): which key verified a session,
    /// so a component holding the ring can tell its own sessions from another ring's that reuse
    /// its key IDs. Reveals nothing of the key.
    check: [u8; KEY_CHECK_LEN],
    /// The AEAD that seals authorization messages, keyed by the purpose's own sub-key (never the
    /// key material itself), so a message and a token never share a key. Wiped on drop (the
    /// `zeroize` feature of `chacha20poly1305`).
    #[cfg(feature = "authorization-messages")]
    authorization_message: chacha20poly1305::XChaCha20Poly1305,
}

/// The length of a key's check value.
pub(crate) const KEY_CHECK_LEN: usize = 16;

impl RingKey {
    fn new(id: KeyId, material: KeyMaterial) -> Result<Self, KeyError> {
        let sub_key = |purpose: Purpose| -> Result<Zeroizing<[u8; 32]>, KeyError> {
            let mut mac = <HmacSha256 as KeyInit>::new_from_slice(material.expose_secret())
                .map_err(|_| KeyError::InvalidKeyLength)?;
            mac.update(purpose.label());
            Ok(Zeroizing::new(<[u8; 32]>::from(
                mac.finalize().into_bytes(),
            )))
        };
        let derive = |purpose: Purpose| -> Result<HmacSha256, KeyError> {
            <HmacSha256 as KeyInit>::new_from_slice(&sub_key(purpose)?[..])
                .map_err(|_| KeyError::InvalidKeyLength)
        };
        let full = derive(Purpose::KeyCheck)?.finalize().into_bytes();
        let mut check = [0u8; KEY_CHECK_LEN];
        for (c, b) in check.iter_mut().zip(full.iter()) {
            *c = *b;
        }
        Ok(RingKey {
            id,
            token_mac: derive(Purpose::TokenMac)?,
            secret_derivation: derive(Purpose::SecretDerivation)?,
            check,
            #[cfg(feature = "authorization-messages")]
            authorization_message: {
                let sub = sub_key(Purpose::AuthorizationMessage)?;
                <chacha20poly1305::XChaCha20Poly1305 as chacha20poly1305::KeyInit>::new_from_slice(
                    &sub[..],
                )
                .map_err(|_| KeyError::InvalidKeyLength)?
            },
            material,
        })
    }

    pub(crate) fn id(&self) -> &KeyId {
        &self.id
    }

    pub(crate) fn check(&self) -> [u8; KEY_CHECK_LEN] {
        self.check
    }

    /// A fresh MAC state for the token MAC.
    pub(crate) fn token_mac(&self) -> HmacSha256 {
        self.token_mac.clone()
    }

    /// A fresh MAC state for deriving secret access keys.
    pub(crate) fn secret_derivation(&self) -> HmacSha256 {
        self.secret_derivation.clone()
    }

    /// The AEAD for authorization messages.
    #[cfg(feature = "authorization-messages")]
    pub(crate) fn authorization_message(&self) -> &chacha20poly1305::XChaCha20Poly1305 {
        &self.authorization_message
    }
}

impl fmt::Debug for RingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RingKey")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

/// A set of named keys: exactly one signs new tokens, the others only verify old ones.
///
/// Cloning is cheap (keys are shared); `Debug` shows key IDs only.
///
/// ```
/// use tempcred::{KeyRing, SystemRandom};
/// use tempcred::keys::{KeyId, KeyMaterial};
/// let rng = SystemRandom;
/// let mut ring = KeyRing::generate(KeyId::new("2026-11").unwrap(), &rng).unwrap();
/// ring.add(KeyId::new("2026-12").unwrap(), KeyMaterial::generate(&rng).unwrap()).unwrap();
/// ring.promote(&KeyId::new("2026-12").unwrap()).unwrap();
/// assert_eq!(ring.signing_key_id().as_str(), "2026-12");
/// ring.retire(&KeyId::new("2026-11").unwrap()).unwrap();
/// assert!(!format!("{ring:?}").contains("KeyMaterial("));
/// ```
#[derive(Clone)]
pub struct KeyRing {
    signing: Arc<RingKey>,
    verify_only: Vec<Arc<RingKey>>,
}

impl KeyRing {
    /// A ring whose only key signs.
    ///
    /// # Errors
    ///
    /// [`KeyError`] for invalid material.
    pub fn new(id: KeyId, material: KeyMaterial) -> Result<Self, KeyError> {
        Ok(KeyRing {
            signing: Arc::new(RingKey::new(id, material)?),
            verify_only: Vec::new(),
        })
    }

    /// A ring with one freshly generated signing key.
    ///
    /// # Errors
    ///
    /// [`KeyError`] when the random source fails.
    pub fn generate(id: KeyId, rng: &dyn RandomSource) -> Result<Self, KeyError> {
        Self::new(id, KeyMaterial::generate(rng)?)
    }

    /// Adds a verify-only key. Add a key to every verifier before promoting it.
    ///
    /// # Errors
    ///
    /// [`KeyError`] when the ID is already in the ring or the ring is full.
    pub fn add(&mut self, id: KeyId, material: KeyMaterial) -> Result<(), KeyError> {
        if self.get(id.as_str()).is_some() {
            return Err(KeyError::DuplicateKeyId(id.as_str().to_owned()));
        }
        self.verify_only.push(Arc::new(RingKey::new(id, material)?));
        Ok(())
    }

    /// Makes `id` the signing key; the previous signing key becomes verify-only.
    ///
    /// # Errors
    ///
    /// [`KeyError`] when no key has this ID.
    pub fn promote(&mut self, id: &KeyId) -> Result<(), KeyError> {
        if self.signing.id() == id {
            return Ok(());
        }
        let pos = self
            .verify_only
            .iter()
            .position(|k| k.id() == id)
            .ok_or_else(|| KeyError::UnknownKeyId(id.as_str().to_owned()))?;
        let new_signing = self.verify_only.swap_remove(pos);
        let old = std::mem::replace(&mut self.signing, new_signing);
        self.verify_only.push(old);
        Ok(())
    }

    /// Removes a verify-only key: tokens it signed no longer verify. Do this only after the
    /// longest session lifetime (36 h) plus the verifier's leeway has passed since it last signed.
    ///
    /// # Errors
    ///
    /// [`KeyError`] when no key has this ID, or it is the signing key.
    pub fn retire(&mut self, id: &KeyId) -> Result<(), KeyError> {
        if self.signing.id() == id {
            return Err(KeyError::RetireSigningKey(id.as_str().to_owned()));
        }
        let pos = self
            .verify_only
            .iter()
            .position(|k| k.id() == id)
            .ok_or_else(|| KeyError::UnknownKeyId(id.as_str().to_owned()))?;
        self.verify_only.remove(pos);
        Ok(())
    }

    /// The ID of the key that signs new tokens.
    #[must_use]
    pub fn signing_key_id(&self) -> &KeyId {
        self.signing.id()
    }

    /// IDs of every key, the signing key first.
    pub fn key_ids(&self) -> impl Iterator<Item = &KeyId> {
        std::iter::once(self.signing.id()).chain(self.verify_only.iter().map(|k| k.id()))
    }

    pub(crate) fn signing(&self) -> &Arc<RingKey> {
        &self.signing
    }

    pub(crate) fn all(&self) -> impl Iterator<Item = &Arc<RingKey>> {
        std::iter::once(&self.signing).chain(self.verify_only.iter())
    }

    /// Whether a key of this ring, by ID and check value, is the one that verified `session`.
    pub(crate) fn verified(&self, session: &crate::VerifiedSession) -> bool {
        self.all().any(|k| {
            k.id() == session.key_id()
                && bool::from(subtle::ConstantTimeEq::ct_eq(
                    &k.check()[..],
                    &session.key_check()[..],
                ))
        })
    }

    pub(crate) fn get(&self, id: &str) -> Option<&Arc<RingKey>> {
        self.all().find(|k| k.id().as_str() == id)
    }

    pub(crate) fn material_of(&self, id: &KeyId) -> Option<&KeyMaterial> {
        self.get(id.as_str()).map(|k| &k.material)
    }
}

impl fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyRing")
            .field("signing", self.signing.id())
            .field(
                "verify_only",
                &self.verify_only.iter().map(|k| *k.id()).collect::<Vec<_>>(),
            )
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::SeededRandom;

    fn id(s: &str) -> KeyId {
        KeyId::new(s).unwrap()
    }

    #[test]
    fn keyed_hmac_states_are_wiped_on_drop() {
        // An HMAC state holds SHA-256 states keyed by the secret, and a block buffer. This fails
        // to compile if the `zeroize` features of `hmac`/`sha2` are ever dropped from Cargo.toml.
        use hmac::digest::block_api::{Buffer, CoreProxy};
        fn wiped_on_drop<T: zeroize::ZeroizeOnDrop>() {}
        type Core = <HmacSha256 as CoreProxy>::Core;
        type Sha256Core = <sha2::Sha256 as CoreProxy>::Core;
        wiped_on_drop::<Sha256Core>();
        wiped_on_drop::<Buffer<Core>>();
    }

    #[test]
    fn key_ids_are_strict() {
        assert!(KeyId::new("2026-11_a.b").is_ok());
        assert_eq!(KeyId::new(""), Err(KeyError::InvalidKeyId));
        assert_eq!(KeyId::new(&"a".repeat(33)), Err(KeyError::InvalidKeyId));
        assert_eq!(KeyId::new("a b"), Err(KeyError::InvalidKeyId));
        assert_eq!(KeyId::new("ключ"), Err(KeyError::InvalidKeyId));
    }

    #[test]
    fn rotation_add_promote_retire() {
        let rng = SeededRandom::new(3);
        let mut ring = KeyRing::generate(id("a"), &rng).unwrap();
        assert_eq!(
            ring.add(id("a"), KeyMaterial::generate(&rng).unwrap()),
            Err(KeyError::DuplicateKeyId("a".into()))
        );
        ring.add(id("b"), KeyMaterial::generate(&rng).unwrap())
            .unwrap();
        assert_eq!(ring.signing_key_id(), &id("a"));
        assert!(matches!(
            ring.promote(&id("zz")),
            Err(KeyError::UnknownKeyId(_))
        ));
        ring.promote(&id("b")).unwrap();
        assert_eq!(ring.signing_key_id(), &id("b"));
        assert!(matches!(
            ring.retire(&id("b")),
            Err(KeyError::RetireSigningKey(_))
        ));
        ring.retire(&id("a")).unwrap();
        assert_eq!(ring.key_ids().count(), 1);
        assert!(matches!(
            ring.retire(&id("a")),
            Err(KeyError::UnknownKeyId(_))
        ));
    }

    #[test]
    fn sub_keys_are_separated_by_purpose() {
        let ring = KeyRing::new(id("a"), KeyMaterial::from_bytes(&[1u8; 32]).unwrap()).unwrap();
        let k = ring.signing();
        let mut m1 = k.token_mac();
        m1.update(b"x");
        let mut m2 = k.secret_derivation();
        m2.update(b"x");
        assert_ne!(m1.finalize().into_bytes(), m2.finalize().into_bytes());
    }

    /// The authorization-message AEAD is keyed by HMAC-SHA256(key, "tempcred/v1/authorization-message")
    /// and by nothing else: not the raw key material, not another purpose's sub-key.
    #[test]
    #[cfg(feature = "authorization-messages")]
    fn authorization_messages_are_sealed_under_their_own_sub_key() {
        use chacha20poly1305::{AeadInOut, KeyInit as _, XChaCha20Poly1305, XNonce};
        let material = [9u8; 32];
        let ring = KeyRing::new(id("a"), KeyMaterial::from_bytes(&material).unwrap()).unwrap();
        let seal = |aead: &XChaCha20Poly1305| {
            let mut buf = *b"the same plaintext";
            let tag = aead
                .encrypt_inout_detached(&XNonce::from([0u8; 24]), b"", (&mut buf[..]).into())
                .unwrap();
            (buf, tag)
        };
        let sub = |label: &[u8]| {
            let mut mac = <HmacSha256 as KeyInit>::new_from_slice(&material).unwrap();
            mac.update(label);
            XChaCha20Poly1305::new_from_slice(&mac.finalize().into_bytes()).unwrap()
        };
        let ours = seal(ring.signing().authorization_message());
        assert_eq!(ours, seal(&sub(b"tempcred/v1/authorization-message")));
        assert_ne!(
            ours,
            seal(&XChaCha20Poly1305::new_from_slice(&material).unwrap())
        );
        for other in [
            &b"tempcred/v1/session-token-mac"[..],
            b"tempcred/v1/secret-access-key",
            b"tempcred/v1/key-check",
        ] {
            assert_ne!(ours, seal(&sub(other)));
        }
    }

    #[test]
    fn debug_never_shows_material() {
        let bytes = [0xABu8; 32];
        let ring = KeyRing::new(id("k1"), KeyMaterial::from_bytes(&bytes).unwrap()).unwrap();
        let dbg = format!("{ring:?} {:?}", ring.signing());
        assert!(dbg.contains("k1"));
        assert!(!dbg.to_lowercase().contains("abab"));
        assert!(!dbg.contains("171"));
    }
}
