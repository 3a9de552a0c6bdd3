//! Who may do what. An account has one [`Role`]; an officer and a leader belong to one unit,
//! an appraiser (an agency: Sở Tư pháp, Sở Tài chính, …) to the fields it owns. [`permits`]
//! answers for a role and a target only — *who*; whether the campaign's phase and the unit's
//! state allow it now is [`crate::submission`]'s and [`crate::appraisal`]'s.

use crate::submission::Step;
use crate::Refusal;

/// An account's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Sở Nội vụ's administrator: campaigns, units and peer groups, accounts, survey results,
    /// consolidation, publication.
    Admin,
    /// A unit's CCHC officer: edits her unit's workspace only.
    Officer,
    /// A unit's leader: approves and submits her unit's score.
    Leader,
    /// A field's appraising agency: reads every submitted unit, appraises its fields' rows.
    Appraiser,
    /// Read-only, province-wide.
    Auditor,
}

/// Every role, in the order the pages list them.
pub const ROLES: [Role; 5] = [
    Role::Admin,
    Role::Officer,
    Role::Leader,
    Role::Appraiser,
    Role::Auditor,
];

impl Role {
    /// As stored and as the API writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Officer => "officer",
            Role::Leader => "leader",
            Role::Appraiser => "appraiser",
            Role::Auditor => "auditor",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        ROLES.into_iter().find(|r| r.as_str() == text)
    }

    /// As the pages name it.
    pub fn vi(self) -> &'static str {
        match self {
            Role::Admin => "Quản trị (Sở Nội vụ)",
            Role::Officer => "Cán bộ CCHC của đơn vị",
            Role::Leader => "Lãnh đạo đơn vị",
            Role::Appraiser => "Cơ quan thẩm định",
            Role::Auditor => "Kiểm tra (chỉ xem)",
        }
    }

    /// Whether the role belongs to one unit.
    pub fn has_unit(self) -> bool {
        matches!(self, Role::Officer | Role::Leader)
    }
}

/// Who asks: a signed-in account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub account: i64,
    pub login: String,
    pub role: Role,
    /// The unit's code, for an officer or a leader.
    pub unit: Option<String>,
    /// The fields (top-level criteria ids: `1`, `2`, …) an appraiser owns.
    pub fields: Vec<String>,
}

