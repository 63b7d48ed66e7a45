//! The key ring's text form, for a file or an environment variable.
//!
//! ```text
//! # tempcred key ring: one entry per line (or separated by ';'), ROLE:KEY-ID:MATERIAL
//! sign:2026-12:Q2hhbmdlIG1lISBUaGlzIGlzIG9ubHkgYW4gZXhhbXBsZSBrZXkh
//! verify:2026-11:U29tZSBvdGhlciAzMi1ieXRlIGV4YW1wbGUga2V5IG1hdGVyaWFs
//! ```
//!
//! `ROLE` is `sign` (exactly one entry) or `verify`; `MATERIAL` is 32–64 bytes in unpadded
//! base64url. Blank lines and lines starting with `#` (to the end of the line, `;` included) are
//! ignored; so are `;`-separated entries starting with `#`. At most 64 keys and 64 KiB.

use super::ring::{KeyError, KeyId, KeyMaterial, KeyRing};
use crate::limits::MAX_RING_KEYS;
use data_encoding::BASE64URL_NOPAD as URL_SAFE_NO_PAD;
use zeroize::Zeroizing;

const MAX_TEXT_BYTES: usize = 64 * 1024;

impl KeyRing {
    /// Parses the text form (see the module docs of [`crate::keys`]).
    ///
    /// ```
    /// use tempcred::KeyRing;
    /// let ring = KeyRing::from_text(
    ///     "sign:k2:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n\
    ///      verify:k1:AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE",
    /// ).unwrap();
    /// assert_eq!(ring.signing_key_id().as_str(), "k2");
    /// ```
    ///
    /// # Errors
    ///
    /// [`KeyError`] for a malformed entry (with its number), an invalid key ID or material, a
    /// duplicate ID, no or two signing keys, or text over 64 KiB or 64 keys.
    pub fn from_text(text: &str) -> Result<Self, KeyError> {
        if text.len() > MAX_TEXT_BYTES {
            return Err(KeyError::TooLarge);
        }
        let mut signing: Option<(KeyId, KeyMaterial)> = None;
        let mut verify: Vec<(KeyId, KeyMaterial)> = Vec::new();
        // Comments are whole lines: a `#` line may mention `;` without starting a new entry.
        let entries = text
            .split('\n')
            .filter(|line| !line.trim_start().starts_with('#'))
            .flat_map(|line| line.split(';'))
            .map(str::trim)
            .filter(|e| !e.is_empty() && !e.starts_with('#'));
        for (i, entry) in entries.enumerate() {
            let n = i + 1;
            if n > MAX_RING_KEYS {
                return Err(KeyError::TooLarge);
            }
            let syntax = |reason| KeyError::Syntax { entry: n, reason };
            let mut parts = entry.splitn(3, ':');
            let (role, id, material) = match (parts.next(), parts.next(), parts.next()) {
                (Some(r), Some(i), Some(m)) => (r, i, m),
                _ => return Err(syntax("expected ROLE:KEY-ID:MATERIAL")),
            };
            let id = KeyId::new(id)?;
            let bytes = Zeroizing::new(
                URL_SAFE_NO_PAD
                    .decode(material.as_bytes())
                    .map_err(|_| syntax("key material is not unpadded base64url"))?,
            );
            let material = KeyMaterial::from_bytes(&bytes)?;
            match role {
                "sign" if signing.is_none() => signing = Some((id, material)),
                "sign" => return Err(KeyError::SigningKeyCount),
                "verify" => verify.push((id, material)),
                _ => return Err(syntax("role must be `sign` or `verify`")),
            }
        }
        let (id, material) = signing.ok_or(KeyError::SigningKeyCount)?;
        let mut ring = KeyRing::new(id, material)?;
        for (id, material) in verify {
            ring.add(id, material)?;
        }
        Ok(ring)
    }

