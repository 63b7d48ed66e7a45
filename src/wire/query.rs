//! The STS Query API: `application/x-www-form-urlencoded` requests into typed requests.
//!
//! Invariants:
//! - Work and memory are bounded before anything proportional happens: the body length is checked
//!   against [`QueryLimits::max_body_bytes`] and the number of `&`-separated pairs against
//!   [`QueryLimits::max_parameters`] before any decoding. List indexes are refused past their
//!   list's maximum, so no index can make the parser allocate.
//! - Strict: every parameter must be known for the action, appear once, and list members must be
//!   numbered `1..=n` without gaps. `X-Amz-*` parameters (a presigned URL's SigV4 fields) are
//!   skipped: they belong to the signature check, not to the request.
//! - Error order follows AWS: size, syntax, `Action`, `Version`, unknown or duplicate parameters,
//!   missing required parameters, then each parameter's own rule.

use crate::error::StsError;
use crate::limits::{MAX_POLICY_ARNS, MAX_TRANSITIVE_TAG_KEYS};
use crate::request::{
    Action, AssumeRoleRequest, AssumeRoleWithSamlRequest, AssumeRoleWithWebIdentityRequest,
    DecodeAuthorizationMessageRequest, GetAccessKeyInfoRequest, GetCallerIdentityRequest,
    GetFederationTokenRequest, GetSessionTokenRequest, GetWebIdentityTokenRequest, StsRequest,
};
use crate::session::MAX_SESSION_TAGS;
use crate::validate::{Constraint, InvalidParameter};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The only STS API version: `2011-06-15`.
pub const API_VERSION: &str = "2011-06-15";

/// Bounds on a Query API request, checked before any proportional work.
///
/// The defaults (64 KiB, 256 parameters) fit the largest valid request of every operation except
/// an `AssumeRoleWithSAML` whose assertion exceeds about 48 000 characters once URL-encoded; a
/// server expecting such assertions raises `max_body_bytes` explicitly.
///
/// ```
/// use tempcred::wire::QueryLimits;
/// let limits = QueryLimits::default().with_max_body_bytes(256 * 1024);
/// assert_eq!(limits.max_body_bytes, 262_144);
/// assert_eq!(limits.max_parameters, 256);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct QueryLimits {
    /// Longest accepted body (or query string), in bytes. Default 65 536.
    pub max_body_bytes: usize,
    /// Most `name=value` pairs. Default 256 (the largest valid `AssumeRole` has about 180).
    pub max_parameters: usize,
}

impl QueryLimits {
    /// 64 KiB and 256 parameters.
    pub const DEFAULT: QueryLimits = QueryLimits {
        max_body_bytes: 64 * 1024,
        max_parameters: 256,
    };

    /// These limits with another body size.
    #[must_use]
    pub fn with_max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = bytes;
        self
    }

    /// These limits with another parameter count.
    #[must_use]
    pub fn with_max_parameters(mut self, count: usize) -> Self {
        self.max_parameters = count;
        self
    }
}

impl Default for QueryLimits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Parses a Query API request under [`QueryLimits::DEFAULT`].
///
/// `input` is the POST body (`Content-Type: application/x-www-form-urlencoded`) or the GET query
/// string without its `?`. `+` decodes as a space; `%XX` as a byte; the result must be UTF-8.
/// SigV4 canonicalizes a GET query with the same meaning (`+` as `%20`), so what the signature
/// covers is what this parser reads; a literal plus is sent as `%2B`.
///
/// ```
/// use tempcred::{wire::parse_query, StsRequest};
/// let body = b"Action=AssumeRole&Version=2011-06-15\
///     &RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdeploy&RoleSessionName=ci\
///     &Tags.member.1.Key=team&Tags.member.1.Value=payments&TransitiveTagKeys.member.1=team";
/// let StsRequest::AssumeRole(req) = parse_query(body).unwrap() else { panic!() };
/// assert_eq!(req.role_arn(), "arn:aws:iam::123456789012:role/deploy");
/// assert!(req.tags().get("team").unwrap().transitive);
///
/// let err = parse_query(b"Action=AssumeRole&Version=2011-06-15&RoleSessionName=ci").unwrap_err();
/// assert_eq!(err.code_str(), "ValidationError");
/// assert!(err.message.contains("roleArn"));
/// ```
///
/// # Errors
///
/// [`StsError`](crate::StsError) with AWS's code: `MissingAction`, `InvalidAction`,
/// `MissingParameter` (no `Version`), `InvalidParameterValue` (unknown or repeated parameters, gaps
/// in lists), `MalformedQueryString`, `RequestEntityTooLarge`, or the operation's own
/// `ValidationError`.
pub fn parse_query(input: &[u8]) -> Result<StsRequest, StsError> {
    parse_query_with_limits(input, &QueryLimits::DEFAULT)
}

