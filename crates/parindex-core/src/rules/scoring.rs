//! The scoring patterns of par-index.md §3 as plain functions on exact numbers: bands, a
//! proportion, a deadline, a deduction, a binary test, a cap. No engine here: the rhai glue
//! (`api.rs`) converts a rule's values into these arguments, records what the row shows, and
//! words the result.

use std::cmp::Ordering;

use rust_decimal::Decimal;

use crate::date::Date;
use crate::num::Fraction;

/// What a band table or a proportion measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Measured {
    /// An exact ratio, compared as a fraction (`n/d ≥ e` is `n ≥ e × d`).
    Ratio(Fraction),
    /// A count or any other number.
    Number(Decimal),
}

/// Why a pattern could not give points; the row fails with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// A band's edge is not lower than the edge before it.
    Unordered,
    /// A ratio too large to compare with `edge` exactly.
    Incomparable { ratio: Fraction, edge: Decimal },
    /// A product or difference beyond the decimal range.
    Overflow,
}

/// Where a measure falls in a band table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Band {
    /// The measure is a ratio of 0/0: the subject did not arise.
    NotArising,
    /// The first band (in the order listed, highest edge first) whose edge it reaches.
    Reached(usize),
    /// Below every edge (or no band at all).
    Below,
}

/// `measure ≥ edge`, exactly.
fn reaches(measure: Measured, edge: Decimal) -> Result<bool, Refusal> {
    match measure {
        Measured::Number(n) => Ok(n >= edge),
        Measured::Ratio(r) => r
            .cmp_edge(edge)
            .map(Ordering::is_ge)
            .ok_or(Refusal::Incomparable { ratio: r, edge }),
    }
}

/// The band a measure reaches. Edges run from the highest down; an edge not lower than the
/// one before it is refused when the scan reaches it (a band table is read as written, never
/// sorted: the author's order is the rule).
pub(crate) fn band(measure: Measured, edges: &[Decimal]) -> Result<Band, Refusal> {
    if matches!(measure, Measured::Ratio(r) if r.is_empty()) {
        return Ok(Band::NotArising);
    }
    let mut previous: Option<Decimal> = None;
    for (i, &edge) in edges.iter().enumerate() {
        if previous.is_some_and(|p| edge >= p) {
            return Err(Refusal::Unordered);
        }
        previous = Some(edge);
        if reaches(measure, edge)? {
            return Ok(Band::Reached(i));
        }
    }
    Ok(Band::Below)
}

/// A proportion: `round_half_up(ratio × max, 2)` when the ratio reaches `floor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Prop {
    /// 0/0: the subject did not arise.
    NotArising,
    /// Below the floor: 0 points.
    BelowFloor,
    /// At or above the floor: these points (not capped at `max`).
    Points(Decimal),
}

pub(crate) fn prop(ratio: Fraction, max: Decimal, floor: Decimal) -> Result<Prop, Refusal> {
    if ratio.is_empty() {
        return Ok(Prop::NotArising);
    }
    if !reaches(Measured::Ratio(ratio), floor)? {
        return Ok(Prop::BelowFloor);
    }
    ratio
        .times_rounded(max)
        .map(Prop::Points)
        .ok_or(Refusal::Overflow)
}

/// Points by the date a document was issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Issued {
    /// No document: 0 points.
    None,
    /// Issued by the deadline of step `i` (the first, in the order listed, that it meets).
    ByStep(usize),
    /// Issued after every deadline: the `later` points.
    Late,
}

impl Issued {
    /// The points this gives.
    pub(crate) fn points(self, steps: &[(Date, Decimal)], later: Decimal) -> Decimal {
        match self {
            Issued::None => Decimal::ZERO,
            Issued::ByStep(i) => steps[i].1,
            Issued::Late => later,
        }
    }
}

pub(crate) fn issued(date: Option<Date>, steps: &[(Date, Decimal)]) -> Issued {
    let Some(date) = date else {
        return Issued::None;
    };
    steps
        .iter()
        .position(|(deadline, _)| date <= *deadline)
        .map_or(Issued::Late, Issued::ByStep)
}

/// `max(start − per × cases, floor)`, and the amount deducted (`per × cases`).
pub(crate) fn deduct(
    start: Decimal,
    per: Decimal,
    cases: Decimal,
    floor: Decimal,
) -> Result<(Decimal, Decimal), Refusal> {
    let deducted = per.checked_mul(cases).ok_or(Refusal::Overflow)?;
    let points = start.checked_sub(deducted).ok_or(Refusal::Overflow)?;
    Ok((points.max(floor), deducted))
}

/// `points` when met, else 0.
pub(crate) fn binary(met: bool, points: Decimal) -> Decimal {
    if met {
        points
    } else {
        Decimal::ZERO
    }
}

