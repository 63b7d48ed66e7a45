//! A macro for the crate's bounded names: validated once, stored inline (no heap), printed as-is.

/// Defines `pub struct $name(ArrayString<$cap>)` with a validating constructor `new`, `as_str`,
/// `Display`, `Debug`, `FromStr`, `AsRef<str>`, `TryFrom<&str>` and serde via the same validation.
/// `$check` is `fn(&str) -> Result<(), InvalidParameter>`.
macro_rules! bounded_name {
    ($(#[$meta:meta])* $name:ident, $cap:expr, $check:expr) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(arrayvec::ArrayString<$cap>);

        impl $name {
            /// Validates `value` and stores it.
            ///
            /// # Errors
            ///
            /// [`InvalidParameter`](crate::InvalidParameter) when the value breaks the type's
            /// length or character rule.
            pub fn new(value: &str) -> Result<Self, $crate::validate::InvalidParameter> {
                let check: fn(&str) -> Result<(), $crate::validate::InvalidParameter> = $check;
                check(value)?;
                arrayvec::ArrayString::from(value).map($name).map_err(|_| {
                    $crate::validate::InvalidParameter {
                        field: stringify!($name),
                        constraint: $crate::validate::Constraint::TooLong($cap),
                    }
                })
            }

            /// The validated text.
            pub fn as_str(&self) -> &str {
                self.0.as_str()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}({:?})", stringify!($name), self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::validate::InvalidParameter;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::new(s)
            }
        }

        impl TryFrom<&str> for $name {
            type Error = $crate::validate::InvalidParameter;
            fn try_from(s: &str) -> Result<Self, Self::Error> {
                Self::new(s)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
                Self::new(&s).map_err(serde::de::Error::custom)
            }
        }
    };
}

pub(crate) use bounded_name;
