//! What the indicators decide about a park: under-performing (E12), its
//! scale class (E13) and who its contact is (T1).

use super::indicators::{round, to_f64, Indicator};
use super::score::{median, reported};
use super::{Evaluation, EvaluationConfig, Level, ScaleClass, UnderperformingMode};
use crate::findings::{Finding, Severity};
use crate::rules::{E12, E4, E5};
use rust_decimal::prelude::FromPrimitive;
use rust_decimal::Decimal;
use serde::Serialize;

/// T1: output from which the autonomous-region government is the contact,
/// 500亿元 = 5,000,000 万元 ("500亿以上" includes 500亿).
pub const T1_REGION_MIN_OUTPUT_WAN: Decimal = Decimal::from_parts(5_000_000, 0, 0, false, 0);

/// T1: output from which the league/city government is the contact,
/// 100亿元 = 1,000,000 万元 ("100至500亿" is [100亿, 500亿)).
pub const T1_LEAGUE_MIN_OUTPUT_WAN: Decimal = Decimal::from_parts(1_000_000, 0, 0, false, 0);

/// T1 contact tier (§6 clause 17), fixed by the policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ContactTier {
    /// Autonomous-region government: output ≥ 500亿元.
    Region,
    /// League/city government: output in [100亿, 500亿).
    League,
    /// County government: output < 100亿元.
    County,
}

impl ContactTier {
    /// The name used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            ContactTier::Region => "region",
            ContactTier::League => "league",
            ContactTier::County => "county",
        }
    }
}

/// T1: the contact tier of a park with industrial output `e1` (万元).
pub fn contact_tier(e1: Decimal) -> ContactTier {
    if e1 >= T1_REGION_MIN_OUTPUT_WAN {
        ContactTier::Region
    } else if e1 >= T1_LEAGUE_MIN_OUTPUT_WAN {
        ContactTier::League
    } else {
        ContactTier::County
    }
}

/// E13: the first class, by descending minimum, whose minimum `e1` reaches
/// (minimums inclusive); `None` below every class.
pub fn scale_class(e1: Decimal, classes: &[ScaleClass]) -> Option<&str> {
    let mut sorted: Vec<(Decimal, &str)> =
        classes.iter().filter_map(|c| Decimal::from_f64(c.min_output_wan).map(|m| (m, c.name.as_str()))).collect();
    sorted.sort_by_key(|c| std::cmp::Reverse(c.0));
    sorted.into_iter().find(|(m, _)| e1 >= *m).map(|(_, n)| n)
}

/// The E12 levels a run used (万元/亩, rounded); `None` when a level is
/// relative and no park reports the indicator.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RequiredLevels {
    /// Required output per mu (E4).
    pub e4_output_per_mu: Option<Decimal>,
    /// Required investment per mu (E5).
    pub e5_investment_per_mu: Option<Decimal>,
    /// The median E4 a relative level was taken from.
    pub e4_median: Option<Decimal>,
    /// The median E5 a relative level was taken from.
    pub e5_median: Option<Decimal>,
}

/// E12 in three-valued logic: `Some(true)` under-performing, `Some(false)`
/// not, `None` when the known values cannot decide. A value equal to its
/// level reaches it (达到要求).
///
/// `either`: one known failure suffices; not under-performing only when both
/// are known to pass. `both`: one known pass clears the park;
/// under-performing only when both are known to fail.
pub fn judge_underperforming(
    e4: Option<Decimal>,
    e4_level: Option<Decimal>,
    e5: Option<Decimal>,
    e5_level: Option<Decimal>,
    mode: UnderperformingMode,
) -> Option<bool> {
    let fails4 = e4.zip(e4_level).map(|(v, l)| v < l);
    let fails5 = e5.zip(e5_level).map(|(v, l)| v < l);
    match mode {
        UnderperformingMode::Either => match (fails4, fails5) {
            (Some(true), _) | (_, Some(true)) => Some(true),
            (Some(false), Some(false)) => Some(false),
            _ => None,
        },
        UnderperformingMode::Both => match (fails4, fails5) {
            (Some(false), _) | (_, Some(false)) => Some(false),
            (Some(true), Some(true)) => Some(true),
            _ => None,
        },
    }
}

fn level(l: Level, values: &[Decimal]) -> (Option<Decimal>, Option<Decimal>) {
    match l {
        Level::Absolute(v) => (Decimal::from_f64(v).map(round), None),
        Level::ShareOfMedian(s) => {
            let m = median(values);
            (m.zip(Decimal::from_f64(s)).and_then(|(m, s)| m.checked_mul(s)).map(round), m)
        }
    }
}

