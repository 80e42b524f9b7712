//! Geodesic area on the CGCS2000 (= GRS80) ellipsoid.
//!
//! Each ring's area is that of the polygon whose edges are geodesics between
//! the stored vertices (GeographicLib's algorithm, as in pyproj's
//! `Geod.polygon_area_perimeter`); a polygon is |exterior| − Σ|holes|.
//! Planar area on lon/lat is never used.

use crate::units::Mu;
use geo::{LineString, MultiPolygon, Polygon};
use geographiclib_rs::{Geodesic, PolygonArea, Winding};
use std::sync::OnceLock;

/// Semi-major axis of CGCS2000/GRS80, metres.
pub const GRS80_A: f64 = 6_378_137.0;
/// Flattening of CGCS2000/GRS80.
pub const GRS80_F: f64 = 1.0 / 298.257_222_101;

/// The CGCS2000/GRS80 ellipsoid, shared.
pub fn ellipsoid() -> &'static Geodesic {
    static G: OnceLock<Geodesic> = OnceLock::new();
    G.get_or_init(|| Geodesic::new(GRS80_A, GRS80_F))
}

/// Area of the region a closed ring encloses, m², whatever its orientation.
pub fn ring_area_m2(ring: &LineString<f64>) -> f64 {
    let pts = &ring.0;
    if pts.len() < 4 {
        return 0.0;
    }
    let mut pa = PolygonArea::new(ellipsoid(), Winding::CounterClockwise);
    // the closing vertex repeats the first one
    for c in &pts[..pts.len() - 1] {
        pa.add_point(c.y, c.x);
    }
    let (_, area, _) = pa.compute(true);
    area.abs()
}

/// Area of a polygon, m²: exterior minus holes.
pub fn polygon_area_m2(p: &Polygon<f64>) -> f64 {
    ring_area_m2(p.exterior()) - p.interiors().iter().map(ring_area_m2).sum::<f64>()
}

/// Area of a multipolygon, m² (its parts must not overlap: it is valid).
pub fn area_m2(mp: &MultiPolygon<f64>) -> f64 {
    mp.0.iter().map(polygon_area_m2).sum()
}

/// Area of a multipolygon in mu.
pub fn area_mu(mp: &MultiPolygon<f64>) -> Mu {
    Mu::from_m2(area_m2(mp))
}

/// Geodesic perimeter of a polygon's rings, metres.
pub fn perimeter_m(p: &Polygon<f64>) -> f64 {
    let g = ellipsoid();
    std::iter::once(p.exterior())
        .chain(p.interiors())
        .flat_map(|r| r.lines())
        .map(|l| {
            let d: f64 = geographiclib_rs::InverseGeodesic::inverse(g, l.start.y, l.start.x, l.end.y, l.end.x);
            d
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    /// Area of the ellipsoidal "rectangle" between two meridians and two
    /// parallels, from the closed form for the authalic zone area:
    /// A = (λ2−λ1)·b²/2·[q(φ2) − q(φ1)], q(φ) = sinφ/(1−e²sin²φ) + atanh(e·sinφ)/e.
    /// Independent of GeographicLib; its edges along parallels are not
    /// geodesics, so it is compared with the geodesic polygon densified along
    /// the parallels.
    fn zone_area(lon1: f64, lon2: f64, lat1: f64, lat2: f64) -> f64 {
        let f = GRS80_F;
        let a = GRS80_A;
        let b = a * (1.0 - f);
        let e2 = f * (2.0 - f);
        let e = e2.sqrt();
        let q = |phi: f64| {
            let s = phi.to_radians().sin();
            s / (1.0 - e2 * s * s) + (e * s).atanh() / e
        };
        (lon2 - lon1).to_radians() * b * b / 2.0 * (q(lat2) - q(lat1))
    }

    #[test]
    fn a_lat_lon_cell_matches_the_closed_form() {
        // 0.1° × 0.1° cell at 40°N, its parallels densified every 0.0005°
        let (lon1, lon2, lat1, lat2) = (111.0, 111.1, 40.0, 40.1);
        let n = 200;
        let mut ring = Vec::new();
        for i in 0..=n {
            ring.push((lon1 + (lon2 - lon1) * i as f64 / n as f64, lat1));
        }
        for i in 0..=n {
            ring.push((lon2 - (lon2 - lon1) * i as f64 / n as f64, lat2));
        }
        ring.push((lon1, lat1));
        let p = Polygon::new(LineString::from(ring), vec![]);
        let got = polygon_area_m2(&p);
        let want = zone_area(lon1, lon2, lat1, lat2);
        assert!(((got - want) / want).abs() < 1e-7, "got {got}, want {want}");
    }

    #[test]
    fn orientation_does_not_matter_and_holes_subtract() {
        let outer = polygon![(x: 111.0, y: 40.0), (x: 111.02, y: 40.0), (x: 111.02, y: 40.02), (x: 111.0, y: 40.02)];
        let mut cw = outer.clone();
        cw.exterior_mut(|r| r.0.reverse());
        assert!((polygon_area_m2(&outer) - polygon_area_m2(&cw)).abs() < 1e-6);
        let hole =
            polygon![(x: 111.005, y: 40.005), (x: 111.01, y: 40.005), (x: 111.01, y: 40.01), (x: 111.005, y: 40.01)];
        let with_hole = Polygon::new(outer.exterior().clone(), vec![hole.exterior().clone()]);
        let want = polygon_area_m2(&outer) - polygon_area_m2(&hole);
        assert!((polygon_area_m2(&with_hole) - want).abs() < 1e-6);
    }

    #[test]
    fn one_square_kilometre_is_1500_mu() {
        // A ~1 km square near 40°N; check mu conversion on a known figure
        let d_lat = 1000.0 / 111_034.0; // metres per degree of latitude near 40°N (approx.)
        let p = polygon![(x: 111.0, y: 40.0), (x: 111.0 + 0.011_75, y: 40.0), (x: 111.0 + 0.011_75, y: 40.0 + d_lat), (x: 111.0, y: 40.0 + d_lat)];
        let mu = area_mu(&MultiPolygon(vec![p])).0;
        assert!((mu - 1500.0).abs() < 15.0, "{mu}");
    }
}
