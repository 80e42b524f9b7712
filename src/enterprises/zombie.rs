//! B1 zombie enterprises (僵尸企业) and B2 zombie projects (僵尸项目):
//! POLICY.md §2 clause 5.
//!
//! The clause: 对停产停业两年以上，不具备偿债能力，不符合结构调整方向，设立五年以上、
//! 连年亏损，主要依赖政府补贴和银行续贷等方式维持生产经营，资产负债率连续三年100%及以上
//! 的企业 … 加快出清; 对已批准而未按期开工建设的项目 … 限期收回已配置的要素指标.
//!
//! B1 criteria, numbered as POLICY.md, each met / not met / not judged:
//!
//! 1. production stopped for 2 years or more: `stopped_since` + 2 years ≤ as-of;
//! 2. no capacity to repay debt: `can_service_debt` = false;
//! 3. out of line with structural adjustment: `restructuring_fit` = false;
//! 4. established 5 years or more with losses year after year:
//!    31 December of `established_year` + 5 years ≤ as-of, and `loss_years` ≥
//!    `b1_min_loss_years`;
//! 5. living mainly on subsidies and rolled-over loans: `subsidy_dependent` = true;
//! 6. asset-liability ratio ≥ 100 % for 3 consecutive years: `debt_ratio_y1..y3`
//!    all ≥ 100 (one reported below 100 settles "not met" whatever the others).
//!
//! "Two years or more" (两年以上) includes exactly two years, as POLICY.md reads
//! 以上. An enterprise gets a B1 row when it meets at least one criterion, or
//! when its candidate status hangs on criteria that could not be judged.
//!
//! B2: a project not started (`started` = false) whose `start_deadline` lies
//! before the as-of date (on the deadline day it is still in time).

use super::date::Day;
use super::table::{Entry, Stopped};
use super::{EnterpriseConfig, EnterpriseFinding, Outcome, ParkSite};
use crate::findings::Severity;
use crate::rules::{B1, B2};
use rust_decimal::Decimal;

/// The six B1 criteria, in words, by number − 1.
pub const CRITERIA: [&str; 6] = [
    "production stopped for 2 years or more",
    "no capacity to repay debt",
    "out of line with the direction of structural adjustment",
    "established 5 years or more with losses year after year",
    "living mainly on government subsidies and rolled-over bank loans",
    "asset-liability ratio at or above 100% for 3 consecutive years",
];

/// One criterion for one enterprise.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Judged {
    /// Met, with the facts that show it.
    Met(String),
    /// Not met.
    NotMet,
    /// Not judged: the cells (or the as-of date) that are not reported.
    NotJudged(Vec<&'static str>),
}

const AS_OF: &str = "the as-of date";

/// The six criteria for `e` as of `as_of`, by number − 1.
pub fn criteria(e: &Entry, as_of: Option<Day>, cfg: &EnterpriseConfig) -> [Judged; 6] {
    use Judged::*;
    let flag = |v: Option<bool>, met_when: bool, col: &'static str| match v {
        Some(b) if b == met_when => Met(format!("{col} = {b}")),
        Some(_) => NotMet,
        None => NotJudged(vec![col]),
    };
    let c1 = match (e.stopped, as_of) {
        (Some(Stopped::No), _) => NotMet,
        (None, _) => NotJudged(vec!["stopped_since"]),
        (Some(Stopped::Since(_)), None) => NotJudged(vec![AS_OF]),
        (Some(Stopped::Since(s)), Some(d)) if s.plus_years(2) <= d => {
            Met(format!("stopped since {s}, 2 years or more by {d}"))
        }
        (Some(Stopped::Since(_)), Some(_)) => NotMet,
    };
    // criterion 4: both halves must hold; either one known false settles it
    let old_enough = match (e.established_year.and_then(Day::end_of_year), as_of) {
        (Some(est), Some(d)) => Some(est.plus_years(5) <= d),
        _ => None,
    };
    let losses = e.loss_years.map(|n| n >= cfg.b1_min_loss_years);
    let c4 = match (old_enough, losses) {
        (Some(false), _) | (_, Some(false)) => NotMet,
        (Some(true), Some(true)) => Met(format!(
            "established {}, {} consecutive loss years (≥ {})",
            e.established_year.unwrap_or_default(),
            e.loss_years.unwrap_or_default(),
            cfg.b1_min_loss_years
        )),
        (a, b) => {
            let mut missing = Vec::new();
            if a.is_none() {
                missing.push(if e.established_year.is_none() { "established_year" } else { AS_OF });
            }
            if b.is_none() {
                missing.push("loss_years");
            }
            NotJudged(missing)
        }
    };
    let hundred = Decimal::from(100);
    let c6 = if e.debt_ratio.iter().flatten().any(|r| *r < hundred) {
        NotMet
    } else if let [Some(a), Some(b), Some(c)] = e.debt_ratio {
        Met(format!("asset-liability ratio {a}%, {b}%, {c}%"))
    } else {
        let names = ["debt_ratio_y1", "debt_ratio_y2", "debt_ratio_y3"];
        NotJudged(names.iter().zip(e.debt_ratio).filter(|(_, r)| r.is_none()).map(|(n, _)| *n).collect())
    };
    [
        c1,
        flag(e.can_service_debt, false, "can_service_debt"),
        flag(e.restructuring_fit, false, "restructuring_fit"),
        c4,
        flag(e.subsidy_dependent, true, "subsidy_dependent"),
        c6,
    ]
}

