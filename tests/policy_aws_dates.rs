//! Date conditions as IAM reads them (issue 13, items 6, 7 and 8): the legacy date forms AWS
//! accepts, instants before 1970 and negative epoch values, sub-second precision, and no policy
//! variables in date values.
//!
//! Sources: moto's `tests/test_iam/test_iam_policies.py` (getmoto/moto), valid documents
//! (`"01T"`, `"2016-12-13t2:00:00.593194+23"`, `"2016-12-13T21:20:37.593194+00:00"`,
//! `"-292275054"`) and invalid ones ("The policy failed legacy parsing": `"sdfdsf"`, `"234-13"`,
//! `"…+1"`, ten fraction digits, `"9223372036854775808"`); IAM User Guide, "IAM JSON policy
//! elements: Condition operators", Date condition operators,
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Date>.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use tempcred::policy::{PolicyDocument, RequestContext};

fn parse(condition: &str) -> Result<PolicyDocument, tempcred::policy::MalformedPolicyDocument> {
    PolicyDocument::parse_identity(&format!(
        r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::example_bucket","Condition":{condition}}}}}"#
    ))
}

/// Whether `condition` allows with `aws:CurrentTime` (or the key given) set to `now`.
fn allows(condition: &str, key: &str, now: &str) -> bool {
    let d = parse(condition).unwrap_or_else(|e| panic!("{condition}: {e}"));
    let mut ctx = RequestContext::new("s3:ListBucket").with_resource("arn:aws:s3:::example_bucket");
    ctx.insert(key, now);
    d.evaluate(&ctx).is_allowed()
}

#[test]
fn legacy_date_forms_aws_accepts_are_accepted() {
    for value in [
        "01T",
        "2016-12-13t2:00:00.593194+23",
        "2016-12-13T21:20:37.593194+00:00",
        "2019-07-01T13:20:15Z",
        "2017-07-01T00:00:00Z",
        "-292275054",
        "2019-07",
        "2019-07-01T10",
        "2019-07-01T10:20",
    ] {
        parse(&format!(r#"{{"DateLessThanEquals":{{"a":"{value}"}}}}"#))
            .unwrap_or_else(|e| panic!("{value}: {e}"));
    }
}

#[test]
fn date_forms_aws_refuses_are_refused_as_legacy_parsing_failures() {
    for value in [
        "sdfdsf",
        "234-13",
        "2016-12-13t2:00:00.593194+1",
        "2016-12-13t2:00:00.1999999999+10:59",
        "9223372036854775808",
    ] {
        let e = parse(&format!(r#"{{"DateLessThanEquals":{{"a":"{value}"}}}}"#)).unwrap_err();
        assert!(
            e.to_string().contains("The policy failed legacy parsing"),
            "{value}: {e}"
        );
    }
}

/// Dates before 1970, in ISO form and as negative epoch seconds (`UnixTime` is unsigned; policy
/// dates are not).
#[test]
fn instants_before_1970_compare_in_order() {
    let before_moon = r#"{"DateLessThan":{"aws:CurrentTime":"1969-07-20T20:17:00Z"}}"#;
    assert!(allows(
        before_moon,
        "aws:CurrentTime",
        "1969-07-16T13:32:00Z"
    ));
    assert!(!allows(
        before_moon,
        "aws:CurrentTime",
        "1969-07-21T02:56:00Z"
    ));
    assert!(!allows(
        before_moon,
        "aws:CurrentTime",
        "2024-01-01T00:00:00Z"
    ));
    // Negative epoch values: -1 is 1969-12-31T23:59:59Z.
    let epoch = r#"{"DateEquals":{"aws:EpochTime":"-1"}}"#;
    assert!(allows(epoch, "aws:EpochTime", "-1"));
    assert!(allows(epoch, "aws:EpochTime", "1969-12-31T23:59:59Z"));
    assert!(!allows(epoch, "aws:EpochTime", "0"));
    let after = r#"{"DateGreaterThan":{"aws:EpochTime":-86400}}"#;
    assert!(allows(after, "aws:EpochTime", "0"));
    assert!(!allows(after, "aws:EpochTime", "1969-12-30T00:00:00Z"));
}

/// Item 8: sub-second precision is kept. `.531Z` and `.431Z` differ; `.100Z < .900Z`.
#[test]
fn sub_second_precision_is_compared() {
    let eq = r#"{"DateEquals":{"aws:CurrentTime":"2024-05-01T12:00:00.531Z"}}"#;
    assert!(allows(eq, "aws:CurrentTime", "2024-05-01T12:00:00.531Z"));
    assert!(allows(eq, "aws:CurrentTime", "2024-05-01T12:00:00.531000Z"));
    assert!(!allows(eq, "aws:CurrentTime", "2024-05-01T12:00:00.431Z"));
    assert!(!allows(eq, "aws:CurrentTime", "2024-05-01T12:00:00Z"));
    let lt = r#"{"DateLessThan":{"aws:CurrentTime":"2024-05-01T12:00:00.900Z"}}"#;
    assert!(allows(lt, "aws:CurrentTime", "2024-05-01T12:00:00.100Z"));
    assert!(!allows(lt, "aws:CurrentTime", "2024-05-01T12:00:00.900Z"));
    assert!(!allows(lt, "aws:CurrentTime", "2024-05-01T12:00:01Z"));
    // Time zones are applied before comparing.
    assert!(allows(
        eq,
        "aws:CurrentTime",
        "2024-05-01T14:00:00.531+02:00"
    ));
}

/// Item 6: a policy variable as a `Date…` value is refused, as AWS refuses it ("The policy
/// failed legacy parsing": the legacy date parser reads the literal `${…}`).
#[test]
fn a_policy_variable_as_a_date_value_is_refused() {
    for op in [
        "DateLessThan",
        "DateEqualsIfExists",
        "ForAnyValue:DateGreaterThan",
    ] {
        let e = parse(&format!(
            r#"{{"{op}":{{"aws:CurrentTime":"${{aws:TokenIssueTime}}"}}}}"#
        ))
        .unwrap_err();
        assert!(
            e.to_string().contains("The policy failed legacy parsing"),
            "{op}: {e}"
        );
    }
    // The neighbour: a variable in a string condition value is fine.
    parse(r#"{"StringEquals":{"aws:username":"${aws:PrincipalTag/name}"}}"#).unwrap();
}
