//! What a SigV4 verifier accepts: clock skew, path style, service and region policy, size limits.
//!
//! Strict by default: the service must be named to build a config at all (so that services
//! sharing a key ring cannot replay each other's captured requests), a 5-minute skew window (at
//! most 15 may be configured), normalized paths that must already be in their normalized form,
//! and the [`Limits`] below. Regions are open unless [`SigV4Config::with_regions`] narrows them.

use super::request::PathStyle;
use crate::limits::{DEFAULT_LEEWAY_SECS, MAX_LEEWAY_SECS};
use crate::verify::VerifierConfigError;

/// Size bounds checked before any parsing or hashing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Header lines (default 128).
    pub max_headers: usize,
    /// Bytes of all header names and values together (default 32 KiB).
    pub max_header_bytes: usize,
    /// Bytes of the path (default 8 KiB).
    pub max_path_bytes: usize,
    /// Bytes of the query (default 16 KiB).
    pub max_query_bytes: usize,
    /// Pairs in the query (default 256).
    pub max_query_params: usize,
    /// Names in `SignedHeaders` (default 64).
    pub max_signed_headers: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_headers: 128,
            max_header_bytes: 32 * 1024,
            max_path_bytes: 8 * 1024,
            max_query_bytes: 16 * 1024,
            max_query_params: 256,
            max_signed_headers: 64,
        }
    }
}

/// Configuration of a [`super::SigV4Verifier`].
///
/// ```
/// use tempcred::sigv4::{PathStyle, SigV4Config};
/// let config = SigV4Config::new("s3")
///     .with_regions(["eu-west-1"])
///     .with_path_style(PathStyle::S3)
///     .with_clock_skew_leeway(600)
///     .unwrap();
/// assert_eq!(config.clock_skew_leeway(), 600);
/// assert_eq!(config.service(), "s3");
/// assert!(SigV4Config::new("sts").with_clock_skew_leeway(901).is_err());
/// ```
///
/// There is no `Default`: a verifier that accepted any service would accept a request captured
/// from any other service that trusts the same keys (an `s3` request replayed to `sts`), so the
/// service is the one setting that cannot be forgotten.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct SigV4Config {
    pub(crate) skew_secs: u64,
    pub(crate) path_style: PathStyle,
    pub(crate) service: String,
    pub(crate) regions: Option<Vec<String>>,
    pub(crate) limits: Limits,
    pub(crate) accept_unnormalized_paths: bool,
}

impl SigV4Config {
    /// A config accepting only signatures scoped to `service` (the scope's fourth part, e.g.
    /// `sts`, `s3`, `execute-api`), in any region (narrow them with
    /// [`SigV4Config::with_regions`]), with a 5-minute skew, normalized paths and default limits.
    #[must_use]
    pub fn new(service: &str) -> Self {
        SigV4Config {
            skew_secs: DEFAULT_LEEWAY_SECS,
            path_style: PathStyle::Normalized,
            service: service.to_owned(),
            regions: None,
            limits: Limits::default(),
            accept_unnormalized_paths: false,
        }
    }

    /// Accepts only signatures scoped to `service` instead.
    #[must_use]
    pub fn with_service(mut self, service: &str) -> Self {
        self.service = service.to_owned();
        self
    }

    /// The service signatures must be scoped to.
    #[must_use]
    pub fn service(&self) -> &str {
        &self.service
    }

    /// Accepts only signatures scoped to one of `regions`.
    pub fn with_regions<I, S>(mut self, regions: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.regions = Some(regions.into_iter().map(Into::into).collect());
        self
    }

    /// How the path is canonicalized (S3 signs it unnormalized).
    #[must_use]
    pub fn with_path_style(mut self, style: PathStyle) -> Self {
        self.path_style = style;
        self
    }

    /// With [`PathStyle::Normalized`], also accepts paths that are not already in their
    /// normalized form (`/a/../b`, `//b`, `/./b`, `b`): they verify against the signature of the
    /// normalized path (`/b`), as the AWS signing test suite's `*-normalized` cases expect.
    ///
    /// By default such requests are refused, because the application would otherwise act on a
    /// path (`/admin/../public`) other than the one that was signed (`/public`). Turn this on
    /// only if the application routes on the normalized path, never on the raw one.
    ///
    /// A path ending in a dot segment (`/a/.`, `/a/b/..`) is normalized as RFC 3986
    /// `remove_dot_segments` and the Rust SDK do, keeping the trailing slash (`/a/`). botocore and
    /// the JS SDK sign `/a` there instead, so such a request from them does not verify: the two
    /// readings cannot both be accepted without one path meaning two things. With the default
    /// (strict) configuration the question does not arise: the path is refused.
    #[must_use]
    pub fn accept_unnormalized_paths(mut self) -> Self {
        self.accept_unnormalized_paths = true;
        self
    }

    /// Widens or narrows the window around the verifier's clock in which a request time is
    /// accepted; refuses more than 15 minutes.
    ///
    /// # Errors
    ///
    /// [`VerifierConfigError`] over 15 minutes.
    pub fn with_clock_skew_leeway(mut self, secs: u64) -> Result<Self, VerifierConfigError> {
        if secs > MAX_LEEWAY_SECS {
            return Err(VerifierConfigError::LeewayTooLarge);
        }
        self.skew_secs = secs;
        Ok(self)
    }

    /// Replaces the size limits.
    #[must_use]
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The skew window in seconds.
    #[must_use]
    pub fn clock_skew_leeway(&self) -> u64 {
        self.skew_secs
    }

    /// The path style.
    #[must_use]
    pub fn path_style(&self) -> PathStyle {
        self.path_style
    }

    /// The size limits.
    #[must_use]
    pub fn limits(&self) -> &Limits {
        &self.limits
    }
}
