//! The intersection of polygons whose boundaries cross cleanly, without
//! the overlay engine.
//!
//! Most block × zone pairs that need an exact intersection are in general
//! position: where the two boundaries meet they cross, away from each
//! other's vertices. For them the intersection is found by walking the two
//! boundaries (Greiner–Hormann): every crossing is found by a sweep over
//! the edges in x order, the crossings are ordered along each boundary, and
//! each ring of the answer follows the first polygon's boundary inside the
//! second and the second's inside the first, switching at the crossings.
//! Every vertex of either polygon that is in the answer is in it bit for
//! bit (the overlay engine snaps vertices to its grid), and the new vertices
//! are the crossing points, computed in floating point.
//!
//! Anything not in general position is left to the overlay engine
//! ([`intersection`] gives `None`): a hole that lies inside the other
//! polygon (the answer would have a hole; holes apart from it, or around
//! it, are settled here), boundaries that touch or share an edge, a vertex on the other's boundary (robust
//! orientation tests decide), or two crossings, or a crossing and a vertex,
//! closer than [`MIN_GAP_DEG`] along an edge.

use geo::kernels::{Kernel, Orientation, RobustKernel};
use geo::{Coord, Intersects, LineString, MultiPolygon, Polygon, Rect};

/// Crossings closer than this (degrees, about a micrometre) to a vertex or
/// to each other along one edge are not general position.
pub const MIN_GAP_DEG: f64 = 1e-11;

/// The intersection of `a` and `b` (valid, lon/lat), or `None` when they are
/// not in general position (see the module's description).
pub fn intersection(a: &MultiPolygon<f64>, b: &MultiPolygon<f64>) -> Option<MultiPolygon<f64>> {
    intersection_of(&Prepared::new(a)?, &Prepared::new(b)?)
}

/// A multipolygon made ready for [`intersection_of`] once, for a caller
/// that intersects it with many others: each ring without repeated
/// vertices, counter-clockwise, boxed.
pub struct Prepared {
    parts: Vec<Part>,
}

impl Prepared {
    /// `None` when a ring has zero area (never general position).
    pub fn new(mp: &MultiPolygon<f64>) -> Option<Prepared> {
        Some(Prepared { parts: mp.0.iter().map(Part::new).collect::<Option<_>>()? })
    }
}

/// [`intersection`] of two prepared multipolygons.
pub fn intersection_of(a: &Prepared, b: &Prepared) -> Option<MultiPolygon<f64>> {
    let mut out = Vec::new();
    for pa in &a.parts {
        for pb in &b.parts {
            if !pa.exterior.bbox.intersects(&pb.exterior.bbox) {
                continue;
            }
            // a hole of either that the other's exterior falls in empties
            // the pair; a hole apart from it changes nothing
            let mut empty = false;
            for (shell, holes) in [(&pa.exterior, &pb.holes), (&pb.exterior, &pa.holes)] {
                for h in holes.iter().filter(|h| h.bbox.intersects(&shell.bbox)) {
                    match nesting(shell, h)? {
                        Nesting::Apart => {}
                        Nesting::FirstInSecond => empty = true,
                        Nesting::SecondInFirst => return None, // the answer would have a hole
                    }
                }
            }
            if !empty {
                out.extend(ring_intersection(&pa.exterior, &pb.exterior)?);
            }
        }
    }
    Some(MultiPolygon(out))
}

/// A polygon's rings, each as a [`Ring`].
struct Part {
    exterior: Ring,
    holes: Vec<Ring>,
}

impl Part {
    fn new(p: &Polygon<f64>) -> Option<Part> {
        Some(Part {
            exterior: Ring::new(p.exterior())?,
            holes: p.interiors().iter().map(Ring::new).collect::<Option<_>>()?,
        })
    }
}

/// How two rings whose boundaries do not meet lie.
enum Nesting {
    Apart,
    FirstInSecond,
    SecondInFirst,
}

