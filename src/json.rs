//! JSON that must be an object.
//!
//! serde's derived `Deserialize` for a struct also accepts a JSON array, read positionally
//! (`["RS256", "kid"]` as `{"alg": "RS256", "kid": "kid"}`). Documents whose format says
//! "object" (JWT headers and claims, JWKS, the directory file) must not have a second spelling
//! that a signer never meant, so they are read through [`JsonObject`], which accepts only a map.

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use std::fmt;
use std::marker::PhantomData;

/// A `T` read from a JSON object only; an array (or any other value) is an error.
pub(crate) struct JsonObject<T>(pub(crate) T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for JsonObject<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = T;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<M: MapAccess<'de>>(self, m: M) -> Result<T, M::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(m))
            }
        }
        d.deserialize_map(V(PhantomData)).map(JsonObject)
    }
}

/// Reads a `T` from `bytes`, which must hold one JSON object.
pub(crate) fn object_from_slice<'de, T: Deserialize<'de>>(
    bytes: &'de [u8],
) -> serde_json::Result<T> {
    serde_json::from_slice::<JsonObject<T>>(bytes).map(|o| o.0)
}

/// Reads a `T` from `text`, which must hold one JSON object.
pub(crate) fn object_from_str<'de, T: Deserialize<'de>>(text: &'de str) -> serde_json::Result<T> {
    serde_json::from_str::<JsonObject<T>>(text).map(|o| o.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Two {
        a: String,
        #[serde(default)]
        b: Option<u8>,
    }

    #[test]
    fn only_objects_are_read() {
        assert_eq!(
            object_from_str::<Two>(r#"{"a":"x","b":1}"#).ok(),
            Some(Two {
                a: "x".into(),
                b: Some(1)
            })
        );
        // What derived Deserialize alone would accept.
        assert!(serde_json::from_str::<Two>(r#"["x",1]"#).is_ok());
        for bad in [r#"["x",1]"#, r#"["x"]"#, "null", "1", r#""x""#] {
            assert!(object_from_str::<Two>(bad).is_err(), "{bad}");
            assert!(object_from_slice::<Two>(bad.as_bytes()).is_err(), "{bad}");
        }
    }
}