/// Parses a Query API request under `limits`. See [`parse_query`].
///
/// # Errors
///
/// As [`parse_query`], with the limits given.
pub fn parse_query_with_limits(input: &[u8], limits: &QueryLimits) -> Result<StsRequest, StsError> {
    if input.len() > limits.max_body_bytes {
        return Err(StsError::request_too_large(limits.max_body_bytes));
    }
    let pairs = input
        .iter()
        .filter(|b| **b == b'&')
        .count()
        .saturating_add(1);
    if pairs > limits.max_parameters {
        return Err(StsError::invalid_parameter_value(format!(
            "The request has more than {} parameters",
            limits.max_parameters
        )));
    }
    let mut params = Params::decode(input)?;
    let action = params.take("Action").ok_or_else(StsError::missing_action)?;
    let version = params
        .take("Version")
        .ok_or_else(|| StsError::missing_parameter("Version"))?;
    let action = match Action::from_name(&action) {
        Some(a) if version == API_VERSION => a,
        _ => return Err(StsError::invalid_action(&action, &version)),
    };
    params.parse_action(action)
}

/// Decoded parameters not yet consumed.
struct Params(BTreeMap<String, String>);

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Form-decodes one name or value: `+` is a space, `%XX` a byte, the result UTF-8.
fn form_decode(part: &[u8]) -> Result<String, StsError> {
    // Runs of bytes that stand for themselves are copied whole; most names and values are one.
    let mut out = Vec::with_capacity(part.len());
    let mut rest = part;
    loop {
        let run = rest
            .iter()
            .position(|b| *b == b'%' || *b == b'+')
            .unwrap_or(rest.len());
        let (plain, escaped) = rest.split_at(run);
        out.extend_from_slice(plain);
        match escaped {
            [] => break,
            [b'+', tail @ ..] => {
                out.push(b' ');
                rest = tail;
            }
            [_, h, l, tail @ ..] if hex(*h).is_some() && hex(*l).is_some() => {
                out.push((hex(*h).unwrap_or(0) << 4) | hex(*l).unwrap_or(0));
                rest = tail;
            }
            _ => {
                return Err(StsError::malformed_query_string(
                    "The query string contains an invalid percent-encoding",
                ))
            }
        }
    }
    String::from_utf8(out).map_err(|_| {
        StsError::malformed_query_string("The query string does not decode to UTF-8 text")
    })
}

/// Whether a parameter belongs to the SigV4 signature of a presigned request.
fn is_signature_param(name: &str) -> bool {
    name.get(..6)
        .is_some_and(|p| p.eq_ignore_ascii_case("X-Amz-"))
}

/// `field` as AWS names a missing member: `Value null at 'FIELD' … must not be null`.
fn null(field: &'static str) -> StsError {
    StsError::validation(format!(
        "1 validation error detected: Value null at '{field}' failed to satisfy constraint: Member must not be null"
    ))
}

fn too_many(field: &'static str, max: usize) -> StsError {
    InvalidParameter {
        field,
        constraint: Constraint::TooManyMembers(max),
    }
    .into()
}

/// Strict `DurationSeconds`: ASCII digits only (no sign, space, point or exponent). A number past
/// `u32::MAX` is refused as too large, however many digits it has.
fn parse_duration(text: &str) -> Result<u32, StsError> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(InvalidParameter {
            field: "durationSeconds",
            constraint: Constraint::Rule("Member must be an integer"),
        }
        .into());
    }
    // Only digits are left, so parsing can fail only by overflow.
    text.parse().map_err(|_| {
        InvalidParameter {
            field: "durationSeconds",
            constraint: Constraint::GreaterThan(u32::MAX.into()),
        }
        .into()
    })
}