/// How rings `a` and `b` lie, or `None` when their boundaries meet.
fn nesting(a: &Ring, b: &Ring) -> Option<Nesting> {
    if !crossings(a, b)?.is_empty() {
        return None;
    }
    Some(if b.contains(a.pts[0]) {
        Nesting::FirstInSecond
    } else if a.contains(b.pts[0]) {
        Nesting::SecondInFirst
    } else {
        Nesting::Apart
    })
}

/// A ring as an open, counter-clockwise list of vertices without repeats.
struct Ring {
    pts: Vec<Coord<f64>>,
    bbox: Rect<f64>,
}

impl Ring {
    /// `None` for a ring of zero area (not general position).
    fn new(ls: &LineString<f64>) -> Option<Ring> {
        let mut pts: Vec<Coord<f64>> = Vec::with_capacity(ls.0.len());
        for &c in &ls.0 {
            if pts.last() != Some(&c) {
                pts.push(c);
            }
        }
        while pts.len() > 1 && pts.first() == pts.last() {
            pts.pop();
        }
        if pts.len() < 3 {
            return None;
        }
        // twice the signed area, about the first vertex
        let o = pts[0];
        let twice: f64 =
            pts.windows(2).map(|w| (w[0].x - o.x) * (w[1].y - o.y) - (w[1].x - o.x) * (w[0].y - o.y)).sum();
        if twice == 0.0 || !twice.is_finite() {
            return None;
        }
        if twice < 0.0 {
            pts.reverse();
        }
        let (mut min, mut max) = (pts[0], pts[0]);
        for &c in &pts {
            min = Coord { x: min.x.min(c.x), y: min.y.min(c.y) };
            max = Coord { x: max.x.max(c.x), y: max.y.max(c.y) };
        }
        let bbox = Rect::new(min, max);
        Some(Ring { pts, bbox })
    }

    fn edge(&self, i: usize) -> (Coord<f64>, Coord<f64>) {
        (self.pts[i], self.pts[(i + 1) % self.pts.len()])
    }

    /// Whether `c`, which is on no edge, lies inside (winding number).
    fn contains(&self, c: Coord<f64>) -> bool {
        let mut winding = 0i32;
        for i in 0..self.pts.len() {
            let (p, q) = self.edge(i);
            if p.y <= c.y {
                if q.y > c.y && RobustKernel::orient2d(p, q, c) == Orientation::CounterClockwise {
                    winding += 1;
                }
            } else if q.y <= c.y && RobustKernel::orient2d(p, q, c) == Orientation::Clockwise {
                winding -= 1;
            }
        }
        winding != 0
    }
}

/// Where edge `ea` of ring A crosses edge `eb` of ring B: at `ta` along
/// the one and `tb` along the other (0..1, exclusive).
#[derive(Clone, Copy)]
struct Crossing {
    ea: u32,
    eb: u32,
    ta: f64,
    tb: f64,
    at: Coord<f64>,
}

/// Every crossing of the two rings' edges, or `None` if the edges meet in
/// any other way (touch, overlap, or cross too near a vertex).
fn crossings(a: &Ring, b: &Ring) -> Option<Vec<Crossing>> {
    const B: u32 = 1 << 31;
    // edges in order of their smallest x; B's only where they meet A's box
    let mut items: Vec<(f64, u32)> = Vec::with_capacity(a.pts.len() + b.pts.len());
    for i in 0..a.pts.len() {
        let (p, q) = a.edge(i);
        items.push((p.x.min(q.x), i as u32));
    }
    for i in 0..b.pts.len() {
        let (p, q) = b.edge(i);
        if Rect::new(p, q).intersects(&a.bbox) {
            items.push((p.x.min(q.x), i as u32 | B));
        }
    }
    items.sort_unstable_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
    // the edges of each ring that the sweep has reached and not yet passed
    let mut active_a: Vec<(u32, Rect<f64>)> = Vec::new();
    let mut active_b: Vec<(u32, Rect<f64>)> = Vec::new();
    let mut found = Vec::new();
    for &(x, id) in &items {
        let (mine, theirs, ring, other) =
            if id & B == 0 { (&mut active_a, &mut active_b, a, b) } else { (&mut active_b, &mut active_a, b, a) };
        let i = id & !B;
        let (p, q) = ring.edge(i as usize);
        let bx = Rect::new(p, q);
        theirs.retain(|(_, o)| o.max().x >= x);
        for &(j, o) in theirs.iter() {
            if !bx.intersects(&o) {
                continue;
            }
            let (r, s) = other.edge(j as usize);
            let c = if id & B == 0 { cross(p, q, r, s, i, j)? } else { cross(r, s, p, q, j, i)? };
            if let Some(c) = c {
                found.push(c);
            }
        }
        mine.push((i, bx));
    }
    Some(found)
}

