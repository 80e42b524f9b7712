//! Layout rules: parks per county (L1, L2), blocks per park (L3), and the
//! approved-area check (D8).

use crate::config::{AreaConfig, LayoutConfig};
use crate::findings::{Finding, Severity};
use crate::model::{Block, County};
use crate::parks::Park;
use crate::rules;
use crate::units::Mu;
use std::collections::{BTreeMap, BTreeSet};

/// The strong counties (L2): configured ones plus those the counties layer flags.
pub fn strong_counties(cfg: &LayoutConfig, counties: &[County]) -> BTreeSet<String> {
    cfg.strong_counties
        .iter()
        .cloned()
        .chain(counties.iter().filter(|c| c.strong == Some(true)).map(|c| c.adcode.clone()))
        .collect()
}

/// L1/L2 per county and L3 per park, over in-scope parks.
pub fn check(parks: &[Park], blocks: &[Block], strong: &BTreeSet<String>, cfg: &LayoutConfig) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut by_county: BTreeMap<&str, Vec<&Park>> = BTreeMap::new();
    for p in parks.iter().filter(|p| p.in_scope) {
        match p.county_adcode.as_deref() {
            Some(c) => by_county.entry(c).or_default().push(p),
            None => out.push(
                Finding::new(
                    rules::L1,
                    Severity::Warning,
                    format!(
                        "park {}: no county_adcode on its blocks and none could be taken from a counties layer, so the county quota cannot be checked; add county_adcode or a counties layer",
                        p.park_id
                    ),
                )
                .park(&p.park_id),
            ),
        }
    }
    for (county, ps) in &by_county {
        let is_strong = strong.contains(*county);
        let quota = if is_strong { cfg.parks_per_strong_county } else { cfg.parks_per_county };
        if ps.len() > quota {
            let rule = if is_strong { rules::L2 } else { rules::L1 };
            let name = ps.iter().find_map(|p| p.county_name.as_deref()).unwrap_or("");
            let list = ps
                .iter()
                .map(|p| format!("{} {}", p.park_id, p.park_name.as_deref().unwrap_or("")))
                .collect::<Vec<_>>();
            for p in ps {
                out.push(
                    Finding::new(
                        rule,
                        Severity::Violation,
                        format!(
                            "county {county} {name}{} has {} parks, {} allowed: {}",
                            if is_strong { " (economically strong)" } else { "" },
                            ps.len(),
                            quota,
                            list.join("; ")
                        ),
                    )
                    .park(&p.park_id)
                    .measured(ps.len() as f64, Some(quota as f64)),
                );
            }
        }
    }
    for p in parks.iter().filter(|p| p.in_scope && p.blocks.len() > cfg.max_blocks) {
        let ids = p.blocks.iter().map(|&i| blocks[i].block_id.as_str()).collect::<Vec<_>>();
        out.push(
            Finding::new(
                rules::L3,
                Severity::Violation,
                format!(
                    "park {} has {} blocks ({}), at most {} allowed: the extra blocks must be merged or given up",
                    p.park_id,
                    p.blocks.len(),
                    ids.join(", "),
                    cfg.max_blocks
                ),
            )
            .park(&p.park_id)
            .measured(p.blocks.len() as f64, Some(cfg.max_blocks as f64)),
        );
    }
    out
}

/// D8: the measured area against the declared approved area (批复面积).
///
/// When every block of a park carries the same value it is read as the
/// park's approved area and compared with the park's measured area;
/// otherwise each block's value is compared with that block.
pub fn approved_area(parks: &[Park], blocks: &[Block], block_area: &[Mu], cfg: &AreaConfig) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut flag = |measured: f64, approved: f64, park: &str, block: Option<&str>| {
        let dev = (measured - approved) / approved;
        if dev.abs() > cfg.approved_deviation_share {
            let what = block.map_or_else(|| format!("park {park}"), |b| format!("block {b}"));
            out.push(
                Finding::new(
                    rules::D8,
                    Severity::Warning,
                    format!(
                        "{what}: measured {measured:.2} mu differs from the approved {approved:.2} mu by {:+.1}% (more than ±{:.1}%): the boundary may have drifted from what was approved",
                        dev * 100.0,
                        cfg.approved_deviation_share * 100.0
                    ),
                )
                .park(park)
                .block_opt(block)
                .measured(measured, Some(approved)),
            );
        }
    };
    for p in parks {
        let vals: Vec<Option<f64>> = p.blocks.iter().map(|&i| blocks[i].approved_area_mu).collect();
        let same = p.blocks.len() > 1 && vals.iter().all(|v| v.is_some() && *v == vals[0]);
        if same {
            if let Some(a) = vals[0] {
                flag(p.area.0, a, &p.park_id, None);
            }
        } else {
            for &i in &p.blocks {
                if let Some(a) = blocks[i].approved_area_mu {
                    flag(block_area[i].0, a, &p.park_id, Some(&blocks[i].block_id));
                }
            }
        }
    }
    out
}
