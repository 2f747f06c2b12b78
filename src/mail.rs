//! The only code that talks to the network: messages sent through the organisation's SMTP relay
//! (lettre's SMTP client), over one connection, in order, stopping at the first failure so the
//! caller logs exactly what went and a re-run sends only the rest. The password is given by the
//! caller (the command reads it from the environment); it is never printed.

use std::time::Duration;

use lettre::Message;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{SmtpConnection, TlsParameters};
use lettre::transport::smtp::extension::ClientId;

use crate::cohort::config::TlsMode;

/// Where and how to send.
pub struct Relay {
    pub host: String,
    pub port: u16,
    pub tls: TlsMode,
    /// Login and password; `None`: no login.
    pub credentials: Option<(String, String)>,
    /// How long to wait for the relay at each step.
    pub timeout: Duration,
}

impl std::fmt::Debug for Relay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the password.
        f.debug_struct("Relay")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("login", &self.credentials.as_ref().map(|(u, _)| u))
            .finish_non_exhaustive()
    }
}

/// How far a run got: how many messages (from the first) the relay accepted, and why it stopped
/// if it stopped early.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    pub sent: usize,
    pub failure: Option<String>,
}

/// Connect, secure the connection as `tls` says, log in when asked: a connection ready to send.
fn connect(relay: &Relay) -> Result<SmtpConnection, String> {
    let at = format!("{}:{}", relay.host, relay.port);
    let params = || {
        TlsParameters::new(relay.host.clone())
            .map_err(|e| format!("cannot set up TLS for {}: {e}", relay.host))
    };
    let wrapper = match relay.tls {
        TlsMode::Tls => Some(params()?),
        TlsMode::None | TlsMode::Starttls => None,
    };
    let hello = ClientId::default();
    let mut conn = SmtpConnection::connect(
        (relay.host.as_str(), relay.port),
        Some(relay.timeout),
        &hello,
        wrapper.as_ref(),
        None,
    )
    .map_err(|e| format!("cannot connect to the SMTP relay {at}: {e}"))?;
    if relay.tls == TlsMode::Starttls {
        if !conn.can_starttls() {
            conn.abort();
            return Err(format!(
                "the SMTP relay {at} does not offer STARTTLS, and smtp_tls = \"starttls\" never sends in plain text: check smtp_host, smtp_port and smtp_tls in cohort.toml"
            ));
        }
        conn.starttls(&params()?, &hello)
            .map_err(|e| format!("cannot start TLS with the SMTP relay {at}: {e}"))?;
    }
    if let Some((user, password)) = &relay.credentials {
        let credentials = Credentials::new(user.clone(), password.clone());
        if let Err(e) = conn.auth(&[Mechanism::Plain, Mechanism::Login], &credentials) {
            conn.abort();
            return Err(format!(
                "the SMTP relay {at} refused the login of {user}: {e} (check smtp_user, and the password in the environment variable smtp_password_env names)"
            ));
        }
    }
    Ok(conn)
}

/// Send each message in order over one connection. Err: nothing was sent (the relay could not be
/// reached or refused the login). Ok: how many went, and why the rest did not.
pub fn send_all(relay: &Relay, messages: &[Message]) -> Result<Sent, String> {
    if messages.is_empty() {
        return Ok(Sent {
            sent: 0,
            failure: None,
        });
    }
    let mut conn = connect(relay)?;
    for (i, message) in messages.iter().enumerate() {
        if let Err(e) = conn.send(message.envelope(), &message.formatted()) {
            conn.abort();
            return Ok(Sent {
                sent: i,
                failure: Some(format!(
                    "the SMTP relay {}:{} stopped taking messages: {e}",
                    relay.host, relay.port
                )),
            });
        }
    }
    let _ = conn.quit();
    Ok(Sent {
        sent: messages.len(),
        failure: None,
    })
}