/// How edge `p`→`q` (A's edge `ea`) and edge `r`→`s` (B's `eb`) meet:
/// `Some(None)` not at all, `Some(Some(c))` crossing cleanly, `None` any
/// other way.
fn cross(p: Coord<f64>, q: Coord<f64>, r: Coord<f64>, s: Coord<f64>, ea: u32, eb: u32) -> Option<Option<Crossing>> {
    let o1 = RobustKernel::orient2d(p, q, r);
    let o2 = RobustKernel::orient2d(p, q, s);
    if o1 == o2 && o1 != Orientation::Collinear {
        return Some(None);
    }
    let o3 = RobustKernel::orient2d(r, s, p);
    let o4 = RobustKernel::orient2d(r, s, q);
    if o3 == o4 && o3 != Orientation::Collinear {
        return Some(None);
    }
    if [o1, o2, o3, o4].contains(&Orientation::Collinear) {
        return None; // they touch, or overlap along a line
    }
    let (d, e) = (q - p, s - r);
    let denom = d.x * e.y - d.y * e.x;
    let w = r - p;
    let ta = (w.x * e.y - w.y * e.x) / denom;
    let tb = (w.x * d.y - w.y * d.x) / denom;
    let (la, lb) = (d.x.hypot(d.y), e.x.hypot(e.y));
    let clear = |t: f64, len: f64| t * len > MIN_GAP_DEG && (1.0 - t) * len > MIN_GAP_DEG;
    if !(clear(ta, la) && clear(tb, lb)) {
        return None;
    }
    Some(Some(Crossing { ea, eb, ta, tb, at: Coord { x: p.x + ta * d.x, y: p.y + ta * d.y } }))
}

/// Orders crossing indices along one ring: by edge, then along it. `None`
/// when two on one edge are closer than [`MIN_GAP_DEG`].
fn along(cs: &[Crossing], ring: &Ring, key: impl Fn(&Crossing) -> (u32, f64)) -> Option<Vec<u32>> {
    let mut order: Vec<u32> = (0..cs.len() as u32).collect();
    order.sort_unstable_by(|&i, &j| {
        let (ki, kj) = (key(&cs[i as usize]), key(&cs[j as usize]));
        ki.0.cmp(&kj.0).then(ki.1.total_cmp(&kj.1))
    });
    for w in order.windows(2) {
        let (k0, k1) = (key(&cs[w[0] as usize]), key(&cs[w[1] as usize]));
        if k0.0 == k1.0 {
            let (p, q) = ring.edge(k0.0 as usize);
            if (k1.1 - k0.1) * (q - p).x.hypot((q - p).y) <= MIN_GAP_DEG {
                return None;
            }
        }
    }
    Some(order)
}