/// Whether the criteria make a candidate under `cfg`: `Some(true)` /
/// `Some(false)`, or `None` when criteria not judged would decide it.
pub fn candidate(judged: &[Judged; 6], cfg: &EnterpriseConfig) -> Option<bool> {
    let is = |n: u8, f: fn(&Judged) -> bool| judged.get(usize::from(n).wrapping_sub(1)).is_some_and(f);
    let met = judged.iter().filter(|j| matches!(j, Judged::Met(_))).count();
    let open = judged.iter().filter(|j| matches!(j, Judged::NotJudged(_))).count();
    let required = &cfg.b1_candidate_required;
    if met >= cfg.b1_candidate_min_criteria && required.iter().all(|&n| is(n, |j| matches!(j, Judged::Met(_)))) {
        Some(true)
    } else if met + open < cfg.b1_candidate_min_criteria || required.iter().any(|&n| is(n, |j| *j == Judged::NotMet)) {
        Some(false)
    } else {
        None
    }
}

/// B1 for an enterprise row: the finding (if any) and the candidate status.
pub fn b1(
    e: &Entry,
    file: &str,
    as_of: Option<Day>,
    cfg: &EnterpriseConfig,
) -> (Option<EnterpriseFinding>, Option<bool>) {
    let judged = criteria(e, as_of, cfg);
    let cand = candidate(&judged, cfg);
    let met: Vec<u8> = (1u8..).zip(&judged).filter(|(_, j)| matches!(j, Judged::Met(_))).map(|(n, _)| n).collect();
    if met.is_empty() && cand.is_some() {
        return (None, cand);
    }
    let facts: Vec<String> = (1u8..)
        .zip(&judged)
        .filter_map(|(n, j)| match j {
            Judged::Met(why) => Some(format!("{n} {} ({why})", CRITERIA[usize::from(n) - 1])),
            _ => None,
        })
        .collect();
    let open: Vec<String> = (1u8..)
        .zip(&judged)
        .filter_map(|(n, j)| match j {
            Judged::NotJudged(cols) => Some(format!("{n} ({} not reported)", cols.join(", "))),
            _ => None,
        })
        .collect();
    let rule_text = {
        let mut s = format!("at least {} of the 6 criteria", cfg.b1_candidate_min_criteria);
        if !cfg.b1_candidate_required.is_empty() {
            let req: Vec<String> = cfg.b1_candidate_required.iter().map(u8::to_string).collect();
            s.push_str(&format!(", including {}", req.join(" and ")));
        }
        s
    };
    let verdict = match cand {
        Some(true) => format!("zombie-enterprise candidate (僵尸企业; {rule_text}): to be cleared by market and legal means or restructured"),
        Some(false) => format!("not a candidate ({rule_text} needed)"),
        None => format!("candidate status not judged ({rule_text} needed; it depends on the criteria not judged)"),
    };
    let met_text = if met.is_empty() {
        "meets none of the B1 criteria judged".to_owned()
    } else {
        format!("meets B1 criteria {}: {}", join(&met), facts.join("; "))
    };
    let open_text = if open.is_empty() { String::new() } else { format!(". Not judged: {}", open.join("; ")) };
    let (severity, outcome) = match (cand, met.is_empty()) {
        (Some(true), _) => (Severity::Warning, Outcome::Flagged),
        (_, false) => (Severity::Info, Outcome::Flagged),
        (_, true) => (Severity::Info, Outcome::NotJudged),
    };
    let mut f =
        EnterpriseFinding::of(e, file, B1, severity, outcome, format!("{}: {met_text}; {verdict}{open_text}", e.who()));
    f.criteria_met = met;
    f.candidate = cand;
    (Some(f), cand)
}

/// `1;4;6`, as `criteria_met` is written.
pub fn join(criteria: &[u8]) -> String {
    criteria.iter().map(u8::to_string).collect::<Vec<_>>().join(";")
}

/// B2 for a project row; `park` is its (known) park, whose quota returns.
pub fn b2(e: &Entry, file: &str, as_of: Option<Day>, park: Option<&ParkSite<'_>>) -> Option<EnterpriseFinding> {
    if e.started == Some(true) {
        return None;
    }
    let returns_to = match (park, e.park_id.as_deref()) {
        (Some(p), _) => format!("park {}{}", p.park_id, p.park_name.map(|n| format!(" {n}")).unwrap_or_default()),
        (None, Some(id)) => format!("park {id} (not in the parks layer)"),
        (None, None) => "its park (park_id not reported)".to_owned(),
    };
    let approved = e.approved_on.map(|d| format!(" approved on {d}")).unwrap_or_default();
    let not_judged = |why: String| {
        Some(EnterpriseFinding::of(
            e,
            file,
            B2,
            Severity::Info,
            Outcome::NotJudged,
            format!("{}{approved}: B2 not judged: {why}", e.who()),
        ))
    };
    let (Some(deadline), Some(d)) = (e.start_deadline, as_of) else {
        return not_judged(if e.start_deadline.is_none() {
            "start_deadline not reported".into()
        } else {
            "no as-of date (pass --as-of)".into()
        });
    };
    if deadline >= d {
        return None; // still in time
    }
    match e.started {
        Some(false) => Some(EnterpriseFinding::of(
            e,
            file,
            B2,
            Severity::Violation,
            Outcome::Flagged,
            format!(
                "{}{approved} was to start by {deadline} and has not started as of {d}: zombie project (僵尸项目); \
                 the land and energy quotas allocated to it are to be taken back by {returns_to}",
                e.who()
            ),
        )),
        _ => not_judged(format!("the start deadline {deadline} has passed as of {d}, but started is not reported")),
    }
}
