//! A unit's submission: the officer prepares, hands it to her leader, who submits it (or sends
//! it back); a submitted score is locked and may be withdrawn for editing before the
//! self-assessment's deadline only. After the deadline, a unit that has not submitted is
//! locked as it stands: late.
//!
//! ```text
//! Drafting ──HandToLeader──▶ WithLeader ──Submit──▶ Submitted
//!    ▲  ◀────────SendBack─────────┘                    │
//!    └─────────────────────Withdraw────────────────────┘
//! ```

use crate::phase::Phase;
use crate::role::Role;
use crate::Refusal;

/// Where a unit's submission stands, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    /// The officer is preparing the score.
    Drafting,
    /// The officer has handed it to the leader: nothing can be edited.
    WithLeader,
    /// Submitted: locked, an immutable snapshot kept.
    Submitted,
}

/// A move between states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Step {
    HandToLeader,
    SendBack,
    Submit,
    Withdraw,
}

/// Every step, in the order the pages show them.
pub const STEPS: [Step; 4] = [
    Step::HandToLeader,
    Step::SendBack,
    Step::Submit,
    Step::Withdraw,
];

/// Where a unit stands at a moment: its state, or late when the deadline passed before it
/// submitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Standing {
    Drafting,
    WithLeader,
    Submitted,
    /// The deadline passed unsubmitted: locked as it stands.
    Late,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Drafting => "drafting",
            State::WithLeader => "with_leader",
            State::Submitted => "submitted",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [State::Drafting, State::WithLeader, State::Submitted]
            .into_iter()
            .find(|s| s.as_str() == text)
    }

    /// Where the unit stands in `phase`.
    pub fn standing(self, phase: Phase) -> Standing {
        match (self, phase) {
            (State::Submitted, _) => Standing::Submitted,
            (_, p) if p > Phase::SelfAssessment => Standing::Late,
            (State::Drafting, _) => Standing::Drafting,
            (State::WithLeader, _) => Standing::WithLeader,
        }
    }

    /// Whether the officer may change the workspace (evidence, facts, notes) now.
    pub fn editable(self, phase: Phase) -> Result<(), Refusal> {
        match self.standing(phase) {
            Standing::Drafting => Ok(()),
            Standing::WithLeader => Err(Refusal::not_now(
                "hồ sơ đang chờ lãnh đạo duyệt nên không sửa được; lãnh đạo trả lại thì sửa tiếp",
            )),
            Standing::Submitted => Err(Refusal::not_now(
                "hồ sơ đã nộp nên đã khoá; lãnh đạo rút lại (trước hạn) thì mới sửa được",
            )),
            Standing::Late => Err(Refusal::not_now(
                "đã quá hạn tự chấm điểm nên hồ sơ đã khoá",
            )),
        }
    }

    /// The state after `step` in `phase`, or why not.
    pub fn apply(self, step: Step, phase: Phase) -> Result<State, Refusal> {
        if phase != Phase::SelfAssessment {
            return Err(Refusal::not_now(format!(
                "đã quá hạn tự chấm điểm nên không {} được nữa",
                step.vi()
            )));
        }
        let (from, to) = step.moves();
        if self == from {
            Ok(to)
        } else {
            Err(Refusal::not_now(format!(
                "không {} được: hồ sơ đang ở bước «{}»",
                step.vi(),
                self.vi()
            )))
        }
    }

    pub fn vi(self) -> &'static str {
        match self {
            State::Drafting => "đang chuẩn bị",
            State::WithLeader => "chờ lãnh đạo duyệt",
            State::Submitted => "đã nộp",
        }
    }
}

impl Step {
    /// The state it starts from and the one it leads to.
    pub fn moves(self) -> (State, State) {
        match self {
            Step::HandToLeader => (State::Drafting, State::WithLeader),
            Step::SendBack => (State::WithLeader, State::Drafting),
            Step::Submit => (State::WithLeader, State::Submitted),
            Step::Withdraw => (State::Submitted, State::Drafting),
        }
    }

    /// The roles that take it (of the unit's own accounts).
    pub fn by(self) -> &'static [Role] {
        match self {
            Step::HandToLeader => &[Role::Officer],
            Step::SendBack => &[Role::Officer, Role::Leader],
            Step::Submit | Step::Withdraw => &[Role::Leader],
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Step::HandToLeader => "hand_to_leader",
            Step::SendBack => "send_back",
            Step::Submit => "submit",
            Step::Withdraw => "withdraw",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        STEPS.into_iter().find(|s| s.as_str() == text)
    }

    /// The verb, as a refusal says it ("không … được").
    pub fn vi(self) -> &'static str {
        match self {
            Step::HandToLeader => "trình lãnh đạo",
            Step::SendBack => "trả lại",
            Step::Submit => "duyệt và nộp",
            Step::Withdraw => "rút lại",
        }
    }
}

impl Standing {
    pub fn as_str(self) -> &'static str {
        match self {
            Standing::Drafting => "drafting",
            Standing::WithLeader => "with_leader",
            Standing::Submitted => "submitted",
            Standing::Late => "late",
        }
    }

    pub fn vi(self) -> &'static str {
        match self {
            Standing::Drafting => "đang chuẩn bị",
            Standing::WithLeader => "chờ lãnh đạo duyệt",
            Standing::Submitted => "đã nộp",
            Standing::Late => "quá hạn, đã khoá",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn officer_then_leader_submits() {
        let s = State::Drafting;
        let s = s
            .apply(Step::HandToLeader, Phase::SelfAssessment)
            .expect("handed");
        assert_eq!(s, State::WithLeader);
        assert!(s.editable(Phase::SelfAssessment).is_err());
        let s = s
            .apply(Step::Submit, Phase::SelfAssessment)
            .expect("submitted");
        assert_eq!(s, State::Submitted);
        let back = s
            .apply(Step::Withdraw, Phase::SelfAssessment)
            .expect("withdrawn");
        assert_eq!(back, State::Drafting);
        assert!(back.editable(Phase::SelfAssessment).is_ok());
    }

    #[test]
    fn nothing_moves_after_the_deadline_and_an_unsubmitted_unit_is_late() {
        let e = State::Submitted
            .apply(Step::Withdraw, Phase::Round1)
            .expect_err("too late to withdraw");
        assert_eq!(
            e.message,
            "đã quá hạn tự chấm điểm nên không rút lại được nữa"
        );
        assert_eq!(State::Drafting.standing(Phase::Round1), Standing::Late);
        assert_eq!(State::WithLeader.standing(Phase::Closed), Standing::Late);
        assert_eq!(
            State::Submitted.standing(Phase::Closed),
            Standing::Submitted
        );
        assert!(State::Drafting.editable(Phase::Round1).is_err());
    }

    #[test]
    fn a_step_from_the_wrong_state_is_refused_by_name() {
        let e = State::Drafting
            .apply(Step::Submit, Phase::SelfAssessment)
            .expect_err("the officer hands it first");
        assert_eq!(
            e.message,
            "không duyệt và nộp được: hồ sơ đang ở bước «đang chuẩn bị»"
        );
        assert_eq!(e.kind, crate::RefusalKind::NotNow);
    }

    #[test]
    fn states_and_steps_read_back_as_written() {
        for s in [State::Drafting, State::WithLeader, State::Submitted] {
            assert_eq!(State::parse(s.as_str()), Some(s));
        }
        for s in STEPS {
            assert_eq!(Step::parse(s.as_str()), Some(s));
        }
    }
}
