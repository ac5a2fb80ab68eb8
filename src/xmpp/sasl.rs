//! SASL negotiation (RFC 6120 §6): picking a mechanism and running it.
//!
//! Preference: SCRAM-SHA-256 > SCRAM-SHA-1 > PLAIN (PLAIN only when the
//! config allows it). `-PLUS` variants are never chosen: a browser has no
//! channel-binding data.

use super::scram::{ScramClient, ScramError, ScramHash, Secret};
use super::{Credentials, ScramKeys, SessionError};
use std::collections::BTreeSet;
use xmpp_parsers::sasl::{self, Auth, Mechanism, Nonza, Response};

/// A mechanism we can run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mech {
    Scram(ScramHash),
    Plain,
}

/// Chooses the strongest usable mechanism among those offered.
pub fn select(
    offered: &BTreeSet<String>,
    credentials: &Credentials,
    allow_plain: bool,
) -> Result<Mech, SessionError> {
    let offers = |name: &str| offered.contains(name);
    if let Credentials::Scram(keys) = credentials {
        // Stored keys work only with the mechanism they were derived for.
        let hash = match keys.mechanism.as_str() {
            "SCRAM-SHA-256" => ScramHash::Sha256,
            "SCRAM-SHA-1" => ScramHash::Sha1,
            _ => return Err(password_needed()),
        };
        return if offers(hash.mechanism()) {
            Ok(Mech::Scram(hash))
        } else {
            Err(password_needed())
        };
    }
    if offers("SCRAM-SHA-256") {
        Ok(Mech::Scram(ScramHash::Sha256))
    } else if offers("SCRAM-SHA-1") {
        Ok(Mech::Scram(ScramHash::Sha1))
    } else if allow_plain && offers("PLAIN") {
        Ok(Mech::Plain)
    } else {
        let list: Vec<&str> = offered.iter().map(String::as_str).collect();
        Err(SessionError::NoMechanism(if list.is_empty() {
            "none".into()
        } else {
            list.join(", ")
        }))
    }
}

fn password_needed() -> SessionError {
    SessionError::PasswordNeeded
}

/// The running exchange.
pub enum SaslClient {
    Scram(Box<ScramClient>),
    Plain,
}

/// What the session does after a SASL nonza.
#[derive(Debug)]
pub enum SaslStep {
    /// Send this nonza.
    Send(Nonza),
    /// Authenticated: restart the stream. Keys are set after a SCRAM login
    /// that used a password.
    Success { derived_keys: Option<ScramKeys> },
}

fn scram_error(e: ScramError) -> SessionError {
    match e {
        ScramError::KeysOutdated => password_needed(),
        ScramError::Server(text) => SessionError::NotAuthorized(text),
        other => SessionError::Protocol(other.to_string()),
    }
}

impl SaslClient {
    /// Starts `mech`; returns the client and the `<auth/>` to send.
    pub fn start(
        mech: Mech,
        username: &str,
        credentials: &Credentials,
        nonce: &str,
    ) -> Result<(Self, Nonza), SessionError> {
        match (mech, credentials) {
            (Mech::Plain, Credentials::Password(p)) => {
                // RFC 4616: authzid NUL authcid NUL passwd, with an empty authzid.
                let mut data = Vec::with_capacity(username.len() + p.len() + 2);
                data.push(0);
                data.extend_from_slice(username.as_bytes());
                data.push(0);
                data.extend_from_slice(p.as_bytes());
                Ok((
                    Self::Plain,
                    Nonza::Auth(Auth {
                        mechanism: Mechanism::Plain,
                        data,
                    }),
                ))
            }
            (Mech::Plain, Credentials::Scram(_)) => Err(password_needed()),
            (Mech::Scram(hash), creds) => {
                let secret = match creds {
                    Credentials::Password(p) => Secret::Password(p.clone()),
                    Credentials::Scram(k) => Secret::Keys(k.clone()),
                };
                let client = ScramClient::new(hash, username, secret, nonce);
                let mechanism = match hash {
                    ScramHash::Sha1 => Mechanism::ScramSha1,
                    ScramHash::Sha256 => Mechanism::ScramSha256,
                };
                let auth = Nonza::Auth(Auth {
                    mechanism,
                    data: client.client_first(),
                });
                Ok((Self::Scram(Box::new(client)), auth))
            }
        }
    }

