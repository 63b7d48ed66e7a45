//! The request context: the action, the resource, the caller and the condition keys a policy is
//! evaluated against.
//!
//! Invariants: key names are stored as first written and kept sorted ignoring ASCII case, so
//! lookups are case-insensitive binary searches that allocate nothing; every value keeps its text and, parsed
//! once at insertion, its number and date readings. The action is stored lowercased.

use super::date::PolicyDate;
use super::matching::split_arn;
use crate::principal::{AccountId, Partition, PrincipalArn};
use crate::session::{RoleSessionName, SessionTags};
use crate::time::UnixTime;
use std::cmp::Ordering;
use std::net::IpAddr;

/// One value of a context key. Its readings as a number, a date and an address are made when a
/// condition asks for them, not when the value is set: a request context holds a dozen keys, and
/// a policy's conditions read few of them (parsing every value as all three was a measurable
/// share of an `AssumeRole`).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ContextValue {
    text: Box<str>,
}

impl ContextValue {
    fn new(text: &str) -> Self {
        ContextValue { text: text.into() }
    }
    pub(crate) fn text(&self) -> &str {
        &self.text
    }
    pub(crate) fn number(&self) -> Option<f64> {
        parse_number(&self.text)
    }
    pub(crate) fn date(&self) -> Option<PolicyDate> {
        PolicyDate::parse(&self.text)
    }
    pub(crate) fn ip(&self) -> Option<IpAddr> {
        parse_ip(&self.text)
    }
}

/// Reads an IPv4 or IPv6 address, trying only text that could be one.
fn parse_ip(text: &str) -> Option<IpAddr> {
    let looks = text.len() <= 45
        && text.contains(['.', ':'])
        && text
            .bytes()
            .all(|b| b.is_ascii_hexdigit() || b == b'.' || b == b':');
    if looks {
        text.parse().ok()
    } else {
        None
    }
}

/// Reads a decimal number: optional `-`, digits, optional `.digits`. Refuses `inf`, `NaN`,
/// exponents and anything else Rust's float parser would accept beyond IAM's grammar.
pub(crate) fn parse_number(text: &str) -> Option<f64> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    let all_digits =
        |s: &str| !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(int) || !frac.is_none_or(all_digits) {
        return None;
    }
    text.parse().ok()
}

#[derive(Clone, Debug, PartialEq)]
struct Entry {
    key: Box<str>,
    values: Vec<ContextValue>,
}

/// Compares a stored key with a query key, ignoring ASCII case, without allocating. Keys are
/// stored as first written (`aws:PrincipalTag/Team`), so an explanation of the context can show
/// them as the caller knows them; the order and every lookup ignore case.
fn cmp_key(stored: &str, query: &str) -> Ordering {
    stored
        .bytes()
        .map(|b| b.to_ascii_lowercase())
        .cmp(query.bytes().map(|b| b.to_ascii_lowercase()))
}

/// Who is making the request, as a `Principal` element sees it (trust policies).
///
/// ```
/// use tempcred::policy::RequestPrincipal;
/// use tempcred::principal::PrincipalArn;
/// use tempcred::RoleSessionName;
/// let role = PrincipalArn::parse("arn:aws:iam::123456789012:role/ops/deploy").unwrap();
/// let caller = RequestPrincipal::role_session(&role, &RoleSessionName::new("ci").unwrap()).unwrap();
/// assert_eq!(caller.arns().count(), 2); // the role ARN and the session ARN
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestPrincipal {
    arns: Vec<Box<str>>,
    /// The caller's own session ARN (assumed-role or federated-user), when it is a session: a
    /// grant naming it is to this session alone, which session policies do not limit. Also in
    /// `arns`.
    session_arn: Option<Box<str>>,
    account: Option<(Partition, AccountId)>,
    service: Option<Box<str>>,
    federated: Option<Box<str>>,
}

impl RequestPrincipal {
    /// An IAM principal (root, user, role, session, federated user) identified by its ARN.
    ///
    /// For a role session prefer [`RequestPrincipal::role_session`]: an assumed-role ARN has no role path,
    /// so this constructor cannot add the role's own ARN.
    #[must_use]
    pub fn principal(arn: &PrincipalArn) -> Self {
        let account = match arn {
            PrincipalArn::OidcProvider { .. } | PrincipalArn::SamlProvider { .. } => None,
            _ => Some((arn.partition(), arn.account())),
        };
        let text: Box<str> = arn.to_string().into();
        let session_arn = matches!(
            arn,
            PrincipalArn::AssumedRole { .. } | PrincipalArn::FederatedUser { .. }
        )
        .then(|| text.clone());
        RequestPrincipal {
            arns: vec![text],
            session_arn,
            account,
            service: None,
            federated: None,
        }
    }