impl Params {
    fn decode(input: &[u8]) -> Result<Self, StsError> {
        let mut map = BTreeMap::new();
        for pair in input.split(|b| *b == b'&') {
            if pair.is_empty() {
                continue;
            }
            let (name, value) = match pair.iter().position(|b| *b == b'=') {
                Some(i) => (
                    pair.get(..i).unwrap_or(&[]),
                    pair.get(i.saturating_add(1)..).unwrap_or(&[]),
                ),
                None => (pair, &[][..]),
            };
            let name = form_decode(name)?;
            if name.is_empty() {
                return Err(StsError::malformed_query_string(
                    "The query string contains a parameter without a name",
                ));
            }
            if is_signature_param(&name) {
                continue;
            }
            let value = form_decode(value)?;
            match map.entry(name) {
                std::collections::btree_map::Entry::Vacant(slot) => {
                    slot.insert(value);
                }
                std::collections::btree_map::Entry::Occupied(seen) => {
                    return Err(StsError::invalid_parameter_value(format!(
                        "The parameter {} appears more than once",
                        crate_echo(seen.key())
                    )));
                }
            }
        }
        Ok(Params(map))
    }

    fn take(&mut self, name: &str) -> Option<String> {
        self.0.remove(name)
    }

    /// Removes `PREFIX{N}SUFFIX` members (N = 1..=max, no leading zero) and returns them in order.
    /// A member numbered past `max` is `TooManyMembers`; a gap is `InvalidParameterValue`.
    fn take_list(
        &mut self,
        prefix: &str,
        suffix: &str,
        max: usize,
        field: &'static str,
    ) -> Result<Vec<String>, StsError> {
        let names: Vec<String> = self
            .0
            .range::<str, _>((
                std::ops::Bound::Included(prefix),
                std::ops::Bound::Unbounded,
            ))
            .map(|(k, _)| k)
            .take_while(|k| k.starts_with(prefix))
            // A name shorter than prefix + suffix (the two overlap) has no index: the range
            // below is then empty, and the name is skipped as not canonical.
            .filter(|k| k.ends_with(suffix))
            .cloned()
            .collect();
        let mut members: Vec<(usize, String)> = Vec::new();
        for name in names {
            let index_text = name
                .get(prefix.len()..name.len().saturating_sub(suffix.len()))
                .unwrap_or("");
            let canonical = !index_text.is_empty()
                && index_text.bytes().all(|b| b.is_ascii_digit())
                && !index_text.starts_with('0');
            if !canonical {
                // Not a member of this list (e.g. `Tags.member.x.Key`): left for the unknown check.
                continue;
            }
            let index: usize = match index_text.parse() {
                Ok(i) if i <= max => i,
                _ => return Err(too_many(field, max)),
            };
            if let Some(value) = self.0.remove(&name) {
                members.push((index, value));
            }
        }
        // Numbered from 1 without gaps: sorted, the k-th member must be number k. (Indices are
        // distinct: each is one parameter name.)
        members.sort_unstable_by_key(|(index, _)| *index);
        if members
            .iter()
            .enumerate()
            .any(|(at, (index, _))| *index != at + 1)
        {
            return Err(StsError::invalid_parameter_value(format!(
                "The members of {prefix}N{suffix} must be numbered from 1 without gaps"
            )));
        }
        Ok(members.into_iter().map(|(_, value)| value).collect())
    }

    /// `Tags.member.N.Key` / `Tags.member.N.Value` pairs.
    fn take_tags(&mut self) -> Result<Vec<(String, String)>, StsError> {
        let keys = self.take_list("Tags.member.", ".Key", MAX_SESSION_TAGS, "tags")?;
        let values = self.take_list("Tags.member.", ".Value", MAX_SESSION_TAGS, "tags")?;
        if keys.len() < values.len() {
            return Err(null("tags.member.key"));
        }
        if values.len() < keys.len() {
            return Err(null("tags.member.value"));
        }
        Ok(keys.into_iter().zip(values).collect())
    }

