//! Rules: compiled once per criteria set into a sandboxed rhai engine, run once per row.

mod api;
mod context;
mod messages;
pub(crate) mod registry;
mod scoring;

use std::cell::Cell;
use std::collections::BTreeSet;
use std::rc::Rc;
use std::sync::Arc;

use rhai::packages::{
    ArithmeticPackage, BasicArrayPackage, BasicMapPackage, LogicPackage, Package,
};
use rhai::{Dynamic, Engine, EvalAltResult, Position, AST, INT};
use rust_decimal::Decimal;

pub(crate) use api::{Outcome, Signal};
pub(crate) use context::{with_row, Lever, LeverMeasure, RowContext, Trace, UnitContext};
pub use context::{DocumentRef, FactRef, RecordList};
pub use registry::{helper_table, rule_helpers, Aggregate, Arg, Doc, Group, Helper};
// Said here too: the public API names them `rules`' limits.
pub use crate::query::{DISTINCT_MAX_BYTES, DISTINCT_MAX_VALUES};

use crate::criteria::{CriteriaSet, RuleSource};
use crate::error::{Diagnostic, Diagnostics, Error, Result};
use crate::query::Need;

/// Limits every rule runs under. A rule that reaches one ends in error on its own row.
///
/// Two bounds on memory are fixed rather than set here, because they hold in the streaming
/// kernel's accumulators too, which never see a `Limits`: [`DISTINCT_MAX_VALUES`] (and
/// `DISTINCT_MAX_BYTES`) for `distinct()`, and `CASE_MAX_RECORDS` for `parindex test`.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Operations one run of one rule may make.
    pub max_operations: u64,
    /// Operations all the rules of a set may make together on one unit, in one pass over its
    /// evidence: a set of a thousand rows, each within its own limit, must not hold a core for
    /// minutes. Counted in the set's row order, so that the row it ends on is the same on
    /// every run; the rows after it end in error without running.
    pub max_operations_per_unit: u64,
    pub max_call_levels: usize,
    pub max_expr_depth: usize,
    pub max_function_expr_depth: usize,
    pub max_string_size: usize,
    pub max_array_size: usize,
    pub max_map_size: usize,
    pub max_variables: usize,
    /// Functions a rule may define (`fn name(…) { … }`).
    pub max_functions: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_operations: 100_000,
            max_operations_per_unit: 1_000_000,
            max_call_levels: 16,
            max_expr_depth: 64,
            max_function_expr_depth: 32,
            max_string_size: 10_000,
            max_array_size: 1_000,
            max_map_size: 100,
            max_variables: 100,
            max_functions: 32,
        }
    }
}

/// A raw engine with only arithmetic, logic, arrays, maps and the scoring helpers: no module
/// import, no `print`/`debug`, no clock, no `eval`; strict variables; bounded everything.
pub(crate) fn sandboxed_engine(limits: Limits) -> Engine {
    let mut engine = Engine::new_raw();
    engine.register_global_module(ArithmeticPackage::new().as_shared_module());
    engine.register_global_module(LogicPackage::new().as_shared_module());
    engine.register_global_module(BasicArrayPackage::new().as_shared_module());
    engine.register_global_module(BasicMapPackage::new().as_shared_module());
    engine
        .set_strict_variables(true)
        .set_max_operations(limits.max_operations)
        .set_max_call_levels(limits.max_call_levels)
        .set_max_expr_depths(limits.max_expr_depth, limits.max_function_expr_depth)
        .set_max_string_size(limits.max_string_size)
        .set_max_array_size(limits.max_array_size)
        .set_max_map_size(limits.max_map_size)
        .set_max_variables(limits.max_variables)
        .set_max_functions(limits.max_functions);
    // The unit's budget ([`Limits::max_operations_per_unit`]): what is left of it is set
    // before each run ([`run_rule`]), and the count the run reached read after it.
    engine.on_progress(|count| {
        RUN.with(|run| {
            let (left, _) = run.get();
            run.set((left, count));
            (count > left).then(|| Dynamic::from(UnitBudget))
        })
    });
    engine.disable_symbol("eval");
    // A rule may not catch what ends it: missing evidence and not-arising are signals to the
    // engine, not errors for the rule to handle.
    engine.disable_symbol("try");
    engine.disable_symbol("catch");
    api::register(&mut engine);
    engine
}

