//! Label placement: greedy, by priority, so names never pile on each other.
//!
//! Each label offers candidate boxes (right of its feature, then left,
//! above, below, the diagonals); the first that stays inside the map and
//! overlaps no obstacle (a placed label, a park symbol, the legend, …) is
//! taken, and becomes an obstacle itself. A label with no free candidate is
//! dropped and counted; the legend says how many.

use super::render::Pt;
use super::shape::Rect;

/// Placed boxes and fixed obstacles.
pub(crate) struct Placer {
    bounds: Rect,
    taken: Vec<Rect>,
}

impl Placer {
    /// Labels must stay inside `bounds`.
    pub fn new(bounds: Rect) -> Placer {
        Placer { bounds, taken: Vec::new() }
    }

    /// Marks `r` as occupied.
    pub fn block(&mut self, r: Rect) {
        self.taken.push(r);
    }

    /// Whether `r` is inside the bounds and free.
    pub fn is_free(&self, r: &Rect) -> bool {
        self.bounds.contains(r) && !self.taken.iter().any(|t| t.overlaps(r))
    }

    /// Takes the first free candidate: its index, or `None` (the label is dropped).
    pub fn place(&mut self, candidates: &[Rect]) -> Option<usize> {
        let i = candidates.iter().position(|c| self.is_free(c))?;
        self.taken.push(candidates[i]);
        Some(i)
    }
}

/// A place for a label, with the leader line that ties it to its feature when it is set apart.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Candidate {
    /// The label's box.
    pub rect: Rect,
    /// Leader line (from the feature, to the label), if any.
    pub leader: Option<(Pt, Pt)>,
}

/// Candidates next to `feature` (`gap` px away), then set apart at each
/// distance of `far` with a leader line.
pub(crate) fn candidates(feature: &Rect, w: f64, h: f64, gap: f64, far: &[f64]) -> Vec<Candidate> {
    let mut out: Vec<Candidate> =
        around(feature, w, h, gap).into_iter().map(|rect| Candidate { rect, leader: None }).collect();
    for d in far {
        for rect in around(feature, w, h, *d) {
            let (cx, cy) = rect.center();
            let (fx, fy) = feature.center();
            let from = (cx.clamp(feature.x0, feature.x1), cy.clamp(feature.y0, feature.y1));
            let to = (fx.clamp(rect.x0, rect.x1), fy.clamp(rect.y0, rect.y1));
            out.push(Candidate { rect, leader: Some((from, to)) });
        }
    }
    out
}

/// Small boxes along a leader, leaving its ends free (they touch the feature and the label).
fn leader_boxes(from: Pt, to: Pt, step: f64) -> Vec<Rect> {
    let len = (to.0 - from.0).hypot(to.1 - from.1);
    let n = (len / step).floor() as usize;
    (1..n)
        .map(|k| {
            let t = k as f64 / n as f64;
            let p = (from.0 + (to.0 - from.0) * t, from.1 + (to.1 - from.1) * t);
            Rect::xywh(p.0 - step / 4.0, p.1 - step / 4.0, step / 2.0, step / 2.0)
        })
        .collect()
}

impl Placer {
    /// Takes the first candidate whose box and leader are free; both become obstacles.
    pub fn place_candidate(&mut self, cands: &[Candidate], step: f64) -> Option<usize> {
        let i = cands.iter().position(|c| {
            self.is_free(&c.rect)
                && c.leader.is_none_or(|(a, b)| leader_boxes(a, b, step).iter().all(|r| self.is_free(r)))
        })?;
        self.taken.push(cands[i].rect);
        if let Some((a, b)) = cands[i].leader {
            self.taken.extend(leader_boxes(a, b, step));
        }
        Some(i)
    }
}

/// Candidate boxes of size `w` × `h` around `feature`, `gap` px away, in order of preference.
pub(crate) fn around(feature: &Rect, w: f64, h: f64, gap: f64) -> Vec<Rect> {
    let (cx, cy) = feature.center();
    let f = feature;
    vec![
        Rect::xywh(f.x1 + gap, cy - h / 2.0, w, h),
        Rect::xywh(f.x0 - gap - w, cy - h / 2.0, w, h),
        Rect::xywh(cx - w / 2.0, f.y0 - gap - h, w, h),
        Rect::xywh(cx - w / 2.0, f.y1 + gap, w, h),
        Rect::xywh(f.x1 + gap * 0.7, f.y0 - gap * 0.7 - h, w, h),
        Rect::xywh(f.x1 + gap * 0.7, f.y1 + gap * 0.7, w, h),
        Rect::xywh(f.x0 - gap * 0.7 - w, f.y0 - gap * 0.7 - h, w, h),
        Rect::xywh(f.x0 - gap * 0.7 - w, f.y1 + gap * 0.7, w, h),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Placed labels never overlap one another or an obstacle, stay in
        /// bounds, and a label is dropped only when every candidate was blocked.
        #[test]
        fn placed_labels_never_overlap(
            obstacles in prop::collection::vec((0.0..500.0f64, 0.0..500.0f64, 1.0..40.0f64, 1.0..40.0f64), 0..20),
            features in prop::collection::vec((0.0..500.0f64, 0.0..500.0f64, 10.0..120.0f64, 8.0..30.0f64), 1..60),
        ) {
            let bounds = Rect::xywh(0.0, 0.0, 500.0, 500.0);
            let mut p = Placer::new(bounds);
            let obstacles: Vec<Rect> = obstacles.iter().map(|&(x, y, w, h)| Rect::xywh(x, y, w, h)).collect();
            for o in &obstacles {
                p.block(*o);
            }
            let mut placed: Vec<Rect> = Vec::new();
            for &(x, y, w, h) in &features {
                let c = around(&Rect::xywh(x, y, 4.0, 4.0), w, h, 3.0);
                match p.place(&c) {
                    Some(i) => placed.push(c[i]),
                    None => {
                        for cand in &c {
                            let blocked = !bounds.contains(cand)
                                || obstacles.iter().chain(&placed).any(|o| o.overlaps(cand));
                            prop_assert!(blocked, "dropped although {cand:?} was free");
                        }
                    }
                }
            }
            for (i, a) in placed.iter().enumerate() {
                prop_assert!(bounds.contains(a));
                prop_assert!(!obstacles.iter().any(|o| o.overlaps(a)));
                for b in &placed[i + 1..] {
                    prop_assert!(!a.overlaps(b), "{a:?} overlaps {b:?}");
                }
            }
        }
    }
}
