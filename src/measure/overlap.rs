//! Block × zone overlaps: Z1 (restricted) and Z2 (prohibited).
//!
//! Candidates come from the zone R-tree by envelope; each candidate is
//! intersected exactly (geo's boolean ops on the lon/lat plane, after
//! clipping large zones to the block's neighbourhood) and the result is
//! measured on the ellipsoid. Per block and class the overlaps are unioned
//! first, so zones that overlap each other are counted once.

use super::{bbox, box_relation, clip_if_large, BoxRelation};
use crate::config::ZoningConfig;
use crate::geom::area::{area_m2, perimeter_local_m};
use crate::geom::index::BoxIndex;
use crate::geom::overlay;
use crate::model::{Block, Zone, ZoneClass};
use crate::units::Mu;
use geo::MultiPolygon;
use rayon::prelude::*;

/// One (block, zone) overlap above the area tolerance.
#[derive(Clone, Debug)]
pub struct Overlap {
    /// Index of the block.
    pub block: usize,
    /// Index of the zone.
    pub zone: usize,
    /// The intersection.
    pub geom: MultiPolygon<f64>,
    /// Its area.
    pub area: Mu,
    /// Its share of the block's area, 0..1.
    pub block_share: f64,
    /// Mean width, 2·area/perimeter, metres.
    pub width_m: f64,
    /// Narrower than the sliver width: digitising noise along a border.
    pub sliver: bool,
}

/// Zoning totals of one block.
#[derive(Clone, Debug, Default)]
pub struct BlockZoning {
    /// Area inside restricted zones (union of them), mu.
    pub restricted: Mu,
    /// Area inside prohibited zones (union of them), mu.
    pub prohibited: Mu,
    /// Overlaps at or below the tolerance: how many, and their total.
    pub below_tolerance: (usize, Mu),
}

/// Overlaps of every block, in block order then zone order.
pub struct Zoning {
    /// Overlaps above the tolerance.
    pub overlaps: Vec<Overlap>,
    /// Per block, same order as the blocks.
    pub per_block: Vec<BlockZoning>,
}

/// Checks every block against the zones.
/// `tick` is called once per block done (from any thread).
pub fn overlaps(
    blocks: &[Block],
    block_area: &[Mu],
    zones: &[Zone],
    cfg: &ZoningConfig,
    tick: &(dyn Fn() + Sync),
) -> Zoning {
    let index = BoxIndex::new(zones.iter().map(|z| z.bbox));
    let results: Vec<(Vec<Overlap>, BlockZoning)> = blocks
        .par_iter()
        .enumerate()
        .map(|(bi, b)| {
            let r = block_overlaps(bi, b, block_area[bi], zones, &index, cfg);
            tick();
            r
        })
        .collect();
    let mut overlaps = Vec::new();
    let mut per_block = Vec::with_capacity(results.len());
    for (o, z) in results {
        overlaps.extend(o);
        per_block.push(z);
    }
    Zoning { overlaps, per_block }
}

/// Area of the union of overlap pieces, each given with its area in m²:
/// pieces whose boxes meet no other piece's box are simply added; only the
/// ones that may overlap are unioned.
fn union_area(parts: &[(MultiPolygon<f64>, f64)]) -> Mu {
    let boxes: Vec<_> = parts.iter().map(|(p, _)| bbox(p)).collect();
    let meets = |a: &geo::Rect<f64>, b: &geo::Rect<f64>| {
        a.min().x <= b.max().x && b.min().x <= a.max().x && a.min().y <= b.max().y && b.min().y <= a.max().y
    };
    let (mut alone, mut crowded) = (Vec::new(), Vec::new());
    for (i, (p, m2)) in parts.iter().enumerate() {
        if (0..parts.len()).any(|j| j != i && meets(&boxes[i], &boxes[j])) {
            crowded.push(p);
        } else {
            alone.push(*m2);
        }
    }
    let mut m2: f64 = alone.iter().sum();
    if !crowded.is_empty() {
        m2 += area_m2(&overlay::union_all(crowded));
    }
    Mu::from_m2(m2)
}

fn block_overlaps(
    bi: usize,
    block: &Block,
    block_area: Mu,
    zones: &[Zone],
    index: &BoxIndex,
    cfg: &ZoningConfig,
) -> (Vec<Overlap>, BlockZoning) {
    let bbox = bbox(&block.geom);
    let mut found = Vec::new();
    let mut totals = BlockZoning::default();
    let mut by_class: [Vec<(MultiPolygon<f64>, f64)>; 2] = [Vec::new(), Vec::new()];
    // a zone that holds the whole block settles its class's union at once
    let mut whole = [false, false];
    for zi in index.intersecting_candidates(bbox) {
        let zone = &zones[zi];
        let z = clip_if_large(&zone.geom, zone.bbox, bbox);
        if z.0.is_empty() {
            continue;
        }
        // most candidates are decided without an overlay: zones that miss
        // the block's box, and zones that contain it whole
        let relation = box_relation(z.as_ref(), bbox);
        let inter = match relation {
            BoxRelation::Outside => continue,
            BoxRelation::Inside => block.geom.clone(),
            BoxRelation::Crossing => overlay::intersection(&block.geom, z.as_ref()),
        };
        if inter.0.is_empty() {
            continue;
        }
        let m2 = if relation == BoxRelation::Inside { block_area.m2() } else { area_m2(&inter) };
        if m2 <= 0.0 {
            continue; // shared edges or vertices only
        }
        let area = Mu::from_m2(m2);
        let class_slot = match zone.class {
            ZoneClass::Restricted => 0,
            ZoneClass::Prohibited => 1,
        };
        if relation == BoxRelation::Inside {
            whole[class_slot] = true;
        } else if !whole[class_slot] {
            by_class[class_slot].push((inter.clone(), m2));
        }
        if area.0 <= cfg.area_tolerance_mu {
            totals.below_tolerance.0 += 1;
            totals.below_tolerance.1 += area;
            continue;
        }
        let perimeter: f64 = inter.0.iter().map(perimeter_local_m).sum();
        let width_m = if perimeter > 0.0 { 2.0 * m2 / perimeter } else { 0.0 };
        found.push(Overlap {
            block: bi,
            zone: zi,
            block_share: if block_area.0 > 0.0 { (area.0 / block_area.0).min(1.0) } else { 0.0 },
            sliver: width_m < cfg.sliver_width_m,
            width_m,
            area,
            geom: inter,
        });
    }
    for (slot, parts) in by_class.iter().enumerate() {
        let total = match parts.len() {
            _ if whole[slot] => block_area,
            0 => Mu::ZERO,
            1 => Mu::from_m2(parts[0].1),
            _ => union_area(parts),
        };
        if slot == 0 {
            totals.restricted = total;
        } else {
            totals.prohibited = total;
        }
    }
    found.sort_by(|a, b| zones[a.zone].zone_id.cmp(&zones[b.zone].zone_id));
    (found, totals)
}
