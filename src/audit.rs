//! Audit events: one per issuing attempt, allowed or refused, delivered to an [`AuditSink`].
//!
//! Invariant: an [`AuditEvent`] can not carry a secret. None of its fields has a secret type
//! (secret access keys, session tokens, ID tokens, TOTP seeds or codes), and the refusal reason is
//! a `&'static str` AWS error code, not a formatted message. Token IDs identify a token without
//! being one.

use crate::credentials::AccessKeyId;
use crate::session::SourceIdentity;
use crate::time::UnixTime;
use crate::token::{Operation, TokenId};
use serde::ser::{Serialize, Serializer};
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// The STS action an event is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AuditAction {
    /// `AssumeRole`.
    AssumeRole,
    /// `AssumeRoleWithWebIdentity`.
    AssumeRoleWithWebIdentity,
    /// `AssumeRoleWithSAML`.
    AssumeRoleWithSaml,
    /// A role assumed by a service principal.
    AssumeRoleForService,
    /// `GetSessionToken`.
    GetSessionToken,
    /// `GetFederationToken`.
    GetFederationToken,
    /// `GetCallerIdentity`.
    GetCallerIdentity,
    /// `GetWebIdentityToken`.
    GetWebIdentityToken,
    /// `GetAccessKeyInfo`.
    GetAccessKeyInfo,
    /// `DecodeAuthorizationMessage`: the target is the refused principal whose message was read.
    DecodeAuthorizationMessage,
    /// Credentials served to a workload by a [`crate::workload::WorkloadEndpoint`].
    WorkloadCredentials,
}

impl AuditAction {
    /// The name written to the event: the AWS action name (`AssumeRoleWithSAML`), or
    /// `AssumeRoleForService` for the service-principal case.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            AuditAction::AssumeRole => "AssumeRole",
            AuditAction::AssumeRoleWithWebIdentity => "AssumeRoleWithWebIdentity",
            AuditAction::AssumeRoleWithSaml => "AssumeRoleWithSAML",
            AuditAction::AssumeRoleForService => "AssumeRoleForService",
            AuditAction::GetSessionToken => "GetSessionToken",
            AuditAction::GetFederationToken => "GetFederationToken",
            AuditAction::GetCallerIdentity => "GetCallerIdentity",
            AuditAction::GetWebIdentityToken => "GetWebIdentityToken",
            AuditAction::GetAccessKeyInfo => "GetAccessKeyInfo",
            AuditAction::DecodeAuthorizationMessage => "DecodeAuthorizationMessage",
            AuditAction::WorkloadCredentials => "WorkloadCredentials",
        }
    }
}

impl From<Operation> for AuditAction {
    fn from(op: Operation) -> Self {
        match op {
            Operation::AssumeRole => AuditAction::AssumeRole,
            Operation::AssumeRoleWithWebIdentity => AuditAction::AssumeRoleWithWebIdentity,
            Operation::AssumeRoleWithSaml => AuditAction::AssumeRoleWithSaml,
            Operation::AssumeRoleForService => AuditAction::AssumeRoleForService,
            Operation::GetSessionToken => AuditAction::GetSessionToken,
            Operation::GetFederationToken => AuditAction::GetFederationToken,
        }
    }
}