thread_local! {
    /// The rule running on this thread: the operations it may make before the unit's budget
    /// is spent, and the count it has reached.
    static RUN: Cell<(u64, u64)> = const { Cell::new((u64::MAX, 0)) };
}

/// What ends a rule that spent the rest of its unit's budget of operations.
#[derive(Debug, Clone, Copy)]
struct UnitBudget;

/// The compiled rules of a set: one AST per leaf that has a rule.
pub(crate) struct CompiledRules {
    pub engine: Engine,
    pub limits: Limits,
    /// Indexed like [`CriteriaSet::criteria`].
    pub asts: Vec<Option<AST>>,
}

impl std::fmt::Debug for CompiledRules {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CompiledRules")
            .field("rules", &self.asts.iter().filter(|a| a.is_some()).count())
            .finish_non_exhaustive()
    }
}

/// Compiles every rule of the set; every syntax error is reported, each at its file line.
pub(crate) fn compile_rules(set: &CriteriaSet, limits: Limits) -> Result<CompiledRules> {
    let engine = sandboxed_engine(limits);
    let mut problems = Vec::new();
    let mut asts = Vec::with_capacity(set.criteria.len());
    for c in &set.criteria {
        let rule = c.leaf.as_ref().and_then(|l| l.rule.as_ref());
        let Some(rule) = rule else {
            asts.push(None);
            continue;
        };
        // The evidence is read in NFC; so is the rule, so that a literal typed decomposed
        // (`"kế-hoạch-cchc"` in NFD) matches what it spells. Lines stay where they were.
        match engine.compile(crate::query::nfc(&rule.text)) {
            Ok(ast) => asts.push(Some(ast)),
            Err(e) => {
                let position = e.position();
                let mut d = Diagnostic::new(
                    &rule.path,
                    format!(
                        "quy tắc của dòng `{}` không biên dịch được: {}",
                        c.id,
                        messages::parse_message(e.err_type())
                    ),
                );
                d.line = Some(file_line(rule, position));
                d.column = position.position();
                d.hint = Some(format!(
                    "dòng {} của quy tắc; các hàm được mô tả trong docs/criteria-format.md",
                    position.line().unwrap_or(1)
                ));
                problems.push(d);
                asts.push(None);
            }
        }
    }
    if problems.is_empty() {
        Ok(CompiledRules {
            engine,
            limits,
            asts,
        })
    } else {
        Err(Error::Criteria(Diagnostics(problems)))
    }
}

/// The file line of a position inside a rule.
fn file_line(rule: &RuleSource, position: Position) -> usize {
    rule.first_line + position.line().unwrap_or(1).saturating_sub(1)
}

/// What one rule run produced.
#[derive(Debug, Clone)]
pub(crate) enum RuleResult {
    Points {
        points: Decimal,
        explanation: Option<String>,
    },
    NotArising(String),
    NoEvidence(String),
    Error(String),
}

