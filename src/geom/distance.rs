/*!
Geodesic distance between two parks: the GRS80 (CGCS2000) distance between
their closest boundary points, in metres.

Why not geo's `Distance`: it is planar, and on lon/lat a planar distance is
in degrees, whose length in metres changes with latitude and direction
(a degree of longitude is 85 km at 40°N and 67 km at 53°N). "Nearest" in C1
is the geodesic distance between the parks' closest boundary points
(POLICY.md), so it is measured here, on the ellipsoid, the way
`shared/bench/oracle.py` (`geodesic_gap`) does:

1. Touching or overlapping parks are at distance 0, at a shared point.
2. A candidate pair comes from a spherical azimuthal-equidistant frame
   centred between the two parks (cheap: a few trigonometric calls per
   vertex), where planar distances differ from geodesic ones by less than
   the flattening plus (r/R)²/6 (r from the centre: under 0.5 % at 300 km).
3. The pair is refined by alternating nearest-point searches in an AEQD frame
   centred on the current point, where the distance from the centre *is* the
   geodesic distance: nearest point of `b` to the point on `a`, then of `a` to
   that point, until neither moves by 0.1 mm.
4. The distance is the geodesic inverse between the two points.

Edges are straight in lon/lat, as the layers store them (DATA.md). Edges
longer than [`MAX_EDGE_M`] are split in lon/lat first so that the straight
chords used in the AEQD frames stay within a millimetre of them.
*/

use crate::geom::area::{ellipsoid, GRS80_A};
use crate::units::Metres;
use geo::{BoundingRect, Coord, Intersects, Line, MultiPolygon, Point};
use geographiclib_rs::{DirectGeodesic, InverseGeodesic};
use rstar::{RTree, RTreeObject};

/// Edges longer than this (in metres, roughly) are split in lon/lat before
/// the search, so that a straight chord in an AEQD frame stays within 0.3 mm
/// of the lon/lat-straight edge it stands for (a 370 m chord of a parallel
/// at 40°N is 3.6 mm off it).
pub const MAX_EDGE_M: f64 = 100.0;

/// The refinement stops when neither point moves by more than this (metres).
const CONVERGED_M: f64 = 1e-4;
/// At most this many refinement rounds (it usually converges in 2–3).
const MAX_ROUNDS: usize = 12;
/// Segments whose distance in the candidate frame exceeds the nearest one's by
/// more than this share (plus [`PRUNE_ABS_M`]) are not re-projected during
/// refinement. The candidate frame distorts distances by less than 0.5 % for
/// points within [`PRUNE_MAX_RADIUS_M`] of its centre, so 2 % is safe.
const PRUNE_REL: f64 = 0.02;
/// Absolute slack of the pruning, metres.
const PRUNE_ABS_M: f64 = 10.0;
/// The second sieve's share: the spherical frame centred on the point gives
/// distances within 0.5 % of geodesic ones (the ellipsoid's radii of
/// curvature differ from the Gaussian radius by less), so the nearest
/// segment is at most 1.01 times as far as the sieve's nearest there.
const LOCAL_PRUNE_REL: f64 = 0.015;
/// Absolute slack of the second sieve, metres (chords of densified edges).
const LOCAL_PRUNE_ABS_M: f64 = 0.5;
/// Beyond this distance from the candidate frame's centre, nothing is pruned.
const PRUNE_MAX_RADIUS_M: f64 = 1_500_000.0;
/// How fast the ratio of geodesic to spherical-frame distance (frame
/// centred on the point, [`SphereAeqd`]) can change with azimuth, per
/// radian: at most the second eccentricity squared, 0.00674 (measured
/// 0.006717 at every latitude; the test `ratio_bounds_hold` checks it
/// against geographiclib), with a margin.
const RATIO_PER_AZIMUTH: f64 = 0.0080;
/// How much the same ratio can change between two points whose spherical
/// distances are within the sieves' few percent of each other, per Earth
/// radius of distance: its change with distance is under 0.0054 per Earth
/// radius (measured to 3,000 km), over at most 3 % of the distance, and a margin.
const RATIO_PER_DISTANCE: f64 = 0.0054 * 0.03 * 1.5;

/// The closest boundary points of two geometries and their geodesic distance.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Closest {
    /// Geodesic distance on GRS80; 0 when the geometries touch or overlap.
    pub distance: Metres,
    /// The point of the first geometry (lon/lat).
    pub on_a: Coord<f64>,
    /// The point of the second geometry (lon/lat); equal to `on_a` at distance 0.
    pub on_b: Coord<f64>,
}

/// Geodesic distance on GRS80 between two lon/lat points.
pub fn geodesic_distance(p: Coord<f64>, q: Coord<f64>) -> Metres {
    let s12: f64 = ellipsoid().inverse(p.y, p.x, q.y, q.x);
    Metres(s12)
}