    /// The text form of this ring, signing key first. It holds secrets: it is wiped on drop, and
    /// belongs in a protected file or secret store only.
    #[must_use]
    pub fn to_text(&self) -> Zeroizing<String> {
        let mut out = Zeroizing::new(String::new());
        for (i, id) in self.key_ids().enumerate() {
            let role = if i == 0 { "sign" } else { "verify" };
            if let Some(material) = self.material_of(id) {
                let encoded = Zeroizing::new(URL_SAFE_NO_PAD.encode(material.expose_secret()));
                out.push_str(role);
                out.push(':');
                out.push_str(id.as_str());
                out.push(':');
                out.push_str(&encoded);
                out.push('\n');
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::SeededRandom;

    #[test]
    fn text_round_trips() {
        let rng = SeededRandom::new(9);
        let mut ring = KeyRing::generate(KeyId::new("old").unwrap(), &rng).unwrap();
        ring.add(
            KeyId::new("new").unwrap(),
            KeyMaterial::generate(&rng).unwrap(),
        )
        .unwrap();
        ring.promote(&KeyId::new("new").unwrap()).unwrap();
        let text = ring.to_text();
        let back = KeyRing::from_text(&text).unwrap();
        assert_eq!(back.to_text(), text);
        assert_eq!(back.signing_key_id().as_str(), "new");
        let env_style = text.replace('\n', ";");
        assert_eq!(KeyRing::from_text(&env_style).unwrap().to_text(), text);
    }

    #[test]
    fn malformed_text_is_refused() {
        let m = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        assert!(KeyRing::from_text(&format!("sign:a:{m}")).is_ok());
        assert_eq!(
            KeyRing::from_text(&format!("verify:a:{m}")).unwrap_err(),
            KeyError::SigningKeyCount
        );
        assert_eq!(
            KeyRing::from_text(&format!("sign:a:{m};sign:b:{m}")).unwrap_err(),
            KeyError::SigningKeyCount
        );
        assert!(matches!(
            KeyRing::from_text(&format!("sign:a:{m};verify:a:{m}")).unwrap_err(),
            KeyError::DuplicateKeyId(_)
        ));
        assert!(matches!(
            KeyRing::from_text(&format!("sign:a:{m}=")).unwrap_err(),
            KeyError::Syntax { .. }
        ));
        assert_eq!(
            KeyRing::from_text("sign:a:AAAA").unwrap_err(),
            KeyError::InvalidKeyLength
        );
        assert!(matches!(
            KeyRing::from_text(&format!("admin:a:{m}")).unwrap_err(),
            KeyError::Syntax { .. }
        ));
        assert!(matches!(
            KeyRing::from_text("sign:a").unwrap_err(),
            KeyError::Syntax { .. }
        ));
        assert_eq!(
            KeyRing::from_text(&"#".repeat(MAX_TEXT_BYTES + 1)).unwrap_err(),
            KeyError::TooLarge
        );
        let many: String = (0..=MAX_RING_KEYS)
            .map(|i| format!("verify:k{i}:{m}\n"))
            .collect();
        assert_eq!(KeyRing::from_text(&many).unwrap_err(), KeyError::TooLarge);
    }

    #[test]
    fn comment_lines_may_contain_semicolons() {
        // The module docs' own example: a `#` line is a comment to its end, even past a `;`.
        let m = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        let text = format!(
            "# tempcred key ring: one entry per line (or separated by ';'), ROLE:KEY-ID:MATERIAL\n\
             sign:a:{m}"
        );
        let ring = KeyRing::from_text(&text).unwrap();
        assert_eq!(ring.signing_key_id().as_str(), "a");
        assert_eq!(ring.key_ids().count(), 1);
        // A `#` after a `;` still starts a comment entry.
        assert!(KeyRing::from_text(&format!("sign:a:{m};# note: x:y")).is_ok());
    }

    #[test]
    fn errors_never_carry_material() {
        let m = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        let e = KeyRing::from_text(&format!("bogus:a:{m}")).unwrap_err();
        assert!(!e.to_string().contains(m));
        assert!(!format!("{e:?}").contains(m));
    }
}
