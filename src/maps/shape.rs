//! Page-space geometry: rectangles, clipping to the map frame, and dropping
//! vertices closer together than the eye can see.

use super::render::Pt;
use crate::geom::distance::closest_on_segment;

/// An axis-aligned rectangle on the page, px.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Rect {
    /// Left.
    pub x0: f64,
    /// Top.
    pub y0: f64,
    /// Right.
    pub x1: f64,
    /// Bottom.
    pub y1: f64,
}

impl Rect {
    /// From left, top, width, height.
    pub fn xywh(x: f64, y: f64, w: f64, h: f64) -> Rect {
        Rect { x0: x, y0: y, x1: x + w, y1: y + h }
    }

    /// Width.
    pub fn w(&self) -> f64 {
        self.x1 - self.x0
    }

    /// Height.
    pub fn h(&self) -> f64 {
        self.y1 - self.y0
    }

    /// Centre.
    pub fn center(&self) -> Pt {
        ((self.x0 + self.x1) / 2.0, (self.y0 + self.y1) / 2.0)
    }

    /// Grown by `d` on every side.
    pub fn grow(&self, d: f64) -> Rect {
        Rect { x0: self.x0 - d, y0: self.y0 - d, x1: self.x1 + d, y1: self.y1 + d }
    }

    /// Whether the interiors overlap.
    pub fn overlaps(&self, o: &Rect) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }

    /// Whether `o` lies wholly inside.
    pub fn contains(&self, o: &Rect) -> bool {
        o.x0 >= self.x0 && o.x1 <= self.x1 && o.y0 >= self.y0 && o.y1 <= self.y1
    }

    /// Whether the point lies inside.
    pub fn contains_pt(&self, p: Pt) -> bool {
        p.0 >= self.x0 && p.0 <= self.x1 && p.1 >= self.y0 && p.1 <= self.y1
    }

    /// The corner points, closed.
    pub fn ring(&self) -> Vec<Pt> {
        vec![(self.x0, self.y0), (self.x1, self.y0), (self.x1, self.y1), (self.x0, self.y1)]
    }

    /// Bounding box of points; `None` if there are none.
    pub fn around<'a>(pts: impl IntoIterator<Item = &'a Pt>) -> Option<Rect> {
        let mut r: Option<Rect> = None;
        for p in pts {
            r = Some(match r {
                None => Rect { x0: p.0, y0: p.1, x1: p.0, y1: p.1 },
                Some(r) => Rect { x0: r.x0.min(p.0), y0: r.y0.min(p.1), x1: r.x1.max(p.0), y1: r.y1.max(p.1) },
            });
        }
        r
    }
}

/// Drops vertices within `tol` px of the last one kept (the last vertex is always kept).
pub(crate) fn decimate(pts: impl IntoIterator<Item = Pt>, tol: f64) -> Vec<Pt> {
    let mut out: Vec<Pt> = Vec::new();
    let mut last_dropped: Option<Pt> = None;
    let tol2 = tol * tol;
    for p in pts {
        match out.last() {
            Some(q) if (p.0 - q.0).powi(2) + (p.1 - q.1).powi(2) < tol2 => last_dropped = Some(p),
            _ => {
                out.push(p);
                last_dropped = None;
            }
        }
    }
    if let Some(p) = last_dropped {
        out.push(p);
    }
    out
}

/// Douglas–Peucker: the vertices of `pts` that a path through the first
/// and the last needs to stay within `tol` px of every vertex (the first
/// and the last are always kept; a closed ring stays closed). What it drops
/// cannot show on the page, and it keeps long boundaries of many small
/// wiggles from costing a stroke and an SVG coordinate per wiggle.
pub(crate) fn simplify(pts: &[Pt], tol: f64) -> Vec<Pt> {
    let n = pts.len();
    if n < 3 {
        return pts.to_vec();
    }
    let tol2 = tol * tol;
    let mut keep = vec![false; n];
    keep[0] = true;
    keep[n - 1] = true;
    let mut stack = vec![(0, n - 1)];
    while let Some((i, j)) = stack.pop() {
        let (a, b) = (pts[i], pts[j]);
        let mut far = (0.0, 0);
        for (k, &p) in pts.iter().enumerate().take(j).skip(i + 1) {
            let d2 = segment_distance2(p, a, b);
            if d2 > far.0 {
                far = (d2, k);
            }
        }
        if far.0 > tol2 {
            keep[far.1] = true;
            stack.push((far.1, j));
            stack.push((i, far.1));
        }
    }
    pts.iter().zip(keep).filter(|(_, k)| *k).map(|(p, _)| *p).collect()
}

