//! AWS wire formats: the STS Query API, its XML responses and error documents, and the credential
//! JSON documents that AWS tools read.
//!
//! - [`parse_query`] reads `Action=AssumeRole&Version=2011-06-15&…` (a POST body or a GET query
//!   string) into a typed [`StsRequest`](crate::StsRequest), bounded by [`QueryLimits`].
//! - [`render_query`] does the reverse, as boto3 would send it (for clients and tests).
//! - [`render_response`] and [`render_error`] write the XML documents AWS SDKs parse.
//! - [`credential_process_json`], [`imds_credentials_json`] and [`container_credentials_json`]
//!   write what `credential_process` and the instance/container metadata endpoints return.
//!
//! # Where secrets leave the crate
//!
//! A secret access key and a session token are serialized in exactly two places, both here: the
//! credential-bearing XML responses ([`render_response`]) and the credential JSON documents. Both
//! return [`zeroize::Zeroizing`] strings so the copy is wiped when dropped. Nothing else in the
//! crate (errors, `Debug`, audit events) ever writes them.

mod credential_json;
mod query;
mod xml;

pub use credential_json::{
    container_credentials_json, credential_process_json, imds_credentials_json,
};
pub use query::{parse_query, parse_query_with_limits, render_query, QueryLimits, API_VERSION};
pub use xml::{render_error, render_response, RequestId, STS_XML_NAMESPACE, XML_CONTENT_TYPE};