    /// A session of `role` named `session_name`: matched by the role's ARN (what
    /// `aws:PrincipalArn` is for a session) and by the assumed-role session ARN. Errors if `role`
    /// is not a role ARN.
    ///
    /// # Errors
    ///
    /// [`ArnError`](crate::principal::ArnError) when `role` is not a role ARN.
    pub fn role_session(
        role: &PrincipalArn,
        session_name: &RoleSessionName,
    ) -> Result<Self, crate::principal::ArnError> {
        let PrincipalArn::Role {
            partition,
            account,
            name,
            ..
        } = role
        else {
            return Err(crate::principal::ArnError::NotAPrincipal(
                "a role session needs a role ARN",
            ));
        };
        let session = PrincipalArn::AssumedRole {
            partition: *partition,
            account: *account,
            role_name: *name,
            session_name: *session_name,
        };
        let session: Box<str> = session.to_string().into();
        Ok(RequestPrincipal {
            arns: vec![role.to_string().into(), session.clone()],
            session_arn: Some(session),
            account: Some((*partition, *account)),
            service: None,
            federated: None,
        })
    }

    /// A service principal such as `ec2.amazonaws.com` (the instance-role case).
    #[must_use]
    pub fn service(name: &str) -> Self {
        RequestPrincipal {
            arns: Vec::new(),
            session_arn: None,
            account: None,
            service: Some(name.into()),
            federated: None,
        }
    }

    /// A web-identity or SAML caller, named by its provider: the provider's ARN
    /// (`arn:aws:iam::ACCT:oidc-provider/HOST`) or a well-known name (`accounts.google.com`).
    #[must_use]
    pub fn federated(provider: &str) -> Self {
        RequestPrincipal {
            arns: Vec::new(),
            session_arn: None,
            account: None,
            service: None,
            federated: Some(provider.into()),
        }
    }

    /// An anonymous (unsigned) caller, for evaluating resource-based policies on requests that
    /// carry no credentials. Only `"Principal": "*"` and `{"AWS": "*"}` match it (IAM User
    /// Guide, `Principal` element: the two are equivalent for anonymous users); account, ARN,
    /// service and federated entries do not.
    ///
    /// ```
    /// use tempcred::policy::{PolicyDocument, RequestContext, RequestPrincipal};
    /// let bucket = PolicyDocument::parse(r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow",
    ///   "Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::public/*"}}"#,
    ///   2048).unwrap();
    /// let ctx = RequestContext::new("s3:GetObject")
    ///     .with_resource("arn:aws:s3:::public/index.html")
    ///     .with_principal(RequestPrincipal::anonymous());
    /// assert!(bucket.evaluate(&ctx).is_allowed());
    /// assert_eq!(RequestPrincipal::anonymous().arns().count(), 0);
    /// ```
    #[must_use]
    pub fn anonymous() -> Self {
        RequestPrincipal {
            arns: Vec::new(),
            session_arn: None,
            account: None,
            service: None,
            federated: None,
        }
    }

    /// Whether this is the anonymous caller of [`RequestPrincipal::anonymous`]: known by nothing.
    #[must_use]
    pub fn is_anonymous(&self) -> bool {
        self.arns.is_empty()
            && self.account.is_none()
            && self.service.is_none()
            && self.federated.is_none()
    }

    /// The ARNs the caller is known by.
    pub fn arns(&self) -> impl Iterator<Item = &str> {
        self.arns.iter().map(|a| &**a)
    }

    /// The caller's account, for IAM principals.
    #[must_use]
    pub fn account(&self) -> Option<AccountId> {
        self.account.map(|(_, a)| a)
    }

    pub(crate) fn has_arn(&self, arn: &str) -> bool {
        self.arns.iter().any(|a| **a == *arn)
    }

    /// Whether `arn` is exactly the caller's own session ARN.
    pub(crate) fn is_session_arn(&self, arn: &str) -> bool {
        self.session_arn.as_deref() == Some(arn)
    }

    pub(crate) fn in_account(&self, partition: Option<&str>, account: AccountId) -> bool {
        self.account
            .is_some_and(|(p, a)| a == account && partition.is_none_or(|want| want == p.as_str()))
    }

    /// Whether the caller is the account principal itself (`arn:P:iam::ACCT:root`), not merely
    /// in the account: what a `NotPrincipal` account entry exempts (IAM User Guide, `NotPrincipal`).
    pub(crate) fn is_account_root(&self, partition: Option<&str>, account: AccountId) -> bool {
        self.in_account(partition, account)
            && self.arns.iter().any(|a| {
                split_arn(a).is_some_and(|[_, _, service, region, acct, res]| {
                    service == "iam"
                        && region.is_empty()
                        && res == "root"
                        && AccountId::new(acct).is_ok_and(|a| a == account)
                })
            })
    }