/// The closest boundary points of `a` and `b` (lon/lat) and their geodesic
/// distance on GRS80; distance 0 at a shared point when they touch or overlap
/// (including one inside the other).
///
/// `None` when either geometry has no polygon with a ring, or has a
/// coordinate that is not a finite number (validation rejects those, D1).
///
/// Agrees with `oracle.py` (`geodesic_gap`) to well within 1 m or 0.05 %:
/// see the module docs for the method.
pub fn closest_points(a: &MultiPolygon<f64>, b: &MultiPolygon<f64>) -> Option<Closest> {
    if !all_finite(a) || !all_finite(b) {
        return None;
    }
    let ra = a.bounding_rect()?;
    let rb = b.bounding_rect()?;
    if ra.intersects(&rb) {
        if let Some(p) = shared_point(a, b) {
            return Some(Closest { distance: Metres(0.0), on_a: p, on_b: p });
        }
    }
    let ba = Boundary::densified(a);
    let bb = Boundary::densified(b);
    if ba.rings.is_empty() || bb.rings.is_empty() {
        return None;
    }
    let centre = Coord { x: (ra.center().x + rb.center().x) / 2.0, y: (ra.center().y + rb.center().y) / 2.0 };
    let frame = SphereAeqd::at(centre);
    let fa = ba.project(&frame);
    let fb = bb.project(&frame);
    let prune = fa.max_radius().max(fb.max_radius()) <= PRUNE_MAX_RADIUS_M;
    // the candidate needs no densified vertices: each refinement step below
    // searches the whole (densified) boundary again, so the candidate only
    // says where to start
    let (ca, cb) = planar_closest(&Boundary::stored(a).project(&frame), &Boundary::stored(b).project(&frame))?;
    let mut pa = frame.inv(ca);
    let mut pb = frame.inv(cb);
    for _ in 0..MAX_ROUNDS {
        let nb = nearest_on(&bb, &fb, &frame, pa, prune)?;
        let na = nearest_on(&ba, &fa, &frame, nb, prune)?;
        let moved = geodesic_distance(pa, na).0 + geodesic_distance(pb, nb).0;
        pa = na;
        pb = nb;
        if moved < CONVERGED_M {
            break;
        }
    }
    Some(Closest { distance: geodesic_distance(pa, pb), on_a: pa, on_b: pb })
}

/// The point of `g` geodesically nearest to the lon/lat point `p`, and their
/// distance on GRS80: `on_a` is `p`, `on_b` the point of `g`; distance 0 at
/// `p` itself when `g` contains it (boundary included).
///
/// The search runs in an AEQD frame centred on `p`, where the distance from
/// the centre *is* the geodesic distance (module docs, step 3), over the
/// boundary with its long edges split. `None` when `g` has no ring or a
/// coordinate, or `p`, is not a finite number.
pub fn closest_point_to(p: Coord<f64>, g: &MultiPolygon<f64>) -> Option<Closest> {
    if !(p.x.is_finite() && p.y.is_finite() && all_finite(g)) {
        return None;
    }
    if g.intersects(&Point::from(p)) {
        return Some(Closest { distance: Metres(0.0), on_a: p, on_b: p });
    }
    let boundary = Boundary::densified(g);
    if boundary.rings.is_empty() {
        return None;
    }
    let q = nearest_on(&boundary, &boundary, &SphereAeqd::at(p), p, false)?;
    Some(Closest { distance: geodesic_distance(p, q), on_a: p, on_b: q })
}

/// Whether every coordinate is a finite number (rstar's searches panic on NaN).
pub(crate) fn all_finite(g: &MultiPolygon<f64>) -> bool {
    use geo::CoordsIter;
    g.coords_iter().all(|c| c.x.is_finite() && c.y.is_finite())
}

/// A point both geometries contain (on a boundary, or a vertex inside the
/// other), or `None` when they are disjoint.
///
/// Touching is judged in lon/lat with geo's robust predicates, the same plane
/// the overlap checks use.
fn shared_point(a: &MultiPolygon<f64>, b: &MultiPolygon<f64>) -> Option<Coord<f64>> {
    let b_lines: Vec<Line<f64>> =
        b.iter().flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors())).flat_map(|r| r.lines()).collect();
    let tree = RTree::bulk_load(b_lines);
    for la in a.iter().flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors())).flat_map(|r| r.lines()) {
        for lb in tree.locate_in_envelope_intersecting(&la.envelope()) {
            match geo::algorithm::line_intersection::line_intersection(la, *lb) {
                Some(geo::LineIntersection::SinglePoint { intersection, .. }) => return Some(intersection),
                Some(geo::LineIntersection::Collinear { intersection }) => return Some(intersection.start),
                None => {}
            }
        }
    }
    // Boundaries apart but regions meeting: one part lies inside the other, so
    // some part's first vertex is inside the other geometry.
    let first = |p: &geo::Polygon<f64>| p.exterior().0.first().copied();
    b.iter()
        .filter_map(first)
        .find(|c| a.intersects(&Point::from(*c)))
        .or_else(|| a.iter().filter_map(first).find(|c| b.intersects(&Point::from(*c))))
}