/// The intersection of two rings' interiors, as polygons without holes
/// (two simply connected regions meet in simply connected pieces).
fn ring_intersection(a: &Ring, b: &Ring) -> Option<Vec<Polygon<f64>>> {
    let cs = crossings(a, b)?;
    if cs.is_empty() {
        // no contact at all: one holds the other whole, or they are apart
        let ring = |r: &Ring| {
            let mut pts = r.pts.clone();
            pts.push(pts[0]);
            vec![Polygon::new(LineString(pts), vec![])]
        };
        return Some(if b.contains(a.pts[0]) {
            ring(a)
        } else if a.contains(b.pts[0]) {
            ring(b)
        } else {
            vec![]
        });
    }
    if cs.len() % 2 != 0 {
        return None;
    }
    let order_a = along(&cs, a, |c| (c.ea, c.ta))?;
    let order_b = along(&cs, b, |c| (c.eb, c.tb))?;
    let k = cs.len();
    let (mut rank_a, mut rank_b) = (vec![0u32; k], vec![0u32; k]);
    for (r, &c) in order_a.iter().enumerate() {
        rank_a[c as usize] = r as u32;
    }
    for (r, &c) in order_b.iter().enumerate() {
        rank_b[c as usize] = r as u32;
    }
    // along A, the crossings alternate between entering B and leaving it;
    // both rings run counter-clockwise, so where A leaves B, B enters A
    let mut enters_b = vec![false; k];
    let mut inside = b.contains(a.pts[0]);
    for &c in &order_a {
        inside = !inside;
        enters_b[c as usize] = inside;
    }
    // the vertices of `ring` strictly after crossing (edge e0, t0) up to and
    // including the end of edge e1 before crossing (e1, t1)
    let walk = |ring: &Ring, (e0, t0): (u32, f64), (e1, t1): (u32, f64), out: &mut Vec<Coord<f64>>| {
        let n = ring.pts.len();
        let mut count = (e1 as usize + n - e0 as usize) % n;
        if count == 0 && t1 <= t0 {
            count = n;
        }
        for s in 1..=count {
            out.push(ring.pts[(e0 as usize + s) % n]);
        }
    };
    let mut done = vec![false; k];
    let mut polys = Vec::new();
    for &start in &order_a {
        if done[start as usize] {
            continue;
        }
        let mut pts = Vec::new();
        let mut c = start as usize;
        while !done[c] {
            done[c] = true;
            let x = cs[c];
            pts.push(x.at);
            let next = if enters_b[c] {
                let n = order_a[(rank_a[c] as usize + 1) % k] as usize;
                walk(a, (x.ea, x.ta), (cs[n].ea, cs[n].ta), &mut pts);
                n
            } else {
                let n = order_b[(rank_b[c] as usize + 1) % k] as usize;
                walk(b, (x.eb, x.tb), (cs[n].eb, cs[n].tb), &mut pts);
                n
            };
            c = next;
        }
        if c != start as usize || pts.len() < 3 {
            return None; // the walk did not close where it began
        }
        pts.push(pts[0]);
        polys.push(Polygon::new(LineString(pts), vec![]));
    }
    Some(polys)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geom::testkit::{star, Rng};
    use geo::{polygon, Area, BooleanOps, Validation};

    fn mp(p: Polygon<f64>) -> MultiPolygon<f64> {
        MultiPolygon(vec![p])
    }

    #[test]
    fn two_overlapping_squares_meet_in_their_common_square() {
        let a = mp(polygon![(x: 0.0, y: 0.0), (x: 2.0, y: 0.0), (x: 2.0, y: 2.0), (x: 0.0, y: 2.0)]);
        let b = mp(polygon![(x: 1.0, y: 1.0), (x: 3.0, y: 1.0), (x: 3.0, y: 3.0), (x: 1.0, y: 3.0)]);
        let i = intersection(&a, &b).unwrap();
        assert_eq!(i.0.len(), 1);
        assert!((i.unsigned_area() - 1.0).abs() < 1e-15);
        // the corner (2, 2) of A and (1, 1) of B are kept bit for bit
        let ring = &i.0[0].exterior().0;
        assert!(ring.contains(&Coord { x: 2.0, y: 2.0 }) && ring.contains(&Coord { x: 1.0, y: 1.0 }));
        assert!(i.is_valid());
    }

    #[test]
    fn a_concave_polygon_cut_twice_gives_two_pieces() {
        // a U over a bar across both arms: two pieces
        let u = mp(polygon![(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 10.0), (x: 7.0, y: 10.0),
                            (x: 7.0, y: 3.0), (x: 3.0, y: 3.0), (x: 3.0, y: 10.0), (x: 0.0, y: 10.0)]);
        let bar = mp(polygon![(x: -1.0, y: 5.0), (x: 11.0, y: 5.0), (x: 11.0, y: 6.0), (x: -1.0, y: 6.0)]);
        let i = intersection(&u, &bar).unwrap();
        assert_eq!(i.0.len(), 2);
        assert!((i.unsigned_area() - 6.0).abs() < 1e-12, "{}", i.unsigned_area());
    }

    #[test]
    fn the_parts_of_multipolygons_meet_pair_by_pair() {
        let sq = |x: f64| polygon![(x: x, y: 0.0), (x: x + 1.0, y: 0.0), (x: x + 1.0, y: 1.0), (x: x, y: 1.0)];
        let two = MultiPolygon(vec![sq(0.0), sq(2.0)]);
        // a bar across both squares, and a triangle inside the second
        let bar = polygon![(x: -1.0, y: 0.25), (x: 4.0, y: 0.25), (x: 4.0, y: 0.5), (x: -1.0, y: 0.5)];
        let tri = polygon![(x: 2.25, y: 0.75), (x: 2.75, y: 0.75), (x: 2.5, y: 0.9)];
        let i = intersection(&two, &MultiPolygon(vec![bar, tri])).unwrap();
        assert_eq!(i.0.len(), 3);
        assert!((i.unsigned_area() - (0.25 + 0.25 + 0.5 * 0.5 * 0.15)).abs() < 1e-15, "{}", i.unsigned_area());
    }

    #[test]
    fn holes_apart_from_the_other_polygon_or_around_it_are_settled_here() {
        let ring = |x0: f64, y0: f64, x1: f64, y1: f64| {
            LineString::from(vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)])
        };
        // a donut: 0..10 with a hole 3..7
        let donut = mp(Polygon::new(ring(0.0, 0.0, 10.0, 10.0), vec![ring(3.0, 3.0, 7.0, 7.0)]));
        // a block in the hole: nothing
        let in_hole = mp(Polygon::new(ring(4.0, 4.0, 5.0, 5.0), vec![]));
        assert!(intersection(&in_hole, &donut).unwrap().0.is_empty());
        // a block across the donut's outer edge, away from the hole: the hole changes nothing
        let across = mp(Polygon::new(ring(8.5, 1.0, 11.0, 2.0), vec![]));
        let i = intersection(&across, &donut).unwrap();
        assert!((i.unsigned_area() - 1.5).abs() < 1e-12, "{}", i.unsigned_area());
        // a block with a hole of its own, the zone inside that hole: nothing
        let holed_block = mp(Polygon::new(ring(20.0, 0.0, 30.0, 10.0), vec![ring(22.0, 2.0, 28.0, 8.0)]));
        let zone = mp(Polygon::new(ring(24.0, 4.0, 26.0, 6.0), vec![]));
        assert!(intersection(&holed_block, &zone).unwrap().0.is_empty());
        // the same zone crossing the hole's edge is left to the overlay
        let crossing = mp(Polygon::new(ring(21.0, 4.0, 26.0, 6.0), vec![]));
        assert!(intersection(&holed_block, &crossing).is_none());
        // agrees with geo's overlay where it answers
        use geo::BooleanOps;
        for (x, y) in [(&across, &donut), (&in_hole, &donut)] {
            assert!((intersection(x, y).unwrap().unsigned_area() - x.intersection(y).unsigned_area()).abs() < 1e-12);
        }
    }

    #[test]
    fn nested_and_apart_polygons_need_no_crossing() {
        let big = mp(polygon![(x: 0.0, y: 0.0), (x: 4.0, y: 0.0), (x: 4.0, y: 4.0), (x: 0.0, y: 4.0)]);
        let small = mp(polygon![(x: 1.0, y: 1.0), (x: 2.0, y: 1.0), (x: 2.0, y: 2.0)]);
        let far = mp(polygon![(x: 5.0, y: 1.0), (x: 6.0, y: 1.0), (x: 6.0, y: 2.0)]);
        assert!((intersection(&big, &small).unwrap().unsigned_area() - 0.5).abs() < 1e-15);
        assert!((intersection(&small, &big).unwrap().unsigned_area() - 0.5).abs() < 1e-15);
        assert!(intersection(&big, &far).unwrap().0.is_empty());
    }

    #[test]
    fn touching_sharing_and_holes_are_left_to_the_overlay() {
        let a = mp(polygon![(x: 0.0, y: 0.0), (x: 2.0, y: 0.0), (x: 2.0, y: 2.0), (x: 0.0, y: 2.0)]);
        // shares the edge x = 2
        let b = mp(polygon![(x: 2.0, y: 0.0), (x: 3.0, y: 0.0), (x: 3.0, y: 2.0), (x: 2.0, y: 2.0)]);
        assert!(intersection(&a, &b).is_none());
        // a vertex on A's edge
        let c = mp(polygon![(x: 1.0, y: 2.0), (x: 1.5, y: 3.0), (x: 0.5, y: 3.0)]);
        assert!(intersection(&a, &c).is_none());
        // the same polygon
        assert!(intersection(&a, &a).is_none());
        // a hole inside the other polygon: the answer would have a hole
        let holed = mp(Polygon::new(
            a.0[0].exterior().clone(),
            vec![LineString::from(vec![(0.5, 0.5), (1.0, 0.5), (1.0, 1.0), (0.5, 0.5)])],
        ));
        let over = mp(polygon![(x: 0.25, y: 0.25), (x: 1.5, y: 0.25), (x: 1.5, y: 1.5), (x: 0.25, y: 1.5)]);
        assert!(intersection(&holed, &over).is_none());
    }

    /// Against geo's overlay (a different algorithm) on random star
    /// polygons: the same area, a valid result, and every answer either
    /// given or left to the overlay.
    #[test]
    fn agrees_with_the_overlay_engine_on_random_stars() {
        let mut rng = Rng(0x5eed_1234);
        let mut answered = 0;
        for case in 0..2000 {
            let (cx, cy) = (111.0 + rng.range(0.0, 0.01), 40.0 + rng.range(0.0, 0.01));
            let a = star(&mut rng, 111.005, 40.005, 0.01, 3 + case % 40);
            let r = rng.range(0.001, 0.02);
            let mut b = star(&mut rng, cx, cy, r, 3 + (case * 7) % 90);
            if case % 4 == 0 {
                // a hole well inside (the star's radius is at least 0.3 r)
                let hole = star(&mut rng, cx, cy, 0.25 * r, 3 + case % 20);
                b.0[0].interiors_push(hole.0[0].exterior().clone());
            }
            let Some(ours) = intersection(&a, &b) else { continue };
            answered += 1;
            let theirs = a.intersection(&b);
            let (x, y) = (ours.unsigned_area(), theirs.unsigned_area());
            // the overlay engine snaps vertices to a grid of about 1e-10 of
            // the extent: its area is off by up to that along the boundaries
            use geo::{Euclidean, Length};
            let perimeter = |m: &MultiPolygon<f64>| m.0.iter().map(|p| Euclidean.length(p.exterior())).sum::<f64>();
            let tol = 1e-10 * (perimeter(&a) + perimeter(&b));
            assert!((x - y).abs() <= tol, "case {case}: {x} vs {y}");
            assert!(ours.is_valid(), "case {case}: {:?}", ours.validation_errors());
            // each part counter-clockwise
            assert!(ours.0.iter().all(|p| p.signed_area() > 0.0), "case {case}");
        }
        assert!(answered > 1400, "only {answered} of 2000 in general position");
    }
}
