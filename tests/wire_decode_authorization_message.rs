//! `DecodeAuthorizationMessage` on the wire (issue 16, part 2): the Query API request as botocore
//! serializes it (`Action`, `Version`, `EncodedMessage`, 1–10 240 characters per the STS API
//! model) and the XML answer botocore parses (`DecodeAuthorizationMessageResult/DecodedMessage`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use proptest::prelude::*;
use tempcred::limits::MAX_ENCODED_MESSAGE_CHARS;
use tempcred::wire::{parse_query, render_query, render_response, RequestId};
use tempcred::{
    Action, DecodeAuthorizationMessageRequest, DecodeAuthorizationMessageResponse, StsErrorCode,
    StsRequest, StsResponse,
};

const HEAD: &str = "Action=DecodeAuthorizationMessage&Version=2011-06-15";

#[test]
fn the_action_is_named_as_in_the_api_and_in_policies() {
    let a = Action::from_name("DecodeAuthorizationMessage").unwrap();
    assert_eq!(a, Action::DecodeAuthorizationMessage);
    assert_eq!(a.iam_action(), "sts:DecodeAuthorizationMessage");
    assert!(Action::ALL.contains(&a));
    assert_eq!(Action::from_name("decodeauthorizationmessage"), None);
}

#[test]
fn a_botocore_body_parses_and_renders_back() {
    // botocore's query serializer sends the message form-encoded, as any value.
    let body = format!("{HEAD}&EncodedMessage=AQ5r-_Zey%2B%2F%3D%20x");
    let StsRequest::DecodeAuthorizationMessage(r) = parse_query(body.as_bytes()).unwrap() else {
        panic!("not a DecodeAuthorizationMessage request")
    };
    assert_eq!(r.encoded_message(), "AQ5r-_Zey+/= x");
    let request = StsRequest::DecodeAuthorizationMessage(r);
    assert!(request.requires_signature());
    assert_eq!(request.action(), Action::DecodeAuthorizationMessage);
    assert_eq!(render_query(&request).as_str(), body);
}

#[test]
fn the_message_is_required_and_1_to_10240_characters() {
    let missing = parse_query(HEAD.as_bytes()).unwrap_err();
    assert_eq!(missing.code, StsErrorCode::ValidationError);
    assert_eq!(
        missing.message,
        "1 validation error detected: Value null at 'encodedMessage' failed to satisfy \
         constraint: Member must not be null"
    );
    let empty = parse_query(format!("{HEAD}&EncodedMessage=").as_bytes()).unwrap_err();
    assert_eq!(empty.code, StsErrorCode::ValidationError);
    assert!(empty.message.contains("'encodedMessage'"), "{empty}");
    assert!(
        empty.message.contains("greater than or equal to 1"),
        "{empty}"
    );

    let longest = "A".repeat(MAX_ENCODED_MESSAGE_CHARS);
    assert!(parse_query(format!("{HEAD}&EncodedMessage={longest}").as_bytes()).is_ok());
    let too_long = parse_query(format!("{HEAD}&EncodedMessage={longest}A").as_bytes()).unwrap_err();
    assert_eq!(too_long.code, StsErrorCode::ValidationError);
    assert!(
        too_long.message.contains("less than or equal to 10240"),
        "{too_long}"
    );
    // Characters, not bytes: 10 240 two-byte characters are within the limit.
    assert!(DecodeAuthorizationMessageRequest::new("é".repeat(10_240)).is_ok());
    assert!(DecodeAuthorizationMessageRequest::new("é".repeat(10_241)).is_err());

    let unknown =
        parse_query(format!("{HEAD}&EncodedMessage=abc&RoleArn=x").as_bytes()).unwrap_err();
    assert_eq!(unknown.code, StsErrorCode::InvalidParameterValue);
}

#[test]
fn the_request_debug_shows_only_the_length() {
    let r = DecodeAuthorizationMessageRequest::new("c2VjcmV0LWxvb2tpbmc").unwrap();
    assert_eq!(
        format!("{r:?}"),
        "DecodeAuthorizationMessageRequest(<19 bytes>)"
    );
}

#[test]
fn the_answer_is_the_xml_botocore_parses_with_the_json_escaped() {
    let response = StsResponse::DecodeAuthorizationMessage(DecodeAuthorizationMessageResponse {
        decoded_message: r#"{"allowed":false,"context":{"resource":"arn:aws:s3:::b/<k>&'"}}"#
            .to_owned(),
    });
    assert_eq!(response.action(), Action::DecodeAuthorizationMessage);
    assert!(response.credentials().is_none());
    let xml = render_response(&response, &RequestId::new("r-1").unwrap());
    assert_eq!(
        xml.as_str(),
        "<DecodeAuthorizationMessageResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
         <DecodeAuthorizationMessageResult><DecodedMessage>\
         {&quot;allowed&quot;:false,&quot;context&quot;:{&quot;resource&quot;:\
         &quot;arn:aws:s3:::b/&lt;k&gt;&amp;&apos;&quot;}}</DecodedMessage>\
         </DecodeAuthorizationMessageResult><ResponseMetadata><RequestId>r-1</RequestId>\
         </ResponseMetadata></DecodeAuthorizationMessageResponse>"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn any_message_text_round_trips(text in "\\PC{1,300}") {
        let request: StsRequest = DecodeAuthorizationMessageRequest::new(text).unwrap().into();
        let body = render_query(&request);
        prop_assert_eq!(parse_query(body.as_bytes()).unwrap(), request);
    }
}

/// Built with or without feature `authorization-messages`, a message the STS did not seal is
/// `InvalidAuthorizationMessageException` for a caller allowed to decode (without the feature,
/// every message is: the build seals and opens none).
#[test]
fn a_message_the_sts_did_not_seal_is_invalid_in_every_build() {
    use std::sync::Arc;
    use tempcred::directory::{demo_directory_json, InMemoryDirectory};
    use tempcred::hazmat::SeededRandom;
    use tempcred::keys::KeyId;
    use tempcred::{Issuer, KeyRing};
    let directory = Arc::new(InMemoryDirectory::from_json(demo_directory_json()).unwrap());
    let ring = KeyRing::generate(KeyId::new("k").unwrap(), &SeededRandom::new(1)).unwrap();
    let issuer = Issuer::builder(directory, ring).build();
    let alice = issuer
        .long_term_caller(&"AKIADEMOALICE0000001".parse().unwrap())
        .unwrap();
    let e = issuer
        .decode_authorization_message(
            &alice,
            &DecodeAuthorizationMessageRequest::new("AQFrAAAAAAAAAAAAAAAA").unwrap(),
        )
        .unwrap_err();
    assert_eq!(e.code, StsErrorCode::InvalidAuthorizationMessage, "{e}");
    assert_eq!(e.http_status(), 400);
    if cfg!(feature = "authorization-messages") {
        assert_eq!(e.message, "The encoded authorization message is not valid.");
    } else {
        assert!(e.message.contains("built without"), "{e}");
    }
}
