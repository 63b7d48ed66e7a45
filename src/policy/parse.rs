//! Strict reading of policy documents: JSON with duplicate-key detection, then the grammar of
//! the IAM grammar, then precompilation.
//!
//! Invariants: the size limit is checked before any parsing, so work and allocation are bounded by
//! the limit; JSON nesting is bounded by serde_json's recursion limit; every refusal names the
//! statement and element it is about (or the JSON line and column).

use super::condition::{compile_value, new_entry, ConditionBlock, ConditionOperator, JsonKind};
use super::error::{quote, MalformedPolicyDocument as Error, MalformedReason as R};
use super::matching::{skeleton, ArnPattern, Pattern, VARIABLE_MARK};
use super::model::{
    ActionPattern, Effect, Element, PolicyDocument, PrincipalKind, PrincipalSpec, PrincipalTarget,
    PrincipalValue, ResourcePattern, Statement, Version,
};
use crate::principal::{AccountId, PrincipalArn};
use serde::de::{self, Deserialize, MapAccess, SeqAccess, Visitor};
use std::collections::HashSet;
use std::fmt;

use crate::limits::{IDENTITY_POLICY_MAX_CHARS, MAX_SESSION_POLICY_CHARS, TRUST_POLICY_MAX_CHARS};

/// What a policy is for; each kind has its own size limit and element rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PolicyKind {
    /// A role's trust policy: every statement names a `Principal`; no `Resource`.
    Trust,
    /// An identity policy of a user or role: no `Principal`; `Resource` required.
    Identity,
    /// A session policy passed with a request: same rules as identity policies.
    Session,
}

impl PolicyKind {
    /// The size limit of this kind, in characters.
    #[must_use]
    pub(crate) fn max_chars(self) -> usize {
        match self {
            PolicyKind::Trust => TRUST_POLICY_MAX_CHARS,
            PolicyKind::Identity => IDENTITY_POLICY_MAX_CHARS,
            PolicyKind::Session => MAX_SESSION_POLICY_CHARS,
        }
    }
}

/// A JSON value that remembers key order and refuses duplicate keys.
#[derive(Debug)]
enum JVal {
    Null,
    Bool(bool),
    Num(Box<str>),
    Str(Box<str>),
    Arr(Vec<JVal>),
    Obj(Vec<(Box<str>, JVal)>),
}

/// Marks our duplicate-key error inside serde_json's message.
const DUP_MARK: &str = "\u{1}duplicate key:";

impl<'de> Deserialize<'de> for JVal {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(JValVisitor)
    }
}

struct JValVisitor;

