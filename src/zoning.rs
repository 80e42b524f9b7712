//! Zoning rules on measured overlaps: Z1 (restricted, warning), Z2
//! (prohibited, violation), slivers at a lower severity, and the total
//! below the area tolerance (D9).

use crate::config::ZoningConfig;
use crate::findings::{Finding, Severity};
use crate::measure::overlap::{Overlap, Zoning};
use crate::model::{Block, Zone, ZoneClass};
use crate::rules::{self, Rule};

/// The rule an overlap with a zone of `class` falls under.
pub fn rule_for(class: ZoneClass) -> Rule {
    match class {
        ZoneClass::Restricted => rules::Z1,
        ZoneClass::Prohibited => rules::Z2,
    }
}

/// The severity of an overlap: Z2 violation, Z1 warning; a sliver one step lower.
pub fn severity_for(class: ZoneClass, sliver: bool) -> Severity {
    match (class, sliver) {
        (ZoneClass::Prohibited, false) => Severity::Violation,
        (ZoneClass::Prohibited, true) | (ZoneClass::Restricted, false) => Severity::Warning,
        (ZoneClass::Restricted, true) => Severity::Info,
    }
}

/// One finding per overlap, plus D9 for what lies below the tolerance.
pub fn findings(z: &Zoning, blocks: &[Block], zones: &[Zone], cfg: &ZoningConfig) -> Vec<Finding> {
    use rayon::prelude::*;
    let mut out: Vec<Finding> = z.overlaps.par_iter().map(|o| overlap_finding(o, blocks, zones, cfg)).collect();
    let (n, total) =
        z.per_block.iter().fold((0usize, 0.0f64), |(n, t), b| (n + b.below_tolerance.0, t + b.below_tolerance.1 .0));
    if n > 0 {
        out.push(
            Finding::new(
                rules::D9,
                Severity::Info,
                format!(
                    "{n} block–zone overlaps are at or below the area tolerance of {} mu and are not listed one by one; together they cover {:.6} mu ({:.2} m²)",
                    cfg.area_tolerance_mu,
                    total,
                    total * crate::units::M2_PER_MU
                ),
            )
            .measured(crate::units::round_to(total, 6), Some(cfg.area_tolerance_mu)),
        );
    }
    out
}

/// The finding of one block–zone overlap (Z1, Z2).
fn overlap_finding(o: &Overlap, blocks: &[Block], zones: &[Zone], cfg: &ZoningConfig) -> Finding {
    let (b, zone) = (&blocks[o.block], &zones[o.zone]);
    let what = match zone.class {
        ZoneClass::Restricted => "needs a justification (in principle no industrial park)",
        ZoneClass::Prohibited => "parks are strictly forbidden there",
    };
    let sliver = if o.sliver {
        format!(
            " It is a sliver {:.2} m wide on average (under {} m): probably digitising noise along a shared border; check the boundary.",
            o.width_m, cfg.sliver_width_m
        )
    } else {
        String::new()
    };
    Finding::new(
        rule_for(zone.class),
        severity_for(zone.class, o.sliver),
        format!(
            "block {} overlaps {} {} {} ({}, {}) by {:.4} mu, {:.2}% of the block: {what}.{sliver}",
            b.block_id,
            zone.class.zh(),
            zone.zone_id,
            zone.zone_name.as_deref().unwrap_or(""),
            zone.zone_type.as_deref().unwrap_or("type not given"),
            zone.class.as_str(),
            o.area.0,
            o.block_share * 100.0
        ),
    )
    .park(&b.park_id)
    .block(&b.block_id)
    .zone(&zone.zone_id)
    .measured(crate::units::round_to(o.area.0, 6), Some(cfg.area_tolerance_mu))
}