/// Squared distance from `p` to the segment `a`–`b` (to `a` if it is a
/// point): [`closest_on_segment`] on page points.
fn segment_distance2(p: Pt, a: Pt, b: Pt) -> f64 {
    let c = |(x, y): Pt| geo::Coord { x, y };
    closest_on_segment(c(p), c(a), c(b)).1
}

/// Sutherland–Hodgman clip of a ring to a rectangle. The result has the same
/// interior inside the rectangle, so even-odd fills of clipped rings are right.
pub(crate) fn clip_ring(ring: &[Pt], r: &Rect) -> Vec<Pt> {
    if let Some(b) = Rect::around(ring) {
        if r.contains(&b) {
            return ring.to_vec();
        }
        if !r.overlaps(&b) {
            return Vec::new();
        }
    }
    let mut pts = ring.to_vec();
    // (inside test, intersection with the edge) per side.
    type Side = (fn(Pt, &Rect) -> bool, fn(Pt, Pt, &Rect) -> Pt);
    let sides: [Side; 4] = [
        (|p, r| p.0 >= r.x0, |a, b, r| lerp_x(a, b, r.x0)),
        (|p, r| p.0 <= r.x1, |a, b, r| lerp_x(a, b, r.x1)),
        (|p, r| p.1 >= r.y0, |a, b, r| lerp_y(a, b, r.y0)),
        (|p, r| p.1 <= r.y1, |a, b, r| lerp_y(a, b, r.y1)),
    ];
    for (inside, cut) in sides {
        if pts.is_empty() {
            break;
        }
        let mut out = Vec::with_capacity(pts.len() + 4);
        for i in 0..pts.len() {
            let (a, b) = (pts[(i + pts.len() - 1) % pts.len()], pts[i]);
            match (inside(a, r), inside(b, r)) {
                (true, true) => out.push(b),
                (true, false) => out.push(cut(a, b, r)),
                (false, true) => {
                    out.push(cut(a, b, r));
                    out.push(b);
                }
                (false, false) => {}
            }
        }
        pts = out;
    }
    pts
}

fn lerp_x(a: Pt, b: Pt, x: f64) -> Pt {
    let t = (x - a.0) / (b.0 - a.0);
    (x, a.1 + (b.1 - a.1) * t)
}

fn lerp_y(a: Pt, b: Pt, y: f64) -> Pt {
    let t = (y - a.1) / (b.1 - a.1);
    (a.0 + (b.0 - a.0) * t, y)
}

/// Clips an open path to a rectangle (Liang–Barsky per segment): the pieces inside.
pub(crate) fn clip_path(path: &[Pt], r: &Rect) -> Vec<Vec<Pt>> {
    let mut out: Vec<Vec<Pt>> = Vec::new();
    let mut cur: Vec<Pt> = Vec::new();
    for w in path.windows(2) {
        match clip_segment(w[0], w[1], r) {
            Some((a, b)) => {
                if cur.last() != Some(&a) {
                    if cur.len() > 1 {
                        out.push(std::mem::take(&mut cur));
                    }
                    cur = vec![a];
                }
                cur.push(b);
            }
            None => {
                if cur.len() > 1 {
                    out.push(std::mem::take(&mut cur));
                }
                cur.clear();
            }
        }
    }
    if cur.len() > 1 {
        out.push(cur);
    }
    out
}

fn clip_segment(a: Pt, b: Pt, r: &Rect) -> Option<(Pt, Pt)> {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (p, q) in [(-dx, a.0 - r.x0), (dx, r.x1 - a.0), (-dy, a.1 - r.y0), (dy, r.y1 - a.1)] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let t = q / p;
            if p < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
        }
    }
    if t0 > t1 {
        return None;
    }
    let at = |t: f64| {
        if t == 0.0 {
            a
        } else if t == 1.0 {
            b
        } else {
            (a.0 + dx * t, a.1 + dy * t)
        }
    };
    Some((at(t0), at(t1)))
}

