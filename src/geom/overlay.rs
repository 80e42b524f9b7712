//! Boolean overlay (intersection, union) that keeps every vertex.
//!
//! geo's `BooleanOps` drops collinear vertices from its output. On the
//! lon/lat plane that looks harmless, but every later measure here takes the
//! edges as geodesics between the stored vertices: a block edge densified to
//! 200 m steps, once its collinear vertices are gone, becomes one 3 km
//! geodesic that bows centimetres away from the line, tens of m² on a large
//! overlap. So the overlay is run through i_overlay (the engine behind geo's
//! `BooleanOps`) with collinear points preserved on input and output.
//! An intersection of polygons whose boundaries cross cleanly does not
//! need the engine at all ([`super::general`]): that is faster, and keeps
//! the vertices bit for bit (the engine snaps them to its grid).

use geo::orient::{Direction, Orient};
use geo::{Coord, LineString, MultiPolygon, Polygon};
use i_overlay::core::fill_rule::FillRule;
use i_overlay::core::overlay_rule::OverlayRule;
use i_overlay::float::overlay::{FloatOverlay, OverlayOptions};

fn options() -> OverlayOptions<f64> {
    OverlayOptions { preserve_input_collinear: true, preserve_output_collinear: true, ..OverlayOptions::ogc() }
}

fn paths<'a>(mps: impl IntoIterator<Item = &'a MultiPolygon<f64>>) -> Vec<Vec<[f64; 2]>> {
    let mut out = Vec::new();
    for mp in mps {
        for p in &mp.0 {
            for r in std::iter::once(p.exterior()).chain(p.interiors()) {
                let n = r.0.len().saturating_sub(1); // drop the closing vertex
                if n >= 3 {
                    out.push(r.0[..n].iter().map(|c| [c.x, c.y]).collect());
                }
            }
        }
    }
    out
}

fn to_multipolygon(shapes: Vec<Vec<Vec<[f64; 2]>>>) -> MultiPolygon<f64> {
    let polys = shapes
        .into_iter()
        .filter(|s| !s.is_empty())
        .map(|shape| {
            let mut rings = shape.into_iter().map(|c| {
                let mut ls = LineString(c.into_iter().map(|[x, y]| Coord { x, y }).collect());
                ls.close();
                ls
            });
            let ext = rings.next().unwrap_or_else(|| LineString(vec![]));
            Polygon::new(ext, rings.collect())
        })
        .collect();
    MultiPolygon(polys)
}

/// The intersection of two valid multipolygons: by walking their
/// boundaries when they cross cleanly ([`super::general`]), else by the
/// overlay engine.
pub fn intersection(a: &MultiPolygon<f64>, b: &MultiPolygon<f64>) -> MultiPolygon<f64> {
    super::general::intersection(a, b).unwrap_or_else(|| engine_intersection(a, b))
}

/// The intersection of two valid multipolygons by the overlay engine
/// (i_overlay), for a caller that already tried [`super::general`].
pub fn engine_intersection(a: &MultiPolygon<f64>, b: &MultiPolygon<f64>) -> MultiPolygon<f64> {
    let (pa, pb) = (paths([a]), paths([b]));
    if pa.is_empty() || pb.is_empty() {
        return MultiPolygon(vec![]);
    }
    to_multipolygon(
        FloatOverlay::with_subj_and_clip_custom(&pa, &pb, options(), Default::default())
            .overlay(OverlayRule::Intersect, FillRule::EvenOdd),
    )
}

/// The union of valid multipolygons that may overlap each other.
pub fn union_all<'a>(parts: impl IntoIterator<Item = &'a MultiPolygon<f64>>) -> MultiPolygon<f64> {
    // one orientation for all, so the non-zero rule adds overlapping parts up
    let oriented: Vec<MultiPolygon<f64>> = parts.into_iter().map(|m| m.orient(Direction::Default)).collect();
    let p = paths(oriented.iter());
    if p.is_empty() {
        return MultiPolygon(vec![]);
    }
    to_multipolygon(
        FloatOverlay::with_subj_custom(&p, options(), Default::default())
            .overlay(OverlayRule::Subject, FillRule::NonZero),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geom::area::area_m2;
    use geo::polygon;

    fn densified_square(x0: f64, y0: f64, s: f64, k: usize) -> MultiPolygon<f64> {
        let corners = [(x0, y0), (x0 + s, y0), (x0 + s, y0 + s), (x0, y0 + s), (x0, y0)];
        let mut pts = Vec::new();
        for w in corners.windows(2) {
            for i in 0..k {
                let t = i as f64 / k as f64;
                pts.push(Coord { x: w[0].0 + t * (w[1].0 - w[0].0), y: w[0].1 + t * (w[1].1 - w[0].1) });
            }
        }
        MultiPolygon(vec![Polygon::new(LineString::from(pts), vec![])])
    }

    #[test]
    fn densified_vertices_survive_so_the_geodesic_area_is_unchanged() {
        // a 0.05° block densified every 0.0025°, fully inside a big zone:
        // the intersection is the block itself, vertex for vertex
        let block = densified_square(111.0, 40.0, 0.05, 20);
        let zone = MultiPolygon(vec![
            polygon![(x: 110.99, y: 39.99), (x: 111.06, y: 39.99), (x: 111.06, y: 40.06), (x: 110.99, y: 40.06)],
        ]);
        let i = intersection(&block, &zone);
        // (the overlay snaps to a grid of 0.035°/2^29 ≈ 7 µm: a few cm² on 23.7 km²)
        assert!((area_m2(&i) - area_m2(&block)).abs() < 0.05, "{} vs {}", area_m2(&i), area_m2(&block));
        // geo's BooleanOps drops the collinear vertices and so changes the geodesic area
        use geo::BooleanOps;
        let g = block.intersection(&zone);
        let (ours, theirs) = ((area_m2(&i) - area_m2(&block)).abs(), (area_m2(&g) - area_m2(&block)).abs());
        assert!(theirs > 4.0 * ours, "geo's error {theirs} m², ours {ours} m²");
    }

    #[test]
    fn union_counts_overlap_once_whatever_the_orientation() {
        let a = MultiPolygon(vec![
            polygon![(x: 0.0, y: 0.0), (x: 0.002, y: 0.0), (x: 0.002, y: 0.002), (x: 0.0, y: 0.002)],
        ]);
        let mut b = MultiPolygon(vec![
            polygon![(x: 0.001, y: 0.0), (x: 0.003, y: 0.0), (x: 0.003, y: 0.002), (x: 0.001, y: 0.002)],
        ]);
        b.0[0].exterior_mut(|r| r.0.reverse());
        let u = union_all([&a, &b]);
        let want = MultiPolygon(vec![
            polygon![(x: 0.0, y: 0.0), (x: 0.003, y: 0.0), (x: 0.003, y: 0.002), (x: 0.0, y: 0.002)],
        ]);
        assert!((area_m2(&u) - area_m2(&want)).abs() < 1e-3);
    }
}
