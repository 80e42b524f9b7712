//! B3 energy monitoring and B4 energy quotas: POLICY.md §2 clause 6.
//!
//! The clause: 将能耗1万吨标准煤/年以上的企业全部纳入能耗在线监测平台，对超过国家能耗限额
//! 标准的限期整改，整改后仍不达标的按照落后产能予以淘汰.
//!
//! * B3: an enterprise using 10,000 tce a year or more (以上 includes 10,000)
//!   must be on the online energy-monitoring platform. Not on it: violation.
//!   One on the platform needs no energy figure; one below 10,000 tce needs
//!   no platform flag.
//! * B4: an enterprise above the national energy-consumption quota
//!   (`above_energy_quota` = true) must rectify by a deadline, after which it
//!   is phased out as backward capacity (落后产能): violation. The table has no
//!   rectification deadline, so the message states the consequence rather
//!   than judging it.

use super::table::Entry;
use super::{EnterpriseFinding, Outcome};
use crate::findings::Severity;
use crate::rules::{B3, B4};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

/// B3's threshold: 1万吨标准煤/年.
pub const MONITORING_TCE: u32 = 10_000;

/// B3 for an enterprise row.
pub fn b3(e: &Entry, file: &str) -> Option<EnterpriseFinding> {
    let threshold = Decimal::from(MONITORING_TCE);
    let who = e.who();
    let (severity, outcome, message) = match (e.energy_tce, e.on_energy_platform) {
        (_, Some(true)) => return None,
        (Some(t), _) if t < threshold => return None,
        (Some(t), Some(false)) => (
            Severity::Violation,
            Outcome::Flagged,
            format!(
                "{who} uses {t} tce a year (≥ {MONITORING_TCE}) and is not on the online energy-monitoring platform: \
                 it must be connected"
            ),
        ),
        (Some(t), None) => (
            Severity::Info,
            Outcome::NotJudged,
            format!("{who} uses {t} tce a year (≥ {MONITORING_TCE}): B3 not judged: on_energy_platform not reported"),
        ),
        (None, _) => (
            Severity::Info,
            Outcome::NotJudged,
            format!(
                "{who}: B3 not judged: {} not reported (the platform is required from {MONITORING_TCE} tce a year)",
                if e.on_energy_platform.is_none() { "energy_tce and on_energy_platform" } else { "energy_tce" }
            ),
        ),
    };
    let mut f = EnterpriseFinding::of(e, file, B3, severity, outcome, message);
    f.value = e.energy_tce.and_then(|t| t.to_f64());
    f.threshold = Some(f64::from(MONITORING_TCE));
    Some(f)
}

/// B4 for an enterprise row.
pub fn b4(e: &Entry, file: &str) -> Option<EnterpriseFinding> {
    let who = e.who();
    let (severity, outcome, message) = match e.above_energy_quota {
        Some(false) => return None,
        Some(true) => (
            Severity::Violation,
            Outcome::Flagged,
            format!(
                "{who} is above the national energy-consumption quota (国家能耗限额标准): it must rectify within the \
                 set time, and if still above it after rectification it is phased out as backward capacity (落后产能)"
            ),
        ),
        None => (Severity::Info, Outcome::NotJudged, format!("{who}: B4 not judged: above_energy_quota not reported")),
    };
    Some(EnterpriseFinding::of(e, file, B4, severity, outcome, message))
}
