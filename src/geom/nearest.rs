/*!
Nearest park by geodesic boundary distance, through an R-tree.

The exact distance ([`closest_points`]) costs a few hundred geodesic
computations per pair, so a search must rule most parks out without it, and
must know when to stop. Envelopes in lon/lat degrees cannot do that: a degree
is not a fixed length. Here each park's envelope is a box in Earth-centred
Cartesian coordinates (ECEF, metres, GRS80) that contains every point of the
park, and the straight 3D distance between two points (the chord) is never
longer than the geodesic between them. So a box distance is a lower bound of
the geodesic distance in metres, with no conversion to get wrong.

[`ParkIndex::nearest_candidates`] walks the R-tree from the query park's box
centre (rstar's nearest-neighbour iteration, via [`PointDistance`]) and yields
parks with a lower bound that never decreases; [`ParkIndex::nearest`] computes
exact distances in that order and stops as soon as the lower bound exceeds
the best distance found, so it returns the same park as a scan of all of
them.
*/

use super::area::{GRS80_A, GRS80_F};
use super::distance::{all_finite, closest_points, Closest};
use crate::units::{round_to, Metres};
use geo::{BoundingRect, MultiPolygon};
use rstar::{Envelope, PointDistance, RTree, RTreeObject, AABB};

/// Ties: two distances equal when rounded to the millimetre (the precision of
/// the outputs) are a tie.
const TIE_DECIMALS: i32 = 3;

/// A park's envelope in the R-tree: an ECEF box (metres) containing the park,
/// and the park's position in the slice the index was built from.
#[derive(Clone, Debug, PartialEq)]
pub struct ParkEnvelope {
    /// Position of the park in the caller's slice.
    pub index: usize,
    /// The ECEF box, see [`ecef_envelope`].
    pub aabb: AABB<[f64; 3]>,
}

impl RTreeObject for ParkEnvelope {
    type Envelope = AABB<[f64; 3]>;

    fn envelope(&self) -> Self::Envelope {
        self.aabb
    }
}

impl PointDistance for ParkEnvelope {
    /// Squared distance (m²) from an ECEF point to the box: a lower bound of
    /// the squared geodesic distance to any point of the park.
    fn distance_2(&self, point: &[f64; 3]) -> f64 {
        self.aabb.distance_2(point)
    }
}

/// A park that may be the nearest, from [`ParkIndex::nearest_candidates`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Candidate {
    /// Position of the park in the slice the index was built from.
    pub index: usize,
    /// No park yielded after this one is geodesically nearer to the query than
    /// this (never decreases along the iteration).
    pub lower_bound: Metres,
    /// The geodesic distance to this park is at least this (the gap between
    /// the two ECEF boxes; tighter than `lower_bound`, but not ordered).
    pub envelope_gap: Metres,
}

/// The nearest park found by [`ParkIndex::nearest`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Nearest {
    /// Position of the park in the slice the index was built from.
    pub index: usize,
    /// Closest boundary points and their geodesic distance.
    pub closest: Closest,
}

/// An R-tree over park geometries (lon/lat) for nearest-park searches by
/// geodesic boundary distance.
#[derive(Debug)]
pub struct ParkIndex<'a> {
    geoms: Vec<&'a MultiPolygon<f64>>,
    tree: RTree<ParkEnvelope>,
}