/// `min(x, cap)`, and whether the cap applied.
pub(crate) fn capped(x: Decimal, cap: Decimal) -> (Decimal, bool) {
    (x.min(cap), x > cap)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Decimal {
        text.parse().expect("a decimal")
    }

    fn ratio(n: i64, d: i64) -> Measured {
        Measured::Ratio(Fraction::new(Decimal::from(n), Decimal::from(d)))
    }

    #[test]
    fn bands_are_half_open_and_compared_exactly() {
        let edges = [d("1"), d("0.95"), d("0.9")];
        assert_eq!(band(ratio(20, 20), &edges), Ok(Band::Reached(0)));
        // 19/20 is exactly 95%: the band [95%, 100%).
        assert_eq!(band(ratio(19, 20), &edges), Ok(Band::Reached(1)));
        // 2/3 is not 0.67, nor 0.6666…67: below 90%.
        assert_eq!(band(ratio(2, 3), &edges), Ok(Band::Below));
        assert_eq!(band(ratio(0, 0), &edges), Ok(Band::NotArising));
        // A ratio just under an edge is under it: 899 999/1 000 000 < 0.9.
        assert_eq!(band(ratio(899_999, 1_000_000), &edges), Ok(Band::Below));
        assert_eq!(
            band(Measured::Number(d("3")), &[d("3")]),
            Ok(Band::Reached(0))
        );
        assert_eq!(band(Measured::Number(d("3")), &[]), Ok(Band::Below));
    }

    #[test]
    fn an_edge_out_of_order_is_refused_only_when_reached() {
        let edges = [d("0.5"), d("0.8")];
        assert_eq!(band(ratio(1, 1), &edges), Ok(Band::Reached(0)));
        assert_eq!(band(ratio(1, 4), &edges), Err(Refusal::Unordered));
        assert_eq!(
            band(Measured::Number(d("1")), &[d("2"), d("2")]),
            Err(Refusal::Unordered)
        );
    }

    #[test]
    fn a_ratio_too_large_to_compare_is_refused_never_taken_for_empty() {
        let huge = Measured::Ratio(Fraction::new(Decimal::MAX, Decimal::TWO));
        assert!(matches!(
            band(huge, &[Decimal::MAX]),
            Err(Refusal::Incomparable { .. })
        ));
    }

    #[test]
    fn prop_rounds_half_up_and_is_not_capped() {
        let r = |n, d| Fraction::new(Decimal::from(n), Decimal::from(d));
        // 2/3 × 1 = 0.666… → 0.67.
        assert_eq!(prop(r(2, 3), d("1"), d("0.5")), Ok(Prop::Points(d("0.67"))));
        // 1/8 × 1 = 0.125 → 0.13 (half up).
        assert_eq!(prop(r(1, 8), d("1"), d("0")), Ok(Prop::Points(d("0.13"))));
        assert_eq!(prop(r(1, 3), d("1"), d("0.5")), Ok(Prop::BelowFloor));
        assert_eq!(prop(r(0, 0), d("1"), d("0.5")), Ok(Prop::NotArising));
        assert_eq!(prop(r(3, 2), d("1"), d("0")), Ok(Prop::Points(d("1.5"))));
    }

    #[test]
    fn a_document_is_scored_by_the_first_deadline_it_meets() {
        let day = |m, d| Date::from_ymd_opt(2026, m, d).expect("a date");
        let steps = [
            (day(12, 31), d("2")),
            (day(12, 31) + chrono::Days::new(31), d("1")),
        ];
        assert_eq!(issued(None, &steps), Issued::None);
        assert_eq!(issued(Some(day(12, 31)), &steps), Issued::ByStep(0));
        assert_eq!(issued(Some(day(1, 5)), &steps), Issued::ByStep(0));
        let january = day(12, 31) + chrono::Days::new(10);
        assert_eq!(issued(Some(january), &steps), Issued::ByStep(1));
        let late = day(12, 31) + chrono::Days::new(60);
        assert_eq!(issued(Some(late), &steps), Issued::Late);
        assert_eq!(Issued::Late.points(&steps, d("0.5")), d("0.5"));
        assert_eq!(Issued::ByStep(1).points(&steps, d("0.5")), d("1"));
        assert_eq!(Issued::None.points(&steps, d("0.5")), d("0"));
    }

    #[test]
    fn deduct_stops_at_its_floor_and_refuses_overflow() {
        assert_eq!(
            deduct(d("2"), d("0.5"), d("3"), d("0")),
            Ok((d("0.5"), d("1.5")))
        );
        assert_eq!(
            deduct(d("2"), d("0.5"), d("9"), d("0")),
            Ok((d("0"), d("4.5")))
        );
        assert_eq!(
            deduct(d("0"), Decimal::MAX, d("2"), d("-1")),
            Err(Refusal::Overflow)
        );
    }

    #[test]
    fn binary_and_capped() {
        assert_eq!(binary(true, d("1.5")), d("1.5"));
        assert_eq!(binary(false, d("1.5")), d("0"));
        assert_eq!(capped(d("1.5"), d("1")), (d("1"), true));
        assert_eq!(capped(d("0.5"), d("1")), (d("0.5"), false));
        assert_eq!(capped(d("1"), d("1")), (d("1"), false));
    }
}