impl Serialize for AuditAction {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// Whether the attempt succeeded. Serialized as `"outcome": "Allowed"` or
/// `"outcome": "Refused", "error_code": "AccessDenied"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "outcome")]
#[non_exhaustive]
pub enum AuditOutcome {
    /// Credentials were issued (or the identity returned).
    Allowed,
    /// The attempt was refused with this AWS error code (`AccessDenied`, `ValidationError`, …).
    Refused {
        /// The AWS error code.
        error_code: &'static str,
    },
}

/// One issuing attempt, for the audit trail.
///
/// Serializes to one JSON object with ISO 8601 times:
///
/// ```
/// use tempcred::audit::{AuditAction, AuditEvent, AuditOutcome};
/// use tempcred::UnixTime;
/// let mut e = AuditEvent::new(UnixTime::from_secs(1_700_000_000), AuditAction::AssumeRole,
///     AuditOutcome::Refused { error_code: "AccessDenied" });
/// e.caller_arn = Some("arn:aws:iam::111111111111:user/alice".into());
/// let json = serde_json::to_string(&e).unwrap();
/// assert!(json.contains(r#""time":"2023-11-14T22:13:20Z""#));
/// assert!(json.contains(r#""outcome":"Refused","error_code":"AccessDenied""#));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct AuditEvent {
    /// When the attempt was made.
    #[serde(serialize_with = "ser_time")]
    pub time: UnixTime,
    /// The action.
    pub action: AuditAction,
    /// The caller's ARN, when the caller was authenticated (`None` for unsigned web-identity or
    /// SAML calls, or when authentication failed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caller_arn: Option<String>,
    /// The access key ID the caller signed with (public, like in CloudTrail).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caller_access_key_id: Option<AccessKeyId>,
    /// How the caller proved who it is (`access_key`, `session`, `application`), when there was
    /// an authenticated caller.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caller_authentication: Option<crate::issue::Authentication>,
    /// When the caller signed with attenuated credentials ([`crate::attenuate`]): how many
    /// caveats they carry. `None` for credentials as issued.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caller_caveats: Option<u8>,
    /// What the attempt was for: the role ARN, or the federated user's ARN.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// The requested role session name or federated user name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_name: Option<String>,
    /// The source identity in effect.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_identity: Option<SourceIdentity>,
    /// For web identity: the token's issuer and subject (`iss` / `sub`), never the token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub web_identity_subject: Option<String>,
    /// Allowed or refused, with the error code.
    #[serde(flatten)]
    pub outcome: AuditOutcome,
    /// The issued token's ID (hex), when credentials were issued.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "ser_token_id"
    )]
    pub token_id: Option<TokenId>,
    /// The issued credentials' expiry.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "ser_opt_time"
    )]
    pub expiration: Option<UnixTime>,
    /// The request ID answered to the caller, to join with service logs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// The caller's IP address, when the application supplies it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_ip: Option<std::net::IpAddr>,
}

impl AuditEvent {
    /// An event with only the time, action and outcome; set the other fields as known.
    #[must_use]
    pub fn new(time: UnixTime, action: AuditAction, outcome: AuditOutcome) -> Self {
        AuditEvent {
            time,
            action,
            caller_arn: None,
            caller_access_key_id: None,
            caller_authentication: None,
            caller_caveats: None,
            target: None,
            session_name: None,
            source_identity: None,
            web_identity_subject: None,
            outcome,
            token_id: None,
            expiration: None,
            request_id: None,
            source_ip: None,
        }
    }
}

fn ser_time<S: Serializer>(t: &UnixTime, s: S) -> Result<S::Ok, S::Error> {
    match t.to_rfc3339() {
        Some(text) => s.serialize_str(&text),
        None => s.serialize_u64(t.as_secs()),
    }
}

fn ser_opt_time<S: Serializer>(t: &Option<UnixTime>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => ser_time(t, s),
        None => s.serialize_none(),
    }
}

fn ser_token_id<S: Serializer>(t: &Option<TokenId>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.collect_str(t),
        None => s.serialize_none(),
    }
}

/// Where audit events go. Called on every attempt, so it should be quick; it must not fail the
/// request, so it returns nothing (a sink that can fail counts or reports failures itself).
pub trait AuditSink: Send + Sync {
    /// Records one event.
    fn record(&self, event: &AuditEvent);
}

impl<T: AuditSink + ?Sized> AuditSink for std::sync::Arc<T> {
    fn record(&self, event: &AuditEvent) {
        (**self).record(event);
    }
}

impl<T: AuditSink + ?Sized> AuditSink for &T {
    fn record(&self, event: &AuditEvent) {
        (**self).record(event);
    }
}

/// A sink that drops every event.
#[derive(Clone, Copy, Debug, Default)]
pub struct NullAuditSink;

impl AuditSink for NullAuditSink {
    fn record(&self, _event: &AuditEvent) {}
}

/// A sink that keeps events in memory, for tests.
#[derive(Debug, Default)]
pub struct MemoryAuditSink(Mutex<Vec<AuditEvent>>);

impl MemoryAuditSink {
    /// An empty sink.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// A copy of the events recorded so far, oldest first.
    pub fn events(&self) -> Vec<AuditEvent> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Removes and returns the events recorded so far.
    pub fn take(&self) -> Vec<AuditEvent> {
        std::mem::take(
            &mut *self
                .0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        )
    }
}

impl AuditSink for MemoryAuditSink {
    fn record(&self, event: &AuditEvent) {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(event.clone());
    }
}

