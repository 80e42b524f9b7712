//! Property tests (proptest) of the geometry the answers rest on.

use geo::{Coord, LineString, MultiPolygon, Polygon, Validation};
use proptest::prelude::*;
use yuanqu::config::ZoningConfig;
use yuanqu::geom::area::area_m2;
use yuanqu::geom::overlay;
use yuanqu::measure::overlap::overlaps;
use yuanqu::model::{Block, Origin, Zone, ZoneClass};
use yuanqu::units::Mu;

/// A star-shaped (hence simple) ring around (cx, cy): `radii` at evenly
/// spread angles, radius in degrees.
fn star(cx: f64, cy: f64, radii: &[f64], turn: f64) -> Polygon<f64> {
    let n = radii.len();
    let pts: Vec<Coord<f64>> = radii
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let a = turn + i as f64 * std::f64::consts::TAU / n as f64;
            Coord { x: cx + r * a.cos(), y: cy + r * a.sin() }
        })
        .collect();
    Polygon::new(LineString::from(pts), vec![])
}

fn polygon_strategy() -> impl Strategy<Value = Polygon<f64>> {
    (-0.02f64..0.02, -0.02f64..0.02, prop::collection::vec(0.002f64..0.02, 3..24), 0.0f64..std::f64::consts::TAU)
        .prop_map(|(dx, dy, r, t)| star(111.0 + dx, 40.0 + dy, &r, t))
}

fn block(p: &Polygon<f64>) -> Block {
    Block {
        origin: Origin { file: "t".into(), feature: 0 },
        park_id: "P".into(),
        block_id: "P-1".into(),
        park_name: None,
        block_no: None,
        block_name: None,
        park_type: None,
        county_adcode: None,
        county_name: None,
        league_adcode: None,
        league_name: None,
        leading_industries: vec![],
        established_year: None,
        approved_area_mu: None,
        builtup_mu_declared: None,
        geom: MultiPolygon(vec![p.clone()]),
    }
}

fn zone(p: &Polygon<f64>) -> Zone {
    use geo::BoundingRect;
    let geom = MultiPolygon(vec![p.clone()]);
    Zone {
        origin: Origin { file: "t".into(), feature: 0 },
        zone_id: "Z".into(),
        class: ZoneClass::Prohibited,
        zone_name: None,
        zone_type: None,
        zone_level: None,
        bbox: geom.bounding_rect().unwrap(),
        geom,
    }
}

/// The overlap yuanqu reports for one block and one zone, m² (0 when none).
fn overlap_m2(b: &Polygon<f64>, z: &Polygon<f64>) -> f64 {
    let blocks = [block(b)];
    let area = [Mu::from_m2(area_m2(&blocks[0].geom))];
    let cfg = ZoningConfig { area_tolerance_mu: 0.0, sliver_width_m: 0.0, ..ZoningConfig::default() };
    let r = overlaps(&blocks, &area, &[zone(z)], &cfg, &|| {});
    r.per_block[0].prohibited.m2()
}

fn densify(p: &Polygon<f64>, k: usize) -> Polygon<f64> {
    let mut pts = Vec::new();
    for l in p.exterior().lines() {
        for i in 0..k {
            let t = i as f64 / k as f64;
            pts.push(Coord { x: l.start.x + t * (l.end.x - l.start.x), y: l.start.y + t * (l.end.y - l.start.y) });
        }
    }
    Polygon::new(LineString::from(pts), vec![])
}

fn reversed(p: &Polygon<f64>) -> Polygon<f64> {
    let mut q = p.clone();
    q.exterior_mut(|r| r.0.reverse());
    q
}

fn rotated_start(p: &Polygon<f64>, k: usize) -> Polygon<f64> {
    let mut pts = p.exterior().0.clone();
    pts.pop();
    let k = k % pts.len();
    pts.rotate_left(k);
    Polygon::new(LineString::from(pts), vec![])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn overlap_never_exceeds_either_area(b in polygon_strategy(), z in polygon_strategy()) {
        let o = overlap_m2(&b, &z);
        let (ab, az) = (area_m2(&MultiPolygon(vec![b.clone()])), area_m2(&MultiPolygon(vec![z.clone()])));
        prop_assert!(o >= 0.0);
        // the overlay snaps vertices to a grid of extent/2^29 (µm here): a
        // contained block may come out larger by a few mm² at most
        prop_assert!(o <= ab.min(az) * (1.0 + 1e-7) + 1e-2, "overlap {o} > min({ab}, {az})");
    }

    #[test]
    fn overlap_ignores_orientation_start_vertex_and_operand_order(
        b in polygon_strategy(), z in polygon_strategy(), k in 0usize..30
    ) {
        let o = overlap_m2(&b, &z);
        let tol = 1e-6 * o.max(1.0);
        prop_assert!((overlap_m2(&reversed(&b), &z) - o).abs() <= tol);
        prop_assert!((overlap_m2(&b, &reversed(&z)) - o).abs() <= tol);
        prop_assert!((overlap_m2(&rotated_start(&b, k), &rotated_start(&z, k + 1)) - o).abs() <= tol);
        prop_assert!((overlap_m2(&z, &b) - o).abs() <= tol, "swap: {} vs {o}", overlap_m2(&z, &b));
    }

    #[test]
    fn a_block_split_in_two_keeps_its_area(b in polygon_strategy(), cut in -0.015f64..0.015) {
        use geo::BoundingRect;
        // densified to ≤ 200 m edges as real layers are: edges are geodesics
        // between stored vertices, so a cut through a 3 km edge would move it
        // by centimetres (tens of m²); at 200 m that is under a square metre
        let b = densify(&b, 20);
        let r = b.bounding_rect().unwrap();
        let x = 111.0 + cut;
        let west = geo::Rect::new(Coord { x: r.min().x - 1.0, y: r.min().y - 1.0 }, Coord { x, y: r.max().y + 1.0 }).to_polygon();
        let east = geo::Rect::new(Coord { x, y: r.min().y - 1.0 }, Coord { x: r.max().x + 1.0, y: r.max().y + 1.0 }).to_polygon();
        let whole = area_m2(&MultiPolygon(vec![b.clone()]));
        let (bm, wm, em) = (MultiPolygon(vec![b.clone()]), MultiPolygon(vec![west]), MultiPolygon(vec![east]));
        let parts = area_m2(&overlay::intersection(&bm, &wm)) + area_m2(&overlay::intersection(&bm, &em));
        // the cut adds vertices on the straight lon/lat line x = cut; edges are
        // geodesics between vertices, so only the two cut edges may differ
        prop_assert!((parts - whole).abs() <= 1e-6 * whole + 1e-2, "{parts} vs {whole}");
    }

    #[test]
    fn validation_agrees_with_geo_on_random_rings(pts in prop::collection::vec((0u8..6, 0u8..6), 3..9)) {
        let ring: Vec<Coord<f64>> = pts.iter().map(|&(x, y)| Coord { x: 111.0 + f64::from(x) * 0.001, y: 40.0 + f64::from(y) * 0.001 }).collect();
        let mp = MultiPolygon(vec![Polygon::new(LineString::from(ring), vec![])]);
        let ours = yuanqu::geom::validate::check(&mp).is_ok();
        // geo calls a ring folded onto a line valid; it encloses nothing, so
        // it is not a usable polygon (planar area: the geodesic "area" of a
        // fold along a parallel is not zero)
        let geo_ok = mp.is_valid() && geo::Area::unsigned_area(&mp) > 0.0;
        prop_assert_eq!(ours, geo_ok, "{:?}", mp);
    }
}
