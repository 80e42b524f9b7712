//! Validation before any geometry work.
//!
//! geo's boolean operations give silently wrong answers on invalid polygons,
//! so every feature is checked here first (geo's OGC validation, plus
//! lon/lat range and zero area), and the problem is described with where it
//! is, e.g. "exterior ring self-intersects at (111.62, 40.81)".

use geo::line_intersection::{line_intersection, LineIntersection};
use geo::{Coord, CoordinatePosition, Line, LineString, MultiPolygon, Polygon};

/// Why a geometry is invalid, and where.
#[derive(Clone, Debug, PartialEq)]
pub struct Invalid {
    /// What is wrong, in a sentence.
    pub message: String,
    /// A point where it is wrong, if there is one.
    pub at: Option<Coord<f64>>,
    /// Whether `--repair` may fix it (self-intersections, crossing rings);
    /// non-finite or out-of-range coordinates are never repaired.
    pub repairable: bool,
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)?;
        if let Some(c) = self.at {
            write!(f, " at ({:.7}, {:.7})", c.x, c.y)?;
        }
        Ok(())
    }
}

/// Checks a lon/lat multipolygon; `Ok` means every later stage may use it.
pub fn check(mp: &MultiPolygon<f64>) -> Result<(), Invalid> {
    check_structure(mp)?;
    check_topology(mp)
}

/// The linear half of [`check`]: finite coordinates in lon/lat range and
/// rings of at least 3 distinct points. Enough to draw and to box a
/// polygon, not to overlay it.
pub fn check_structure(mp: &MultiPolygon<f64>) -> Result<(), Invalid> {
    structure_and_box(mp).map(|_| ())
}

/// [`check_structure`], also giving the bounding box (from the same pass
/// over the coordinates). A geometry with no coordinate fails the check
/// (an exterior ring with fewer than 3 points) unless it has no polygon:
/// its box is then empty, at the origin.
pub fn structure_and_box(mp: &MultiPolygon<f64>) -> Result<geo::Rect<f64>, Invalid> {
    let (mut min, mut max) =
        (Coord { x: f64::INFINITY, y: f64::INFINITY }, Coord { x: f64::NEG_INFINITY, y: f64::NEG_INFINITY });
    for (pi, p) in mp.0.iter().enumerate() {
        for (ri, ring) in std::iter::once(p.exterior()).chain(p.interiors()).enumerate() {
            for (vi, c) in ring.0.iter().enumerate() {
                min.x = min.x.min(c.x);
                min.y = min.y.min(c.y);
                max.x = max.x.max(c.x);
                max.y = max.y.max(c.y);
                if !c.x.is_finite() || !c.y.is_finite() {
                    return Err(Invalid {
                        message: format!("{} has a non-finite coordinate (vertex {vi})", ring_name(mp, pi, ri)),
                        at: None,
                        repairable: false,
                    });
                }
                if c.x.abs() > 180.0 || c.y.abs() > 90.0 {
                    return Err(Invalid {
                        message: format!(
                            "{} has a vertex outside lon/lat range ({}, {}): the layer looks projected (metres); give its CRS with --crs (e.g. EPSG:4546)",
                            ring_name(mp, pi, ri),
                            c.x,
                            c.y
                        ),
                        at: None,
                        repairable: false,
                    });
                }
            }
        }
    }
    for (pi, p) in mp.0.iter().enumerate() {
        for (ri, ring) in std::iter::once(p.exterior()).chain(p.interiors()).enumerate() {
            let distinct = distinct_up_to_3(&ring.0);
            if distinct < 3 {
                return Err(Invalid {
                    message: format!("{} must have at least 3 distinct points", ring_name(mp, pi, ri)),
                    at: None,
                    repairable: false,
                });
            }
        }
    }
    if min.x > max.x {
        return Ok(geo::Rect::new(Coord { x: 0.0, y: 0.0 }, Coord { x: 0.0, y: 0.0 }));
    }
    Ok(geo::Rect::new(min, max))
}