    /// Whether `arn` is the caller's own ARN: for a role session, only the assumed-role session
    /// ARN (not the role's), so a `NotPrincipal` role entry does not exempt its sessions
    /// (IAM User Guide, `NotPrincipal`).
    pub(crate) fn is_exactly(&self, arn: &str) -> bool {
        match &self.session_arn {
            Some(session) => **session == *arn,
            None => self.has_arn(arn),
        }
    }

    pub(crate) fn is_iam(&self) -> bool {
        self.account.is_some()
    }

    pub(crate) fn is_service(&self, name: &str) -> bool {
        self.service
            .as_deref()
            .is_some_and(|s| name == "*" || s.eq_ignore_ascii_case(name))
    }

    pub(crate) fn is_federated(&self, name: &str) -> bool {
        self.federated
            .as_deref()
            // Exact: a provider's ARN is case-sensitive (security issue 12 E).
            .is_some_and(|s| name == "*" || s == name)
    }
}

/// What a policy is evaluated against: the action, optionally the resource and the caller, and
/// condition keys each with one or many values.
///
/// Key names are case-insensitive; values are kept exactly. There is no global state: a context is
/// built per request.
///
/// ```
/// use tempcred::policy::RequestContext;
/// let mut ctx = RequestContext::new("sts:AssumeRole")
///     .with_resource("arn:aws:iam::123456789012:role/deploy");
/// ctx.insert("aws:MultiFactorAuthPresent", "true")
///    .insert_all("aws:TagKeys", ["team", "cost-center"]);
/// assert_eq!(ctx.values("AWS:multifactorauthpresent").collect::<Vec<_>>(), ["true"]);
/// assert_eq!(ctx.values("aws:tagkeys").count(), 2);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct RequestContext {
    action: Box<str>,
    resource: Option<Box<str>>,
    caller: Option<RequestPrincipal>,
    entries: Vec<Entry>,
}

impl RequestContext {
    /// A context for `action` (e.g. `sts:AssumeRole`), with no resource, no caller and no keys.
    #[must_use]
    pub fn new(action: &str) -> Self {
        RequestContext {
            action: action.to_ascii_lowercase().into(),
            resource: None,
            caller: None,
            // Room for what an issuer sets (environment, caller, request, tags) without growing.
            entries: Vec::with_capacity(24),
        }
    }

    /// Sets the resource ARN the action is on.
    #[must_use]
    pub fn with_resource(mut self, resource: &str) -> Self {
        self.resource = Some(resource.into());
        self
    }

    /// Sets the caller, for `Principal` / `NotPrincipal` matching.
    #[must_use]
    pub fn with_principal(mut self, caller: RequestPrincipal) -> Self {
        self.caller = Some(caller);
        self
    }

    /// Replaces the action.
    pub fn set_action(&mut self, action: &str) -> &mut Self {
        self.action = action.to_ascii_lowercase().into();
        self
    }

    /// The action, lowercased.
    #[must_use]
    pub fn action(&self) -> &str {
        &self.action
    }

    /// The resource, if one was set.
    #[must_use]
    pub fn resource(&self) -> Option<&str> {
        self.resource.as_deref()
    }

    /// The caller, if one was set.
    #[must_use]
    pub fn principal(&self) -> Option<&RequestPrincipal> {
        self.caller.as_ref()
    }

    fn slot(&mut self, key: &str) -> &mut Vec<ContextValue> {
        let at = match self.entries.binary_search_by(|e| cmp_key(&e.key, key)) {
            Ok(i) => i,
            Err(i) => {
                self.entries.insert(
                    i,
                    Entry {
                        key: key.into(),
                        values: Vec::new(),
                    },
                );
                i
            }
        };
        // `at` is in bounds: it was just found or just inserted.
        #[allow(clippy::indexing_slicing)]
        &mut self.entries[at].values
    }

    /// Sets `key` to the single value `value`, replacing what it had.
    pub fn insert(&mut self, key: &str, value: &str) -> &mut Self {
        let slot = self.slot(key);
        slot.clear();
        slot.push(ContextValue::new(value));
        self
    }

    /// Sets `key` to every value of `values` (a multi-valued key such as `aws:TagKeys`), replacing
    /// what it had. An empty iterator leaves the key present with no value.
    pub fn insert_all<I, S>(&mut self, key: &str, values: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let slot = self.slot(key);
        slot.clear();
        slot.extend(values.into_iter().map(|v| ContextValue::new(v.as_ref())));
        self
    }

    /// Adds one more value to `key`.
    pub fn push(&mut self, key: &str, value: &str) -> &mut Self {
        self.slot(key).push(ContextValue::new(value));
        self
    }

    /// Sets `key` to `true` or `false`.
    pub fn insert_bool(&mut self, key: &str, value: bool) -> &mut Self {
        self.insert(key, if value { "true" } else { "false" })
    }