impl<'a> ParkIndex<'a> {
    /// Indexes `geoms`; results refer to them by position. Empty geometries
    /// are never returned.
    pub fn new(geoms: impl IntoIterator<Item = &'a MultiPolygon<f64>>) -> ParkIndex<'a> {
        let geoms: Vec<&MultiPolygon<f64>> = geoms.into_iter().collect();
        let items = geoms
            .iter()
            .enumerate()
            .filter_map(|(index, g)| ecef_envelope(g).map(|aabb| ParkEnvelope { index, aabb }))
            .collect();
        ParkIndex { geoms, tree: RTree::bulk_load(items) }
    }

    /// Number of geometries given (including empty ones).
    pub fn len(&self) -> usize {
        self.geoms.len()
    }

    /// Whether no geometry was given.
    pub fn is_empty(&self) -> bool {
        self.geoms.is_empty()
    }

    /// Every indexed park, by envelope only, in an order whose
    /// [`Candidate::lower_bound`] never decreases. Empty when `query` is empty.
    pub fn nearest_candidates<'s>(&'s self, query: &MultiPolygon<f64>) -> impl Iterator<Item = Candidate> + 's {
        let q = ecef_envelope(query);
        let (centre, radius) = match &q {
            Some(b) => (b.center(), half_diagonal(b)),
            None => ([0.0; 3], f64::INFINITY),
        };
        let iter = q.is_some().then(|| self.tree.nearest_neighbor_iter_with_distance_2(&centre));
        iter.into_iter().flatten().map(move |(e, d2)| Candidate {
            index: e.index,
            lower_bound: Metres((d2.sqrt() - radius).max(0.0)),
            envelope_gap: Metres(q.as_ref().map_or(0.0, |b| box_gap(b, &e.aabb))),
        })
    }

    /// The park nearest to `query` by geodesic boundary distance among those
    /// `accept` lets through (by position), or `None` if there is none.
    ///
    /// Ties (distances equal to the millimetre) go to the lower position:
    /// build the index in the order that should win ties (e.g. by park id).
    pub fn nearest(&self, query: &MultiPolygon<f64>, accept: impl Fn(usize) -> bool) -> Option<Nearest> {
        self.nearest_with(query, accept, |i| self.geoms.get(i).and_then(|g| closest_points(query, g)))
    }

    /// As [`ParkIndex::nearest`], with the exact distance to the park at a
    /// position computed by `exact`, so that a caller can reuse results
    /// between searches.
    pub fn nearest_with(
        &self,
        query: &MultiPolygon<f64>,
        accept: impl Fn(usize) -> bool,
        mut exact: impl FnMut(usize) -> Option<Closest>,
    ) -> Option<Nearest> {
        let mut best: Option<(f64, Nearest)> = None;
        for c in self.nearest_candidates(query) {
            let bound = best.as_ref().map_or(f64::INFINITY, |b| b.0);
            // A park at the lower bound would round to at least this.
            if round_to(c.lower_bound.0, TIE_DECIMALS) > bound {
                break;
            }
            if !accept(c.index) || round_to(c.envelope_gap.0, TIE_DECIMALS) > bound {
                continue;
            }
            let Some(closest) = exact(c.index) else { continue };
            let d = round_to(closest.distance.0, TIE_DECIMALS);
            let better = match &best {
                None => true,
                Some((bd, b)) => d < *bd || (d == *bd && c.index < b.index),
            };
            if better {
                best = Some((d, Nearest { index: c.index, closest }));
            }
        }
        best.map(|b| b.1)
    }
}

/// An ECEF box (metres, GRS80) that contains every point of the geometry's
/// lon/lat bounding box on the ellipsoid, so that the distance between two
/// boxes, or from a point to a box, is a lower bound of any geodesic between
/// them (a chord is never longer than the geodesic). `None` when empty or
/// when a coordinate is not finite.
///
/// The box is spanned by a 3 × 3 grid over the lon/lat box, padded by the
/// bilinear-interpolation error bound h²/8 · max‖∂²P‖ per direction (P the
/// ECEF position as a function of longitude and latitude in radians, whose
/// second derivatives are bounded by a²/b < 6.41e6 m), plus 5 cm for the
/// straight chords the distance search puts between densified vertices.
pub fn ecef_envelope(g: &MultiPolygon<f64>) -> Option<AABB<[f64; 3]>> {
    if !all_finite(g) {
        return None;
    }
    let r = g.bounding_rect()?;
    let (x0, y0, x1, y1) = (r.min().x, r.min().y, r.max().x, r.max().y);
    let mut lo = [f64::INFINITY; 3];
    let mut hi = [f64::NEG_INFINITY; 3];
    for i in 0..3 {
        for j in 0..3 {
            let lon = x0 + (x1 - x0) * i as f64 / 2.0;
            let lat = y0 + (y1 - y0) * j as f64 / 2.0;
            let p = ecef(lon, lat);
            for k in 0..3 {
                lo[k] = lo[k].min(p[k]);
                hi[k] = hi[k].max(p[k]);
            }
        }
    }
    const MAX_SECOND_DERIVATIVE_M: f64 = 6.41e6;
    let hl = ((x1 - x0) / 2.0).to_radians();
    let hp = ((y1 - y0) / 2.0).to_radians();
    let pad = MAX_SECOND_DERIVATIVE_M / 8.0 * (hl * hl + hp * hp) + 0.05;
    for k in 0..3 {
        lo[k] -= pad;
        hi[k] += pad;
    }
    Some(AABB::from_corners(lo, hi))
}

