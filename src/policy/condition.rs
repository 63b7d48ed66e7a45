//! Condition operators and their evaluation.
//!
//! Invariants: an operator name is parsed into a base operator, an optional set qualifier and an
//! `IfExists` flag, and unknown names are refused at parse time. Literal values are parsed for
//! their operator once (numbers, dates, booleans, base64, CIDRs, ARN patterns, wildcard
//! patterns); a literal that cannot be read is refused. Values holding policy variables are
//! resolved and read at evaluation; one that does not resolve matches nothing.
//!
//! Semantics (IAM User Guide, "Condition element"): values of one key are ORed; a negated operator is the negation of its
//! positive form; an absent key makes the condition false, except that negated operators,
//! `…IfExists` and `Null: true` are true, `ForAllValues:` is true and `ForAnyValue:` false.

use super::context::{parse_number, ContextValue, RequestContext};
use super::date::PolicyDate;
use super::matching::{eq_ignore_case, ArnPattern, Pattern};
use std::fmt;
use std::net::{IpAddr, Ipv6Addr};

/// The base condition operators of the IAM grammar, without qualifier or `IfExists`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
#[allow(missing_docs)] // The variant names are the AWS operator names.
pub(crate) enum Operator {
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    NotIpAddress,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    Null,
}

const ALL: [Operator; 27] = {
    use Operator::*;
    [
        StringEquals,
        StringNotEquals,
        StringEqualsIgnoreCase,
        StringNotEqualsIgnoreCase,
        StringLike,
        StringNotLike,
        NumericEquals,
        NumericNotEquals,
        NumericLessThan,
        NumericLessThanEquals,
        NumericGreaterThan,
        NumericGreaterThanEquals,
        DateEquals,
        DateNotEquals,
        DateLessThan,
        DateLessThanEquals,
        DateGreaterThan,
        DateGreaterThanEquals,
        Bool,
        BinaryEquals,
        IpAddress,
        NotIpAddress,
        ArnEquals,
        ArnLike,
        ArnNotEquals,
        ArnNotLike,
        Null,
    ]
};

/// How a value of an operator is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Family {
    Str,
    StrIgnoreCase,
    StrLike,
    Num,
    Date,
    Bool,
    Binary,
    Ip,
    Arn,
    Null,
}

/// How a positive operator compares a context value `c` with a policy value `p`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cmp {
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Operator {
    /// The AWS name, e.g. `StringEquals`.
    #[must_use]
    pub(crate) fn name(self) -> &'static str {
        use Operator::*;
        match self {
            StringEquals => "StringEquals",
            StringNotEquals => "StringNotEquals",
            StringEqualsIgnoreCase => "StringEqualsIgnoreCase",
            StringNotEqualsIgnoreCase => "StringNotEqualsIgnoreCase",
            StringLike => "StringLike",
            StringNotLike => "StringNotLike",
            NumericEquals => "NumericEquals",
            NumericNotEquals => "NumericNotEquals",
            NumericLessThan => "NumericLessThan",
            NumericLessThanEquals => "NumericLessThanEquals",
            NumericGreaterThan => "NumericGreaterThan",
            NumericGreaterThanEquals => "NumericGreaterThanEquals",
            DateEquals => "DateEquals",
            DateNotEquals => "DateNotEquals",
            DateLessThan => "DateLessThan",
            DateLessThanEquals => "DateLessThanEquals",
            DateGreaterThan => "DateGreaterThan",
            DateGreaterThanEquals => "DateGreaterThanEquals",
            Bool => "Bool",
            BinaryEquals => "BinaryEquals",
            IpAddress => "IpAddress",
            NotIpAddress => "NotIpAddress",
            ArnEquals => "ArnEquals",
            ArnLike => "ArnLike",
            ArnNotEquals => "ArnNotEquals",
            ArnNotLike => "ArnNotLike",
            Null => "Null",
        }
    }

    /// Whether the operator is a negation (`…Not…`): true when no value matches.
    #[must_use]
    pub(crate) fn is_negated(self) -> bool {
        use Operator::*;
        matches!(
            self,
            StringNotEquals
                | StringNotEqualsIgnoreCase
                | StringNotLike
                | NumericNotEquals
                | DateNotEquals
                | NotIpAddress
                | ArnNotEquals
                | ArnNotLike
        )
    }

    fn family(self) -> Family {
        use Operator::*;
        match self {
            StringEquals | StringNotEquals => Family::Str,
            StringEqualsIgnoreCase | StringNotEqualsIgnoreCase => Family::StrIgnoreCase,
            StringLike | StringNotLike => Family::StrLike,
            NumericEquals
            | NumericNotEquals
            | NumericLessThan
            | NumericLessThanEquals
            | NumericGreaterThan
            | NumericGreaterThanEquals => Family::Num,
            DateEquals
            | DateNotEquals
            | DateLessThan
            | DateLessThanEquals
            | DateGreaterThan
            | DateGreaterThanEquals => Family::Date,
            Bool => Family::Bool,
            BinaryEquals => Family::Binary,
            IpAddress | NotIpAddress => Family::Ip,
            ArnEquals | ArnLike | ArnNotEquals | ArnNotLike => Family::Arn,
            Null => Family::Null,
        }
    }

    fn cmp(self) -> Cmp {
        use Operator::*;
        match self {
            NumericLessThan | DateLessThan => Cmp::Lt,
            NumericLessThanEquals | DateLessThanEquals => Cmp::Le,
            NumericGreaterThan | DateGreaterThan => Cmp::Gt,
            NumericGreaterThanEquals | DateGreaterThanEquals => Cmp::Ge,
            _ => Cmp::Eq,
        }
    }
}

