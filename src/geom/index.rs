//! R-tree (rstar 0.12, as geo 0.33 links it) over bounding boxes.
//!
//! Queries here compare envelopes only: they return `*_candidates`, and the
//! exact test is the caller's.

use geo::Rect;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};

/// Bounding boxes of a layer's records, by index, bulk-loaded.
pub struct BoxIndex {
    tree: RTree<GeomWithData<Rectangle<[f64; 2]>, usize>>,
}

impl BoxIndex {
    /// Indexes `boxes[i]` under `i`.
    pub fn new(boxes: impl IntoIterator<Item = Rect<f64>>) -> BoxIndex {
        let items = boxes
            .into_iter()
            .enumerate()
            .map(|(i, r)| GeomWithData::new(Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]), i))
            .collect();
        BoxIndex { tree: RTree::bulk_load(items) }
    }

    /// Indices whose box intersects `r` (touching counts), ascending.
    pub fn intersecting_candidates(&self, r: Rect<f64>) -> Vec<usize> {
        let env = AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]);
        let mut v: Vec<usize> = self.tree.locate_in_envelope_intersecting(&env).map(|g| g.data).collect();
        v.sort_unstable();
        v
    }

    /// Number of indexed boxes.
    pub fn len(&self) -> usize {
        self.tree.size()
    }

    /// Whether nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.tree.size() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::Coord;

    /// Tiny deterministic generator (xorshift), so the test needs no crate.
    fn rng(seed: &mut u64) -> f64 {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        (*seed >> 11) as f64 / (1u64 << 53) as f64
    }

    fn rect(s: &mut u64) -> Rect<f64> {
        let (x, y) = (110.0 + rng(s) * 10.0, 40.0 + rng(s) * 5.0);
        let (w, h) = (rng(s) * 0.5, rng(s) * 0.5);
        Rect::new(Coord { x, y }, Coord { x: x + w, y: y + h })
    }

    fn boxes_meet(a: Rect<f64>, b: Rect<f64>) -> bool {
        a.min().x <= b.max().x && b.min().x <= a.max().x && a.min().y <= b.max().y && b.min().y <= a.max().y
    }

    #[test]
    fn candidates_equal_brute_force_on_seeded_layers() {
        for seed in [1u64, 42, 2019, 77_777] {
            let mut s = seed;
            let boxes: Vec<Rect<f64>> = (0..2000).map(|_| rect(&mut s)).collect();
            let idx = BoxIndex::new(boxes.iter().copied());
            for _ in 0..200 {
                let q = rect(&mut s);
                let brute: Vec<usize> = (0..boxes.len()).filter(|&i| boxes_meet(boxes[i], q)).collect();
                assert_eq!(idx.intersecting_candidates(q), brute, "seed {seed}");
            }
        }
    }
}
