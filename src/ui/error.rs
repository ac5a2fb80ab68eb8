//! The words a person reads for each failure. Raw `Debug` output never
//! reaches the screen.

use crate::xmpp::SessionError;

/// Anything that can be shown to the user.
pub trait UserFacingError {
    fn user_text(&self) -> String;
}

impl UserFacingError for SessionError {
    fn user_text(&self) -> String {
        match self {
            SessionError::NotAuthorized(_) => {
                "Wrong address or password. Check them and try again.".into()
            }
            SessionError::PasswordNeeded => {
                "Enter your password again: the server no longer accepts the remembered sign-in.".into()
            }
            SessionError::NoMechanism(offered) => format!(
                "This server offers no sign-in method Confab can use safely here ({offered}). Use a wss:// address."
            ),
            SessionError::StreamError(reason) => format!("The server ended the connection: {reason}."),
            SessionError::Protocol(_) => "The server sent something Confab does not understand.".into(),
            SessionError::Timeout => "The server stopped answering.".into(),
            SessionError::ConnectionLost => "The connection to the server was lost.".into(),
        }
    }
}

pub fn describe(error: &SessionError) -> String {
    error.user_text()
}