/// Runs one row's rule against the unit's evidence.
pub(crate) fn run_rule(
    rules: &CompiledRules,
    set: &Arc<CriteriaSet>,
    unit: &Rc<UnitContext>,
    index: usize,
) -> (RuleResult, Trace) {
    let criterion = &set.criteria[index];
    let (Some(ast), Some(leaf)) = (&rules.asts[index], &criterion.leaf) else {
        return (
            RuleResult::Error("dòng không có quy tắc".to_owned()),
            Trace::default(),
        );
    };
    let budget = rules.limits.max_operations_per_unit;
    // One run of the rule; `supposing`: the supposed run after the rule's own, limited to
    // the questions that one asked.
    let run = |supposing: Option<Rc<BTreeSet<Need>>>| {
        let supposed = supposing.is_some();
        let row = Rc::new(RowContext {
            unit: Rc::clone(unit),
            row: criterion.id.clone(),
            reads: leaf.reads.clone(),
            trace: Default::default(),
            supposing,
            asked: Default::default(),
        });
        let left = budget.saturating_sub(unit.operations.get());
        if left == 0 {
            return (unit_budget_spent(budget), Trace::default(), BTreeSet::new());
        }
        RUN.with(|run| run.set((left, 0)));
        let result = with_row(Rc::clone(&row), || rules.engine.eval_ast::<Dynamic>(ast));
        let (_, count) = RUN.with(|run| run.replace((u64::MAX, 0)));
        // The supposed run is bounded by what is left but spends none of it: a hint never
        // leaves a later row without the budget it had.
        if !supposed {
            unit.operations
                .set(unit.operations.get().saturating_add(count));
        }
        let trace = row.trace.take();
        let outcome = match result {
            Ok(value) => from_value(value),
            Err(err) => match err.unwrap_inner() {
                EvalAltResult::ErrorTerminated(token, _) if token.is::<UnitBudget>() => {
                    unit_budget_spent(budget)
                }
                _ => from_error(&err, leaf.rule.as_ref(), &rules.engine),
            },
        };
        (outcome, trace, row.asked.take())
    };
    let (outcome, mut trace, asked) = run(None);
    // A rule of its own over periodic reports leaves no lever: what every period sent on
    // time would earn is the rule's own answer, run again supposing so, on the same
    // questions (a streamed unit's passes are unchanged; one asking more gets no hint).
    if trace.lever.is_none()
        && !trace.periods_missed.is_empty()
        && matches!(outcome, RuleResult::Points { .. })
    {
        if let (RuleResult::Points { points, .. }, ..) = run(Some(Rc::new(asked))) {
            trace.lever = Some(Lever::Periods {
                missed: std::mem::take(&mut trace.periods_missed),
                unsent: trace.periods_unsent,
                points,
            });
        }
    }
    (outcome, trace)
}

/// The error of a row whose rule did not run, or did not end, because the rules before it
/// spent the unit's budget of operations.
fn unit_budget_spent(budget: u64) -> RuleResult {
    RuleResult::Error(format!(
        "các quy tắc của bộ tiêu chí đã chạy hết giới hạn {budget} phép tính cho một đơn vị \
         (tính theo thứ tự các dòng), nên quy tắc của dòng này không chạy xong"
    ))
}

fn from_value(value: Dynamic) -> RuleResult {
    if let Some(i) = value.clone().try_cast::<INT>() {
        return RuleResult::Points {
            points: Decimal::from(i),
            explanation: None,
        };
    }
    if let Some(d) = value.clone().try_cast::<Decimal>() {
        return RuleResult::Points {
            points: d,
            explanation: None,
        };
    }
    match value.clone().try_cast::<Outcome>() {
        Some(Outcome::Points {
            points,
            explanation,
        }) => RuleResult::Points {
            points,
            explanation: Some(explanation),
        },
        Some(Outcome::NotArising(why)) => RuleResult::NotArising(why),
        Some(Outcome::NoEvidence(why)) => RuleResult::NoEvidence(why),
        None => RuleResult::Error(format!(
            "quy tắc trả về {} thay vì số điểm",
            value.type_name()
        )),
    }
}

/// A rule's failure as its row's error: rhai's error worded in Vietnamese
/// ([`messages::eval_message`]), at the rule's file:line.
fn from_error(err: &EvalAltResult, rule: Option<&RuleSource>, engine: &Engine) -> RuleResult {
    if let EvalAltResult::ErrorRuntime(d, _) = err.unwrap_inner() {
        if let Some(s) = d.clone().try_cast::<Signal>() {
            return match s {
                Signal::NoEvidence(why) => RuleResult::NoEvidence(why),
                Signal::NotArising(why) => RuleResult::NotArising(why),
            };
        }
    }
    // Where the error arose: inside a function the rule defines, the line in that function.
    let mut position = err.position();
    let mut inner = err;
    while let EvalAltResult::ErrorInFunctionCall(_, _, next, _)
    | EvalAltResult::ErrorInModule(_, next, _) = inner
    {
        inner = next;
        if !inner.position().is_none() {
            position = inner.position();
        }
    }
    let message = messages::eval_message(err, engine);
    let place = match rule {
        Some(rule) if !position.is_none() => format!(
            " ({}:{})",
            rule.path
                .file_name()
                .map_or_else(String::new, |f| f.to_string_lossy().into_owned()),
            file_line(rule, position)
        ),
        _ => String::new(),
    };
    RuleResult::Error(format!("lỗi quy tắc{place}: {message}"))
}