/// E12, E13 and T1 for the in-scope parks; findings for E12.
pub(crate) fn classify(eval: &mut Evaluation, cfg: &EvaluationConfig) -> Vec<Finding> {
    let u = &cfg.underperforming;
    let (e4_level, e4_median) = level(u.e4_output_per_mu, &reported(eval, Indicator::E4));
    let (e5_level, e5_median) = level(u.e5_investment_per_mu, &reported(eval, Indicator::E5));
    eval.required_levels =
        RequiredLevels { e4_output_per_mu: e4_level, e5_investment_per_mu: e5_level, e4_median, e5_median };
    let mode_text = match u.mode {
        UnderperformingMode::Either => "mode either: missing one level suffices",
        UnderperformingMode::Both => "mode both: it takes missing both levels",
    };

    let mut findings = Vec::new();
    for p in eval.parks.iter_mut().filter(|p| p.in_scope) {
        if let Some(e1) = p.e1_output_wan {
            p.contact_tier = Some(contact_tier(e1));
            p.scale_class = scale_class(e1, &cfg.scale_classes).map(str::to_owned);
        }
        let (e4, e5) = (p.e4_output_per_mu, p.e5_investment_per_mu);
        p.underperforming = judge_underperforming(e4, e4_level, e5, e5_level, u.mode);
        let describe = |rule: &str, what: &str, v: Option<Decimal>, l: Option<Decimal>| match (v, l) {
            (Some(v), Some(l)) if v < l => Some(format!("{rule} {what} {v} 万元/亩 is below the required {l}")),
            (Some(v), Some(l)) => Some(format!("{rule} {what} {v} 万元/亩 reaches the required {l}")),
            (None, _) => Some(format!("{rule} is not computable")),
            (Some(_), None) => Some(format!("{rule} has no required level (no park reports it)")),
        };
        let parts: Vec<String> =
            [describe(E4.id, "output per mu", e4, e4_level), describe(E5.id, "investment per mu", e5, e5_level)]
                .into_iter()
                .flatten()
                .collect();
        match p.underperforming {
            Some(true) => {
                let (v, l) = if e4.zip(e4_level).is_some_and(|(v, l)| v < l) { (e4, e4_level) } else { (e5, e5_level) };
                let mut f = Finding::new(
                    E12,
                    Severity::Warning,
                    format!(
                        "park {} is under-performing ({mode_text}): {}. It is to be merged into another park of \
                         its county or league (C1)",
                        p.park_id,
                        parts.join("; ")
                    ),
                )
                .park(p.park_id.clone());
                if let (Some(v), Some(l)) = (v, l) {
                    f = f.measured(to_f64(v), Some(to_f64(l)));
                }
                findings.push(f);
            }
            None if p.values().iter().any(Option::is_some) => findings.push(
                Finding::new(
                    E12,
                    Severity::Info,
                    format!(
                        "park {}: whether it is under-performing cannot be judged ({mode_text}): {}",
                        p.park_id,
                        parts.join("; ")
                    ),
                )
                .park(p.park_id.clone()),
            ),
            _ => {}
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluate::EvaluationConfig;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).expect("a decimal literal")
    }

    #[test]
    fn t1_boundaries_as_policy_reads_them() {
        assert_eq!(contact_tier(d("5000000")), ContactTier::Region, "500亿以上 includes 500亿");
        assert_eq!(contact_tier(d("4999999.99")), ContactTier::League);
        assert_eq!(contact_tier(d("1000000")), ContactTier::League, "100至500亿 is [100亿, 500亿)");
        assert_eq!(contact_tier(d("999999.9999")), ContactTier::County, "100亿以下 is below 100亿");
        assert_eq!(contact_tier(Decimal::ZERO), ContactTier::County);
        assert_eq!(contact_tier(d("12000000")), ContactTier::Region);
    }

    #[test]
    fn scale_classes_by_inclusive_minimum_in_any_order() {
        let cfg = EvaluationConfig::default();
        assert_eq!(scale_class(d("5000000"), &cfg.scale_classes), Some("large"));
        assert_eq!(scale_class(d("4999999"), &cfg.scale_classes), Some("medium"));
        assert_eq!(scale_class(d("1000000"), &cfg.scale_classes), Some("medium"));
        assert_eq!(scale_class(d("0"), &cfg.scale_classes), Some("small"));
        let shuffled = vec![
            ScaleClass { name: "II".into(), min_output_wan: 100.0 },
            ScaleClass { name: "I".into(), min_output_wan: 1000.0 },
        ];
        assert_eq!(scale_class(d("1000"), &shuffled), Some("I"));
        assert_eq!(scale_class(d("999"), &shuffled), Some("II"));
        assert_eq!(scale_class(d("99"), &shuffled), None, "below every class");
    }

    #[test]
    fn e12_either_and_both() {
        use UnderperformingMode::{Both, Either};
        let l4 = Some(d("50"));
        let l5 = Some(d("10"));
        let j = |e4: Option<&str>, e5: Option<&str>, m| judge_underperforming(e4.map(d), l4, e5.map(d), l5, m);
        // fails E4 only
        assert_eq!(j(Some("49.9999"), Some("10"), Either), Some(true));
        assert_eq!(j(Some("49.9999"), Some("10"), Both), Some(false));
        // fails both
        assert_eq!(j(Some("20"), Some("4"), Either), Some(true));
        assert_eq!(j(Some("20"), Some("4"), Both), Some(true));
        // exactly at the levels: reaches them
        assert_eq!(j(Some("50"), Some("10"), Either), Some(false));
        assert_eq!(j(Some("50"), Some("10"), Both), Some(false));
        // one unknown
        assert_eq!(j(None, Some("4"), Either), Some(true), "a known failure suffices");
        assert_eq!(j(None, Some("4"), Both), None, "the other might pass or fail");
        assert_eq!(j(None, Some("40"), Either), None, "the other might fail");
        assert_eq!(j(None, Some("40"), Both), Some(false), "a known pass clears");
        assert_eq!(j(None, None, Either), None);
    }

    #[test]
    fn e12_in_the_hand_table_with_absolute_levels() {
        use crate::evaluate::{evaluate, parse_stats, UnderperformingConfig};
        use std::collections::BTreeMap;
        let (parks, text) = crate::evaluate::score::tests::hand_table();
        let t = parse_stats(&text, "stats.csv", &BTreeMap::new()).expect("usable").0;
        let mut cfg = EvaluationConfig {
            underperforming: UnderperformingConfig {
                mode: UnderperformingMode::Both,
                e4_output_per_mu: Level::Absolute(50.0),
                e5_investment_per_mu: Level::Absolute(10.0),
            },
            ..EvaluationConfig::default()
        };
        // P11: E4 20 < 50 and E5 4 < 10 → under-performing in both modes.
        // P06: no row → not judged, and no E12 finding (its D6 finding covers it).
        let e = evaluate(&parks, Some(&t), &cfg);
        let under: Vec<_> =
            e.parks.iter().filter(|p| p.underperforming == Some(true)).map(|p| p.park_id.as_str()).collect();
        assert_eq!(under, vec!["P11"]);
        assert_eq!(e.parks[5].underperforming, None);
        let f: Vec<_> = e.findings.iter().filter(|f| f.rule == "E12").collect();
        assert_eq!(f.len(), 1, "{f:#?}");
        assert!(
            f[0].message.contains("mode both")
                && f[0].message.contains("E4 output per mu 20 万元/亩 is below the required 50"),
            "{}",
            f[0].message
        );
        assert_eq!((f[0].value, f[0].threshold), (Some(20.0), Some(50.0)));
        // Relative levels: median E4 over the 10 reporting parks is 100
        // (20, 100 ×7, 200, 300) → level 50; median E5 is 20 → level 10.
        cfg.underperforming.e4_output_per_mu = Level::ShareOfMedian(0.5);
        cfg.underperforming.e5_investment_per_mu = Level::ShareOfMedian(0.5);
        let e = evaluate(&parks, Some(&t), &cfg);
        assert_eq!(e.required_levels.e4_output_per_mu, Some(d("50")));
        assert_eq!(e.required_levels.e5_investment_per_mu, Some(d("10")));
        assert_eq!(e.required_levels.e4_median, Some(d("100")));
    }

    #[test]
    fn t1_and_e13_in_the_hand_table() {
        use crate::evaluate::{evaluate, parse_stats};
        use std::collections::BTreeMap;
        let (parks, text) = crate::evaluate::score::tests::hand_table();
        let t = parse_stats(&text, "stats.csv", &BTreeMap::new()).expect("usable").0;
        let e = evaluate(&parks, Some(&t), &EvaluationConfig::default());
        assert_eq!(e.parks[0].contact_tier, Some(ContactTier::County), "100000 万元 = 10亿");
        assert_eq!(e.parks[0].scale_class.as_deref(), Some("small"));
        assert_eq!(e.parks[5].contact_tier, None, "no E1, no tier");
    }
}