impl<'de> Visitor<'de> for JValVisitor {
    type Value = JVal;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<JVal, E> {
        Ok(JVal::Null)
    }
    fn visit_bool<E>(self, v: bool) -> Result<JVal, E> {
        Ok(JVal::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<JVal, E> {
        Ok(JVal::Num(v.to_string().into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<JVal, E> {
        Ok(JVal::Num(v.to_string().into()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<JVal, E> {
        Ok(JVal::Num(v.to_string().into()))
    }
    fn visit_str<E>(self, v: &str) -> Result<JVal, E> {
        Ok(JVal::Str(v.into()))
    }
    fn visit_string<E>(self, v: String) -> Result<JVal, E> {
        Ok(JVal::Str(v.into()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<JVal, A::Error> {
        let mut items = Vec::new();
        while let Some(v) = seq.next_element()? {
            items.push(v);
        }
        Ok(JVal::Arr(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<JVal, A::Error> {
        let mut entries: Vec<(Box<str>, JVal)> = Vec::new();
        // Small objects are checked by scanning; big ones switch to a set, keeping this linear.
        let mut seen: Option<HashSet<Box<str>>> = None;
        while let Some(key) = map.next_key::<Box<str>>()? {
            let dup = match &mut seen {
                Some(set) => !set.insert(key.clone()),
                None => {
                    let dup = entries.iter().any(|(k, _)| *k == key);
                    if entries.len() >= 16 {
                        seen = Some(entries.iter().map(|(k, _)| k.clone()).collect());
                        if let Some(set) = &mut seen {
                            set.insert(key.clone());
                        }
                    }
                    dup
                }
            };
            if dup {
                return Err(de::Error::custom(format_args!("{DUP_MARK}{}", quote(&key))));
            }
            let value = map.next_value()?;
            entries.push((key, value));
        }
        Ok(JVal::Obj(entries))
    }
}

fn err(reason: R, location: impl Into<Box<str>>) -> Error {
    Error::new(reason, location)
}

/// Characters that count toward the size limit: everything but whitespace (as IAM counts).
fn over_limit(text: &str, max_chars: usize) -> bool {
    // Generous cap on raw bytes so whitespace padding cannot make parsing unbounded either.
    let byte_cap = max_chars.saturating_mul(4).saturating_add(64 * 1024);
    text.len() > byte_cap
        || text
            .chars()
            .filter(|c| !c.is_whitespace())
            .take(max_chars.saturating_add(1))
            .count()
            > max_chars
}

/// Parses `text` as a policy document of at most `max_chars` non-whitespace characters.
pub(crate) fn parse_document(
    text: &str,
    max_chars: usize,
    kind: Option<PolicyKind>,
) -> Result<PolicyDocument, Error> {
    if over_limit(text, max_chars) {
        return Err(err(R::TooLarge { limit: max_chars }, "document"));
    }
    let root: JVal = serde_json::from_str(text).map_err(|e| {
        let location = format!("line {} column {}", e.line(), e.column());
        let msg = e.to_string();
        match msg.strip_prefix(DUP_MARK) {
            Some(rest) => {
                let key = rest.split(" at line ").next().unwrap_or(rest);
                err(R::DuplicateKey(key.into()), location)
            }
            None => err(R::InvalidJson(quote(&msg)), location),
        }
    })?;
    let JVal::Obj(top) = root else {
        return Err(err(R::WrongType("a JSON object"), "document"));
    };
    let mut version = None;
    let mut id = None;
    let mut statement = None;
    for (k, v) in &top {
        match &**k {
            "Version" => version = Some(v),
            "Id" => id = Some(v),
            "Statement" => statement = Some(v),
            other => return Err(err(R::UnknownElement(quote(other)), "document")),
        }
    }
    let (version, version_given) = match version {
        None => (Version::V2008_10_17, false),
        Some(JVal::Str(s)) if &**s == "2012-10-17" => (Version::V2012_10_17, true),
        Some(JVal::Str(s)) if &**s == "2008-10-17" => (Version::V2008_10_17, true),
        Some(JVal::Str(s)) => return Err(err(R::UnsupportedVersion(quote(s)), "Version")),
        Some(_) => return Err(err(R::WrongType("a string"), "Version")),
    };
    let id = match id {
        None => None,
        Some(JVal::Str(s)) => Some(s.clone()),
        Some(_) => return Err(err(R::WrongType("a string"), "Id")),
    };
    let variables = version == Version::V2012_10_17;
    let (raw_statements, statement_array): (Vec<&JVal>, bool) = match statement {
        None => return Err(err(R::MissingElement("Statement"), "document")),
        Some(JVal::Arr(items)) if items.is_empty() => return Err(err(R::Empty, "Statement")),
        Some(JVal::Arr(items)) => (items.iter().collect(), true),
        Some(obj @ JVal::Obj(_)) => (vec![obj], false),
        Some(_) => return Err(err(R::WrongType("an object or an array"), "Statement")),
    };
    let mut statements = Vec::with_capacity(raw_statements.len());
    for (i, s) in raw_statements.into_iter().enumerate() {
        let loc = if statement_array {
            format!("Statement[{i}]")
        } else {
            "Statement".to_owned()
        };
        let st = parse_statement(s, &loc, variables)?;
        if let Some(sid) = st.sid.as_deref() {
            check_sid(sid, kind, &loc)?;
        }
        // Uniqueness applies to non-empty Sids only: AWS accepts several `"Sid": ""` (moto's
        // `_validate_sid_uniqueness` skips empty ones).
        if let Some(sid) = st.sid.as_deref().filter(|s| !s.is_empty()) {
            if statements
                .iter()
                .any(|o: &Statement| o.sid.as_deref() == Some(sid))
            {
                return Err(err(
                    R::InvalidValue(
                        "Statement IDs (SID) in a single policy must be unique",
                        quote(sid),
                    ),
                    format!("{loc}.Sid"),
                ));
            }
        }
        if let Some(kind) = kind {
            check_kind(&st, kind, &loc)?;
        }
        statements.push(st);
    }
    Ok(PolicyDocument {
        version,
        version_given,
        id,
        statements: statements.into_boxed_slice(),
        statement_array,
        text: text.into(),
    })
}

/// Refuses a Sid with characters the policy kind does not allow. Identity and session policies:
/// `[0-9A-Za-z]` only (IAM User Guide, `Sid`: "supports ASCII uppercase letters (A-Z), lowercase
/// letters (a-z), and numbers (0-9)"; AWS answers "Statement IDs (SID) must be alpha-numeric").
/// Trust policies and kind-less (resource-based) documents: those and spaces, which IAM accepts
/// in resource-based policies. Session policies are undocumented; the stricter (identity) rule
/// applies.
fn check_sid(sid: &str, kind: Option<PolicyKind>, loc: &str) -> Result<(), Error> {
    let spaces = matches!(kind, None | Some(PolicyKind::Trust));
    if sid
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || (spaces && b == b' '))
    {
        return Ok(());
    }
    let allowed = if spaces {
        "[0-9A-Za-z ]*"
    } else {
        "[0-9A-Za-z]*"
    };
    Err(err(
        R::Refused(
            format!(
                "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the \
                 regular expression {allowed}: {:?}",
                quote(sid)
            )
            .into(),
        ),
        format!("{loc}.Sid"),
    ))
}

impl PolicyDocument {
    /// Checks that a document parsed without a kind (or built for another use) obeys the rules
    /// of `kind`: for a trust policy, a `Principal` in every statement, no `NotPrincipal` and no
    /// `Resource`. The directory checks a role's trust policy with it, so a role built in code
    /// cannot carry a trust policy that `parse_trust` would refuse.
    ///
    /// # Errors
    ///
    /// The same [`MalformedPolicyDocument`](super::MalformedPolicyDocument) the parser of that
    /// kind gives.
    pub(crate) fn check_kind(&self, kind: PolicyKind) -> Result<(), Error> {
        for (i, st) in self.statements.iter().enumerate() {
            check_kind(st, kind, &format!("Statement[{i}]"))?;
        }
        Ok(())
    }
}

fn check_kind(st: &Statement, kind: PolicyKind, loc: &str) -> Result<(), Error> {
    match kind {
        PolicyKind::Trust => {
            // IAM User Guide, `NotPrincipal`: "You cannot use the NotPrincipal element in an IAM
            // identity-based policy nor in an IAM role trust policy." With Allow it would let
            // every principal not listed (any web identity included) assume the role.
            if matches!(st.principal, Some((true, _))) {
                return Err(err(
                    R::Prohibited("Has prohibited field NotPrincipal (trust policy)"),
                    format!("{loc}.NotPrincipal"),
                ));
            }
            if st.resource.is_some() {
                return Err(err(
                    R::Prohibited("Has prohibited field Resource (trust policy)"),
                    loc,
                ));
            }
            if st.principal.is_none() {
                return Err(err(R::MissingElement("Principal"), loc));
            }
        }
        PolicyKind::Identity | PolicyKind::Session => {
            if st.principal.is_some() {
                return Err(err(
                    R::Prohibited("Policy document should not specify a principal"),
                    loc,
                ));
            }
            if st.resource.is_none() {
                return Err(err(R::MissingElement("Resource"), loc));
            }
        }
    }
    Ok(())
}

/// Takes `X` or `NotX` from a statement, refusing both.
fn pick<'a>(
    x: Option<&'a JVal>,
    not_x: Option<&'a JVal>,
    names: (&'static str, &'static str),
    loc: &str,
) -> Result<Option<(bool, &'a JVal, &'static str)>, Error> {
    match (x, not_x) {
        (Some(_), Some(_)) => Err(err(R::Conflicting(names.0, names.1), loc)),
        (Some(v), None) => Ok(Some((false, v, names.0))),
        (None, Some(v)) => Ok(Some((true, v, names.1))),
        (None, None) => Ok(None),
    }
}

/// One string or a non-empty array of strings; `bool` says whether it was an array.
fn strings<'a>(v: &'a JVal, loc: &dyn Fn() -> String) -> Result<(Vec<&'a str>, bool), Error> {
    match v {
        JVal::Str(s) => Ok((vec![&**s], false)),
        JVal::Arr(items) if items.is_empty() => Err(err(R::Empty, loc())),
        JVal::Arr(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    JVal::Str(s) => out.push(&**s),
                    _ => return Err(err(R::WrongType("a string"), loc())),
                }
            }
            Ok((out, true))
        }
        _ => Err(err(R::WrongType("a string or an array of strings"), loc())),
    }
}

fn parse_statement(v: &JVal, loc: &str, variables: bool) -> Result<Statement, Error> {
    let JVal::Obj(entries) = v else {
        return Err(err(R::WrongType("a statement object"), loc));
    };
    if entries.is_empty() {
        return Err(err(R::Empty, loc));
    }
    let (mut sid, mut effect, mut cond) = (None, None, None);
    let (mut p, mut np, mut a, mut na, mut r, mut nr) = (None, None, None, None, None, None);
    for (k, v) in entries {
        let slot = match &**k {
            "Sid" => &mut sid,
            "Effect" => &mut effect,
            "Principal" => &mut p,
            "NotPrincipal" => &mut np,
            "Action" => &mut a,
            "NotAction" => &mut na,
            "Resource" => &mut r,
            "NotResource" => &mut nr,
            "Condition" => &mut cond,
            other => return Err(err(R::UnknownElement(quote(other)), loc)),
        };
        *slot = Some(v);
    }
    let at = |e: &str| format!("{loc}.{e}");
    let sid = match sid {
        None => None,
        Some(JVal::Str(s)) => Some(s.clone()),
        Some(_) => return Err(err(R::WrongType("a string"), at("Sid"))),
    };
    let effect = match effect {
        None => return Err(err(R::MissingElement("Effect"), loc)),
        Some(JVal::Str(s)) if &**s == "Allow" => Effect::Allow,
        Some(JVal::Str(s)) if &**s == "Deny" => Effect::Deny,
        Some(JVal::Str(s)) => return Err(err(R::InvalidEffect(quote(s)), at("Effect"))),
        Some(_) => return Err(err(R::WrongType("a string"), at("Effect"))),
    };
    let principal = match pick(p, np, ("Principal", "NotPrincipal"), loc)? {
        None => None,
        Some((negated, v, name)) => Some((negated, parse_principal(v, &at(name))?)),
    };
    let action = match pick(a, na, ("Action", "NotAction"), loc)? {
        None => return Err(err(R::MissingElement("Action"), loc)),
        Some((negated, v, name)) => {
            let (items, array) = strings(v, &|| at(name))?;
            let mut out = Vec::with_capacity(items.len());
            for raw in items {
                out.push(parse_action(raw).map_err(|r| err(r, at(name)))?);
            }
            Element {
                negated,
                items: out.into_boxed_slice(),
                array,
            }
        }
    };
    let resource = match pick(r, nr, ("Resource", "NotResource"), loc)? {
        None => None,
        Some((negated, v, name)) => {
            let (items, array) = resource_strings(v, &|| at(name))?;
            let mut out = Vec::with_capacity(items.len());
            for raw in items {
                let bad = |why| err(R::InvalidValue(why, quote(raw)), at(name));
                check_resource(raw, variables).map_err(|r| err(r, at(name)))?;
                let pattern = ArnPattern::compile(raw, variables, true).map_err(bad)?;
                out.push(ResourcePattern {
                    raw: raw.into(),
                    pattern,
                });
            }
            Some(Element {
                negated,
                items: out.into_boxed_slice(),
                array,
            })
        }
    };
    let conditions = match cond {
        None => Vec::new(),
        Some(v) => parse_conditions(v, &at("Condition"), variables)?,
    };
    Ok(Statement {
        sid,
        effect,
        principal,
        action,
        resource,
        conditions: conditions.into_boxed_slice(),
    })
}

/// Reads an action with IAM's rules (messages from moto's `tests/test_iam/test_iam_policies.py`):
/// `*`, or `VENDOR:NAME` with exactly one colon; the vendor `*` or `[A-Za-z0-9.-]+` (dots and
/// hyphens as in `s3.s`, `service-prefix`); the name anything but a colon (IAM accepts
/// `iam: asdf safdsf af `). Where IAM is silent the stricter reading holds: the vendor and the
/// name must not be empty and have no control characters.
fn parse_action(raw: &str) -> Result<ActionPattern, R> {
    if raw != "*" {
        let refused = |m: String| R::Refused(m.into());
        let Some((vendor, name)) = raw.split_once(':') else {
            return Err(refused(
                "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.".into(),
            ));
        };
        if name.contains(':') {
            return Err(refused(
                "Actions/Condition can contain only one colon.".into(),
            ));
        }
        if vendor != "*"
            && (vendor.is_empty()
                || !vendor
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.'))
        {
            return Err(refused(format!("Vendor {} is not valid", quote(vendor))));
        }
        if name.is_empty() || name.chars().any(char::is_control) {
            return Err(R::InvalidValue("invalid action name", quote(raw)));
        }
    }
    Ok(ActionPattern {
        raw: raw.into(),
        pattern: Pattern::compile(raw, true, false, true)
            .map_err(|why| R::InvalidValue(why, quote(raw)))?,
    })
}

/// The partitions IAM knows. `arn:error:…` is refused, as AWS does.
const PARTITIONS: [&str; 8] = [
    "aws",
    "aws-cn",
    "aws-us-gov",
    "aws-iso",
    "aws-iso-b",
    "aws-iso-e",
    "aws-iso-f",
    "aws-eusc",
];

/// `Resource` / `NotResource` values as IAM validates them (`moto/iam/policy_validation.py`,
/// `_validate_resource_format` and `_legacy_parse_resource_like`; messages as AWS words them).
/// Checked on the text with its policy variables masked, so a variable's own colons never count.
/// Stricter than IAM where it is silent: no whitespace outside variables, the first part must be
/// `arn`, no policy variable in the partition or the service.
fn check_resource(raw: &str, variables: bool) -> Result<(), R> {
    if raw == "*" {
        return Ok(());
    }
    let masked = if variables && raw.contains("${") {
        skeleton(raw).map_err(|why| R::InvalidValue(why, quote(raw)))?
    } else {
        raw.to_owned()
    };
    let refused = |m: String| R::Refused(m.into());
    let not_arn = || {
        refused(format!(
            "Resource {} must be in ARN format or \"*\".",
            quote(raw)
        ))
    };
    if !masked.contains(':') {
        return Err(not_arn());
    }
    if masked.chars().any(char::is_whitespace) {
        return Err(R::InvalidValue("resources have no whitespace", quote(raw)));
    }
    let parts: Vec<&str> = masked.splitn(7, ':').collect();
    let (Some(first), Some(partition)) = (parts.first(), parts.get(1)) else {
        return Err(not_arn());
    };
    if !PARTITIONS.contains(partition) {
        let rest = parts.get(2..).unwrap_or(&[]);
        let part = |i: usize| match rest.get(i) {
            Some(p) if !p.is_empty() || rest.len() > i + 1 => (*p).to_owned(),
            Some(_) if i > 0 => String::new(),
            _ => "*".to_owned(),
        };
        let tail = if rest.len() > 3 {
            rest.get(3..).unwrap_or(&[]).join(":")
        } else {
            "*".to_owned()
        };
        // A variable stands masked in `masked`; the message shows it as `${…}`.
        let unmask = |t: &str| quote(&t.replace(VARIABLE_MARK, "${…}"));
        let shown = format!("arn:{partition}:{}:{}:{}:{tail}", part(0), part(1), part(2));
        return Err(refused(format!(
            "Partition \"{}\" is not valid for resource \"{}\".",
            unmask(partition),
            unmask(&shown)
        )));
    }
    let Some(service) = parts.get(2) else {
        return Err(refused(
            "Resource vendor must be fully qualified and cannot contain regexes.".into(),
        ));
    };
    if service.contains(['*', '?', VARIABLE_MARK]) {
        return Err(refused(
            "Resource vendor must be fully qualified and cannot contain regexes.".into(),
        ));
    }
    let colons = masked.bytes().filter(|b| *b == b':').count();
    if service.is_empty() || (colons < 5 && masked.contains("::")) {
        return Err(refused("The policy failed legacy parsing".into()));
    }
    if parts.get(3).is_some_and(|region| !region.is_empty()) {
        match *service {
            "iam" => {
                return Err(refused(format!(
                    "IAM resource {} cannot contain region information.",
                    quote(raw)
                )))
            }
            "s3" => {
                return Err(refused(format!(
                    "Resource {} can not contain region information.",
                    quote(raw)
                )))
            }
            _ => {}
        }
    }
    if *service == "iam" {
        let path = masked.splitn(6, ':').nth(5);
        if path.is_some_and(|p| p != "*" && !IAM_RESOURCE_TYPES.iter().any(|t| p.starts_with(t))) {
            return Err(refused(format!(
                "IAM resource path must either be \"*\" or start with {}.",
                IAM_RESOURCE_TYPES.join(", ")
            )));
        }
    }
    if *first != "arn" {
        return Err(not_arn());
    }
    Ok(())
}

/// The resource types an IAM resource path may start with, in the order AWS's message lists
/// them (moto's `VALID_RESOURCE_PATH_STARTING_VALUES`).
const IAM_RESOURCE_TYPES: [&str; 13] = [
    "user/",
    "federated-user/",
    "role/",
    "group/",
    "instance-profile/",
    "mfa/",
    "server-certificate/",
    "policy/",
    "sms-mfa/",
    "saml-provider/",
    "oidc-provider/",
    "report/",
    "access-report/",
];

/// A `Resource` value: like [`strings`], except that `null` items of an array are skipped, as
/// IAM accepts them; an array of nothing but `null` is refused like an empty one.
fn resource_strings<'a>(
    v: &'a JVal,
    loc: &dyn Fn() -> String,
) -> Result<(Vec<&'a str>, bool), Error> {
    match v {
        JVal::Arr(items) if items.iter().any(|i| matches!(i, JVal::Null)) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    JVal::Null => {}
                    JVal::Str(s) => out.push(&**s),
                    _ => return Err(err(R::WrongType("a string"), loc())),
                }
            }
            if out.is_empty() {
                return Err(err(R::Empty, loc()));
            }
            Ok((out, true))
        }
        other => strings(other, loc),
    }
}

fn parse_principal(v: &JVal, loc: &str) -> Result<PrincipalSpec, Error> {
    let map = match v {
        JVal::Str(s) if &**s == "*" => return Ok(PrincipalSpec::Any),
        JVal::Str(s) => return Err(err(R::InvalidPrincipal(quote(s)), loc)),
        JVal::Obj(map) if map.is_empty() => return Err(err(R::Empty, loc)),
        JVal::Obj(map) => map,
        _ => return Err(err(R::WrongType("\"*\" or a principal map"), loc)),
    };
    let mut out = Vec::with_capacity(map.len());
    for (k, v) in map {
        let kind = match &**k {
            "AWS" => PrincipalKind::Aws,
            "Service" => PrincipalKind::Service,
            "Federated" => PrincipalKind::Federated,
            "CanonicalUser" => PrincipalKind::CanonicalUser,
            other => return Err(err(R::UnknownElement(quote(other)), loc)),
        };
        let at = || format!("{loc}.{k}");
        let (items, array) = strings(v, &at)?;
        let mut values = Vec::with_capacity(items.len());
        for raw in items {
            let target = principal_target(kind, raw)
                .ok_or_else(|| err(R::InvalidPrincipal(quote(raw)), at()))?;
            values.push(PrincipalValue {
                raw: raw.into(),
                target,
            });
        }
        out.push((kind, values, array));
    }
    Ok(PrincipalSpec::Map(out))
}

fn principal_target(kind: PrincipalKind, raw: &str) -> Option<PrincipalTarget> {
    if raw == "*" {
        return Some(PrincipalTarget::Any);
    }
    let name_ok = |extra: &[u8]| {
        !raw.is_empty()
            && raw.len() <= 256
            && raw
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b".-".contains(&b) || extra.contains(&b))
    };
    match kind {
        PrincipalKind::Aws => {
            if let Ok(acct) = AccountId::new(raw) {
                return Some(PrincipalTarget::Account(None, acct));
            }
            match PrincipalArn::parse(raw).ok()? {
                PrincipalArn::Root { partition, account } => Some(PrincipalTarget::Account(
                    Some(partition.as_str().into()),
                    account,
                )),
                PrincipalArn::OidcProvider { .. } | PrincipalArn::SamlProvider { .. } => None,
                _ => Some(PrincipalTarget::Arn(raw.into())),
            }
        }
        PrincipalKind::Service => name_ok(b"").then(|| PrincipalTarget::Name(raw.into())),
        PrincipalKind::Federated => {
            if raw.starts_with("arn:") {
                match PrincipalArn::parse(raw).ok()? {
                    PrincipalArn::OidcProvider { .. } | PrincipalArn::SamlProvider { .. } => {
                        Some(PrincipalTarget::Name(raw.into()))
                    }
                    _ => None,
                }
            } else {
                name_ok(b"/").then(|| PrincipalTarget::Name(raw.into()))
            }
        }
        PrincipalKind::CanonicalUser => name_ok(b"").then(|| PrincipalTarget::Name(raw.into())),
    }
}

/// Condition values as (text, JSON type).
type Scalars<'a> = Vec<(&'a str, JsonKind)>;

/// One scalar or an array of scalars, as (text, JSON type).
fn scalars<'a>(v: &'a JVal, loc: &dyn Fn() -> String) -> Result<(Scalars<'a>, bool), Error> {
    let one = |v: &'a JVal| match v {
        JVal::Str(s) => Some((&**s, JsonKind::String)),
        JVal::Num(n) => Some((&**n, JsonKind::Number)),
        JVal::Bool(true) => Some(("true", JsonKind::Bool)),
        JVal::Bool(false) => Some(("false", JsonKind::Bool)),
        _ => None,
    };
    match v {
        // An empty value list is accepted, as IAM does (moto: `{"DateGreaterThan": {"a": []}}`
        // is a valid document); no context value matches it.
        JVal::Arr(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                out.push(
                    one(item)
                        .ok_or_else(|| err(R::WrongType("a string, number or boolean"), loc()))?,
                );
            }
            Ok((out, true))
        }
        JVal::Null => Err(err(R::WrongType("a string, number or boolean"), loc())),
        other => Ok((
            vec![one(other)
                .ok_or_else(|| err(R::WrongType("a string, number or boolean"), loc()))?],
            false,
        )),
    }
}

fn parse_conditions(v: &JVal, loc: &str, variables: bool) -> Result<Vec<ConditionBlock>, Error> {
    let JVal::Obj(ops) = v else {
        return Err(err(R::WrongType("an object"), loc));
    };
    let mut blocks: Vec<ConditionBlock> = Vec::with_capacity(ops.len());
    for (name, keys) in ops {
        let op: ConditionOperator = match name.parse() {
            Ok(op) => op,
            // IAM accepts an unknown operator whose block is empty (moto's valid documents:
            // `"Condition": {"a": {}}`); it has no key, so it constrains nothing and is dropped.
            Err(_) if matches!(keys, JVal::Obj(k) if k.is_empty()) => continue,
            Err(_) => return Err(err(R::UnknownOperator(quote(name)), loc)),
        };
        if blocks.iter().any(|b| b.name.eq_ignore_ascii_case(name)) {
            return Err(err(R::DuplicateKey(quote(name)), loc));
        }
        let at = format!("{loc}.{name}");
        let JVal::Obj(keys) = keys else {
            return Err(err(R::WrongType("an object of condition keys"), at));
        };
        // An empty block is accepted, as IAM does (moto: `{"DateGreaterThan": {}}`); with no key
        // it holds.
        let mut entries: Vec<super::condition::ConditionEntry> = Vec::with_capacity(keys.len());
        for (key, vals) in keys {
            if key.is_empty() || key.chars().any(|c| c.is_whitespace() || c.is_control()) {
                return Err(err(
                    R::InvalidValue("invalid condition key", quote(key)),
                    at,
                ));
            }
            if entries.iter().any(|e| e.key.eq_ignore_ascii_case(key)) {
                return Err(err(R::DuplicateKey(quote(key)), at));
            }
            let (raw, array) = scalars(vals, &|| format!("{at}.{key}"))?;
            let mut values = Vec::with_capacity(raw.len());
            for (text, kind) in raw {
                values.push(compile_value(op, text, kind, variables).map_err(|why| {
                    err(R::InvalidValue(why, quote(text)), format!("{at}.{key}"))
                })?);
            }
            entries.push(new_entry(key, values, array));
        }
        blocks.push(ConditionBlock {
            op,
            name: name.clone(),
            entries: entries.into_boxed_slice(),
        });
    }
    Ok(blocks)
}

impl PolicyDocument {
    /// Parses a policy document of at most `max_chars` characters (whitespace not counted, as
    /// IAM counts), with the IAM grammar and the rules of a resource-based policy: any
    /// element may appear, and a Sid may hold letters, digits and spaces.
    ///
    /// Refuses, with [`MalformedPolicyDocument`](super::MalformedPolicyDocument) saying where:
    /// invalid JSON, duplicate keys at any level, unknown elements, `X` together with `NotX`,
    /// missing `Effect`/`Action`, unknown condition operators (an unknown operator with an empty
    /// block is accepted, as IAM accepts it), unreadable condition values, actions, resources
    /// and Sids IAM refuses (with IAM's message), bad principal ARNs, empty statements or
    /// `Action`/`Resource` arrays, and documents over the limit.
    ///
    /// # Errors
    ///
    /// [`MalformedPolicyDocument`](crate::policy::MalformedPolicyDocument) saying where: invalid
    /// JSON, a duplicate key, an unknown element, a grammar rule broken for this kind of policy, or
    /// a document over its size limit.
    pub fn parse(text: &str, max_chars: usize) -> Result<Self, Error> {
        parse_document(text, max_chars, None)
    }