/// What is asked, with its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action<'a> {
    /// Campaigns, units, peer groups, accounts, survey results, consolidation, publication.
    ManageProvince,
    /// The dashboard, the ranking, the province's history.
    ReadProvince,
    /// A unit's workspace and submissions; `submitted` when the unit has submitted.
    ReadUnit { unit: &'a str, submitted: bool },
    /// A unit's evidence, facts and notes.
    EditUnit { unit: &'a str },
    /// A step of the unit's submission.
    Submission { unit: &'a str, step: Step },
    /// A row's appraisal points and note.
    Appraise {
        unit: &'a str,
        row: &'a str,
        submitted: bool,
    },
    /// The unit's answer to a row's round-1 points, in the explanation window.
    Answer { unit: &'a str },
}

/// The field of a row: the first part of its dotted id (`3` of `3.2.1`).
pub fn field_of(row: &str) -> &str {
    row.split('.').next().unwrap_or(row)
}

/// Whether `actor` may take `action`, as far as who it is goes.
pub fn permits(actor: &Actor, action: Action<'_>) -> Result<(), Refusal> {
    let own = |unit: &str| actor.role.has_unit() && actor.unit.as_deref() == Some(unit);
    let allowed = match action {
        Action::ManageProvince => actor.role == Role::Admin,
        Action::ReadProvince => matches!(actor.role, Role::Admin | Role::Auditor | Role::Appraiser),
        Action::ReadUnit { unit, submitted } => match actor.role {
            Role::Admin | Role::Auditor => true,
            Role::Officer | Role::Leader => own(unit),
            Role::Appraiser => submitted,
        },
        Action::EditUnit { unit } | Action::Answer { unit } => {
            actor.role == Role::Officer && own(unit)
        }
        Action::Submission { unit, step } => own(unit) && step.by().contains(&actor.role),
        Action::Appraise { row, submitted, .. } => {
            actor.role == Role::Appraiser
                && submitted
                && actor.fields.iter().any(|f| f == field_of(row))
        }
    };
    if allowed {
        Ok(())
    } else {
        Err(Refusal::forbidden(refusal_text(actor, action)))
    }
}

fn refusal_text(actor: &Actor, action: Action<'_>) -> String {
    let who = format!("tài khoản {} ({})", actor.login, actor.role.vi());
    match action {
        Action::ManageProvince => format!("{who} không có quyền quản trị đợt đánh giá"),
        Action::ReadProvince => format!("{who} không xem được số liệu toàn tỉnh"),
        Action::ReadUnit { unit, .. } => {
            format!("{who} không xem được hồ sơ của đơn vị {unit}")
        }
        Action::EditUnit { unit } | Action::Answer { unit } => {
            format!("{who} không sửa được hồ sơ của đơn vị {unit}")
        }
        Action::Submission { unit, step } => {
            format!("{who} không {} hồ sơ của đơn vị {unit} được", step.vi())
        }
        Action::Appraise { unit, row, .. } => format!(
            "{who} không thẩm định được dòng {row} của đơn vị {unit}: lĩnh vực {} không được \
             giao cho cơ quan này, hoặc đơn vị chưa nộp",
            field_of(row)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, unit: Option<&str>, fields: &[&str]) -> Actor {
        Actor {
            account: 1,
            login: "a".to_owned(),
            role,
            unit: unit.map(str::to_owned),
            fields: fields.iter().map(|f| (*f).to_owned()).collect(),
        }
    }

    #[test]
    fn an_officer_reaches_her_unit_only() {
        let o = actor(Role::Officer, Some("SKHCN"), &[]);
        assert!(permits(&o, Action::EditUnit { unit: "SKHCN" }).is_ok());
        assert!(permits(&o, Action::EditUnit { unit: "STP" }).is_err());
        assert!(permits(
            &o,
            Action::ReadUnit {
                unit: "STP",
                submitted: true
            }
        )
        .is_err());
        assert!(permits(&o, Action::ManageProvince).is_err());
        assert!(permits(&o, Action::ReadProvince).is_err());
        let submit = Action::Submission {
            unit: "SKHCN",
            step: Step::Submit,
        };
        assert!(permits(&o, submit).is_err(), "the leader submits");
        let hand = Action::Submission {
            unit: "SKHCN",
            step: Step::HandToLeader,
        };
        assert!(permits(&o, hand).is_ok());
    }

    #[test]
    fn a_leader_submits_and_does_not_edit() {
        let l = actor(Role::Leader, Some("SKHCN"), &[]);
        let step = |step| Action::Submission {
            unit: "SKHCN",
            step,
        };
        assert!(permits(&l, step(Step::Submit)).is_ok());
        assert!(permits(&l, step(Step::Withdraw)).is_ok());
        assert!(permits(&l, step(Step::SendBack)).is_ok());
        assert!(permits(&l, step(Step::HandToLeader)).is_err());
        assert!(permits(&l, Action::EditUnit { unit: "SKHCN" }).is_err());
        let other = Action::Submission {
            unit: "STP",
            step: Step::Submit,
        };
        assert!(permits(&l, other).is_err());
    }

    #[test]
    fn an_appraiser_appraises_its_fields_of_submitted_units() {
        let a = actor(Role::Appraiser, None, &["1", "3"]);
        let row = |row, submitted| Action::Appraise {
            unit: "SKHCN",
            row,
            submitted,
        };
        assert!(permits(&a, row("1.1", true)).is_ok());
        assert!(permits(&a, row("3.2.4", true)).is_ok());
        assert!(permits(&a, row("2.1", true)).is_err(), "not its field");
        assert!(permits(&a, row("1.1", false)).is_err(), "not submitted");
        assert!(
            permits(&a, row("10.1", true)).is_err(),
            "field 10 is not field 1"
        );
        assert!(permits(
            &a,
            Action::ReadUnit {
                unit: "X",
                submitted: true
            }
        )
        .is_ok());
        assert!(permits(
            &a,
            Action::ReadUnit {
                unit: "X",
                submitted: false
            }
        )
        .is_err());
        assert!(permits(&a, Action::EditUnit { unit: "X" }).is_err());
    }

    #[test]
    fn an_auditor_reads_everything_and_changes_nothing() {
        let a = actor(Role::Auditor, None, &[]);
        assert!(permits(&a, Action::ReadProvince).is_ok());
        assert!(permits(
            &a,
            Action::ReadUnit {
                unit: "X",
                submitted: false
            }
        )
        .is_ok());
        assert!(permits(&a, Action::ManageProvince).is_err());
        assert!(permits(&a, Action::EditUnit { unit: "X" }).is_err());
        assert!(permits(&a, Action::Answer { unit: "X" }).is_err());
    }

    #[test]
    fn a_refusal_names_the_account_and_the_unit() {
        let o = actor(Role::Officer, Some("SKHCN"), &[]);
        let e = permits(&o, Action::EditUnit { unit: "STP" }).expect_err("another unit");
        assert_eq!(
            e.message,
            "tài khoản a (Cán bộ CCHC của đơn vị) không sửa được hồ sơ của đơn vị STP"
        );
        assert_eq!(e.kind, crate::RefusalKind::Forbidden);
    }

    #[test]
    fn roles_read_back_as_written() {
        for r in ROLES {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