/// Rings of a geometry as lon/lat vertex lists (first == last), long edges split.
struct Boundary {
    rings: Vec<Vec<Coord<f64>>>,
}

impl Boundary {
    /// The rings as stored, with no vertex added.
    fn stored(g: &MultiPolygon<f64>) -> Boundary {
        let rings = g.iter().flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()));
        Boundary { rings: rings.filter(|r| r.0.len() >= 2).map(|r| r.0.clone()).collect() }
    }

    fn densified(g: &MultiPolygon<f64>) -> Boundary {
        let mut rings = Vec::new();
        for ring in g.iter().flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors())) {
            let cs = &ring.0;
            if cs.len() < 2 {
                continue;
            }
            let mut out = Vec::with_capacity(cs.len());
            for w in cs.windows(2) {
                let (p, q) = (w[0], w[1]);
                out.push(p);
                let n = (approx_len_m(p, q) / MAX_EDGE_M).ceil();
                if n > 1.0 && n.is_finite() {
                    let steps = n as usize;
                    for k in 1..steps {
                        let t = k as f64 / n;
                        out.push(Coord { x: p.x + (q.x - p.x) * t, y: p.y + (q.y - p.y) * t });
                    }
                }
            }
            if let Some(last) = cs.last() {
                out.push(*last);
            }
            rings.push(out);
        }
        Boundary { rings }
    }

    fn project(&self, frame: &SphereAeqd) -> Boundary {
        Boundary { rings: self.rings.iter().map(|r| r.iter().map(|c| frame.fwd(*c)).collect()).collect() }
    }

    /// Largest distance of a vertex from the origin (for projected boundaries).
    fn max_radius(&self) -> f64 {
        self.rings.iter().flatten().map(|c| c.x.hypot(c.y)).fold(0.0, f64::max)
    }

    fn segments(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.rings.iter().enumerate().flat_map(|(r, ring)| (0..ring.len().saturating_sub(1)).map(move |i| (r, i)))
    }
}

/// A rough length in metres (equirectangular), only to decide how finely to
/// split an edge; never used as a result.
fn approx_len_m(p: Coord<f64>, q: Coord<f64>) -> f64 {
    let lat = ((p.y + q.y) / 2.0).to_radians();
    let dx = (q.x - p.x).to_radians() * GRS80_A * lat.cos();
    let dy = (q.y - p.y).to_radians() * GRS80_A;
    dx.hypot(dy)
}

/// Ellipsoidal azimuthal-equidistant projection centred on a lon/lat point:
/// a point maps to (s·sin α, s·cos α), with s and α the geodesic distance and
/// azimuth from the centre, so distances from the centre are exact.
struct Aeqd {
    lat0: f64,
    lon0: f64,
}

impl Aeqd {
    fn at(c: Coord<f64>) -> Aeqd {
        Aeqd { lat0: c.y, lon0: c.x }
    }

    fn fwd(&self, c: Coord<f64>) -> Coord<f64> {
        let (s12, azi1, _azi2, _a12): (f64, f64, f64, f64) = ellipsoid().inverse(self.lat0, self.lon0, c.y, c.x);
        let (sin, cos) = azi1.to_radians().sin_cos();
        Coord { x: s12 * sin, y: s12 * cos }
    }

    fn inv(&self, p: Coord<f64>) -> Coord<f64> {
        let s = p.x.hypot(p.y);
        if s == 0.0 {
            return Coord { x: self.lon0, y: self.lat0 };
        }
        let azi = p.x.atan2(p.y).to_degrees();
        let (lat, lon): (f64, f64) = ellipsoid().direct(self.lat0, self.lon0, azi, s);
        Coord { x: lon, y: lat }
    }
}

/// Spherical azimuthal-equidistant projection (Snyder 1987, §25) on the
/// sphere of the Gaussian radius √(M·N) at its centre, with geodetic
/// latitudes: the cheap frame in which candidate pairs are found and far
/// segments pruned. Its distances differ from geodesic ones by the
/// ellipsoid's flattening (under 0.5 %) on top of the azimuthal frame's own
/// distortion, well inside [`PRUNE_REL`]; results always come from the exact
/// [`Aeqd`] frames of the refinement.
struct SphereAeqd {
    lon0: f64,
    sin0: f64,
    cos0: f64,
    radius: f64,
}

impl SphereAeqd {
    fn at(c: Coord<f64>) -> SphereAeqd {
        let (sin0, cos0) = c.y.to_radians().sin_cos();
        let e2 = crate::geom::area::GRS80_F * (2.0 - crate::geom::area::GRS80_F);
        let w2 = 1.0 - e2 * sin0 * sin0;
        let radius = GRS80_A * (1.0 - e2).sqrt() / w2;
        SphereAeqd { lon0: c.x, sin0, cos0, radius }
    }