/// A sink writing one JSON object per line to a writer (a file, stdout, a pipe).
///
/// Write errors do not fail requests; they are counted ([`JsonLinesAuditSink::write_errors`]).
///
/// ```
/// use tempcred::audit::{AuditAction, AuditEvent, AuditOutcome, AuditSink, JsonLinesAuditSink};
/// use tempcred::UnixTime;
/// let sink = JsonLinesAuditSink::new(Vec::new());
/// sink.record(&AuditEvent::new(UnixTime::from_secs(0), AuditAction::GetCallerIdentity,
///     AuditOutcome::Allowed));
/// let out = String::from_utf8(sink.into_inner()).unwrap();
/// assert_eq!(out, "{\"time\":\"1970-01-01T00:00:00Z\",\"action\":\"GetCallerIdentity\",\"outcome\":\"Allowed\"}\n");
/// ```
#[derive(Debug)]
pub struct JsonLinesAuditSink<W> {
    writer: Mutex<W>,
    errors: AtomicU64,
}

impl<W: Write + Send> JsonLinesAuditSink<W> {
    /// A sink writing to `writer`. Each event is written with one `write_all` and flushed.
    pub fn new(writer: W) -> Self {
        JsonLinesAuditSink {
            writer: Mutex::new(writer),
            errors: AtomicU64::new(0),
        }
    }

    /// How many events could not be written.
    pub fn write_errors(&self) -> u64 {
        self.errors.load(Ordering::Relaxed)
    }