    /// Sets `key` to a whole number.
    pub fn insert_number(&mut self, key: &str, value: i64) -> &mut Self {
        self.insert(key, &value.to_string())
    }

    /// Sets `key` to an instant in ISO 8601 (`2026-01-02T03:04:05Z`), the form of
    /// `aws:CurrentTime` and `aws:TokenIssueTime`.
    pub fn insert_time(&mut self, key: &str, value: UnixTime) -> &mut Self {
        let text = value.to_rfc3339().unwrap_or_default();
        self.insert(key, &text)
    }

    /// Sets `aws:CurrentTime` (ISO 8601) and `aws:EpochTime` (seconds) to `now`.
    pub fn insert_now(&mut self, now: UnixTime) -> &mut Self {
        self.insert_time("aws:CurrentTime", now)
            .insert("aws:EpochTime", &now.as_secs().to_string())
    }

    /// Sets `aws:PrincipalTag/KEY` for every tag.
    pub fn insert_principal_tags(&mut self, tags: &SessionTags) -> &mut Self {
        for t in tags.iter() {
            let key = format!("aws:PrincipalTag/{}", t.key.as_str());
            self.insert(&key, t.value.as_str());
        }
        self
    }

    /// Sets `aws:RequestTag/KEY` for every tag and `aws:TagKeys` to the list of keys.
    pub fn insert_request_tags(&mut self, tags: &SessionTags) -> &mut Self {
        for t in tags.iter() {
            let key = format!("aws:RequestTag/{}", t.key.as_str());
            self.insert(&key, t.value.as_str());
        }
        self.insert_all("aws:TagKeys", tags.iter().map(|t| t.key.as_str()))
    }

    /// Removes `key`.
    pub fn remove(&mut self, key: &str) -> &mut Self {
        if let Ok(i) = self.entries.binary_search_by(|e| cmp_key(&e.key, key)) {
            self.entries.remove(i);
        }
        self
    }

    /// Whether `key` is present (possibly with no value).
    #[must_use]
    pub fn contains_key(&self, key: &str) -> bool {
        self.lookup(key).is_some()
    }

    /// The values of `key`, in insertion order; empty when absent.
    pub fn values(&self, key: &str) -> impl Iterator<Item = &str> {
        self.lookup(key)
            .unwrap_or(&[])
            .iter()
            .map(ContextValue::text)
    }

    /// Every key with its values, ordered by key ignoring case; keys spelled as first inserted.
    #[cfg(feature = "authorization-messages")]
    pub(crate) fn entries(&self) -> impl Iterator<Item = (&str, &[ContextValue])> {
        self.entries.iter().map(|e| (&*e.key, &*e.values))
    }

    pub(crate) fn lookup(&self, key: &str) -> Option<&[ContextValue]> {
        let i = self
            .entries
            .binary_search_by(|e| cmp_key(&e.key, key))
            .ok()?;
        self.entries.get(i).map(|e| &*e.values)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_case_insensitive_and_values_exact() {
        let mut ctx = RequestContext::new("STS:AssumeRole");
        assert_eq!(ctx.action(), "sts:assumerole");
        ctx.insert("aws:PrincipalTag/Team", "Payments");
        assert_eq!(
            ctx.values("AWS:principaltag/team").collect::<Vec<_>>(),
            ["Payments"]
        );
        ctx.insert("aws:principaltag/TEAM", "Ops");
        assert_eq!(ctx.values("aws:PrincipalTag/Team").count(), 1);
        ctx.push("aws:PrincipalTag/Team", "Dev");
        assert_eq!(ctx.values("aws:PrincipalTag/Team").count(), 2);
        ctx.remove("AWS:PRINCIPALTAG/TEAM");
        assert!(!ctx.contains_key("aws:PrincipalTag/Team"));
        ctx.insert_all("aws:TagKeys", Vec::<String>::new());
        assert!(ctx.contains_key("aws:tagkeys"));
    }

    #[test]
    fn values_are_read_as_numbers_and_dates_once() {
        assert_eq!(parse_number("3600"), Some(3600.0));
        assert_eq!(parse_number("-1.5"), Some(-1.5));
        for bad in ["", "inf", "NaN", "1e3", "1.", ".5", "0x10", "+1"] {
            assert_eq!(parse_number(bad), None, "{bad}");
        }
        let d = |s: &str| ContextValue::new(s).date();
        assert_eq!(d("1700000000"), Some(PolicyDate::from_secs(1_700_000_000)));
        assert_eq!(
            d("2023-11-14T22:13:20Z"),
            Some(PolicyDate::from_secs(1_700_000_000))
        );
        assert_eq!(d("2023-11-14"), Some(PolicyDate::from_secs(1_699_920_000)));
        assert_eq!(d("tomorrow"), None);
    }
}