    fn fwd(&self, c: Coord<f64>) -> Coord<f64> {
        let (sin, cos) = c.y.to_radians().sin_cos();
        let (sl, cl) = (c.x - self.lon0).to_radians().sin_cos();
        let x = cos * sl;
        let y = self.cos0 * sin - self.sin0 * cos * cl;
        let cos_c = self.sin0 * sin + self.cos0 * cos * cl;
        let sin_c = x.hypot(y);
        if sin_c == 0.0 {
            return Coord { x: 0.0, y: 0.0 };
        }
        let k = self.radius * sin_c.atan2(cos_c) / sin_c;
        Coord { x: k * x, y: k * y }
    }

    fn inv(&self, p: Coord<f64>) -> Coord<f64> {
        let rho = p.x.hypot(p.y);
        if rho == 0.0 {
            return Coord { x: self.lon0, y: self.sin0.atan2(self.cos0).to_degrees() };
        }
        let (sin_c, cos_c) = (rho / self.radius).sin_cos();
        let lat = (cos_c * self.sin0 + p.y * sin_c * self.cos0 / rho).clamp(-1.0, 1.0).asin();
        let lon = self.lon0.to_radians() + (p.x * sin_c).atan2(rho * self.cos0 * cos_c - p.y * self.sin0 * sin_c);
        Coord { x: lon.to_degrees(), y: lat.to_degrees() }
    }
}

/// The point of segment `a`–`b` nearest to `p`, and its squared distance.
pub(crate) fn closest_on_segment(p: Coord<f64>, a: Coord<f64>, b: Coord<f64>) -> (Coord<f64>, f64) {
    let d = b - a;
    let len2 = d.x * d.x + d.y * d.y;
    let t = if len2 > 0.0 { (((p - a).x * d.x + (p - a).y * d.y) / len2).clamp(0.0, 1.0) } else { 0.0 };
    let q = Coord { x: a.x + t * d.x, y: a.y + t * d.y };
    let e = p - q;
    (q, e.x * e.x + e.y * e.y)
}

/// Planar closest pair of two projected boundaries. Two disjoint segments are
/// closest at an endpoint of one of them, so every vertex of each side is
/// matched with its nearest segment of the other (R-trees of segments).
fn planar_closest(fa: &Boundary, fb: &Boundary) -> Option<(Coord<f64>, Coord<f64>)> {
    let lines = |g: &Boundary| -> RTree<Line<f64>> {
        RTree::bulk_load(g.segments().map(|(r, i)| Line::new(g.rings[r][i], g.rings[r][i + 1])).collect())
    };
    let (ta, tb) = (lines(fa), lines(fb));
    let mut best: Option<(f64, Coord<f64>, Coord<f64>)> = None;
    let mut consider = |d2: f64, pa: Coord<f64>, pb: Coord<f64>| {
        if best.is_none_or(|(b, _, _)| d2 < b) {
            best = Some((d2, pa, pb));
        }
    };
    for v in fa.rings.iter().flatten() {
        if let Some(l) = tb.nearest_neighbor(&Point::from(*v)) {
            let (q, d2) = closest_on_segment(*v, l.start, l.end);
            consider(d2, *v, q);
        }
    }
    for v in fb.rings.iter().flatten() {
        if let Some(l) = ta.nearest_neighbor(&Point::from(*v)) {
            let (q, d2) = closest_on_segment(*v, l.start, l.end);
            consider(d2, q, *v);
        }
    }
    best.map(|(_, pa, pb)| (pa, pb))
}