    fn take_policy_arns(&mut self) -> Result<Vec<String>, StsError> {
        self.take_list("PolicyArns.member.", ".arn", MAX_POLICY_ARNS, "policyArns")
    }

    /// Refuses whatever was not consumed.
    fn finish(&self, action: Action) -> Result<(), StsError> {
        match self.0.keys().next() {
            None => Ok(()),
            Some(name) => Err(StsError::invalid_parameter_value(format!(
                "The parameter {} is not recognized for action {}",
                crate_echo(name),
                action.as_str()
            ))),
        }
    }

    /// The parameters several actions share, in the order their lists are read (so which
    /// refusal comes first does not depend on the action).
    fn take_shared(&mut self, which: &[SharedParameter]) -> Result<Shared, StsError> {
        let mut shared = Shared::default();
        for p in which {
            match p {
                SharedParameter::DurationSeconds => shared.duration = self.take("DurationSeconds"),
                SharedParameter::Policy => shared.policy = self.take("Policy"),
                SharedParameter::PolicyArns => shared.policy_arns = self.take_policy_arns()?,
                SharedParameter::Tags => shared.tags = self.take_tags()?,
                SharedParameter::Mfa => {
                    shared.serial_number = self.take("SerialNumber");
                    shared.token_code = self.take("TokenCode");
                }
            }
        }
        Ok(shared)
    }

    fn parse_action(mut self, action: Action) -> Result<StsRequest, StsError> {
        use SharedParameter::{DurationSeconds, Mfa, Policy, PolicyArns, Tags};
        Ok(match action {
            Action::AssumeRole => {
                let role_arn = self.take("RoleArn");
                let session = self.take("RoleSessionName");
                let external_id = self.take("ExternalId");
                let shared = self.take_shared(&[DurationSeconds, Policy, PolicyArns, Tags, Mfa])?;
                let transitive = self.take_list(
                    "TransitiveTagKeys.member.",
                    "",
                    MAX_TRANSITIVE_TAG_KEYS,
                    "transitiveTagKeys",
                )?;
                let source_identity = self.take("SourceIdentity");
                self.finish(action)?;
                let mut b = AssumeRoleRequest::builder(
                    role_arn.ok_or_else(|| null("roleArn"))?,
                    session.ok_or_else(|| null("roleSessionName"))?,
                );
                b = apply_shared!(b, shared; duration, policy, policy_arns, tags, mfa);
                if let Some(v) = external_id {
                    b = b.external_id(v);
                }
                for t in transitive {
                    b = b.transitive_tag_key(t);
                }
                if let Some(v) = source_identity {
                    b = b.source_identity(v);
                }
                b.build()?.into()
            }
            Action::AssumeRoleWithWebIdentity => {
                let role_arn = self.take("RoleArn");
                let session = self.take("RoleSessionName");
                let token = self.take("WebIdentityToken");
                let provider = self.take("ProviderId");
                let shared = self.take_shared(&[DurationSeconds, Policy, PolicyArns])?;
                self.finish(action)?;
                let mut b = AssumeRoleWithWebIdentityRequest::builder(
                    role_arn.ok_or_else(|| null("roleArn"))?,
                    session.ok_or_else(|| null("roleSessionName"))?,
                    token.ok_or_else(|| null("webIdentityToken"))?,
                );
                if let Some(v) = provider {
                    b = b.provider_id(v);
                }
                apply_shared!(b, shared; duration, policy, policy_arns)
                    .build()?
                    .into()
            }
            Action::AssumeRoleWithSaml => {
                let role_arn = self.take("RoleArn");
                let principal = self.take("PrincipalArn");
                let assertion = self.take("SAMLAssertion");
                let shared = self.take_shared(&[DurationSeconds, Policy, PolicyArns])?;
                self.finish(action)?;
                let b = AssumeRoleWithSamlRequest::builder(
                    role_arn.ok_or_else(|| null("roleArn"))?,
                    principal.ok_or_else(|| null("principalArn"))?,
                    assertion.ok_or_else(|| null("sAMLAssertion"))?,
                );
                apply_shared!(b, shared; duration, policy, policy_arns)
                    .build()?
                    .into()
            }
            Action::GetSessionToken => {
                let shared = self.take_shared(&[DurationSeconds, Mfa])?;
                self.finish(action)?;
                let b = GetSessionTokenRequest::builder();
                apply_shared!(b, shared; duration, mfa).build()?.into()
            }
            Action::GetFederationToken => {
                let name = self.take("Name");
                let shared = self.take_shared(&[DurationSeconds, Policy, PolicyArns, Tags])?;
                self.finish(action)?;
                let b = GetFederationTokenRequest::builder(name.ok_or_else(|| null("name"))?);
                apply_shared!(b, shared; duration, policy, policy_arns, tags)
                    .build()?
                    .into()
            }
            Action::GetCallerIdentity => {
                self.finish(action)?;
                GetCallerIdentityRequest.into()
            }
            Action::GetWebIdentityToken => {
                let audiences = self.take_list(
                    "Audience.member.",
                    "",
                    crate::limits::MAX_TOKEN_AUDIENCES,
                    "audience",
                )?;
                let algorithm = self.take("SigningAlgorithm");
                let shared = self.take_shared(&[DurationSeconds, Tags])?;
                self.finish(action)?;
                let mut b = GetWebIdentityTokenRequest::builder(
                    algorithm.ok_or_else(|| null("signingAlgorithm"))?,
                );
                if audiences.is_empty() {
                    return Err(null("audience"));
                }
                for a in audiences {
                    b = b.audience(a);
                }
                apply_shared!(b, shared; duration, tags).build()?.into()
            }
            Action::GetAccessKeyInfo => {
                let id = self.take("AccessKeyId");
                self.finish(action)?;
                GetAccessKeyInfoRequest::new(id.ok_or_else(|| null("accessKeyId"))?)?.into()
            }
            Action::DecodeAuthorizationMessage => {
                let message = self.take("EncodedMessage");
                self.finish(action)?;
                DecodeAuthorizationMessageRequest::new(
                    message.ok_or_else(|| null("encodedMessage"))?,
                )?
                .into()
            }
        })
    }
}

