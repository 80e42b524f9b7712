//! Block × zone overlaps: Z1 (restricted) and Z2 (prohibited).
//!
//! Each zone is measured as it is read ([`Targets::work`], in the reader's
//! parallel batches): the block R-tree gives the blocks whose envelopes it
//! meets, and each is intersected exactly on the lon/lat plane: by walking
//! the two boundaries when they cross cleanly ([`crate::geom::general`]),
//! else by i_overlay after clipping a large zone to the block's
//! neighbourhood. The result is measured on the ellipsoid. A zone then needs no geometry after reading
//! unless maps or proposals want it. Per block and class the pieces are
//! unioned ([`from_pieces`]), so zones that overlap each other are counted
//! once.

use super::{bbox, box_relation, clip_if_large, BoxRelation};
use crate::config::ZoningConfig;
use crate::geom::area::{area_m2, perimeter_local_m};
use crate::geom::index::BoxIndex;
use crate::geom::{general, overlay};
use crate::layers::RawFeature;
use crate::model::{Block, Zone, ZoneClass};
use crate::units::Mu;
use geo::{MultiPolygon, Rect};
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

/// One zone's overlap with one block, measured before the zone's class and
/// id are known: as the zone layer is read (see [`Targets`]).
#[derive(Clone, Debug)]
pub struct Piece {
    /// Index of the block.
    pub block: usize,
    /// The intersection; `None` when the zone holds the whole block, so the
    /// piece is the block itself.
    pub geom: Option<MultiPolygon<f64>>,
    /// Its area, m².
    pub m2: f64,
}

/// The park blocks, indexed, that zones are measured against. The zone
/// layer is the big one: measuring each zone as it is read (in the reader's
/// parallel batches) means a zone's geometry is needed only while it is read.
pub struct Targets<'a> {
    blocks: &'a [Block],
    block_area: &'a [Mu],
    boxes: Vec<Rect<f64>>,
    /// Each block ready for the boundary walk (`None`: not walkable).
    walkable: Vec<Option<general::Prepared>>,
    index: BoxIndex,
    /// Sweep zones far from every block too (see [`Targets::work`]).
    validate_far: bool,
    /// Nanoseconds spent in [`Targets::work`]'s measuring, summed over threads.
    spent_ns: std::sync::atomic::AtomicU64,
}

impl<'a> Targets<'a> {
    /// Indexes the blocks (`block_area[i]` is block `i`'s area).
    pub fn new(blocks: &'a [Block], block_area: &'a [Mu]) -> Targets<'a> {
        let boxes: Vec<Rect<f64>> = blocks.iter().map(|b| bbox(&b.geom)).collect();
        let index = BoxIndex::new(boxes.iter().copied());
        let walkable = blocks.iter().map(|b| general::Prepared::new(&b.geom)).collect();
        Targets { blocks, block_area, boxes, walkable, index, validate_far: true, spent_ns: Default::default() }
    }

    /// Whether [`Targets::work`] sweeps zones whose box meets no block's
    /// box for self-intersections (by default it does; the pipeline follows
    /// [`crate::config::ZoningConfig::validate_far_zones`]).
    pub fn validating_far_zones(mut self, yes: bool) -> Self {
        self.validate_far = yes;
        self
    }

    /// Processor time spent measuring in [`Targets::work`] so far, summed
    /// over threads (for `--timings`).
    pub fn spent(&self) -> std::time::Duration {
        std::time::Duration::from_nanos(self.spent_ns.load(std::sync::atomic::Ordering::Relaxed))
    }

    /// The overlaps of a valid zone geometry with the blocks, in block order.
    pub fn pieces(&self, zone: &MultiPolygon<f64>) -> Vec<Piece> {
        let zone_box = bbox(zone);
        self.pieces_of(zone, zone_box, self.index.intersecting_candidates(zone_box))
    }

    /// The overlaps of a zone with `candidates`, the blocks whose boxes meet
    /// its box `zone_box`.
    fn pieces_of(&self, zone: &MultiPolygon<f64>, zone_box: Rect<f64>, candidates: Vec<usize>) -> Vec<Piece> {
        // the zone is made ready for the walk once, if some block needs it
        let walkable = std::cell::OnceCell::new();
        candidates.into_iter().filter_map(|bi| self.piece(zone, zone_box, &walkable, bi)).collect()
    }

    /// The reader's work for a zone feature: validate it and, when valid,
    /// measure it against the blocks.
    ///
    /// A zone whose box meets no block's box can change no answer: unless
    /// far zones are validated too, its check stops at the structure
    /// (finite lon/lat in range, three distinct points per ring), which is
    /// enough to box and draw it, and skips the self-intersection sweep.
    pub fn work(&self, f: &mut RawFeature) {
        use crate::geom::validate::{check_topology, structure_and_box};
        let Ok(g) = &f.geometry else { return };
        let zone_box = match structure_and_box(g) {
            Ok(b) => b,
            Err(e) => {
                f.checked = Some(Err(e));
                return;
            }
        };
        let near = self.index.intersecting_candidates(zone_box);
        if near.is_empty() && !self.validate_far {
            f.structure_only = true;
        } else {
            let checked = check_topology(g);
            if checked.is_err() {
                f.checked = Some(checked);
                return;
            }
        }
        f.checked = Some(Ok(()));
        f.bbox = Some(zone_box);
        let t = std::time::Instant::now();
        f.pieces = Some(self.pieces_of(g, zone_box, near));
        let ns = u64::try_from(t.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.spent_ns.fetch_add(ns, std::sync::atomic::Ordering::Relaxed);
    }

    fn piece(
        &self,
        zone: &MultiPolygon<f64>,
        zone_box: Rect<f64>,
        walkable: &std::cell::OnceCell<Option<general::Prepared>>,
        bi: usize,
    ) -> Option<Piece> {
        let (block, block_box) = (&self.blocks[bi], self.boxes[bi]);
        // most candidates are decided without an overlay: zones that miss
        // the block's box, and zones that contain it whole; most others
        // cross the block cleanly, and the boundaries are walked (which
        // looks at the zone's edges near the block only); the overlay
        // engine takes the rest, the zone clipped to the block's
        // neighbourhood first
        let (geom, m2) = match box_relation(zone, block_box) {
            BoxRelation::Outside => return None,
            BoxRelation::Inside => (None, self.block_area[bi].m2()),
            BoxRelation::Crossing => {
                let zone_walkable = walkable.get_or_init(|| general::Prepared::new(zone));
                let walked = match (&self.walkable[bi], zone_walkable) {
                    (Some(b), Some(z)) => general::intersection_of(b, z),
                    _ => None,
                };
                let inter = walked.unwrap_or_else(|| {
                    let z = clip_if_large(zone, zone_box, block_box);
                    overlay::engine_intersection(&block.geom, z.as_ref())
                });
                if inter.0.is_empty() {
                    return None;
                }
                let m2 = area_m2(&inter);
                (Some(inter), m2)
            }
        };
        // shared edges or vertices only
        (m2 > 0.0).then_some(Piece { block: bi, geom, m2 })
    }
}

