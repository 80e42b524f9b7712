//! From blocks to parks: grouping, the county a block lies in, scope (S1/S2).

use crate::config::ScopeConfig;
use crate::findings::{Finding, Location, Severity};
use crate::geom::area::area_m2;
use crate::geom::index::BoxIndex;
use crate::layers::records::league_of;
use crate::measure::bbox;
use crate::model::{Block, County};
use crate::rules;
use crate::units::Mu;
use geo::MultiPolygon;
use std::collections::BTreeMap;

/// A park: its blocks (indices into the block list) and what they share.
#[derive(Clone, Debug)]
pub struct Park {
    /// Park id.
    pub park_id: String,
    /// Name (from its first block that has one).
    pub park_name: Option<String>,
    /// Type (S1/S2).
    pub park_type: Option<String>,
    /// County adcode.
    pub county_adcode: Option<String>,
    /// County name.
    pub county_name: Option<String>,
    /// League adcode.
    pub league_adcode: Option<String>,
    /// League name.
    pub league_name: Option<String>,
    /// Leading industries.
    pub leading_industries: Vec<String>,
    /// Indices of its blocks, input order.
    pub blocks: Vec<usize>,
    /// The union of its blocks.
    pub geom: MultiPolygon<f64>,
    /// Geodesic area of the union.
    pub area: Mu,
    /// In scope (S1), or out of scope (S2).
    pub in_scope: bool,
}

/// Fills a missing `county_adcode` from the county the block overlaps most,
/// with an info finding (D7) for each one filled.
pub fn fill_counties(blocks: &mut [Block], counties: &[County]) -> Vec<Finding> {
    let mut out = Vec::new();
    if counties.is_empty() {
        return out;
    }
    let index = BoxIndex::new(counties.iter().map(|c| bbox(&c.geom)));
    for b in blocks.iter_mut().filter(|b| b.county_adcode.is_none()) {
        let mut best: Option<(f64, usize)> = None;
        for ci in index.intersecting_candidates(bbox(&b.geom)) {
            let a = area_m2(&crate::geom::overlay::intersection(&b.geom, &counties[ci].geom));
            if a > 0.0 && best.is_none_or(|(ba, _)| a > ba) {
                best = Some((a, ci));
            }
        }
        let Some((a, ci)) = best else { continue };
        let c = &counties[ci];
        let share = a / area_m2(&b.geom);
        b.county_adcode = Some(c.adcode.clone());
        if b.county_name.is_none() {
            b.county_name = c.name.clone();
        }
        if b.league_adcode.is_none() {
            b.league_adcode = c.parent_adcode.clone().or_else(|| league_of(&c.adcode));
        }
        if b.league_name.is_none() {
            b.league_name = c.parent_name.clone();
        }
        out.push(
            Finding::new(
                rules::D7,
                Severity::Info,
                format!(
                    "block {} has no county_adcode; it was taken from the counties layer: {} {} ({:.1}% of the block lies in it)",
                    b.block_id,
                    c.adcode,
                    c.name.as_deref().unwrap_or(""),
                    share * 100.0
                ),
            )
            .park(&b.park_id)
            .block(&b.block_id),
        );
    }
    out
}

/// Whether a park type is out of scope (S2).
pub fn out_of_scope(park_type: Option<&str>, cfg: &ScopeConfig) -> bool {
    park_type.is_some_and(|t| cfg.out_of_scope_types.iter().any(|k| t.contains(k.as_str())))
}

/// Groups blocks into parks (ordered by park_id) and measures each union.
pub fn group(blocks: &[Block], scope: &ScopeConfig) -> (Vec<Park>, Vec<Finding>) {
    let block_area: Vec<Mu> = blocks.iter().map(|b| Mu::from_m2(area_m2(&b.geom))).collect();
    group_measured(blocks, &block_area, scope)
}