/// `ForAnyValue:` / `ForAllValues:`, or neither.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub(crate) enum SetQualifier {
    /// No prefix: the key is read as single-valued (any of its values may match).
    None,
    /// `ForAnyValue:`: true if some context value satisfies the operator; false when absent.
    ForAnyValue,
    /// `ForAllValues:`: true if every context value satisfies the operator; true when absent.
    ForAllValues,
}

/// A full operator as written: qualifier, base operator and `IfExists`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct ConditionOperator {
    /// The base operator.
    pub operator: Operator,
    /// The set prefix.
    pub qualifier: SetQualifier,
    /// Whether the name ends with `IfExists`.
    pub if_exists: bool,
}

/// An operator name that is not one of the IAM grammar's.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown condition operator")]
pub(crate) struct UnknownOperator;

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| s.get(prefix.len()..))
        .flatten()
}

fn strip_suffix_ci<'a>(s: &'a str, suffix: &str) -> Option<&'a str> {
    let cut = s.len().checked_sub(suffix.len())?;
    let tail = s.get(cut..)?;
    tail.eq_ignore_ascii_case(suffix)
        .then(|| s.get(..cut))
        .flatten()
}

impl std::str::FromStr for ConditionOperator {
    type Err = UnknownOperator;
    /// Operator names are matched ignoring ASCII case.
    fn from_str(name: &str) -> Result<Self, UnknownOperator> {
        let (qualifier, rest) = if let Some(r) = strip_prefix_ci(name, "ForAnyValue:") {
            (SetQualifier::ForAnyValue, r)
        } else if let Some(r) = strip_prefix_ci(name, "ForAllValues:") {
            (SetQualifier::ForAllValues, r)
        } else {
            (SetQualifier::None, name)
        };
        let find = |n: &str| ALL.into_iter().find(|o| o.name().eq_ignore_ascii_case(n));
        if let Some(operator) = find(rest) {
            return Ok(ConditionOperator {
                operator,
                qualifier,
                if_exists: false,
            });
        }
        let base = strip_suffix_ci(rest, "IfExists").ok_or(UnknownOperator)?;
        match find(base) {
            Some(Operator::Null) | None => Err(UnknownOperator),
            Some(operator) => Ok(ConditionOperator {
                operator,
                qualifier,
                if_exists: true,
            }),
        }
    }
}

impl fmt::Display for ConditionOperator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.qualifier {
            SetQualifier::None => {}
            SetQualifier::ForAnyValue => f.write_str("ForAnyValue:")?,
            SetQualifier::ForAllValues => f.write_str("ForAllValues:")?,
        }
        f.write_str(self.operator.name())?;
        if self.if_exists {
            f.write_str("IfExists")?;
        }
        Ok(())
    }
}

/// An IPv4 or IPv6 network in CIDR form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct IpNet {
    addr: IpAddr,
    prefix: u8,
}

impl IpNet {
    pub(crate) fn parse(text: &str) -> Option<Self> {
        let (ip, prefix) = match text.split_once('/') {
            Some((ip, p)) => {
                if p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                (ip, Some(p.parse::<u8>().ok()?))
            }
            None => (text, None),
        };
        let addr: IpAddr = ip.parse().ok()?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        (prefix <= max).then_some(IpNet { addr, prefix })
    }