/// Checks every block against the zones (for zones that were not measured
/// as they were read).
/// `tick` is called once per block done (from any thread).
pub fn overlaps(
    blocks: &[Block],
    block_area: &[Mu],
    zones: &[Zone],
    cfg: &ZoningConfig,
    tick: &(dyn Fn() + Sync),
) -> Zoning {
    let targets = Targets::new(blocks, block_area);
    let pieces: Vec<Vec<Piece>> = zones.par_iter().map(|z| targets.pieces(&z.geom)).collect();
    from_pieces(blocks, block_area, zones, pieces, cfg, tick)
}

/// The overlaps of every block from the pieces of every zone (`pieces[z]`
/// are zone `z`'s). `tick` is called once per block done (from any thread).
pub fn from_pieces(
    blocks: &[Block],
    block_area: &[Mu],
    zones: &[Zone],
    pieces: Vec<Vec<Piece>>,
    cfg: &ZoningConfig,
    tick: &(dyn Fn() + Sync),
) -> Zoning {
    // each block's pieces, in zone order
    let mut per_block: Vec<Vec<(usize, Piece)>> = (0..blocks.len()).map(|_| Vec::new()).collect();
    for (zi, ps) in pieces.into_iter().enumerate() {
        for p in ps {
            per_block[p.block].push((zi, p));
        }
    }
    let results: Vec<(Vec<Overlap>, BlockZoning)> = per_block
        .into_par_iter()
        .enumerate()
        .map(|(bi, ps)| {
            let r = block_overlaps(bi, &blocks[bi], block_area[bi], ps, zones, cfg);
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
fn union_area(parts: &[(&MultiPolygon<f64>, f64)]) -> Mu {
    use geo::Intersects;
    let boxes: Vec<_> = parts.iter().map(|(p, _)| bbox(p)).collect();
    let (mut alone, mut crowded) = (Vec::new(), Vec::new());
    for (i, (p, m2)) in parts.iter().enumerate() {
        // (boxes that touch meet)
        if (0..parts.len()).any(|j| j != i && boxes[i].intersects(&boxes[j])) {
            crowded.push(*p);
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

/// One block's overlaps and totals from its pieces (in zone order).
fn block_overlaps(
    bi: usize,
    block: &Block,
    block_area: Mu,
    pieces: Vec<(usize, Piece)>,
    zones: &[Zone],
    cfg: &ZoningConfig,
) -> (Vec<Overlap>, BlockZoning) {
    let slot = |zi: usize| match zones[zi].class {
        ZoneClass::Restricted => 0,
        ZoneClass::Prohibited => 1,
    };
    // per class: the union of its pieces (a zone holding the whole block
    // settles its class at once)
    let mut totals = BlockZoning::default();
    for class_slot in 0..2 {
        let mut parts: Vec<(&MultiPolygon<f64>, f64)> = Vec::new();
        let mut whole = false;
        for (_, p) in pieces.iter().filter(|(zi, _)| slot(*zi) == class_slot) {
            match &p.geom {
                None => whole = true,
                Some(g) => parts.push((g, p.m2)),
            }
        }
        let total = match parts.len() {
            _ if whole => block_area,
            0 => Mu::ZERO,
            1 => Mu::from_m2(parts[0].1),
            _ => union_area(&parts),
        };
        if class_slot == 0 {
            totals.restricted = total;
        } else {
            totals.prohibited = total;
        }
    }
    let mut found = Vec::new();
    for (zi, p) in pieces {
        let area = Mu::from_m2(p.m2);
        if area.0 <= cfg.area_tolerance_mu {
            totals.below_tolerance.0 += 1;
            totals.below_tolerance.1 += area;
            continue;
        }
        let geom = p.geom.unwrap_or_else(|| block.geom.clone());
        let perimeter: f64 = geom.0.iter().map(perimeter_local_m).sum();
        let width_m = if perimeter > 0.0 { 2.0 * p.m2 / perimeter } else { 0.0 };
        found.push(Overlap {
            block: bi,
            zone: zi,
            block_share: if block_area.0 > 0.0 { (area.0 / block_area.0).min(1.0) } else { 0.0 },
            sliver: width_m < cfg.sliver_width_m,
            width_m,
            area,
            geom,
        });
    }
    found.sort_by(|a, b| zones[a.zone].zone_id.cmp(&zones[b.zone].zone_id));
    (found, totals)
}
