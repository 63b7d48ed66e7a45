//! What a SigV4 verifier accepts: clock skew, path style, service and region policy, size limits.
//!
//! Strict by default: a 5-minute skew window (at most 15 may be configured), normalized paths,
//! any service and region (set them!), and the [`Limits`] below.

use super::request::PathStyle;
use crate::verify::{VerifierConfigError, DEFAULT_LEEWAY_SECS, MAX_LEEWAY_SECS};

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
/// let config = SigV4Config::new()
///     .with_service("s3")
///     .with_regions(["eu-west-1"])
///     .with_path_style(PathStyle::S3)
///     .with_clock_skew_leeway(600)
///     .unwrap();
/// assert_eq!(config.clock_skew_leeway(), 600);
/// assert!(SigV4Config::new().with_clock_skew_leeway(901).is_err());
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct SigV4Config {
    pub(crate) skew_secs: u64,
    pub(crate) path_style: PathStyle,
    pub(crate) service: Option<String>,
    pub(crate) regions: Option<Vec<String>>,
    pub(crate) limits: Limits,
}

impl Default for SigV4Config {
    fn default() -> Self {
        SigV4Config {
            skew_secs: DEFAULT_LEEWAY_SECS,
            path_style: PathStyle::Normalized,
            service: None,
            regions: None,
            limits: Limits::default(),
        }
    }
}

impl SigV4Config {
    /// The defaults: 5-minute skew, normalized paths, any service and region, default limits.
    pub fn new() -> Self {
        Self::default()
    }

    /// Accepts only signatures scoped to `service` (e.g. `sts`).
    pub fn with_service(mut self, service: &str) -> Self {
        self.service = Some(service.to_owned());
        self
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
    pub fn with_path_style(mut self, style: PathStyle) -> Self {
        self.path_style = style;
        self
    }

    /// Widens or narrows the window around the verifier's clock in which a request time is
    /// accepted; refuses more than 15 minutes.
    pub fn with_clock_skew_leeway(mut self, secs: u64) -> Result<Self, VerifierConfigError> {
        if secs > MAX_LEEWAY_SECS {
            return Err(VerifierConfigError::LeewayTooLarge);
        }
        self.skew_secs = secs;
        Ok(self)
    }

    /// Replaces the size limits.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The skew window in seconds.
    pub fn clock_skew_leeway(&self) -> u64 {
        self.skew_secs
    }

    /// The path style.
    pub fn path_style(&self) -> PathStyle {
        self.path_style
    }

    /// The size limits.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }
}