/// The geodesically nearest point of `target` to `centre` (lon/lat), found in
/// an AEQD frame centred on `centre`. `target_frame` is `target` in the
/// candidate frame, used to skip segments that cannot be nearest.
///
/// With `prune`, two sieves keep the segments within a few percent of the
/// nearest (see [`PRUNE_REL`], [`LOCAL_PRUNE_REL`]), and those are measured
/// exactly nearest first, each only if the ratio bound allows it to beat the
/// best so far: between the spherical frame centred on `centre` and the
/// geodesic, the ratio of distances changes by at most [`RATIO_PER_AZIMUTH`]
/// per radian of azimuth and [`RATIO_PER_DISTANCE`] per Earth radius of
/// distance. Far from a small park (tens of kilometres), the sieves' few
/// percent hold the whole park; the ratio bound keeps a segment or two.
fn nearest_on(
    target: &Boundary,
    target_frame: &Boundary,
    frame: &SphereAeqd,
    centre: Coord<f64>,
    prune: bool,
) -> Option<Coord<f64>> {
    let origin = Coord { x: 0.0, y: 0.0 };
    let sphere = SphereAeqd::at(centre);
    // per segment: which, and with pruning its distance and ends in `sphere`
    let keep: Vec<((usize, usize), Option<Sieved>)> = if prune {
        let c0 = frame.fwd(centre);
        let d: Vec<((usize, usize), f64)> = target_frame
            .segments()
            .map(|(r, i)| {
                ((r, i), closest_on_segment(c0, target_frame.rings[r][i], target_frame.rings[r][i + 1]).1.sqrt())
            })
            .collect();
        let min = d.iter().map(|x| x.1).fold(f64::INFINITY, f64::min);
        let cut = min * (1.0 + PRUNE_REL) + PRUNE_ABS_M;
        // second sieve, in a spherical frame centred on the point itself:
        // distances from the centre there are within the flattening's
        // half a percent of geodesic ones
        let d: Vec<((usize, usize), Sieved)> = d
            .into_iter()
            .filter(|x| x.1 <= cut)
            .map(|((r, i), _)| {
                let (p, q) = (sphere.fwd(target.rings[r][i]), sphere.fwd(target.rings[r][i + 1]));
                ((r, i), Sieved { distance: closest_on_segment(origin, p, q).1.sqrt(), p, q })
            })
            .collect();
        let min = d.iter().map(|x| x.1.distance).fold(f64::INFINITY, f64::min);
        let cut = min * (1.0 + LOCAL_PRUNE_REL) + LOCAL_PRUNE_ABS_M;
        let mut near: Vec<_> = d.into_iter().filter(|x| x.1.distance <= cut).map(|(s, x)| (s, Some(x))).collect();
        // nearest first, so that the best is found early and bounds the rest
        let key = |x: &Option<Sieved>| x.map_or(0.0, |x| x.distance);
        near.sort_by(|a, b| key(&a.1).total_cmp(&key(&b.1)).then(a.0.cmp(&b.0)));
        near
    } else {
        target.segments().map(|s| (s, None)).collect()
    };
    let local = Aeqd::at(centre);
    let mut cache: Vec<Vec<Option<Coord<f64>>>> = target.rings.iter().map(|r| vec![None; r.len()]).collect();
    let mut proj = |r: usize, i: usize| -> Coord<f64> {
        if let Some(c) = cache[r][i] {
            return c;
        }
        let c = local.fwd(target.rings[r][i]);
        cache[r][i] = Some(c);
        c
    };
    // the best: squared distance, segment (ties go to the first segment,
    // whatever order they are measured in), point in the local frame
    let mut best: Option<(f64, (usize, usize), Coord<f64>)> = None;
    // at the best point: geodesic over spherical distance, azimuth, spherical distance
    let mut ratio: Option<(f64, f64, f64)> = None;
    for (seg, sieved) in keep {
        if let (Some((b2, _, _)), Some((r_best, az_best, rho_best)), Some(Sieved { distance: ds, p, q })) =
            (best, ratio, sieved)
        {
            let (az_p, az_q) = (p.x.atan2(p.y), q.x.atan2(q.y));
            // every azimuth of the chord is within its span of either end
            let turn = angle_between(az_p, az_q) + angle_between(az_p, az_best).max(angle_between(az_q, az_best));
            let lower = ds
                * (r_best
                    - RATIO_PER_AZIMUTH * turn.min(std::f64::consts::PI)
                    - RATIO_PER_DISTANCE * rho_best / GRS80_A)
                - LOCAL_PRUNE_ABS_M;
            if lower > b2.sqrt() {
                continue;
            }
        }
        let (r, i) = seg;
        let (p, q) = (proj(r, i), proj(r, i + 1));
        let (c, d2) = closest_on_segment(origin, p, q);
        if best.is_none_or(|(b, bs, _)| d2 < b || (d2 == b && seg < bs)) {
            best = Some((d2, seg, c));
            ratio = sieved.and_then(|_| {
                let at = sphere.fwd(local.inv(c));
                let rho = at.x.hypot(at.y);
                (rho > 0.0).then(|| (d2.sqrt() / rho, at.x.atan2(at.y), rho))
            });
        }
    }
    best.map(|(_, _, c)| local.inv(c))
}

/// A segment that passed both sieves of [`nearest_on`]: its distance from
/// the point and its ends, in the spherical frame centred on the point.
#[derive(Clone, Copy)]
struct Sieved {
    distance: f64,
    p: Coord<f64>,
    q: Coord<f64>,
}