/// The other half of [`check`], for a polygon that passed
/// [`check_structure`]: no ring crosses or touches itself or another, holes
/// lie in their shells, no polygon has zero area.
pub fn check_topology(mp: &MultiPolygon<f64>) -> Result<(), Invalid> {
    if let [p] = mp.0.as_slice() {
        if p.interiors().is_empty() && star_shaped(&p.exterior().0) {
            return Ok(()); // one simple ring of positive area
        }
    }
    if let Some(e) = sweep(mp) {
        return Err(e);
    }
    if let Some(e) = containment(mp) {
        return Err(e);
    }
    // a degeneracy test, not a measure: the planar area of a ring folded
    // onto itself is exactly zero, and it costs no geodesic computation
    if mp.0.iter().any(|p| geo::Area::unsigned_area(p) <= 0.0) {
        return Err(Invalid { message: "a polygon has zero area".into(), at: None, repairable: false });
    }
    Ok(())
}

/// How many distinct points `pts` has, counting no further than 3.
fn distinct_up_to_3(pts: &[Coord<f64>]) -> usize {
    let Some(&a) = pts.first() else { return 0 };
    let Some(&b) = pts.iter().find(|&&c| c != a) else { return 1 };
    if pts.iter().any(|&c| c != a && c != b) {
        3
    } else {
        2
    }
}

fn ring_name(mp: &MultiPolygon<f64>, pi: usize, ri: usize) -> String {
    let part = if mp.0.len() > 1 { format!("polygon {pi} ") } else { String::new() };
    if ri == 0 {
        format!("{part}exterior ring")
    } else {
        format!("{part}interior ring {}", ri - 1)
    }
}

/// Whether a closed ring is proven simple, with positive area, in one pass:
/// seen from the mean of its vertices, every edge turns strictly the same
/// way and the ring goes round exactly once, so every ray from that point
/// meets it once and no two edges can meet but at their shared vertex.
/// Convex rings, most blocks and parcels, and many zones pass; `false` only
/// means "not proven here" (the sweep decides). Each turn must be a
/// [`clear_turn`]; a doubtful one gives `false`.
fn star_shaped(ring: &[Coord<f64>]) -> bool {
    let n = ring.len().saturating_sub(1); // the closing vertex repeats the first
    if n < 3 || ring[0] != ring[n] {
        return false;
    }
    let k = 1.0 / n as f64;
    let c = ring[..n].iter().fold(Coord { x: 0.0, y: 0.0 }, |s, p| Coord { x: s.x + p.x * k, y: s.y + p.y * k });
    let (mut left, mut right, mut up, mut down) = (0usize, 0usize, 0usize, 0usize);
    for w in ring.windows(2) {
        match clear_turn(c, w[0], w[1]) {
            None => return false,
            Some(true) => left += 1,
            Some(false) => right += 1,
        }
        // crossings of the horizontal line through the centre, half-open
        let (ay, by) = (w[0].y - c.y, w[1].y - c.y);
        up += usize::from(ay <= 0.0 && by > 0.0);
        down += usize::from(by <= 0.0 && ay > 0.0);
    }
    // turning left all the way, a ring crosses that line upward to the
    // right of the centre and downward to its left: once each round
    (left == n && up == 1) || (right == n && down == 1)
}

/// A segment of ring `ring` (global ring number) at position `seg` among
/// the ring's segments of non-zero length.
#[derive(Clone, Copy)]
struct Seg {
    line: Line<f64>,
    ring: u32,
    seg: u32,
}

