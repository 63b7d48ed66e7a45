//! `aws:SourceIp` and IPv4-mapped IPv6 (issue 13, item 10; security). A dual-stack listener
//! reports an IPv4 client as `::ffff:203.0.113.7`; that spelling must meet the same `IpAddress` /
//! `NotIpAddress` conditions as `203.0.113.7`, whichever spelling the policy's CIDR uses.
//!
//! Sources: IAM User Guide, "IAM JSON policy elements: Condition operators", IP address
//! condition operators (`IpAddress`/`NotIpAddress` take RFC 4632 CIDRs, IPv4 and IPv6),
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IPAddress>;
//! the mapped form is RFC 4291 §2.5.5.2.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use tempcred::policy::{Decision, PolicyDocument, RequestContext};

/// Every spelling of the client 203.0.113.7.
const SAME_CLIENT: [&str; 4] = [
    "203.0.113.7",
    "::ffff:203.0.113.7",
    "::FFFF:203.0.113.7",
    "::ffff:cb00:7107",
];

fn decide(doc: &PolicyDocument, ip: &str) -> Decision {
    let mut ctx = RequestContext::new("s3:GetObject").with_resource("arn:aws:s3:::b/k");
    ctx.insert("aws:SourceIp", ip);
    doc.evaluate(&ctx).decision
}

fn policy(deny_condition: &str) -> PolicyDocument {
    PolicyDocument::parse(
        &format!(
            r#"{{"Version":"2012-10-17","Statement":[
            {{"Effect":"Allow","Action":"s3:*","Resource":"*"}},
            {{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{deny_condition}}}]}}"#
        ),
        6144,
    )
    .unwrap()
}

/// Attack: `Deny IpAddress 203.0.113.0/24` was bypassed by `::ffff:203.0.113.7`.
#[test]
fn attack_deny_ip_address_denies_every_spelling_of_the_client() {
    for cidr in [
        "203.0.113.0/24",
        "::ffff:203.0.113.0/120",
        "::ffff:cb00:7100/120",
    ] {
        let doc = policy(&format!(r#"{{"IpAddress":{{"aws:SourceIp":"{cidr}"}}}}"#));
        for ip in SAME_CLIENT {
            assert_eq!(decide(&doc, ip), Decision::ExplicitDeny, "{cidr} {ip}");
        }
        // The neighbours: a client outside the range, in either spelling, is allowed.
        assert_eq!(decide(&doc, "203.0.114.7"), Decision::Allow, "{cidr}");
        assert_eq!(
            decide(&doc, "::ffff:203.0.114.7"),
            Decision::Allow,
            "{cidr}"
        );
        assert_eq!(decide(&doc, "2001:db8::7"), Decision::Allow, "{cidr}");
    }
}

/// `Deny NotIpAddress 203.0.113.0/24` ("only from the office"): the mapped spelling of an office
/// client was denied, and a CIDR written in the mapped form denied the office's IPv4 spelling.
#[test]
fn attack_deny_not_ip_address_treats_every_spelling_alike() {
    for cidr in ["203.0.113.0/24", "::ffff:203.0.113.0/120"] {
        let doc = policy(&format!(
            r#"{{"NotIpAddress":{{"aws:SourceIp":"{cidr}"}}}}"#
        ));
        for ip in SAME_CLIENT {
            assert_eq!(decide(&doc, ip), Decision::Allow, "{cidr} {ip}");
        }
        for outsider in ["198.51.100.9", "::ffff:198.51.100.9", "2001:db8::9"] {
            assert_eq!(
                decide(&doc, outsider),
                Decision::ExplicitDeny,
                "{cidr} {outsider}"
            );
        }
    }
}

/// The IPv4-compatible form `::a.b.c.d` (deprecated) is a different IPv6 address, not the IPv4
/// client, and a plain IPv6 range never contains an IPv4 client.
#[test]
fn only_the_mapped_form_is_the_ipv4_client() {
    // Allow + NotIpAddress ("everyone but the internal range"): the mapped spelling of an internal
    // client used to slip through.
    let doc = PolicyDocument::parse(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*",
        "Condition":{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}}"#,
        6144,
    )
    .unwrap();
    assert_eq!(decide(&doc, "::ffff:10.1.2.3"), Decision::ImplicitDeny);
    assert_eq!(decide(&doc, "10.1.2.3"), Decision::ImplicitDeny);
    assert_eq!(decide(&doc, "::ffff:198.51.100.9"), Decision::Allow);
    let doc = policy(r#"{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#);
    assert_eq!(decide(&doc, "::203.0.113.7"), Decision::Allow);
    let v6 = policy(r#"{"IpAddress":{"aws:SourceIp":"2001:db8::/32"}}"#);
    assert_eq!(decide(&v6, "203.0.113.7"), Decision::Allow);
    assert_eq!(decide(&v6, "2001:db8::7"), Decision::ExplicitDeny);
}