/// [`group`] with the blocks' geodesic areas already measured (same order).
pub fn group_measured(blocks: &[Block], block_area: &[Mu], scope: &ScopeConfig) -> (Vec<Park>, Vec<Finding>) {
    let mut by_park: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, b) in blocks.iter().enumerate() {
        by_park.entry(b.park_id.as_str()).or_default().push(i);
    }
    let mut findings = Vec::new();
    let parks: Vec<Park> = by_park
        .into_iter()
        .map(|(id, idx)| {
            let first = |f: &dyn Fn(&Block) -> Option<String>| idx.iter().find_map(|&i| f(&blocks[i]));
            let geom = if idx.len() == 1 {
                blocks[idx[0]].geom.clone()
            } else {
                crate::geom::overlay::union_all(idx.iter().map(|&i| &blocks[i].geom))
            };
            // The park's area is the sum of its blocks' areas when they do not
            // overlap (they may share edges): the union drops collinear
            // vertices, and with geodesic edges that would shift the area.
            let sum_m2: f64 = idx.iter().map(|&i| block_area[i].m2()).sum();
            let union_m2 = area_m2(&geom);
            let area_m2_used = if (sum_m2 - union_m2).abs() <= 1e-4 * sum_m2 {
                sum_m2
            } else {
                findings.push(
                    Finding::new(
                        rules::D5,
                        Severity::Warning,
                        format!(
                            "park {id}: its blocks overlap each other ({:.4} mu counted twice); the park's area is that of their union",
                            (sum_m2 - union_m2) / crate::units::M2_PER_MU
                        ),
                    )
                    .park(id),
                );
                union_m2
            };
            let park_type = first(&|b| b.park_type.clone());
            let in_scope = !out_of_scope(park_type.as_deref(), scope);
            let counties: std::collections::BTreeSet<&str> =
                idx.iter().filter_map(|&i| blocks[i].county_adcode.as_deref()).collect();
            if counties.len() > 1 {
                findings.push(
                    Finding::new(
                        rules::D5,
                        Severity::Warning,
                        format!(
                            "park {id}: its blocks name different counties ({}); the first block's county is used for the layout rules",
                            counties.iter().copied().collect::<Vec<_>>().join(", ")
                        ),
                    )
                    .park(id),
                );
            }
            Park {
                park_id: id.to_owned(),
                park_name: first(&|b| b.park_name.clone()),
                county_adcode: first(&|b| b.county_adcode.clone()),
                county_name: first(&|b| b.county_name.clone()),
                league_adcode: first(&|b| b.league_adcode.clone()),
                league_name: first(&|b| b.league_name.clone()),
                leading_industries: idx.iter().map(|&i| &blocks[i].leading_industries).find(|v| !v.is_empty()).cloned().unwrap_or_default(),
                area: Mu::from_m2(area_m2_used),
                park_type,
                in_scope,
                blocks: idx,
                geom,
            }
        })
        .collect();
    for p in parks.iter().filter(|p| !p.in_scope) {
        findings.push(
            Finding::new(
                rules::S2,
                Severity::Info,
                format!(
                    "park {} {} is a {}: out of scope of the evaluation (logistics parks and non-industrial customs zones); listed, not scored",
                    p.park_id,
                    p.park_name.as_deref().unwrap_or(""),
                    p.park_type.as_deref().unwrap_or("")
                ),
            )
            .park(&p.park_id),
        );
    }
    (parks, findings)
}

/// D12: blocks of different parks that overlap by more than `tolerance_mu`.
/// The shared land is counted in both parks' areas, quotas and per-mu
/// figures; one finding per pair, on the first block of the pair (in layer
/// order), naming the other. Blocks that only share an edge do not count.
pub fn cross_park_overlaps(blocks: &[Block], block_area: &[Mu], tolerance_mu: f64) -> Vec<Finding> {
    let all: Vec<&Block> = blocks.iter().collect();
    overlapping_pairs(&all, tolerance_mu, &|i, j| blocks[i].park_id != blocks[j].park_id)
        .into_iter()
        .map(|(i, j, mu)| {
            let (a, b) = (&blocks[i], &blocks[j]);
            let share = |k: usize| 100.0 * mu.0 / block_area[k].0.max(f64::MIN_POSITIVE);
            Finding::new(
                rules::D12,
                Severity::Warning,
                format!(
                    "block {} of park {} and block {} of park {} overlap by {:.4} mu ({:.1}% of {}, {:.1}% of {}): the land is counted in both parks. Correct the boundaries in the parks layer.",
                    a.block_id, a.park_id, b.block_id, b.park_id, mu.0, share(i), a.block_id, share(j), b.block_id
                ),
            )
            .park(&a.park_id)
            .block(&a.block_id)
            .at(Location { file: a.origin.file.clone(), feature: Some(a.origin.feature), ..Location::default() })
        })
        .collect()
}

/// Pairs `(i, j)`, `i < j`, of `blocks` that `wanted(i, j)` and that overlap
/// by more than `tolerance_mu`, with the overlap; in order of `i`, then `j`.
pub fn overlapping_pairs(
    blocks: &[&Block],
    tolerance_mu: f64,
    wanted: &(dyn Fn(usize, usize) -> bool + Sync),
) -> Vec<(usize, usize, Mu)> {
    use rayon::prelude::*;
    let boxes: Vec<geo::Rect<f64>> = blocks.iter().map(|b| bbox(&b.geom)).collect();
    let index = BoxIndex::new(boxes.iter().copied());
    (0..blocks.len())
        .into_par_iter()
        .flat_map_iter(|i| {
            let pairs: Vec<(usize, usize, Mu)> = index
                .intersecting_candidates(boxes[i])
                .into_iter()
                .filter(|&j| j > i && wanted(i, j))
                .filter_map(|j| {
                    let shared = crate::geom::overlay::intersection(&blocks[i].geom, &blocks[j].geom);
                    let mu = Mu::from_m2(area_m2(&shared));
                    (mu.0 > tolerance_mu).then_some((i, j, mu))
                })
                .collect();
            pairs
        })
        .collect()
}