/// Finds crossing or overlapping edges: a ring that crosses or touches
/// itself, two rings that cross or share an edge. Rings may touch each
/// other at single points (OGC).
///
/// Each ring is cut into monotone chains: runs of edges whose vertices go
/// strictly one way in (x, y) order. Two edges of one chain that are not
/// consecutive lie in x ranges that meet at most at one x, where the chain
/// runs strictly up or down: they never meet; consecutive ones meet only at
/// their shared vertex. So only edges of different chains are compared: the
/// chains in order of their smallest x, each with the chains whose boxes
/// meet its box, and two such chains edge by edge in x order (a merge of two
/// sorted runs). Consecutive edges of a ring (within a chain, or where two
/// chains join) are settled by one orientation test and only reach the
/// exact intersection when they are collinear (a spike or a fold).
fn sweep(mp: &MultiPolygon<f64>) -> Option<Invalid> {
    let mut rings: Vec<(usize, usize)> = Vec::new();
    let (mut ring_len, mut ring_first): (Vec<u32>, Vec<usize>) = (Vec::new(), Vec::new());
    let mut segs: Vec<Seg> = Vec::with_capacity(mp.0.iter().map(|p| p.exterior().0.len()).sum());
    let mut chains: Vec<Chain> = Vec::new();
    for (pi, p) in mp.0.iter().enumerate() {
        for (ri, ring) in std::iter::once(p.exterior()).chain(p.interiors()).enumerate() {
            let id = rings.len() as u32;
            rings.push((pi, ri));
            let first = segs.len();
            for l in ring.lines().filter(|l| l.start != l.end) {
                let k = (segs.len() - first) as u32;
                segs.push(Seg { line: l, ring: id, seg: k });
            }
            ring_len.push((segs.len() - first) as u32);
            ring_first.push(first);
            // the ring's chains, cut where the (x, y) order of its vertices turns
            let up = |s: &Seg| (s.line.start.x, s.line.start.y) < (s.line.end.x, s.line.end.y);
            let mut c0 = first;
            for i in first..segs.len() {
                let last = i + 1 == segs.len();
                if last || up(&segs[i + 1]) != up(&segs[i]) {
                    chains.push(Chain::new(&segs, c0, i + 1, up(&segs[c0])));
                    c0 = i + 1;
                }
            }
        }
    }
    let name = |ring: u32| {
        let (pi, ri) = rings[ring as usize];
        ring_name(mp, pi, ri)
    };
    // consecutive edges inside a chain: only a fold can make them meet
    // beyond their shared vertex, and a strictly monotone run cannot fold;
    // where chains join, the turn may be a spike
    for c in &chains {
        // (each chain's first edge and the edge before it, whichever chain that is in)
        let a = &segs[c.start];
        let (first, n) = (ring_first[a.ring as usize], ring_len[a.ring as usize] as usize);
        let before = &segs[first + (a.seg as usize + n - 1) % n];
        if let Some(e) = meeting(before, a, &ring_len, &name) {
            return Some(e);
        }
    }
    chains.sort_unstable_by(|a, b| a.min.x.total_cmp(&b.min.x).then(a.start.cmp(&b.start)));
    for (i, ca) in chains.iter().enumerate() {
        for cb in &chains[i + 1..] {
            if cb.min.x > ca.max.x {
                break;
            }
            if cb.min.y > ca.max.y || cb.max.y < ca.min.y {
                continue;
            }
            // the two chains' edges in x order, merged
            let mut from = 0;
            for k in 0..ca.len() {
                let a = ca.in_x_order(&segs, k);
                let (a_min, a_max) = x_range(a);
                while from < cb.len() && x_range(cb.in_x_order(&segs, from)).1 < a_min {
                    from += 1;
                }
                for j in from..cb.len() {
                    let b = cb.in_x_order(&segs, j);
                    if x_range(b).0 > a_max {
                        break;
                    }
                    if let Some(e) = meeting(a, b, &ring_len, &name) {
                        return Some(e);
                    }
                }
            }
        }
    }
    None
}

/// A run of consecutive edges `segs[start..end]` of one ring whose
/// vertices go strictly one way in (x, y) order (`up`: increasing), and its box.
struct Chain {
    start: usize,
    end: usize,
    up: bool,
    min: Coord<f64>,
    max: Coord<f64>,
}

impl Chain {
    fn new(segs: &[Seg], start: usize, end: usize, up: bool) -> Chain {
        let (mut min, mut max) = (segs[start].line.start, segs[start].line.start);
        for s in &segs[start..end] {
            let c = s.line.end;
            min = Coord { x: min.x.min(c.x), y: min.y.min(c.y) };
            max = Coord { x: max.x.max(c.x), y: max.y.max(c.y) };
        }
        Chain { start, end, up, min, max }
    }

    fn len(&self) -> usize {
        self.end - self.start
    }

    /// Its `k`-th edge by increasing x.
    #[inline]
    fn in_x_order<'s>(&self, segs: &'s [Seg], k: usize) -> &'s Seg {
        &segs[if self.up { self.start + k } else { self.end - 1 - k }]
    }
}

fn x_range(s: &Seg) -> (f64, f64) {
    let (a, b) = (s.line.start.x, s.line.end.x);
    (a.min(b), a.max(b))
}

