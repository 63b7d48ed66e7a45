//! The policy data model: a parsed, validated and precompiled policy document.
//!
//! Invariants: a [`PolicyDocument`] only exists after [`PolicyDocument::parse`] accepted its text,
//! so every statement has an effect and an action element, at most one of each `X`/`NotX` pair,
//! and every pattern and condition value is already compiled. Serializing gives back an
//! equivalent JSON document (same elements, values and operators; a one-element array may come back
//! as a single string or stay an array as written).

use super::condition::{ConditionBlock, JsonKind};
use super::matching::{ArnPattern, Pattern};
use crate::principal::AccountId;
use serde::ser::{SerializeMap, SerializeSeq};
use serde::Serialize;

/// The policy language version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Version {
    /// `2012-10-17`: the current version, with policy variables.
    V2012_10_17,
    /// `2008-10-17`: the old version; `${…}` is literal text.
    V2008_10_17,
}

impl Version {
    /// The version string.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Version::V2012_10_17 => "2012-10-17",
            Version::V2008_10_17 => "2008-10-17",
        }
    }
}

/// `Allow` or `Deny`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Effect {
    /// Grants, unless something denies.
    Allow,
    /// Refuses, whatever allows.
    Deny,
}

impl Effect {
    /// `Allow` or `Deny`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        }
    }
}

/// The keys of a `Principal` map.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PrincipalKind {
    /// `AWS`: accounts, users, roles, sessions.
    Aws,
    /// `Service`: service principals like `ec2.amazonaws.com`.
    Service,
    /// `Federated`: OIDC / SAML providers.
    Federated,
    /// `CanonicalUser`: S3 canonical user IDs (never matches a `tempcred` caller).
    CanonicalUser,
}

impl PrincipalKind {
    /// The JSON key.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalKind::Aws => "AWS",
            PrincipalKind::Service => "Service",
            PrincipalKind::Federated => "Federated",
            PrincipalKind::CanonicalUser => "CanonicalUser",
        }
    }
}

/// What one principal value names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum PrincipalTarget {
    /// `*`.
    Any,
    /// `ACCT` or `arn:P:iam::ACCT:root`; the partition when written as an ARN.
    Account(Option<Box<str>>, AccountId),
    /// A principal ARN, matched exactly.
    Arn(Box<str>),
    /// A service or provider name.
    Name(Box<str>),
}

/// One principal value, as written and as understood.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PrincipalValue {
    pub(crate) raw: Box<str>,
    pub(crate) target: PrincipalTarget,
}

/// The `Principal` / `NotPrincipal` element.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum PrincipalSpec {
    /// `"*"`.
    Any,
    /// A map of kind to one or many values (`bool`: written as an array).
    Map(Vec<(PrincipalKind, Vec<PrincipalValue>, bool)>),
}

/// An action pattern, lowercased, with its text as written.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ActionPattern {
    pub(crate) raw: Box<str>,
    pub(crate) pattern: Pattern,
}

/// A resource pattern with its text as written.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ResourcePattern {
    pub(crate) raw: Box<str>,
    pub(crate) pattern: ArnPattern,
}

/// An `X` / `NotX` element with one or many values.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Element<T> {
    pub(crate) negated: bool,
    pub(crate) items: Box<[T]>,
    pub(crate) array: bool,
}

/// One statement.
#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    pub(crate) sid: Option<Box<str>>,
    pub(crate) effect: Effect,
    pub(crate) principal: Option<(bool, PrincipalSpec)>,
    pub(crate) action: Element<ActionPattern>,
    pub(crate) resource: Option<Element<ResourcePattern>>,
    pub(crate) conditions: Box<[ConditionBlock]>,
}

impl Statement {
    /// The `Sid`, if any.
    #[must_use]
    pub fn sid(&self) -> Option<&str> {
        self.sid.as_deref()
    }
    /// The effect.
    #[must_use]
    pub fn effect(&self) -> Effect {
        self.effect
    }
    /// The action patterns as written, and whether they are under `NotAction`.
    #[cfg(feature = "authorization-messages")]
    pub(crate) fn actions(&self) -> (bool, impl Iterator<Item = &str>) {
        (
            self.action.negated,
            self.action.items.iter().map(|a| &*a.raw),
        )
    }
    /// The condition operators with their keys.
    #[cfg(feature = "authorization-messages")]
    #[must_use]
    pub(crate) fn conditions(&self) -> &[ConditionBlock] {
        &self.conditions
    }
}