/// Even-odd point-in-rings test.
pub(crate) fn inside_rings(rings: &[Vec<Pt>], p: Pt) -> bool {
    let mut inside = false;
    for r in rings {
        for i in 0..r.len() {
            let (a, b) = (r[i], r[(i + 1) % r.len()]);
            if (a.1 > p.1) != (b.1 > p.1) && p.0 < a.0 + (p.1 - a.1) * (b.0 - a.0) / (b.1 - a.1) {
                inside = !inside;
            }
        }
    }
    inside
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shoelace(r: &[Pt]) -> f64 {
        (0..r.len()).map(|i| r[i].0 * r[(i + 1) % r.len()].1 - r[(i + 1) % r.len()].0 * r[i].1).sum::<f64>().abs() / 2.0
    }

    #[test]
    fn clipped_ring_area_is_the_overlap() {
        let ring = vec![(-5.0, -5.0), (5.0, -5.0), (5.0, 5.0), (-5.0, 5.0)];
        let c = clip_ring(&ring, &Rect { x0: 0.0, y0: 0.0, x1: 20.0, y1: 20.0 });
        assert!((shoelace(&c) - 25.0).abs() < 1e-9);
        assert!(clip_ring(&ring, &Rect { x0: 10.0, y0: 10.0, x1: 20.0, y1: 20.0 }).is_empty());
    }

    #[test]
    fn clipped_path_keeps_the_inside_pieces() {
        let r = Rect { x0: 0.0, y0: 0.0, x1: 10.0, y1: 10.0 };
        let p = clip_path(&[(-5.0, 5.0), (5.0, 5.0), (5.0, 15.0), (8.0, 15.0), (8.0, 5.0)], &r);
        assert_eq!(p, vec![vec![(0.0, 5.0), (5.0, 5.0), (5.0, 10.0)], vec![(8.0, 10.0), (8.0, 5.0)]]);
    }

    /// Every dropped vertex is within the tolerance of the simplified path
    /// (brute force over all its segments), the ends are kept, and a vertex
    /// farther than the tolerance from the chord survives.
    #[test]
    fn simplification_stays_within_the_tolerance() {
        let mut seed = 7u64;
        let mut next = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        for _ in 0..50 {
            // a closed wiggly ring: radius 100 px with sub-pixel and larger noise
            let mut ring: Vec<Pt> = (0..400)
                .map(|i| {
                    let a = i as f64 / 400.0 * std::f64::consts::TAU;
                    let r = 100.0 + 0.1 * next() + if i % 50 == 0 { 5.0 } else { 0.0 };
                    (r * a.cos(), r * a.sin())
                })
                .collect();
            ring.push(ring[0]);
            let s = simplify(&ring, 0.2);
            assert_eq!((s.first(), s.last()), (ring.first(), ring.last()));
            assert!(s.len() < ring.len() / 2, "{} of {}", s.len(), ring.len());
            for p in &ring {
                let d = s.windows(2).map(|w| segment_distance2(*p, w[0], w[1])).fold(f64::INFINITY, f64::min);
                assert!(d.sqrt() <= 0.2 + 1e-12, "{p:?} is {} px off", d.sqrt());
            }
            for spike in ring.iter().step_by(50) {
                assert!(s.contains(spike), "{spike:?} dropped");
            }
        }
        assert_eq!(simplify(&[(0.0, 0.0), (5.0, 0.1), (10.0, 0.0)], 0.2), vec![(0.0, 0.0), (10.0, 0.0)]);
        assert_eq!(simplify(&[(0.0, 0.0), (5.0, 0.3), (10.0, 0.0)], 0.2).len(), 3);
    }

    #[test]
    fn decimation_keeps_ends_and_drops_crowded_vertices() {
        let d = decimate([(0.0, 0.0), (0.1, 0.0), (0.2, 0.0), (1.0, 0.0), (1.05, 0.0)], 0.5);
        assert_eq!(d, vec![(0.0, 0.0), (1.0, 0.0), (1.05, 0.0)]);
    }
}