/// How two edges meet, if that makes the geometry invalid.
fn meeting(a: &Seg, b: &Seg, ring_len: &[u32], name: &dyn Fn(u32) -> String) -> Option<Invalid> {
    let (la, lb) = (a.line, b.line);
    let meet = (lb.start.x.min(lb.end.x) <= la.start.x.max(la.end.x))
        & (lb.start.x.max(lb.end.x) >= la.start.x.min(la.end.x))
        & (lb.start.y.min(lb.end.y) <= la.start.y.max(la.end.y))
        & (lb.start.y.max(lb.end.y) >= la.start.y.min(la.end.y));
    if !meet || std::ptr::eq(a, b) {
        return None;
    }
    let same_ring = a.ring == b.ring;
    let d = a.seg.abs_diff(b.seg);
    let adjacent = same_ring && (d == 1 || d + 1 == ring_len[a.ring as usize]);
    if adjacent {
        // consecutive edges: they share a vertex and meet only there
        // unless the three points are collinear
        let (p, q) = if la.end == lb.start { (la, lb) } else { (lb, la) };
        if !collinear(p.start, p.end, q.end) {
            return None;
        }
    }
    let x = line_intersection(la, lb)?;
    if same_ring {
        let at = match x {
            LineIntersection::SinglePoint { intersection, .. } => intersection,
            LineIntersection::Collinear { intersection } => intersection.start,
        };
        // adjacent segments meet at their shared vertex; anything more is a spike or a fold
        let shared = |c: Coord<f64>| c == la.start || c == la.end;
        if adjacent && matches!(x, LineIntersection::SinglePoint { .. }) && shared(at) {
            return None;
        }
        return Some(Invalid { message: format!("{} self-intersects", name(a.ring)), at: Some(at), repairable: true });
    }
    match x {
        LineIntersection::SinglePoint { is_proper: false, .. } => None, // rings touching at a point
        LineIntersection::SinglePoint { intersection, .. } => Some(Invalid {
            message: format!("{} and {} cross", name(a.ring), name(b.ring)),
            at: Some(intersection),
            repairable: true,
        }),
        LineIntersection::Collinear { intersection } => Some(Invalid {
            message: format!("{} and {} share an edge", name(a.ring), name(b.ring)),
            at: Some(intersection.start),
            repairable: true,
        }),
    }
}

/// Whether three points are collinear, exactly: a clear turn settles it,
/// else the robust predicate decides.
#[inline]
fn collinear(a: Coord<f64>, b: Coord<f64>, c: Coord<f64>) -> bool {
    use geo::kernels::{Kernel, Orientation, RobustKernel};
    clear_turn(a, b, c).is_none() && RobustKernel::orient2d(a, b, c) == Orientation::Collinear
}

/// Which way a→b→c turns (`true`: left) when a floating-point determinant
/// settles it clearly (Shewchuk's error bound, taken three times over);
/// `None` when it is too close to call.
#[inline]
fn clear_turn(a: Coord<f64>, b: Coord<f64>, c: Coord<f64>) -> Option<bool> {
    let (l, r) = ((b.x - a.x) * (c.y - a.y), (b.y - a.y) * (c.x - a.x));
    let det = l - r;
    (det.abs() > 1e-15 * (l.abs() + r.abs())).then_some(det > 0.0)
}