/// A parsed policy document.
///
/// ```
/// use tempcred::policy::{PolicyDocument, RequestContext, Decision};
/// let doc = PolicyDocument::parse(r#"{
///     "Version": "2012-10-17",
///     "Statement": {"Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::b/*"}
/// }"#, 6144).unwrap();
/// let ctx = RequestContext::new("s3:GetObject").with_resource("arn:aws:s3:::b/k");
/// assert_eq!(doc.evaluate(&ctx).decision, Decision::Allow);
/// let again = PolicyDocument::parse(&doc.to_json(), 6144).unwrap();
/// assert_eq!(again.evaluate(&ctx).decision, Decision::Allow);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct PolicyDocument {
    pub(crate) version: Version,
    pub(crate) version_given: bool,
    pub(crate) id: Option<Box<str>>,
    pub(crate) statements: Box<[Statement]>,
    pub(crate) statement_array: bool,
    pub(crate) text: Box<str>,
}

impl PolicyDocument {
    /// The version (`2008-10-17` when the document has no `Version`).
    #[must_use]
    pub fn version(&self) -> Version {
        self.version
    }
    /// The `Id`, if any.
    #[must_use]
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }
    /// The statements in order.
    #[must_use]
    pub fn statements(&self) -> &[Statement] {
        &self.statements
    }
    /// The text the document was parsed from.
    #[must_use]
    pub fn original_text(&self) -> &str {
        &self.text
    }
    /// The document as compact JSON, equivalent to the original.
    #[must_use]
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// Serializes one-or-many: a single string unless written as an array.
struct OneOrMany<'a, T>(&'a [T], bool, fn(&T) -> &str);

impl<T> Serialize for OneOrMany<'_, T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            [one] if !self.1 => s.serialize_str((self.2)(one)),
            items => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for i in items {
                    seq.serialize_element((self.2)(i))?;
                }
                seq.end()
            }
        }
    }
}

struct PrincipalJson<'a>(&'a PrincipalSpec);

impl Serialize for PrincipalJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            PrincipalSpec::Any => s.serialize_str("*"),
            PrincipalSpec::Map(entries) => {
                let mut map = s.serialize_map(Some(entries.len()))?;
                for (kind, values, array) in entries {
                    map.serialize_entry(kind.as_str(), &OneOrMany(values, *array, |v| &v.raw))?;
                }
                map.end()
            }
        }
    }
}

struct ConditionValueJson<'a>(&'a str, JsonKind);

impl Serialize for ConditionValueJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.1 {
            JsonKind::String => s.serialize_str(self.0),
            JsonKind::Bool => s.serialize_bool(self.0 == "true"),
            JsonKind::Number => match serde_json::from_str::<serde_json::Number>(self.0) {
                Ok(n) => n.serialize(s),
                Err(_) => s.serialize_str(self.0),
            },
        }
    }
}

struct ConditionJson<'a>(&'a [ConditionBlock]);

impl Serialize for ConditionJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct Entries<'a>(&'a ConditionBlock);
        impl Serialize for Entries<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut map = s.serialize_map(Some(self.0.entries.len()))?;
                for e in self.0.entries.iter() {
                    let vals: Vec<_> = e
                        .values
                        .iter()
                        .map(|v| ConditionValueJson(&v.raw, v.kind))
                        .collect();
                    match &*vals {
                        [one] if !e.array => map.serialize_entry(&*e.key, one)?,
                        _ => map.serialize_entry(&*e.key, &vals)?,
                    }
                }
                map.end()
            }
        }
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for block in self.0 {
            map.serialize_entry(&*block.name, &Entries(block))?;
        }
        map.end()
    }
}

impl Serialize for Statement {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        if let Some(sid) = &self.sid {
            map.serialize_entry("Sid", sid)?;
        }
        map.serialize_entry("Effect", self.effect.as_str())?;
        if let Some((negated, spec)) = &self.principal {
            let key = if *negated {
                "NotPrincipal"
            } else {
                "Principal"
            };
            map.serialize_entry(key, &PrincipalJson(spec))?;
        }
        let key = if self.action.negated {
            "NotAction"
        } else {
            "Action"
        };
        map.serialize_entry(
            key,
            &OneOrMany(&self.action.items, self.action.array, |a| &a.raw),
        )?;
        if let Some(r) = &self.resource {
            let key = if r.negated { "NotResource" } else { "Resource" };
            map.serialize_entry(key, &OneOrMany(&r.items, r.array, |r| &r.raw))?;
        }
        if !self.conditions.is_empty() {
            map.serialize_entry("Condition", &ConditionJson(&self.conditions))?;
        }
        map.end()
    }
}

impl Serialize for PolicyDocument {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        if self.version_given {
            map.serialize_entry("Version", self.version.as_str())?;
        }
        if let Some(id) = &self.id {
            map.serialize_entry("Id", id)?;
        }
        match &*self.statements {
            [one] if !self.statement_array => map.serialize_entry("Statement", one)?,
            all => map.serialize_entry("Statement", all)?,
        }
        map.end()
    }
}