    /// The writer back.
    pub fn into_inner(self) -> W {
        self.writer
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl<W: Write + Send> AuditSink for JsonLinesAuditSink<W> {
    fn record(&self, event: &AuditEvent) {
        let ok = serde_json::to_vec(event).ok().is_some_and(|mut line| {
            line.push(b'\n');
            let mut w = self
                .writer
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            w.write_all(&line).and_then(|()| w.flush()).is_ok()
        });
        if !ok {
            self.errors.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// A bounded queue between the request path and whatever writes audit events out: `record`
/// only tries to enqueue (no lock held across I/O, no flush, never blocks), and counts what it
/// drops when the queue is full or its reader is gone. The application drains the
/// [`AuditQueueReader`] on its own thread or task (the crate starts none), writes in batches,
/// and flushes when it likes; dropping every sink ends the reader's iteration, so a shutdown
/// drains what is left.
///
/// ```
/// use tempcred::audit::{audit_queue, AuditAction, AuditEvent, AuditOutcome, AuditSink};
/// use tempcred::UnixTime;
/// let (sink, reader) = audit_queue(2);
/// let event = AuditEvent::new(UnixTime::from_secs(0), AuditAction::GetCallerIdentity,
///     AuditOutcome::Allowed);
/// for _ in 0..3 {
///     sink.record(&event); // the third does not fit
/// }
/// assert_eq!(sink.dropped(), 1);
/// drop(sink);
/// assert_eq!(reader.into_iter().count(), 2);
/// ```
#[derive(Debug)]
pub struct QueueAuditSink {
    queue: std::sync::mpsc::SyncSender<AuditEvent>,
    dropped: AtomicU64,
}

/// The reading end of [`audit_queue`]: events in the order they were recorded.
#[derive(Debug)]
pub struct AuditQueueReader(std::sync::mpsc::Receiver<AuditEvent>);

/// A [`QueueAuditSink`] holding at most `capacity` events, and its reader.
#[must_use]
pub fn audit_queue(capacity: usize) -> (QueueAuditSink, AuditQueueReader) {
    let (queue, reader) = std::sync::mpsc::sync_channel(capacity);
    (
        QueueAuditSink {
            queue,
            dropped: AtomicU64::new(0),
        },
        AuditQueueReader(reader),
    )
}

impl QueueAuditSink {
    /// How many events were dropped because the queue was full or its reader gone.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
}

impl AuditSink for QueueAuditSink {
    fn record(&self, event: &AuditEvent) {
        if self.queue.try_send(event.clone()).is_err() {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }
}

impl AuditQueueReader {
    /// The next event, waiting at most `timeout`; `None` on timeout or once every sink is gone
    /// and the queue is empty.
    #[must_use]
    pub fn next_timeout(&self, timeout: std::time::Duration) -> Option<AuditEvent> {
        self.0.recv_timeout(timeout).ok()
    }

    /// The next event if one is queued, without waiting.
    #[must_use]
    pub fn try_next(&self) -> Option<AuditEvent> {
        self.0.try_recv().ok()
    }
}

impl IntoIterator for AuditQueueReader {
    type Item = AuditEvent;
    type IntoIter = std::sync::mpsc::IntoIter<AuditEvent>;

    /// Every event, blocking for the next, until every sink is dropped and the queue is empty.
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_queue_keeps_order_counts_drops_and_ends_when_the_sinks_go() {
        let (sink, reader) = audit_queue(3);
        let at = |t| {
            AuditEvent::new(
                UnixTime::from_secs(t),
                AuditAction::GetCallerIdentity,
                AuditOutcome::Allowed,
            )
        };
        for t in 0..5 {
            sink.record(&at(t));
        }
        assert_eq!(sink.dropped(), 2);
        assert_eq!(
            reader.try_next().map(|e| e.time),
            Some(UnixTime::from_secs(0))
        );
        sink.record(&at(9)); // room again
        assert_eq!(sink.dropped(), 2);
        assert!(reader
            .next_timeout(std::time::Duration::from_millis(1))
            .is_some());
        drop(sink);
        let rest: Vec<u64> = reader.into_iter().map(|e| e.time.as_secs()).collect();
        assert_eq!(rest, [2, 9]);
    }

    #[test]
    fn a_sink_whose_reader_is_gone_drops_and_counts() {
        let (sink, reader) = audit_queue(8);
        drop(reader);
        sink.record(&AuditEvent::new(
            UnixTime::from_secs(1),
            AuditAction::GetCallerIdentity,
            AuditOutcome::Allowed,
        ));
        assert_eq!(sink.dropped(), 1);
    }

    fn full_event() -> AuditEvent {
        let mut e = AuditEvent::new(
            UnixTime::from_secs(1_311_201_713),
            AuditAction::from(Operation::AssumeRole),
            AuditOutcome::Allowed,
        );
        e.caller_arn = Some("arn:aws:iam::111111111111:user/alice".into());
        e.caller_access_key_id = Some(AccessKeyId::new("AKIAIOSFODNN7EXAMPLE").unwrap());
        e.target = Some("arn:aws:iam::222222222222:role/deploy".into());
        e.session_name = Some("ci".into());
        e.source_identity = Some(SourceIdentity::new("alice").unwrap());
        e.token_id = Some(TokenId([0xab; 16]));
        e.expiration = Some(UnixTime::from_secs(1_311_205_313));
        e.request_id = Some("c6104cbe-af31-11e0-8154-cbc7ccf896c7".into());
        e.source_ip = Some("192.0.2.1".parse().unwrap());
        e
    }

    #[test]
    fn serializes_every_field() {
        let v: serde_json::Value = serde_json::to_value(full_event()).unwrap();
        assert_eq!(
            v,
            serde_json::json!({
                "time": "2011-07-20T22:41:53Z",
                "action": "AssumeRole",
                "caller_arn": "arn:aws:iam::111111111111:user/alice",
                "caller_access_key_id": "AKIAIOSFODNN7EXAMPLE",
                "target": "arn:aws:iam::222222222222:role/deploy",
                "session_name": "ci",
                "source_identity": "alice",
                "outcome": "Allowed",
                "token_id": "abababababababababababababababab",
                "expiration": "2011-07-20T23:41:53Z",
                "request_id": "c6104cbe-af31-11e0-8154-cbc7ccf896c7",
                "source_ip": "192.0.2.1"
            })
        );
    }

    #[test]
    fn refusals_carry_the_code_and_absent_fields_are_omitted() {
        let e = AuditEvent::new(
            UnixTime::from_secs(0),
            AuditAction::AssumeRoleWithSaml,
            AuditOutcome::Refused {
                error_code: "AccessDenied",
            },
        );
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            r#"{"time":"1970-01-01T00:00:00Z","action":"AssumeRoleWithSAML","outcome":"Refused","error_code":"AccessDenied"}"#
        );
    }

    #[test]
    fn sinks_record_in_order() {
        let mem = MemoryAuditSink::new();
        mem.record(&full_event());
        mem.record(&AuditEvent::new(
            UnixTime::from_secs(1),
            AuditAction::GetCallerIdentity,
            AuditOutcome::Allowed,
        ));
        assert_eq!(mem.events().len(), 2);
        assert_eq!(mem.take()[0], full_event());
        assert!(mem.events().is_empty());

        let lines = JsonLinesAuditSink::new(Vec::new());
        lines.record(&full_event());
        lines.record(&full_event());
        assert_eq!(lines.write_errors(), 0);
        let out = String::from_utf8(lines.into_inner()).unwrap();
        assert_eq!(out.lines().count(), 2);
        for line in out.lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            assert_eq!(v["target"], "arn:aws:iam::222222222222:role/deploy");
        }
    }

    #[test]
    fn write_errors_are_counted_not_raised() {
        struct Broken;
        impl Write for Broken {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::Error::other("disk full"))
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let sink = JsonLinesAuditSink::new(Broken);
        sink.record(&full_event());
        assert_eq!(sink.write_errors(), 1);
    }
}