/// Holes lie inside their exterior; the parts of a multipolygon do not overlap.
/// (Rings do not cross here: [`sweep`] ran first, so one vertex off the other
/// ring's boundary decides.)
fn containment(mp: &MultiPolygon<f64>) -> Option<Invalid> {
    use geo::coordinate_position::CoordPos;
    let off_boundary = |ring: &LineString<f64>, other: &Polygon<f64>| -> Option<CoordPos> {
        ring.0.iter().map(|c| other.coordinate_position(c)).find(|p| *p != CoordPos::OnBoundary)
    };
    for (pi, p) in mp.0.iter().enumerate().filter(|(_, p)| !p.interiors().is_empty()) {
        let shell = Polygon::new(p.exterior().clone(), vec![]);
        for (hi, h) in p.interiors().iter().enumerate() {
            if off_boundary(h, &shell) == Some(CoordPos::Outside) {
                return Some(Invalid {
                    message: format!("{} lies outside the exterior ring", ring_name(mp, pi, hi + 1)),
                    at: h.0.first().copied(),
                    repairable: true,
                });
            }
        }
    }
    if mp.0.len() > 1 {
        use geo::BoundingRect;
        let boxes: Vec<_> = mp.0.iter().map(|p| p.bounding_rect()).collect();
        for i in 0..mp.0.len() {
            for j in 0..mp.0.len() {
                if i == j {
                    continue;
                }
                let (Some(a), Some(b)) = (boxes[i], boxes[j]) else { continue };
                let meet = a.min().x <= b.max().x
                    && b.min().x <= a.max().x
                    && a.min().y <= b.max().y
                    && b.min().y <= a.max().y;
                if meet && off_boundary(mp.0[i].exterior(), &mp.0[j]) == Some(CoordPos::Inside) {
                    return Some(Invalid {
                        message: format!("polygons {i} and {j} of the multipolygon overlap"),
                        at: mp.0[i].exterior().0.first().copied(),
                        repairable: true,
                    });
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    #[test]
    fn a_bow_tie_is_located_at_its_crossing() {
        let p = polygon![(x: 111.0, y: 40.0), (x: 111.01, y: 40.01), (x: 111.01, y: 40.0), (x: 111.0, y: 40.01)];
        let e = check(&MultiPolygon(vec![p])).unwrap_err();
        assert!(e.message.contains("self-intersects"), "{e}");
        let at = e.at.unwrap();
        assert!((at.x - 111.005).abs() < 1e-9 && (at.y - 40.005).abs() < 1e-9, "{at:?}");
        assert!(e.repairable);
    }

    #[test]
    fn projected_coordinates_are_called_out() {
        let p = polygon![(x: 500000.0, y: 4400000.0), (x: 501000.0, y: 4400000.0), (x: 501000.0, y: 4401000.0)];
        let e = check(&MultiPolygon(vec![p])).unwrap_err();
        assert!(e.message.contains("--crs"), "{e}");
        assert!(!e.repairable);
    }

    #[test]
    fn a_hole_outside_and_overlapping_parts_are_invalid() {
        let outer = polygon![(x: 111.0, y: 40.0), (x: 111.01, y: 40.0), (x: 111.01, y: 40.01), (x: 111.0, y: 40.01)];
        let far = polygon![(x: 112.0, y: 40.0), (x: 112.001, y: 40.0), (x: 112.001, y: 40.001)];
        let p = Polygon::new(outer.exterior().clone(), vec![far.exterior().clone()]);
        assert!(check(&MultiPolygon(vec![p])).unwrap_err().message.contains("outside"));
        let inner = polygon![(x: 111.002, y: 40.002), (x: 111.004, y: 40.002), (x: 111.004, y: 40.004)];
        assert!(check(&MultiPolygon(vec![outer.clone(), inner])).unwrap_err().message.contains("overlap"));
        let crossing = polygon![(x: 111.005, y: 40.005), (x: 111.02, y: 40.005), (x: 111.02, y: 40.02)];
        assert!(check(&MultiPolygon(vec![outer, crossing])).is_err());
    }

    #[test]
    fn blocks_sharing_a_vertex_only_are_valid_parts() {
        let a = polygon![(x: 111.0, y: 40.0), (x: 111.01, y: 40.0), (x: 111.01, y: 40.01), (x: 111.0, y: 40.01)];
        let b = polygon![(x: 111.01, y: 40.01), (x: 111.02, y: 40.01), (x: 111.02, y: 40.02), (x: 111.01, y: 40.02)];
        assert!(check(&MultiPolygon(vec![a, b])).is_ok());
    }

    #[test]
    fn agrees_with_geo_validation_on_a_spike() {
        use geo::Validation;
        let spike = polygon![(x: 0.0, y: 0.0), (x: 2.0, y: 0.0), (x: 2.0, y: 1.0), (x: 3.0, y: 1.0), (x: 2.0, y: 1.0), (x: 2.0, y: 2.0), (x: 0.0, y: 2.0)];
        let mp = MultiPolygon(vec![spike]);
        assert!(!mp.is_valid());
        assert!(check(&mp).is_err());
    }

    proptest::proptest! {
        /// The filtered collinearity test answers as the robust predicate
        /// does, on points on a line, and nudged off it by one unit in the last place.
        #[test]
        fn collinear_agrees_with_the_robust_predicate(
            x0 in 97.0f64..126.0, y0 in 37.0f64..53.0, dx in -0.01f64..0.01, dy in -0.01f64..0.01,
            t in -2.0f64..2.0, nudge in -2i64..=2,
        ) {
            use geo::kernels::{Kernel, Orientation, RobustKernel};
            let a = Coord { x: x0, y: y0 };
            let b = Coord { x: x0 + dx, y: y0 + dy };
            let mut c = Coord { x: x0 + t * dx, y: y0 + t * dy };
            c.y = f64::from_bits((c.y.to_bits() as i64 + nudge) as u64);
            let robust = RobustKernel::orient2d(a, b, c) == Orientation::Collinear;
            proptest::prop_assert_eq!(collinear(a, b, c), robust);
        }
    }

    #[test]
    fn a_ring_going_round_twice_is_not_star_shaped() {
        // the pentagram {5/2}: every edge turns left seen from its centre,
        // but it goes round twice and crosses itself five times
        let pts: Vec<(f64, f64)> = (0..=5)
            .map(|i| {
                let t = (i * 2 % 5) as f64 * std::f64::consts::TAU / 5.0;
                (111.0 + 0.01 * t.cos(), 40.0 + 0.01 * t.sin())
            })
            .collect();
        let ring = LineString::from(pts);
        assert!(!star_shaped(&ring.0));
        let e = check(&MultiPolygon(vec![Polygon::new(ring, vec![])])).unwrap_err();
        assert!(e.message.contains("self-intersects"), "{e}");
    }

    /// A closed ring of `n` vertices about `centre`, at radii from `r_min`
    /// to 1 (in hundredths of a degree) at angles in order, then `swaps`
    /// pairs of angles swapped: from star-shaped to tangled.
    fn random_ring(
        rng: &mut crate::geom::testkit::Rng,
        n: usize,
        swaps: usize,
        centre: (f64, f64),
        r_min: f64,
    ) -> LineString<f64> {
        let mut t: Vec<f64> =
            (0..n).map(|i| (i as f64 + rng.range(0.0, 0.9)) / n as f64 * std::f64::consts::TAU).collect();
        for _ in 0..swaps {
            let (i, j) = ((rng.next() * n as f64) as usize % n, (rng.next() * n as f64) as usize % n);
            t.swap(i, j);
        }
        let mut pts: Vec<(f64, f64)> = t
            .iter()
            .map(|&a| {
                let r = 0.01 * rng.range(r_min, 1.0);
                (centre.0 + r * a.cos(), centre.1 + r * a.sin())
            })
            .collect();
        pts.push(pts[0]);
        LineString::from(pts)
    }

    /// Whatever `star_shaped` proves simple, geo's OGC validation finds
    /// valid, on rings from star-shaped to wildly tangled.
    #[test]
    fn what_star_shaped_accepts_is_valid() {
        use crate::geom::testkit::Rng;
        use geo::Validation;
        let mut rng = Rng(0x57a2);
        let (mut proven, mut tangled) = (0, 0);
        for case in 0..4000 {
            let centre = (111.0 + rng.range(-0.003, 0.003), 40.0 + rng.range(-0.003, 0.003));
            let ring = random_ring(&mut rng, 3 + case % 60, case % 4, centre, 0.05);
            let valid = Polygon::new(ring.clone(), vec![]).is_valid();
            if star_shaped(&ring.0) {
                proven += 1;
                assert!(valid, "case {case}: proven simple but invalid: {ring:?}");
            }
            tangled += usize::from(!valid);
        }
        assert!(proven > 300 && tangled > 500, "proven {proven}, invalid {tangled}: the cases do not cover both");
    }

    /// The whole check agrees with geo's OGC validation on rings from
    /// star-shaped to tangled, and on pairs of them as multipolygons.
    #[test]
    fn agrees_with_geo_validation_on_random_rings() {
        use crate::geom::testkit::Rng;
        use geo::Validation;
        let mut rng = Rng(0x007a_11d8);
        let ring = |rng: &mut Rng, case: usize, cx: f64| {
            Polygon::new(random_ring(rng, 3 + case % 50, case % 3, (cx, 40.0), 0.2), vec![])
        };
        let (mut valid, mut invalid) = (0, 0);
        for case in 0..3000 {
            let a = ring(&mut rng, case, 111.0);
            let mp = if case % 5 == 4 {
                // a second part, sometimes overlapping the first
                let dx = rng.range(0.005, 0.03);
                MultiPolygon(vec![a, ring(&mut rng, case + 7, 111.0 + dx)])
            } else {
                MultiPolygon(vec![a])
            };
            let ours = check(&mp).is_ok();
            assert_eq!(ours, mp.is_valid(), "case {case}: {:?} {mp:?}", check(&mp));
            if ours {
                valid += 1;
            } else {
                invalid += 1;
            }
        }
        assert!(valid > 500 && invalid > 500, "{valid} valid, {invalid} invalid: the cases do not cover both");
    }

    #[test]
    fn a_valid_square_passes() {
        let p = polygon![(x: 111.0, y: 40.0), (x: 111.01, y: 40.0), (x: 111.01, y: 40.01), (x: 111.0, y: 40.01)];
        assert!(check(&MultiPolygon(vec![p])).is_ok());
    }
}