    /// Handles a nonza from the server.
    pub fn handle(&mut self, nonza: Nonza, from_password: bool) -> Result<SaslStep, SessionError> {
        match (self, nonza) {
            (Self::Scram(c), Nonza::Challenge(ch)) => {
                let data = c.handle_server_first(&ch.data).map_err(scram_error)?;
                Ok(SaslStep::Send(Nonza::Response(Response { data })))
            }
            (Self::Scram(c), Nonza::Success(s)) => {
                // RFC 6120 §6.3.10: the additional data carries the verifier.
                c.handle_server_final(&s.data).map_err(scram_error)?;
                let keys = if from_password {
                    c.keys().cloned()
                } else {
                    None
                };
                Ok(SaslStep::Success { derived_keys: keys })
            }
            (Self::Plain, Nonza::Success(_)) => Ok(SaslStep::Success { derived_keys: None }),
            (_, Nonza::Failure(f)) => Err(failure(&f)),
            (_, _) => Err(SessionError::Protocol("unexpected SASL element".into())),
        }
    }
}

fn failure(f: &sasl::Failure) -> SessionError {
    use sasl::DefinedCondition as C;
    let text = f.texts.values().next().cloned();
    let condition = match f.defined_condition {
        C::Aborted => "aborted",
        C::AccountDisabled => "account-disabled",
        C::CredentialsExpired => "credentials-expired",
        C::EncryptionRequired => "encryption-required",
        C::IncorrectEncoding => "incorrect-encoding",
        C::InvalidAuthzid => "invalid-authzid",
        C::InvalidMechanism => "invalid-mechanism",
        C::MalformedRequest => "malformed-request",
        C::MechanismTooWeak => "mechanism-too-weak",
        C::NotAuthorized => "not-authorized",
        C::TemporaryAuthFailure => "temporary-auth-failure",
    };
    let message = match text {
        Some(t) => format!("{condition} ({t})"),
        None => condition.to_owned(),
    };
    match f.defined_condition {
        C::TemporaryAuthFailure | C::Aborted | C::MalformedRequest | C::IncorrectEncoding => {
            SessionError::Protocol(format!("authentication failed: {message}"))
        }
        _ => SessionError::NotAuthorized(message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offered(names: &[&str]) -> BTreeSet<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    fn pw() -> Credentials {
        Credentials::Password("pencil".into())
    }

    #[test]
    fn the_strongest_offered_mechanism_is_chosen() {
        let all = offered(&[
            "PLAIN",
            "SCRAM-SHA-1",
            "SCRAM-SHA-256",
            "SCRAM-SHA-256-PLUS",
        ]);
        assert_eq!(
            select(&all, &pw(), true),
            Ok(Mech::Scram(ScramHash::Sha256))
        );
        let prosody = offered(&["PLAIN", "SCRAM-SHA-1"]);
        assert_eq!(
            select(&prosody, &pw(), true),
            Ok(Mech::Scram(ScramHash::Sha1))
        );
    }

    #[test]
    fn plus_variants_are_never_chosen() {
        let plus = offered(&["SCRAM-SHA-1-PLUS", "SCRAM-SHA-256-PLUS"]);
        assert!(matches!(
            select(&plus, &pw(), true),
            Err(SessionError::NoMechanism(_))
        ));
    }

    #[test]
    fn plain_only_when_allowed() {
        let plain = offered(&["PLAIN"]);
        assert_eq!(select(&plain, &pw(), true), Ok(Mech::Plain));
        assert_eq!(
            select(&plain, &pw(), false),
            Err(SessionError::NoMechanism("PLAIN".into()))
        );
    }

    #[test]
    fn stored_keys_need_their_own_mechanism() {
        let keys = ScramKeys {
            mechanism: "SCRAM-SHA-256".into(),
            salt: vec![1],
            iterations: 4096,
            client_key: vec![],
            server_key: vec![],
        };
        let creds = Credentials::Scram(keys);
        let sha1_only = offered(&["SCRAM-SHA-1", "PLAIN"]);
        assert_eq!(
            select(&sha1_only, &creds, true),
            Err(SessionError::PasswordNeeded)
        );
        let both = offered(&["SCRAM-SHA-1", "SCRAM-SHA-256"]);
        assert_eq!(
            select(&both, &creds, true),
            Ok(Mech::Scram(ScramHash::Sha256))
        );
    }

    #[test]
    fn plain_auth_carries_user_and_password() {
        let (_, auth) = SaslClient::start(Mech::Plain, "user", &pw(), "n").unwrap();
        match auth {
            Nonza::Auth(a) => assert_eq!(a.data, b"\0user\0pencil"),
            other => panic!("{other:?}"),
        }
    }
}