/// A parameter (or pair) several actions take with the same name and meaning.
#[derive(Clone, Copy)]
enum SharedParameter {
    DurationSeconds,
    Policy,
    PolicyArns,
    Tags,
    /// `SerialNumber` and `TokenCode`.
    Mfa,
}

/// The shared parameters of one request, as taken from the query.
#[derive(Default)]
struct Shared {
    /// Parsed when handed to the builder, after the required parameters are checked.
    duration: Option<String>,
    policy: Option<String>,
    policy_arns: Vec<String>,
    tags: Vec<(String, String)>,
    serial_number: Option<String>,
    token_code: Option<String>,
}

/// Hands the shared parameters a builder takes to its setters (the builders' `shared_setters!`).
macro_rules! apply_shared {
    ($b:ident, $shared:ident; $($param:ident),+) => {{
        let mut b = $b;
        $(apply_shared!(@ b, $shared, $param);)+
        b
    }};
    (@ $b:ident, $s:ident, duration) => {
        if let Some(d) = $s.duration {
            $b = $b.duration_seconds(parse_duration(&d)?);
        }
    };
    (@ $b:ident, $s:ident, policy) => {
        if let Some(p) = $s.policy {
            $b = $b.policy(p);
        }
    };
    (@ $b:ident, $s:ident, policy_arns) => {
        for a in $s.policy_arns {
            $b = $b.policy_arn(a);
        }
    };
    (@ $b:ident, $s:ident, tags) => {
        for (k, v) in $s.tags {
            $b = $b.tag(k, v);
        }
    };
    (@ $b:ident, $s:ident, mfa) => {
        if let Some(v) = $s.serial_number {
            $b = $b.serial_number(v);
        }
        if let Some(v) = $s.token_code {
            $b = $b.token_code(v);
        }
    };
}
use apply_shared;

/// Caller text cut for echoing in a message.
fn crate_echo(text: &str) -> String {
    text.chars().take(crate::limits::MAX_ECHO_CHARS).collect()
}

