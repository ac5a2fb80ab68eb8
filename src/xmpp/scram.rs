//! SCRAM client (RFC 5802, RFC 7677) for SCRAM-SHA-1 and SCRAM-SHA-256.
//!
//! A browser has no channel-binding data, so the gs2 header is always `n,,`
//! and `-PLUS` variants are never used. The client can start from a password
//! or from stored [`ScramKeys`] (ClientKey/ServerKey), which are only valid
//! for the same mechanism, salt and iteration count.

use super::ScramKeys;
use base64::{engine::general_purpose::STANDARD as B64, Engine};
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256};

/// Highest PBKDF2 iteration count we accept (a hostile server could
/// otherwise make us spin for minutes).
const MAX_ITERATIONS: u32 = 1_000_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScramHash {
    Sha1,
    Sha256,
}

impl ScramHash {
    pub fn mechanism(self) -> &'static str {
        match self {
            Self::Sha1 => "SCRAM-SHA-1",
            Self::Sha256 => "SCRAM-SHA-256",
        }
    }

    fn hmac(self, key: &[u8], data: &[u8]) -> Vec<u8> {
        match self {
            Self::Sha1 => match Hmac::<Sha1>::new_from_slice(key) {
                Ok(mut m) => {
                    m.update(data);
                    m.finalize().into_bytes().to_vec()
                }
                Err(_) => Vec::new(), // HMAC accepts keys of any length.
            },
            Self::Sha256 => match Hmac::<Sha256>::new_from_slice(key) {
                Ok(mut m) => {
                    m.update(data);
                    m.finalize().into_bytes().to_vec()
                }
                Err(_) => Vec::new(),
            },
        }
    }

    fn hash(self, data: &[u8]) -> Vec<u8> {
        match self {
            Self::Sha1 => Sha1::digest(data).to_vec(),
            Self::Sha256 => Sha256::digest(data).to_vec(),
        }
    }

    fn salted_password(self, password: &[u8], salt: &[u8], iterations: u32) -> Vec<u8> {
        match self {
            Self::Sha1 => {
                let mut out = [0u8; 20];
                pbkdf2::pbkdf2_hmac::<Sha1>(password, salt, iterations, &mut out);
                out.to_vec()
            }
            Self::Sha256 => {
                let mut out = [0u8; 32];
                pbkdf2::pbkdf2_hmac::<Sha256>(password, salt, iterations, &mut out);
                out.to_vec()
            }
        }
    }
}

