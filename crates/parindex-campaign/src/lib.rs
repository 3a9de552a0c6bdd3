//! # parindex-campaign
//!
//! The province's yearly campaign (issue "The province's campaign") as rules without storage,
//! so that the server stays a thin layer and every rule has a unit test of its own:
//!
//! 1. [`role`] — who asks: an [`Actor`] (an account's [`Role`], its unit or its fields) and
//!    whether it may take an [`Action`] on a unit or a row ([`permits`]).
//! 2. [`phase`] — when: the campaign's [`Deadlines`] and the [`Phase`] they put a moment in,
//!    read from an injected [`Clock`] (the score never reads it: it is computed at the
//!    campaign's as-of date).
//! 3. [`submission`] — a unit's [`State`] (drafting, with the leader, submitted) and the
//!    [`Step`]s between them, refused with the reason in Vietnamese.
//! 4. [`appraisal`] — the rounds: which round an appraiser writes in which phase, and the
//!    lines of the unit's `appraisal.csv` overlay they make.
//! 5. [`password`] — argon2id hashes, session tokens, and a throttle on failed logins.
//!
//! Every refusal is a [`Refusal`]: a kind the server maps to an HTTP status and a message an
//! officer can read.

pub mod appraisal;
pub mod clock;
pub mod password;
pub mod phase;
pub mod role;
pub mod submission;

pub use crate::clock::{Clock, ManualClock, SystemClock};
pub use crate::phase::{Deadlines, Phase};
pub use crate::role::{permits, Action, Actor, Role};
pub use crate::submission::{State, Step};

/// Why something is refused: its kind (what the server answers) and the Vietnamese message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Refusal {
    pub kind: RefusalKind,
    pub message: String,
}

/// What kind of refusal: not signed in (401), not allowed for this account (403), or not
/// now (409: the right account, the wrong state or phase).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefusalKind {
    NotSignedIn,
    Forbidden,
    NotNow,
}

impl Refusal {
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self {
            kind: RefusalKind::Forbidden,
            message: message.into(),
        }
    }

    pub fn not_now(message: impl Into<String>) -> Self {
        Self {
            kind: RefusalKind::NotNow,
            message: message.into(),
        }
    }

    pub fn not_signed_in() -> Self {
        Self {
            kind: RefusalKind::NotSignedIn,
            message: "cần đăng nhập để dùng chức năng này".to_owned(),
        }
    }
}