/// Form-encodes one name or value: unreserved characters (`A-Za-z0-9-_.~`) as they are, every
/// other byte as `%XX`, as botocore does.
fn form_encode(out: &mut String, text: &str) {
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
}

/// Renders a request as the form body boto3 would send (parameters in botocore's order), for
/// clients and tests. [`parse_query`] of the result gives back an equal request.
///
/// The text holds whatever secret the request carries (a web identity token, a SAML assertion,
/// an MFA code), so it is wiped when dropped.
///
/// ```
/// use tempcred::{wire::{parse_query, render_query}, GetFederationTokenRequest, StsRequest};
/// let req: StsRequest = GetFederationTokenRequest::builder("bob").tag("team", "a b").build()
///     .unwrap().into();
/// let body = render_query(&req);
/// assert_eq!(body.as_str(), "Action=GetFederationToken&Version=2011-06-15&Name=bob\
///     &Tags.member.1.Key=team&Tags.member.1.Value=a%20b");
/// assert_eq!(parse_query(body.as_bytes()).unwrap(), req);
/// ```
#[must_use]
pub fn render_query(request: &StsRequest) -> zeroize::Zeroizing<String> {
    let mut out = zeroize::Zeroizing::new(String::with_capacity(256));
    let mut put = |name: &str, value: &str| {
        if !out.is_empty() {
            out.push('&');
        }
        form_encode(&mut out, name);
        out.push('=');
        form_encode(&mut out, value);
    };
    put("Action", request.action().as_str());
    put("Version", API_VERSION);
    let arns = |put: &mut dyn FnMut(&str, &str), arns: &[String]| {
        for (i, a) in arns.iter().enumerate() {
            put(&format!("PolicyArns.member.{}.arn", i + 1), a);
        }
    };
    let tags = |put: &mut dyn FnMut(&str, &str), tags: &crate::SessionTags| {
        for (i, t) in tags.iter().enumerate() {
            put(&format!("Tags.member.{}.Key", i + 1), t.key.as_str());
            put(&format!("Tags.member.{}.Value", i + 1), t.value.as_str());
        }
    };
    match request {
        StsRequest::AssumeRole(r) => {
            put("RoleArn", r.role_arn());
            put("RoleSessionName", r.role_session_name().as_str());
            arns(&mut put, r.policy_arns());
            if let Some(p) = r.policy() {
                put("Policy", p);
            }
            if let Some(d) = r.duration_seconds() {
                put("DurationSeconds", &d.to_string());
            }
            tags(&mut put, r.tags());
            for (i, k) in r.transitive_tag_keys().enumerate() {
                put(&format!("TransitiveTagKeys.member.{}", i + 1), k.as_str());
            }
            if let Some(v) = r.external_id() {
                put("ExternalId", v.as_str());
            }
            if let Some(v) = r.serial_number() {
                put("SerialNumber", v.as_str());
            }
            if let Some(v) = r.token_code() {
                put("TokenCode", v.expose_secret());
            }
            if let Some(v) = r.source_identity() {
                put("SourceIdentity", v.as_str());
            }
        }
        StsRequest::AssumeRoleWithWebIdentity(r) => {
            put("RoleArn", r.role_arn());
            put("RoleSessionName", r.role_session_name().as_str());
            put("WebIdentityToken", r.web_identity_token().expose_secret());
            if let Some(p) = r.provider_id() {
                put("ProviderId", p);
            }
            arns(&mut put, r.policy_arns());
            if let Some(p) = r.policy() {
                put("Policy", p);
            }
            if let Some(d) = r.duration_seconds() {
                put("DurationSeconds", &d.to_string());
            }
        }
        StsRequest::AssumeRoleWithSaml(r) => {
            put("RoleArn", r.role_arn());
            put("PrincipalArn", r.principal_arn());
            put("SAMLAssertion", r.saml_assertion().expose_secret());
            arns(&mut put, r.policy_arns());
            if let Some(p) = r.policy() {
                put("Policy", p);
            }
            if let Some(d) = r.duration_seconds() {
                put("DurationSeconds", &d.to_string());
            }
        }
        StsRequest::GetSessionToken(r) => {
            if let Some(d) = r.duration_seconds() {
                put("DurationSeconds", &d.to_string());
            }
            if let Some(v) = r.serial_number() {
                put("SerialNumber", v.as_str());
            }
            if let Some(v) = r.token_code() {
                put("TokenCode", v.expose_secret());
            }
        }
        StsRequest::GetFederationToken(r) => {
            put("Name", r.name().as_str());
            if let Some(p) = r.policy() {
                put("Policy", p);
            }
            arns(&mut put, r.policy_arns());
            if let Some(d) = r.duration_seconds() {
                put("DurationSeconds", &d.to_string());
            }
            tags(&mut put, r.tags());
        }
        StsRequest::GetCallerIdentity(_) => {}
        StsRequest::GetWebIdentityToken(r) => {
            for (i, a) in r.audiences().iter().enumerate() {
                put(&format!("Audience.member.{}", i + 1), a);
            }
            if let Some(d) = r.duration_seconds() {
                put("DurationSeconds", &d.to_string());
            }
            put("SigningAlgorithm", r.signing_algorithm().as_str());
            tags(&mut put, r.tags());
        }
        StsRequest::GetAccessKeyInfo(r) => put("AccessKeyId", r.access_key_id()),
        StsRequest::DecodeAuthorizationMessage(r) => put("EncodedMessage", r.encoded_message()),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::StsErrorCode;

    #[test]
    fn decoding() {
        assert_eq!(form_decode(b"a+b%20c%3a%3A").unwrap(), "a b c::");
        assert_eq!(
            form_decode(b"%4").unwrap_err().code,
            StsErrorCode::MalformedQueryString
        );
        assert!(form_decode(b"%zz").is_err());
        assert!(form_decode(b"%ff").is_err());
        assert_eq!(form_decode("é".as_bytes()).unwrap(), "é");
    }

    /// Form decoding as first written, a byte at a time: the reference the run-copying decoder
    /// must agree with, error for error.
    fn decode_by_byte(part: &[u8]) -> Option<String> {
        let mut out = Vec::new();
        let mut rest = part;
        while let Some((&b, tail)) = rest.split_first() {
            rest = tail;
            match b {
                b'+' => out.push(b' '),
                b'%' => match rest {
                    [h, l, tail @ ..] => {
                        out.push((hex(*h)? << 4) | hex(*l)?);
                        rest = tail;
                    }
                    _ => return None,
                },
                _ => out.push(b),
            }
        }
        String::from_utf8(out).ok()
    }

    proptest::proptest! {
        #[test]
        fn decoding_agrees_with_the_byte_at_a_time_decoder(
            part in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::sample::select(b"%+aZ09-_.~fF".to_vec()),
                    proptest::num::u8::ANY,
                ],
                0..40,
            ),
        ) {
            proptest::prop_assert_eq!(form_decode(&part).ok(), decode_by_byte(&part));
        }
    }

    #[test]
    fn durations_are_strict() {
        assert_eq!(parse_duration("900").unwrap(), 900);
        for bad in [
            "",
            "+900",
            "-900",
            " 900",
            "9e2",
            "900.0",
            "12345678901",
            "0x384",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
        assert!(parse_duration("4294967296").is_err());
    }

    #[test]
    fn lists_refuse_gaps_zero_and_overflow() {
        let mut p = Params::decode(b"L.member.1=a&L.member.3=c").unwrap();
        assert!(p.take_list("L.member.", "", 10, "l").is_err());
        let mut p = Params::decode(b"L.member.2=a&L.member.1=b").unwrap();
        assert_eq!(p.take_list("L.member.", "", 10, "l").unwrap(), ["b", "a"]);
        let mut p = Params::decode(b"L.member.11=a").unwrap();
        assert_eq!(
            p.take_list("L.member.", "", 10, "l").unwrap_err().code,
            StsErrorCode::ValidationError
        );
        let mut p = Params::decode(b"L.member.99999999999999999999999=a").unwrap();
        assert!(p.take_list("L.member.", "", 10, "l").is_err());
        let mut p = Params::decode(b"L.member.0=a&L.member.01=b").unwrap();
        assert!(p.take_list("L.member.", "", 10, "l").unwrap().is_empty());
        assert!(p.finish(Action::GetCallerIdentity).is_err());
    }
}