/// ECEF position (metres) of a lon/lat point on the GRS80 ellipsoid.
fn ecef(lon: f64, lat: f64) -> [f64; 3] {
    let e2 = GRS80_F * (2.0 - GRS80_F);
    let (sp, cp) = lat.to_radians().sin_cos();
    let (sl, cl) = lon.to_radians().sin_cos();
    let n = GRS80_A / (1.0 - e2 * sp * sp).sqrt();
    [n * cp * cl, n * cp * sl, n * (1.0 - e2) * sp]
}

fn half_diagonal(b: &AABB<[f64; 3]>) -> f64 {
    let (l, u) = (b.lower(), b.upper());
    (0..3).map(|k| (u[k] - l[k]).powi(2)).sum::<f64>().sqrt() / 2.0
}

/// Distance between two boxes (0 when they meet).
fn box_gap(a: &AABB<[f64; 3]>, b: &AABB<[f64; 3]>) -> f64 {
    let (al, au, bl, bu) = (a.lower(), a.upper(), b.lower(), b.upper());
    (0..3).map(|k| (bl[k] - au[k]).max(al[k] - bu[k]).max(0.0).powi(2)).sum::<f64>().sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geom::area::ellipsoid;
    use crate::geom::testkit::{star, Rng};
    use geographiclib_rs::InverseGeodesic;

    /// Seeded layout: `n` parks scattered over a league-sized area, 1–4 km
    /// across, some of them two-part.
    fn layout(seed: u64, n: usize, span: f64) -> Vec<MultiPolygon<f64>> {
        let mut rng = Rng(seed);
        let (cx, cy) = (rng.range(100.0, 122.0), rng.range(39.0, 50.0));
        (0..n)
            .map(|_| {
                let (x, y) = (cx + rng.range(-span, span), cy + rng.range(-span / 2.0, span / 2.0));
                let r = rng.range(0.005, 0.02);
                let mut g = star(&mut rng, x, y, r, 8);
                if rng.next() < 0.2 {
                    let part = star(&mut rng, x + 0.04, y + 0.01, 0.005, 6);
                    g.0.extend(part.0);
                }
                g
            })
            .collect()
    }

    #[test]
    fn the_envelope_contains_the_whole_lonlat_box_on_the_ellipsoid() {
        let mut rng = Rng(7);
        for _ in 0..50 {
            let (x, y) = (rng.range(-180.0, 170.0), rng.range(-80.0, 79.0));
            let (w, h) = (rng.range(0.0, 10.0), rng.range(0.0, 10.0));
            let g = MultiPolygon(vec![geo::Rect::new((x, y), (x + w, y + h)).to_polygon()]);
            let b = ecef_envelope(&g).unwrap();
            for i in 0..=40 {
                for j in 0..=40 {
                    let p = ecef(x + w * i as f64 / 40.0, y + h * j as f64 / 40.0);
                    assert!(b.contains_point(&p), "{x} {y} {w} {h}: {p:?} outside {b:?}");
                }
            }
        }
    }

    #[test]
    fn a_chord_is_a_lower_bound_of_the_geodesic() {
        let mut rng = Rng(11);
        for _ in 0..200 {
            let (x1, y1) = (rng.range(95.0, 127.0), rng.range(37.0, 54.0));
            let (x2, y2) = (x1 + rng.range(-5.0, 5.0), y1 + rng.range(-5.0, 5.0));
            let (p, q) = (ecef(x1, y1), ecef(x2, y2));
            let chord = (0..3).map(|k| (p[k] - q[k]).powi(2)).sum::<f64>().sqrt();
            let s: f64 = ellipsoid().inverse(y1, x1, y2, x2);
            assert!(chord <= s + 1e-6, "{chord} > {s}");
        }
    }

    #[test]
    fn candidates_come_once_each_with_sound_nondecreasing_bounds() {
        let parks = layout(0xfeed, 60, 3.0);
        let index = ParkIndex::new(parks.iter());
        for (qi, query) in parks.iter().enumerate().step_by(7) {
            let cands: Vec<Candidate> = index.nearest_candidates(query).collect();
            let mut seen: Vec<usize> = cands.iter().map(|c| c.index).collect();
            seen.sort_unstable();
            assert_eq!(seen, (0..parks.len()).collect::<Vec<_>>());
            for w in cands.windows(2) {
                assert!(w[0].lower_bound.0 <= w[1].lower_bound.0);
            }
            // every bound is below the true distance of this park and all after it
            for (k, c) in cands.iter().enumerate() {
                if c.index == qi {
                    continue;
                }
                let d = closest_points(query, &parks[c.index]).unwrap().distance.0;
                assert!(c.envelope_gap.0 <= d, "gap {c:?} > {d}");
                for earlier in &cands[..=k] {
                    assert!(earlier.lower_bound.0 <= d, "bound {earlier:?} > {d} of a later park");
                }
            }
        }
    }

    /// The index against a scan of every park, on seeded layouts from a
    /// county (0.3°) to a large league (8°), with filters.
    #[test]
    fn nearest_matches_brute_force() {
        for (seed, n, span) in [(1u64, 40, 0.3), (2, 80, 2.0), (3, 60, 8.0)] {
            let parks = layout(seed, n, span);
            let index = ParkIndex::new(parks.iter());
            for (qi, query) in parks.iter().enumerate().step_by(3) {
                for modulo in [1, 3] {
                    let accept = |i: usize| i != qi && i % modulo == qi % modulo;
                    let got = index.nearest(query, accept);
                    let scan = (0..parks.len())
                        .filter(|&i| accept(i))
                        .filter_map(|i| closest_points(query, &parks[i]).map(|c| (round_to(c.distance.0, 3), i)))
                        .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                    assert_eq!(got.map(|g| g.index), scan.map(|s| s.1), "seed {seed} query {qi} mod {modulo}");
                }
            }
        }
    }

    #[test]
    fn ties_go_to_the_lower_position() {
        // two receivers mirrored about the query's meridian: equal distances
        let sq = |x0: f64| MultiPolygon(vec![geo::Rect::new((x0, 40.0), (x0 + 0.01, 40.01)).to_polygon()]);
        let parks = [sq(110.05), sq(109.95), sq(110.0)];
        let index = ParkIndex::new(parks.iter());
        let got = index.nearest(&parks[2], |i| i != 2).unwrap();
        assert_eq!(got.index, 0);
        let other = closest_points(&parks[2], &parks[1]).unwrap();
        assert_eq!(round_to(other.distance.0, 3), round_to(got.closest.distance.0, 3));
    }

    #[test]
    fn empty_query_or_index_finds_nothing() {
        let mut parks = layout(5, 5, 0.5);
        parks.push(MultiPolygon(vec![geo::Rect::new((110.0, f64::NAN), (110.1, 40.0)).to_polygon()]));
        let index = ParkIndex::new(parks.iter());
        assert!(index.nearest(&MultiPolygon(vec![]), |_| true).is_none());
        assert!(index.nearest(&parks[5], |_| true).is_none());
        assert!(index.nearest(&parks[0], |i| i == 5).is_none());
        let none = ParkIndex::new(std::iter::empty());
        assert!(none.is_empty() && none.nearest(&parks[0], |_| true).is_none());
    }
}