    /// Whether `ip` is in the network. Both sides are compared in one address space, IPv4 read
    /// as IPv4-mapped IPv6 (`::ffff:a.b.c.d`, RFC 4291 §2.5.5.2): a dual-stack listener reports
    /// an IPv4 client as `::ffff:203.0.113.7`, and that spelling must meet the same `IpAddress`
    /// / `NotIpAddress` conditions as `203.0.113.7`, whichever spelling the policy's CIDR uses.
    pub(crate) fn contains(&self, ip: IpAddr) -> bool {
        let (net, prefix) = mapped(self.addr, self.prefix);
        let (addr, _) = mapped(ip, 0);
        let mask = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
        u128::from(net) & mask == u128::from(addr) & mask
    }
}

/// An address (and a prefix length on it) in the IPv6 space, IPv4 as IPv4-mapped.
fn mapped(addr: IpAddr, prefix: u8) -> (Ipv6Addr, u8) {
    match addr {
        IpAddr::V4(v4) => (v4.to_ipv6_mapped(), prefix.saturating_add(96)),
        IpAddr::V6(v6) => (v6, prefix),
    }
}

/// A policy value read for its operator.
#[derive(Clone, Debug, PartialEq)]
enum Compiled {
    /// Strings (all string operators); wildcards only for `StringLike`.
    Text(Pattern),
    Number(f64),
    Date(PolicyDate),
    Bool(bool),
    Binary(Box<[u8]>),
    Ip(IpNet),
    Arn(ArnPattern),
    Null(bool),
    /// A value with policy variables, read after substitution.
    Deferred(Pattern),
}

/// How a condition value was written in JSON, so serialization gives it back the same type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum JsonKind {
    String,
    Number,
    Bool,
}

/// One value under a condition key.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ConditionValue {
    pub(crate) raw: Box<str>,
    pub(crate) kind: JsonKind,
    compiled: Compiled,
}

/// One `"key": value(s)` under an operator.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ConditionEntry {
    /// The key as written.
    pub(crate) key: Box<str>,
    /// The key lowercased, for lookup.
    key_lower: Box<str>,
    pub(crate) values: Box<[ConditionValue]>,
    /// Whether the values were written as an array.
    pub(crate) array: bool,
}

/// One operator of a `Condition` element with its keys.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ConditionBlock {
    /// The operator as parsed.
    pub(crate) op: ConditionOperator,
    /// The operator name as written.
    pub(crate) name: Box<str>,
    pub(crate) entries: Box<[ConditionEntry]>,
}

/// Why a `Date…` value is refused (AWS answers "The policy failed legacy parsing").
const NOT_A_DATE: &str =
    "The policy failed legacy parsing: not a date (epoch seconds or ISO 8601; no policy variables)";

fn looks_like_vars(text: &str, variables: bool) -> bool {
    variables && text.contains("${")
}

/// Reads one policy value for `op`; `Err` says why a literal cannot be read.
pub(crate) fn compile_value(
    op: ConditionOperator,
    raw: &str,
    kind: JsonKind,
    variables: bool,
) -> Result<ConditionValue, &'static str> {
    let family = op.operator.family();
    // Date values are read by IAM's legacy date parser before any variable is substituted, so
    // AWS refuses a variable there (moto's `_legacy_parse_date_condition_value`); they fall
    // through to the literal reading below and are refused as not a date.
    let deferred = looks_like_vars(raw, variables)
        && !matches!(
            family,
            Family::Str
                | Family::StrIgnoreCase
                | Family::StrLike
                | Family::Arn
                | Family::Null
                | Family::Date
        );
    let compiled = if deferred {
        Compiled::Deferred(Pattern::compile(raw, false, true, false)?)
    } else {
        match family {
            Family::Str | Family::StrIgnoreCase => {
                Compiled::Text(Pattern::compile(raw, false, variables, false)?)
            }
            Family::StrLike => Compiled::Text(Pattern::compile(raw, true, variables, false)?),
            Family::Num => Compiled::Number(parse_number(raw).ok_or("value is not a number")?),
            Family::Date => Compiled::Date(PolicyDate::parse(raw).ok_or(NOT_A_DATE)?),
            Family::Bool => Compiled::Bool(parse_bool(raw).ok_or("value is not true or false")?),
            Family::Binary => Compiled::Binary(
                data_encoding::BASE64
                    .decode(raw.as_bytes())
                    .map_err(|_| "value is not base64")?
                    .into_boxed_slice(),
            ),
            Family::Ip => {
                Compiled::Ip(IpNet::parse(raw).ok_or("value is not an IP address or CIDR")?)
            }
            Family::Arn => Compiled::Arn(ArnPattern::compile(raw, variables, false)?),
            Family::Null => Compiled::Null(parse_bool(raw).ok_or("Null takes true or false")?),
        }
    };
    Ok(ConditionValue {
        raw: raw.into(),
        kind,
        compiled,
    })
}