/// Derives ClientKey and ServerKey from a password (RFC 5802 §3).
pub fn derive_keys(hash: ScramHash, password: &str, salt: &[u8], iterations: u32) -> ScramKeys {
    let salted = hash.salted_password(password.as_bytes(), salt, iterations);
    ScramKeys {
        mechanism: hash.mechanism().to_owned(),
        salt: salt.to_vec(),
        iterations,
        client_key: hash.hmac(&salted, b"Client Key"),
        server_key: hash.hmac(&salted, b"Server Key"),
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ScramError {
    #[error("malformed SCRAM message from the server: {0}")]
    Malformed(&'static str),
    #[error("the server's nonce does not extend ours")]
    NonceMismatch,
    #[error("iteration count {0} is not acceptable")]
    BadIterations(u32),
    #[error(
        "stored keys do not match the server's salt or iteration count; the password is needed"
    )]
    KeysOutdated,
    #[error("the server's signature is wrong")]
    BadServerSignature,
    #[error("the server reported an error: {0}")]
    Server(String),
    #[error("SCRAM message received out of order")]
    OutOfOrder,
}

/// What the client authenticates with.
#[derive(Clone)]
pub enum Secret {
    Password(String),
    Keys(ScramKeys),
}

enum Step {
    First,
    Final { server_signature: Vec<u8> },
    Done,
}

/// One SCRAM exchange.
pub struct ScramClient {
    hash: ScramHash,
    secret: Secret,
    client_nonce: String,
    client_first_bare: String,
    step: Step,
    keys: Option<ScramKeys>,
}

/// RFC 5802 §5.1: `=` and `,` in the username are escaped.
fn escape_username(user: &str) -> String {
    user.replace('=', "=3D").replace(',', "=2C")
}

fn attributes(msg: &str) -> impl Iterator<Item = (char, &str)> {
    msg.split(',').filter_map(|part| {
        let mut chars = part.chars();
        let key = chars.next()?;
        part.get(1..)?.strip_prefix('=').map(|v| (key, v))
    })
}

impl ScramClient {
    pub fn new(hash: ScramHash, username: &str, secret: Secret, client_nonce: &str) -> Self {
        let client_first_bare = format!("n={},r={}", escape_username(username), client_nonce);
        Self {
            hash,
            secret,
            client_nonce: client_nonce.to_owned(),
            client_first_bare,
            step: Step::First,
            keys: None,
        }
    }

    /// The client-first-message with the gs2 header `n,,`.
    pub fn client_first(&self) -> Vec<u8> {
        format!("n,,{}", self.client_first_bare).into_bytes()
    }

    /// Consumes the server-first-message, returns the client-final-message.
    pub fn handle_server_first(&mut self, data: &[u8]) -> Result<Vec<u8>, ScramError> {
        if !matches!(self.step, Step::First) {
            return Err(ScramError::OutOfOrder);
        }
        let server_first =
            std::str::from_utf8(data).map_err(|_| ScramError::Malformed("not UTF-8"))?;
        let (mut nonce, mut salt, mut iterations) = (None, None, None);
        for (key, value) in attributes(server_first) {
            match key {
                'r' => nonce = Some(value),
                's' => salt = Some(value),
                'i' => iterations = Some(value),
                'm' => return Err(ScramError::Malformed("unsupported mandatory extension")),
                'e' => return Err(ScramError::Server(value.to_owned())),
                _ => {}
            }
        }
        let nonce = nonce.ok_or(ScramError::Malformed("no nonce"))?;
        if !nonce.starts_with(&self.client_nonce) || nonce.len() <= self.client_nonce.len() {
            return Err(ScramError::NonceMismatch);
        }
        let salt = B64
            .decode(salt.ok_or(ScramError::Malformed("no salt"))?)
            .map_err(|_| ScramError::Malformed("salt is not base64"))?;
        let iterations: u32 = iterations
            .ok_or(ScramError::Malformed("no iteration count"))?
            .parse()
            .map_err(|_| ScramError::Malformed("iteration count is not a number"))?;
        if iterations == 0 || iterations > MAX_ITERATIONS {
            return Err(ScramError::BadIterations(iterations));
        }
        let keys = match &self.secret {
            Secret::Password(p) => derive_keys(self.hash, p, &salt, iterations),
            Secret::Keys(k) => {
                if k.mechanism != self.hash.mechanism()
                    || k.salt != salt
                    || k.iterations != iterations
                {
                    return Err(ScramError::KeysOutdated);
                }
                k.clone()
            }
        };
        // "biws" = base64("n,,"): no channel binding.
        let without_proof = format!("c=biws,r={nonce}");
        let auth_message = format!(
            "{},{},{}",
            self.client_first_bare, server_first, without_proof
        );
        let stored_key = self.hash.hash(&keys.client_key);
        let client_signature = self.hash.hmac(&stored_key, auth_message.as_bytes());
        let proof: Vec<u8> = keys
            .client_key
            .iter()
            .zip(client_signature.iter())
            .map(|(a, b)| a ^ b)
            .collect();
        let server_signature = self.hash.hmac(&keys.server_key, auth_message.as_bytes());
        self.step = Step::Final { server_signature };
        self.keys = Some(keys);
        Ok(format!("{without_proof},p={}", B64.encode(proof)).into_bytes())
    }

    /// Checks the server-final-message (`v=` signature or `e=` error).
    pub fn handle_server_final(&mut self, data: &[u8]) -> Result<(), ScramError> {
        let Step::Final { server_signature } = &self.step else {
            return Err(ScramError::OutOfOrder);
        };
        let text = std::str::from_utf8(data).map_err(|_| ScramError::Malformed("not UTF-8"))?;
        for (key, value) in attributes(text) {
            match key {
                'e' => return Err(ScramError::Server(value.to_owned())),
                'v' => {
                    let got = B64
                        .decode(value)
                        .map_err(|_| ScramError::Malformed("signature is not base64"))?;
                    if &got != server_signature {
                        return Err(ScramError::BadServerSignature);
                    }
                    self.step = Step::Done;
                    return Ok(());
                }
                _ => {}
            }
        }
        Err(ScramError::Malformed("no server signature"))
    }

    /// True once the server's signature was verified.
    #[cfg(test)]
    pub fn is_done(&self) -> bool {
        matches!(self.step, Step::Done)
    }

    /// The keys used (derived from the password or the stored ones).
    pub fn keys(&self) -> Option<&ScramKeys> {
        self.keys.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc5802_sha1_example_vector_is_reproduced() {
        let mut c = ScramClient::new(
            ScramHash::Sha1,
            "user",
            Secret::Password("pencil".into()),
            "fyko+d2lbbFgONRv9qkxdawL",
        );
        assert_eq!(c.client_first(), b"n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL");
        let fin = c
            .handle_server_first(
                b"r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096",
            )
            .unwrap();
        assert_eq!(
            String::from_utf8(fin).unwrap(),
            "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts="
        );
        c.handle_server_final(b"v=rmF9pqV8S7suAoZWja4dJRkFsKQ=")
            .unwrap();
        assert!(c.is_done());
    }

    #[test]
    fn rfc7677_sha256_example_vector_is_reproduced() {
        let mut c = ScramClient::new(
            ScramHash::Sha256,
            "user",
            Secret::Password("pencil".into()),
            "rOprNGfwEbeRWgbNEkqO",
        );
        let fin = c
            .handle_server_first(
                b"r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,\
                  s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
            )
            .unwrap();
        assert_eq!(
            String::from_utf8(fin).unwrap(),
            "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,\
             p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
        );
        c.handle_server_final(b"v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")
            .unwrap();
    }

    #[test]
    fn wrong_server_signature_is_rejected() {
        let mut c = ScramClient::new(
            ScramHash::Sha1,
            "user",
            Secret::Password("pencil".into()),
            "fyko+d2lbbFgONRv9qkxdawL",
        );
        c.handle_server_first(
            b"r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096",
        )
        .unwrap();
        assert_eq!(
            c.handle_server_final(b"v=AAAAAAAAAAAAAAAAAAAAAAAAAAA="),
            Err(ScramError::BadServerSignature)
        );
    }

    #[test]
    fn stored_keys_give_the_same_proof_as_the_password() {
        let keys = derive_keys(
            ScramHash::Sha1,
            "pencil",
            &B64.decode("QSXCR+Q6sek8bf92").unwrap(),
            4096,
        );
        let mut c = ScramClient::new(
            ScramHash::Sha1,
            "user",
            Secret::Keys(keys),
            "fyko+d2lbbFgONRv9qkxdawL",
        );
        let fin = c
            .handle_server_first(
                b"r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096",
            )
            .unwrap();
        assert!(String::from_utf8(fin)
            .unwrap()
            .ends_with("p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts="));
    }

    #[test]
    fn stored_keys_for_another_salt_are_refused() {
        let keys = derive_keys(ScramHash::Sha1, "pencil", b"other salt", 4096);
        let mut c = ScramClient::new(ScramHash::Sha1, "user", Secret::Keys(keys), "abc");
        assert_eq!(
            c.handle_server_first(b"r=abcdef,s=QSXCR+Q6sek8bf92,i=4096"),
            Err(ScramError::KeysOutdated)
        );
    }

    #[test]
    fn a_nonce_that_does_not_extend_ours_is_refused() {
        let mut c = ScramClient::new(ScramHash::Sha1, "u", Secret::Password("p".into()), "abc");
        assert_eq!(
            c.handle_server_first(b"r=xyz123,s=QSXCR+Q6sek8bf92,i=4096"),
            Err(ScramError::NonceMismatch)
        );
    }

    #[test]
    fn garbage_server_first_is_an_error_not_a_panic() {
        let mut c = ScramClient::new(ScramHash::Sha1, "u", Secret::Password("p".into()), "abc");
        assert!(c.handle_server_first(b"\xff\xfe").is_err());
        assert!(c.handle_server_first(b",,,=,").is_err());
        assert!(c.handle_server_first(b"r=abcd,s=!!,i=1").is_err());
        assert!(c
            .handle_server_first(b"r=abcd,s=QQ==,i=4294967295")
            .is_err());
    }

    #[test]
    fn usernames_are_escaped() {
        assert_eq!(escape_username("a=b,c"), "a=3Db=2Cc");
    }
}
