//! The error codes the STS endpoint answers, checked against the STS API model the SDKs are
//! generated from (botocore `data/sts/2011-06-15/service-2.json`, read here through the installed
//! botocore when python3 has it): a code that the model names an exception for must be spelled as
//! the model spells it, or the SDKs cannot map it to their typed error (issue 15: an expired web
//! identity token was `ExpiredToken`, which the JS and Rust SDKs do not map).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;
use tempcred::StsErrorCode;

/// The modeled exceptions' wire codes and statuses, as botocore 1.43 ships them.
const MODELED: [(&str, u16); 11] = [
    ("ExpiredTokenException", 400),
    ("IDPCommunicationError", 400),
    ("IDPRejectedClaim", 403),
    ("InvalidAuthorizationMessageException", 400),
    ("InvalidIdentityToken", 400),
    ("MalformedPolicyDocument", 400),
    ("PackedPolicyTooLarge", 400),
    ("RegionDisabledException", 403),
    ("OutboundWebIdentityFederationDisabledException", 403),
    ("JWTPayloadSizeExceededException", 400),
    ("SessionDurationEscalationException", 403),
];

/// Our codes for the conditions the model has an exception for, by what they mean.
fn ours(modeled: &str) -> Option<StsErrorCode> {
    Some(match modeled {
        "ExpiredTokenException" => StsErrorCode::ExpiredTokenException,
        "IDPRejectedClaim" => StsErrorCode::IdpRejectedClaim,
        "InvalidIdentityToken" => StsErrorCode::InvalidIdentityToken,
        "MalformedPolicyDocument" => StsErrorCode::MalformedPolicyDocument,
        "PackedPolicyTooLarge" => StsErrorCode::PackedPolicyTooLarge,
        "RegionDisabledException" => StsErrorCode::RegionDisabled,
        "OutboundWebIdentityFederationDisabledException" => {
            StsErrorCode::OutboundWebIdentityFederationDisabled
        }
        "JWTPayloadSizeExceededException" => StsErrorCode::JwtPayloadSizeExceeded,
        "SessionDurationEscalationException" => StsErrorCode::SessionDurationEscalation,
        // Conditions tempcred has no answer for (no network IdP; encoded authorization messages
        // are another change).
        "InvalidAuthorizationMessageException" => StsErrorCode::InvalidAuthorizationMessage,
        _ => return None,
    })
}

#[test]
fn every_modeled_condition_we_answer_uses_the_models_code_and_status() {
    for (code, status) in MODELED {
        if let Some(ours) = ours(code) {
            assert_eq!(ours.as_str(), code);
            assert_eq!(ours.http_status(), status, "{code}");
        }
    }
}

#[test]
fn the_table_above_is_the_installed_botocore_model() {
    let script = r#"
import botocore, gzip, json, os
d = os.path.join(os.path.dirname(botocore.__file__), 'data', 'sts')
p = os.path.join(d, sorted(os.listdir(d))[-1], 'service-2.json')
data = json.load(gzip.open(p + '.gz')) if not os.path.exists(p) else json.load(open(p))
for s in data['shapes'].values():
    if s.get('exception'):
        print(s['error']['code'], s['error']['httpStatusCode'])
"#;
    let Ok(out) = Command::new("python3").args(["-c", script]).output() else {
        return; // no python3: the static table above still holds
    };
    if !out.status.success() {
        return; // no botocore
    }
    let text = String::from_utf8(out.stdout).unwrap();
    let installed: Vec<(String, u16)> = text
        .lines()
        .filter_map(|l| l.split_once(' '))
        .map(|(c, s)| (c.to_owned(), s.parse().unwrap()))
        .collect();
    for (code, status) in MODELED {
        assert!(
            installed.iter().any(|(c, s)| c == code && *s == status),
            "{code} {status} not in the installed model: {installed:?}"
        );
    }
    // Every modeled exception we can produce is in the table, so none is missed.
    for code in StsErrorCode::ALL {
        if let Some((c, _)) = installed.iter().find(|(c, _)| c == code.as_str()) {
            assert!(
                MODELED.iter().any(|(m, _)| m == c),
                "{c} missing from MODELED"
            );
        }
    }
}
