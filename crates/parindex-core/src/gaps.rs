//! Points lost, and what would restore them, computed from the rule that decided the row: the
//! band edges, the deadline, the cases deducted.

use rust_decimal::Decimal;

use crate::date::vi_date;
use crate::num::vi_decimal;
use crate::report::{NodeScore, Status};
use crate::rules::{Lever, LeverMeasure};

/// The points a row lost: below its max, or taken by a penalty; 0 when it does not count.
pub(crate) fn lost(node: &NodeScore) -> Decimal {
    match node.status {
        Status::NotApplicable | Status::PendingSurvey => Decimal::ZERO,
        _ if node.max.is_zero() => (-node.points).max(Decimal::ZERO),
        _ => (node.max - node.points).max(Decimal::ZERO),
    }
}

/// What would restore a row's lost points, in the report's words.
pub(crate) fn restore(
    node: &NodeScore,
    why: Option<&str>,
    lever: Option<&Lever>,
) -> Option<String> {
    let lost = lost(node);
    if lost.is_zero() {
        return None;
    }
    let gain = |p: Decimal| format!("+{} điểm", vi_decimal(p));
    match node.status {
        Status::NoEvidence => {
            return Some(format!(
                "{}{}: bổ sung tài liệu kiểm chứng hoặc giải trình ({})",
                Status::NoEvidence.vi(),
                why.map(|w| format!(" ({w})")).unwrap_or_default(),
                gain(lost)
            ))
        }
        Status::Error => {
            return Some(format!(
                "Quy tắc không chấm được dòng này: kiểm tra số liệu và quy tắc ({})",
                gain(lost)
            ))
        }
        _ => {}
    }
    let current = node.points;
    Some(match lever? {
        Lever::Bands { measure, bands, .. } => {
            // The nearest band that earns more.
            let (edge, points) = bands.iter().rev().find(|(_, p)| *p > current)?;
            // A rule's bands may hold any decimal: no hint rather than an overflow.
            let more = points.checked_sub(current)?;
            format!("{} → {}", reach(measure, *edge)?, gain(more))
        }
        Lever::Prop { measure, max, .. } => {
            format!(
                "{} → {}",
                reach(measure, Decimal::ONE)?,
                gain(max.checked_sub(current)?)
            )
        }
        Lever::Issued {
            tag, date, steps, ..
        } => {
            let (deadline, points) = steps.first()?;
            let more = points.checked_sub(current)?;
            match date {
                None => format!(
                    "Chưa có văn bản nhóm `{tag}`: ban hành (hoặc đính kèm) đến hết ngày {} → {}",
                    vi_date(*deadline),
                    gain(more)
                ),
                Some(d) => format!(
                    "Ban hành ngày {}, hạn {}: nếu ban hành đúng hạn → {}",
                    vi_date(*d),
                    vi_date(*deadline),
                    gain(more)
                ),
            }
        }
        Lever::Binary { points } => {
            format!("Đáp ứng yêu cầu → {}", gain(points.checked_sub(current)?))
        }
        Lever::Periods {
            missed,
            unsent,
            points,
        } => {
            let more = points.checked_sub(current)?.min(lost);
            if more <= Decimal::ZERO {
                return None;
            }
            format!(
                "Kỳ {}: nếu mọi kỳ đều gửi {}đúng hạn → {}",
                missed.join("; kỳ "),
                if *unsent { "đủ và " } else { "" },
                gain(more)
            )
        }
        Lever::Level {
            current: read,
            levels,
        } => {
            // The nearest level that earns more (the first in key order on a tie).
            let (level, points) = levels
                .iter()
                .filter(|(_, p)| *p > current)
                .min_by_key(|(_, p)| *p)?;
            format!(
                "Mức `{read}`: nếu đạt mức `{level}` → {}",
                gain(points.checked_sub(current)?.min(lost))
            )
        }
        Lever::Deduct { per, cases, .. } => format!(
            "{} trường hợp bị trừ: mỗi trường hợp ít hơn → +{} điểm (tối đa {})",
            vi_decimal(*cases),
            vi_decimal(*per),
            gain(lost)
        ),
    })
}

/// What it takes for the measure to reach `edge`.
fn reach(measure: &LeverMeasure, edge: Decimal) -> Option<String> {
    match measure {
        LeverMeasure::Ratio {
            numerator,
            denominator,
            records,
            label,
            missing,
        } => {
            let needed = edge.checked_mul(*denominator)?.checked_sub(*numerator)?;
            let target = format!(
                "{}%",
                vi_decimal(edge.checked_mul(Decimal::ONE_HUNDRED)?.normalize())
            );
            if *records {
                let k = needed.ceil().max(Decimal::ONE);
                if k > denominator.checked_sub(*numerator)? {
                    return None;
                }
                Some(format!(
                    "thêm {} bản ghi ({label}) đạt thay vì {missing} → tỷ lệ ≥ {target}",
                    vi_decimal(k),
                ))
            } else {
                let name = if label.is_empty() { "tử số" } else { label };
                Some(format!(
                    "tăng {name} thêm {} (lên {}) → tỷ lệ ≥ {target}",
                    vi_decimal(needed.max(Decimal::ZERO)),
                    vi_decimal(numerator.checked_add(needed.max(Decimal::ZERO))?)
                ))
            }
        }
        LeverMeasure::Number { value, label } => {
            let needed = edge.checked_sub(*value)?.max(Decimal::ZERO);
            let change = format!(
                "thêm {} (từ {} lên {})",
                vi_decimal(needed),
                vi_decimal(*value),
                vi_decimal(edge)
            );
            Some(if label.is_empty() {
                change
            } else {
                format!("tăng {label} {change}")
            })
        }
    }
}