/// The angle between two azimuths (radians), 0..π.
fn angle_between(a: f64, b: f64) -> f64 {
    let d = (a - b).abs() % std::f64::consts::TAU;
    d.min(std::f64::consts::TAU - d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geom::testkit::{star, Rng};
    use geo::{polygon, LineString, Polygon};

    fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> MultiPolygon<f64> {
        MultiPolygon(vec![polygon![(x: x0, y: y0), (x: x1, y: y0), (x: x1, y: y1), (x: x0, y: y1), (x: x0, y: y0)]])
    }

    fn close(a: Coord<f64>, b: Coord<f64>, deg: f64) -> bool {
        (a.x - b.x).abs() <= deg && (a.y - b.y).abs() <= deg
    }

    /// Two squares on one meridian: the gap is the meridian arc between the
    /// facing edges, the same at every longitude of the overlap. Expected value
    /// from pyproj 3.7.2 (PROJ's C geodesic code), not from this crate:
    /// `Geod(ellps='GRS80').inv(110, 40.01, 110, 40.05)[2]`.
    #[test]
    fn squares_on_a_meridian_are_a_meridian_arc_apart() {
        let a = rect(110.0, 40.0, 110.01, 40.01);
        let b = rect(110.0, 40.05, 110.01, 40.06);
        let c = closest_points(&a, &b).unwrap();
        assert!((c.distance.0 - 4_441.408_366).abs() < 1e-3, "{c:?}");
        assert!((c.on_a.y - 40.01).abs() < 1e-9 && (c.on_b.y - 40.05).abs() < 1e-9, "{c:?}");
        // the foot of the perpendicular: same longitude, to a few cm (the
        // nearest chord point sits beside the vertex)
        assert!((c.on_a.x - c.on_b.x).abs() < 1e-6, "{c:?}");
    }

    /// Offset squares: the facing corners are closest (the perpendicular feet
    /// fall outside both facing edges). pyproj:
    /// `Geod(ellps='GRS80').inv(110.01, 40.01, 110.03, 40.03)[2]`.
    #[test]
    fn offset_squares_are_closest_at_their_facing_corners() {
        let a = rect(110.0, 40.0, 110.01, 40.01);
        let b = rect(110.03, 40.03, 110.04, 40.04);
        let c = closest_points(&a, &b).unwrap();
        assert!(close(c.on_a, Coord { x: 110.01, y: 40.01 }, 1e-9), "{c:?}");
        assert!(close(c.on_b, Coord { x: 110.03, y: 40.03 }, 1e-9), "{c:?}");
        assert!((c.distance.0 - 2_801.187_631).abs() < 1e-3, "{c:?}");
        // symmetric
        let d = closest_points(&b, &a).unwrap();
        assert!((d.distance.0 - c.distance.0).abs() < 1e-6);
    }

    /// Squares side by side, 2° of longitude apart at 45°N (157 km): the
    /// facing edges are meridians, and since a degree of longitude shrinks
    /// northward the northern corners are closest. pyproj:
    /// `Geod(ellps='GRS80').inv(111, 45.5, 113, 45.5)[2]`; a 201 × 201 scan of
    /// the two edges with `Geod.inv` finds the same pair.
    #[test]
    fn squares_far_apart_on_a_parallel_match_an_independent_scan() {
        let a = rect(110.0, 44.5, 111.0, 45.5);
        let b = rect(113.0, 44.5, 114.0, 45.5);
        let c = closest_points(&a, &b).unwrap();
        assert!(close(c.on_a, Coord { x: 111.0, y: 45.5 }, 1e-7), "{c:?}");
        assert!(close(c.on_b, Coord { x: 113.0, y: 45.5 }, 1e-7), "{c:?}");
        assert!((c.distance.0 - 156_312.089_895).abs() < 1e-2, "{c:?}");
    }

    #[test]
    fn touching_and_overlapping_parks_are_at_zero() {
        let a = rect(110.0, 40.0, 110.01, 40.01);
        // shares the whole east edge
        let b = rect(110.01, 40.0, 110.02, 40.01);
        // shares a part of the east edge, no vertex in common
        let c = rect(110.01, 40.002, 110.02, 40.005);
        // touches at one corner only
        let d = rect(110.01, 40.01, 110.02, 40.02);
        // overlaps
        let e = rect(110.005, 40.005, 110.02, 40.02);
        // inside, not touching the boundary
        let f = rect(110.002, 40.002, 110.003, 40.003);
        for (name, other) in [("edge", &b), ("part of an edge", &c), ("corner", &d), ("overlap", &e), ("inside", &f)] {
            for (x, y) in [(&a, other), (other, &a)] {
                let r = closest_points(x, y).unwrap();
                assert_eq!(r.distance.0, 0.0, "{name}: {r:?}");
                assert_eq!(r.on_a, r.on_b, "{name}");
                let p = Point::from(r.on_a);
                assert!(x.intersects(&p) && y.intersects(&p), "{name}: {r:?} is not shared");
            }
        }
    }

    #[test]
    fn a_park_in_a_hole_is_measured_to_the_hole_boundary() {
        let outer = LineString::from(vec![(110.0, 40.0), (110.1, 40.0), (110.1, 40.1), (110.0, 40.1), (110.0, 40.0)]);
        let hole =
            LineString::from(vec![(110.02, 40.02), (110.08, 40.02), (110.08, 40.08), (110.02, 40.08), (110.02, 40.02)]);
        let ring = MultiPolygon(vec![Polygon::new(outer, vec![hole])]);
        let inner = rect(110.045, 40.03, 110.055, 40.07);
        let c = closest_points(&ring, &inner).unwrap();
        // nearest: the hole's south edge (parallel 40.02) and the park's
        // south edge (40.03), a meridian arc apart. pyproj:
        // `Geod(ellps='GRS80').inv(110.05, 40.02, 110.05, 40.03)[2]`
        assert!((c.distance.0 - 1_110.351_130).abs() < 1e-3, "{c:?}");
        assert!((c.on_a.y - 40.02).abs() < 1e-8 && (c.on_b.y - 40.03).abs() < 1e-8, "{c:?}");
        // (every longitude the two edges share ties; the search may stop a
        // few millimetres past the end of that range)
        assert!((110.045 - 1e-7..=110.055 + 1e-7).contains(&c.on_a.x), "{c:?}");
    }

    /// A point due north of a square's top edge: the nearest point is the
    /// foot on that edge at the same longitude, a meridian arc away (the same
    /// pyproj value as `squares_on_a_meridian_are_a_meridian_arc_apart`).
    #[test]
    fn a_point_north_of_a_square_is_a_meridian_arc_from_its_top_edge() {
        let a = rect(110.0, 40.0, 110.01, 40.01);
        let c = closest_point_to(Coord { x: 110.005, y: 40.05 }, &a).unwrap();
        assert!((c.distance.0 - 4_441.408_366).abs() < 1e-3, "{c:?}");
        assert!(close(c.on_b, Coord { x: 110.005, y: 40.01 }, 1e-7), "{c:?}");
        // beyond the corner: the corner itself (pyproj:
        // `Geod(ellps='GRS80').inv(110.01, 40.01, 110.03, 40.03)[2]`)
        let d = closest_point_to(Coord { x: 110.03, y: 40.03 }, &a).unwrap();
        assert!((d.distance.0 - 2_801.187_631).abs() < 1e-3, "{d:?}");
        assert!(close(d.on_b, Coord { x: 110.01, y: 40.01 }, 1e-9), "{d:?}");
    }

    #[test]
    fn a_point_inside_or_on_the_boundary_is_at_zero() {
        let a = rect(110.0, 40.0, 110.01, 40.01);
        for p in [Coord { x: 110.004, y: 40.006 }, Coord { x: 110.01, y: 40.005 }, Coord { x: 110.0, y: 40.0 }] {
            let c = closest_point_to(p, &a).unwrap();
            assert_eq!((c.distance.0, c.on_b), (0.0, p));
        }
        assert_eq!(closest_point_to(Coord { x: f64::NAN, y: 40.0 }, &a), None);
        assert_eq!(closest_point_to(Coord { x: 110.0, y: 40.0 }, &MultiPolygon(vec![])), None);
    }

    #[test]
    fn empty_or_non_finite_geometries_have_no_distance() {
        let a = rect(110.0, 40.0, 110.01, 40.01);
        let nan = rect(110.0, 40.0, f64::NAN, 40.01);
        assert_eq!(closest_points(&a, &nan), None);
        assert_eq!(closest_points(&nan, &a), None);
        assert_eq!(closest_points(&a, &MultiPolygon(vec![])), None);
        assert_eq!(closest_points(&MultiPolygon(vec![]), &a), None);
    }

    /// Points along every ring, at most `step` degrees apart (lon/lat-straight edges).
    fn dense(g: &MultiPolygon<f64>, step: f64) -> Vec<Coord<f64>> {
        let mut out = Vec::new();
        for ring in g.iter().flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors())) {
            for l in ring.lines() {
                let n = ((l.dx().abs().max(l.dy().abs())) / step).ceil().max(1.0) as usize;
                for k in 0..n {
                    let t = k as f64 / n as f64;
                    out.push(Coord { x: l.start.x + l.dx() * t, y: l.start.y + l.dy() * t });
                }
            }
        }
        out
    }

    /// Brute force: every pair of densely sampled boundary points, by geodesic
    /// inverse, then the same at 10× finer sampling in a window around the
    /// best pair, three times. Returns the minimum and a bound on how far it
    /// can be above the true minimum (the final sampling step on both sides).
    fn brute_force(a: &MultiPolygon<f64>, b: &MultiPolygon<f64>) -> (f64, f64) {
        let mut step = 0.0006; // ~ 60 m
        let mut window: Option<(Coord<f64>, Coord<f64>)> = None;
        let mut best = f64::INFINITY;
        for _ in 0..4 {
            let near = |c: &Coord<f64>, w: Option<Coord<f64>>| {
                w.is_none_or(|w| (c.x - w.x).abs() < 40.0 * step && (c.y - w.y).abs() < 40.0 * step)
            };
            let sa: Vec<_> = dense(a, step).into_iter().filter(|c| near(c, window.map(|w| w.0))).collect();
            let sb: Vec<_> = dense(b, step).into_iter().filter(|c| near(c, window.map(|w| w.1))).collect();
            for p in &sa {
                for q in &sb {
                    let d = geodesic_distance(*p, *q).0;
                    if d < best {
                        best = d;
                        window = Some((*p, *q));
                    }
                }
            }
            step /= 10.0;
        }
        (best, 2.0 * 111_700.0 * step * 10.0)
    }

    #[test]
    fn random_polygons_agree_with_brute_force() {
        let mut rng = Rng(0x5eed_0001);
        for case in 0..10 {
            let (cx, cy) = (rng.range(98.0, 125.0), rng.range(38.0, 52.0));
            let a = star(&mut rng, cx, cy, 0.005, 9);
            // gap from ~100 m to ~330 km, any direction
            let dist = [0.002, 0.01, 0.05, 0.4, 3.0][case % 5];
            let t = rng.range(0.0, std::f64::consts::TAU);
            let k = 1.0 / cy.to_radians().cos();
            let b = star(&mut rng, cx + (0.011 + dist) * k * t.cos(), cy + (0.011 + dist) * t.sin(), 0.005, 7);
            let c = closest_points(&a, &b).unwrap();
            let (bf, slack) = brute_force(&a, &b);
            assert!(c.distance.0 <= bf + 1e-3, "case {case}: {c:?} above brute force {bf}");
            assert!(c.distance.0 >= bf - slack, "case {case}: {c:?} below brute force {bf} - {slack}");
            assert!((geodesic_distance(c.on_a, c.on_b).0 - c.distance.0).abs() < 1e-6);
        }
    }

    /// The constants of the ratio bound in `nearest_on` hold, against
    /// geographiclib: the ratio of geodesic to spherical-frame distance
    /// changes with azimuth by under [`RATIO_PER_AZIMUTH`] per radian, and
    /// with distance by under 0.0054 per Earth radius, at any latitude and
    /// up to 3,000 km.
    #[test]
    fn ratio_bounds_hold() {
        let g = ellipsoid();
        let ratio = |frame: &SphereAeqd, lat0: f64, az: f64, s: f64| {
            let (lat, lon): (f64, f64) = g.direct(lat0, 111.0, az, s);
            let p = frame.fwd(Coord { x: lon, y: lat });
            (s / p.x.hypot(p.y), p.x.atan2(p.y))
        };
        for lat0 in [0.0, 23.0, 37.0, 45.0, 53.0, 70.0] {
            let frame = SphereAeqd::at(Coord { x: 111.0, y: lat0 });
            for s in [50.0, 1e3, 2e4, 1e5, 5e5, 1.5e6, 3e6] {
                let mut prev = ratio(&frame, lat0, 0.0, s);
                for k in 1..=1440 {
                    let az = k as f64 * 0.25;
                    let (r, beta) = ratio(&frame, lat0, az, s);
                    let per_azimuth = (r - prev.0).abs() / angle_between(beta, prev.1);
                    assert!(per_azimuth < RATIO_PER_AZIMUTH / 1.15, "{lat0}° {s} m {az}°: {per_azimuth}");
                    let (r2, _) = ratio(&frame, lat0, az, s * 1.02);
                    let per_radius = (r2 - r).abs() / (0.02 * s) * GRS80_A;
                    assert!(per_radius < 0.0054, "{lat0}° {s} m {az}°: {per_radius}");
                    prev = (r, beta);
                }
            }
        }
    }

    /// Pruning changes no answer: the nearest point with the sieves and the
    /// ratio bound is the one a search of every segment finds, from 10 m to
    /// 1,000 km away, at any latitude of the region.
    #[test]
    fn pruned_search_finds_what_the_full_search_finds() {
        let mut rng = Rng(0x0b0e_5eed);
        for case in 0..300 {
            let (cx, cy) = (rng.range(98.0, 125.0), rng.range(38.0, 52.0));
            let r = [0.0005, 0.005, 0.02][case % 3];
            let target = star(&mut rng, cx, cy, r, 5 + case % 30);
            let gap = [1e-4, 0.003, 0.05, 0.4, 3.0, 9.0][case % 6];
            let t = rng.range(0.0, std::f64::consts::TAU);
            let k = 1.0 / cy.to_radians().cos();
            let p = Coord { x: cx + (r + gap) * k * t.cos(), y: cy + (r + gap) * t.sin() };
            let b = Boundary::densified(&target);
            let frame = SphereAeqd::at(Coord { x: (cx + p.x) / 2.0, y: (cy + p.y) / 2.0 });
            let fb = b.project(&frame);
            let full = nearest_on(&b, &fb, &frame, p, false).unwrap();
            let pruned = nearest_on(&b, &fb, &frame, p, true).unwrap();
            let (df, dp) = (geodesic_distance(p, full).0, geodesic_distance(p, pruned).0);
            assert!((df - dp).abs() < 1e-6, "case {case}: {df} vs {dp} m");
            assert!((full.x - pruned.x).abs() < 1e-12 && (full.y - pruned.y).abs() < 1e-12, "case {case}");
        }
    }
}