    /// Parses a policy of `kind`, with that kind's size limit and element rules.
    ///
    /// # Errors
    ///
    /// [`MalformedPolicyDocument`](crate::policy::MalformedPolicyDocument) saying where: invalid
    /// JSON, a duplicate key, an unknown element, a grammar rule broken for this kind of policy, or
    /// a document over its size limit.
    pub fn parse_as(text: &str, kind: PolicyKind) -> Result<Self, Error> {
        parse_document(text, kind.max_chars(), Some(kind))
    }

    /// Parses a role trust policy ([`TRUST_POLICY_MAX_CHARS`]; every statement names a principal;
    /// no `Resource`).
    ///
    /// # Errors
    ///
    /// [`MalformedPolicyDocument`](crate::policy::MalformedPolicyDocument) saying where: invalid
    /// JSON, a duplicate key, an unknown element, a grammar rule broken for this kind of policy, or
    /// a document over its size limit.
    pub fn parse_trust(text: &str) -> Result<Self, Error> {
        Self::parse_as(text, PolicyKind::Trust)
    }

    /// Parses an identity policy ([`IDENTITY_POLICY_MAX_CHARS`]; no principal; `Resource`
    /// required).
    ///
    /// # Errors
    ///
    /// [`MalformedPolicyDocument`](crate::policy::MalformedPolicyDocument) saying where: invalid
    /// JSON, a duplicate key, an unknown element, a grammar rule broken for this kind of policy, or
    /// a document over its size limit.
    pub fn parse_identity(text: &str) -> Result<Self, Error> {
        Self::parse_as(text, PolicyKind::Identity)
    }

    /// Parses a session policy ([`MAX_SESSION_POLICY_CHARS`]; rules of identity policies).
    ///
    /// # Errors
    ///
    /// [`MalformedPolicyDocument`](crate::policy::MalformedPolicyDocument) saying where: invalid
    /// JSON, a duplicate key, an unknown element, a grammar rule broken for this kind of policy, or
    /// a document over its size limit.
    pub fn parse_session(text: &str) -> Result<Self, Error> {
        Self::parse_as(text, PolicyKind::Session)
    }
}