fn parse_bool(text: &str) -> Option<bool> {
    if text.eq_ignore_ascii_case("true") {
        Some(true)
    } else if text.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

pub(crate) fn new_entry(key: &str, values: Vec<ConditionValue>, array: bool) -> ConditionEntry {
    ConditionEntry {
        key: key.into(),
        key_lower: key.to_ascii_lowercase().into(),
        values: values.into_boxed_slice(),
        array,
    }
}

fn order<T: PartialOrd>(c: T, p: T, cmp: Cmp) -> bool {
    match cmp {
        Cmp::Eq => c == p,
        Cmp::Lt => c < p,
        Cmp::Le => c <= p,
        Cmp::Gt => c > p,
        Cmp::Ge => c >= p,
    }
}

/// Whether the context value `c` satisfies the positive form of `op` against the policy value.
fn value_matches(op: Operator, c: &ContextValue, p: &ConditionValue, ctx: &RequestContext) -> bool {
    let family = op.family();
    match &p.compiled {
        Compiled::Text(pat) => match family {
            Family::StrLike => pat.matches(c.text(), ctx),
            Family::StrIgnoreCase => pat
                .resolve(ctx)
                .is_some_and(|v| eq_ignore_case(&v, c.text())),
            _ => pat.resolve(ctx).is_some_and(|v| *v == *c.text()),
        },
        Compiled::Number(n) => c.number().is_some_and(|cn| order(cn, *n, op.cmp())),
        Compiled::Date(d) => c.date().is_some_and(|cd| order(cd, *d, op.cmp())),
        Compiled::Bool(b) => parse_bool(c.text()) == Some(*b),
        Compiled::Binary(bytes) => data_encoding::BASE64
            .decode(c.text().as_bytes())
            .is_ok_and(|cb| *cb == **bytes),
        Compiled::Ip(net) => c.ip().is_some_and(|ip| net.contains(ip)),
        Compiled::Arn(pat) => pat.matches(c.text(), ctx),
        Compiled::Null(_) => false,
        Compiled::Deferred(pat) => {
            let Some(text) = pat.resolve(ctx) else {
                return false;
            };
            let Ok(value) = compile_value(
                ConditionOperator {
                    operator: op,
                    qualifier: SetQualifier::None,
                    if_exists: false,
                },
                &text,
                p.kind,
                false,
            ) else {
                return false;
            };
            value_matches(op, c, &value, ctx)
        }
    }
}

impl ConditionBlock {
    /// Whether every key under this operator is satisfied (AND).
    pub(crate) fn holds(&self, ctx: &RequestContext) -> bool {
        self.entries.iter().all(|e| self.entry_holds(e, ctx))
    }

    fn entry_holds(&self, e: &ConditionEntry, ctx: &RequestContext) -> bool {
        let op = self.op;
        let present = ctx.lookup(&e.key_lower).filter(|v| !v.is_empty());
        if op.operator == Operator::Null {
            let absent = present.is_none();
            return e
                .values
                .iter()
                .any(|v| matches!(v.compiled, Compiled::Null(want) if want == absent));
        }
        let negated = op.operator.is_negated();
        let positive = positive_of(op.operator);
        let Some(values) = present else {
            return op.if_exists
                || match op.qualifier {
                    SetQualifier::ForAllValues => true,
                    SetQualifier::ForAnyValue => false,
                    SetQualifier::None => negated,
                };
        };
        // A context value satisfies the positive operator if it matches any policy value (OR).
        let hit = |c: &ContextValue| e.values.iter().any(|p| value_matches(positive, c, p, ctx));
        match op.qualifier {
            SetQualifier::None => values.iter().any(hit) != negated,
            SetQualifier::ForAnyValue => values.iter().any(|c| hit(c) != negated),
            SetQualifier::ForAllValues => values.iter().all(|c| hit(c) != negated),
        }
    }
}

fn positive_of(op: Operator) -> Operator {
    use Operator::*;
    match op {
        StringNotEquals => StringEquals,
        StringNotEqualsIgnoreCase => StringEqualsIgnoreCase,
        StringNotLike => StringLike,
        NumericNotEquals => NumericEquals,
        DateNotEquals => DateEquals,
        NotIpAddress => IpAddress,
        ArnNotEquals => ArnEquals,
        ArnNotLike => ArnLike,
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_operator_parses_into_its_parts_and_prints_back() {
        let op: ConditionOperator = "ForAllValues:StringLikeIfExists".parse().unwrap();
        assert_eq!(op.operator, Operator::StringLike);
        assert_eq!(op.qualifier, SetQualifier::ForAllValues);
        assert!(op.if_exists);
        assert_eq!(op.to_string(), "ForAllValues:StringLikeIfExists");
        assert!("NullIfExists".parse::<ConditionOperator>().is_err());
        assert!("StringSortOf".parse::<ConditionOperator>().is_err());
    }

    #[test]
    fn every_operator_name_round_trips_with_prefixes_and_suffix() {
        for op in ALL {
            for prefix in ["", "ForAnyValue:", "ForAllValues:"] {
                let name = format!("{prefix}{}", op.name());
                let parsed: ConditionOperator = name.parse().unwrap();
                assert_eq!(parsed.to_string(), name);
                let ie = format!("{name}IfExists");
                assert_eq!(
                    ie.parse::<ConditionOperator>().is_ok(),
                    op != Operator::Null
                );
            }
        }
        assert!("stringequals".parse::<ConditionOperator>().is_ok());
        assert!("ForSomeValues:StringEquals"
            .parse::<ConditionOperator>()
            .is_err());
        assert!("IfExists".parse::<ConditionOperator>().is_err());
    }

    #[test]
    fn cidrs_contain_their_addresses() {
        let n = IpNet::parse("203.0.113.0/24").unwrap();
        assert!(n.contains("203.0.113.7".parse().unwrap()));
        assert!(!n.contains("203.0.114.7".parse().unwrap()));
        assert!(IpNet::parse("0.0.0.0/0")
            .unwrap()
            .contains("1.2.3.4".parse().unwrap()));
        let v6 = IpNet::parse("2001:db8::/32").unwrap();
        assert!(v6.contains("2001:db8:1::1".parse().unwrap()));
        assert!(!v6.contains("2001:db9::1".parse().unwrap()));
        assert!(!v6.contains("203.0.113.7".parse().unwrap()));
        // IPv4-mapped IPv6 is the same client, whichever side spells it so.
        assert!(n.contains("::ffff:203.0.113.7".parse().unwrap()));
        assert!(!n.contains("::ffff:203.0.114.7".parse().unwrap()));
        let m = IpNet::parse("::ffff:203.0.113.0/120").unwrap();
        assert!(m.contains("203.0.113.7".parse().unwrap()));
        assert!(!m.contains("203.0.114.7".parse().unwrap()));
        // The deprecated IPv4-compatible form `::a.b.c.d` is not the IPv4 client.
        assert!(!n.contains("::203.0.113.7".parse().unwrap()));
        assert!(!IpNet::parse("0.0.0.0/0")
            .unwrap()
            .contains("2001:db8::1".parse().unwrap()));
        // Three-digit prefixes are IPv6's; a zero-padded one within three digits is read.
        let host = IpNet::parse("2001:db8::7/128").unwrap();
        assert!(host.contains("2001:db8::7".parse().unwrap()));
        assert!(!host.contains("2001:db8::8".parse().unwrap()));
        assert_eq!(IpNet::parse("10.0.0.0/008"), IpNet::parse("10.0.0.0/8"));
        assert!(IpNet::parse("10.0.0.1")
            .unwrap()
            .contains("10.0.0.1".parse().unwrap()));
        for bad in [
            "10.0.0.0/33",
            "10.0.0.0/",
            "::/129",
            "10.0.0",
            "x/8",
            "10.0.0.0/+8",
            "10.0.0.0/0008",
            "::/0128",
        ] {
            assert!(IpNet::parse(bad).is_none(), "{bad}");
        }
    }
}
