//! Map projections, so that a kilometre is a kilometre in every direction on
//! the page.
//!
//! Plotting lon/lat as x/y stretches Inner Mongolia east–west by 1/cos φ
//! (1.3 at 40°N). Both projections here are conformal (shapes and
//! directions are right locally) on the CGCS2000 ellipsoid (GRS80: CGCS2000
//! and GRS80 differ in the flattening at the 11th digit):
//!
//! - the **overview** uses a Lambert conformal conic with two standard
//!   parallels at 1/6 and 5/6 of the mapped latitudes (Kavrayskiy's rule),
//!   the usual projection of a whole Chinese province;
//! - **proposal sheets** use Gauss–Krüger (transverse Mercator, k₀ = 1) in
//!   the CGCS2000 3° zone of the sheet, the grid of the planners' own CAD and
//!   GIS data (e.g. EPSG:4546 for 111°E).
//!
//! Formulas: J. P. Snyder, *Map Projections — A Working Manual*, USGS
//! Professional Paper 1395 (1987): (15-1)…(15-11) for the conic,
//! (8-9)…(8-11) and (3-21) for transverse Mercator. Both are checked against
//! Snyder's worked examples and, for the scale factor, against geodesic
//! distances.

/// An ellipsoid: semi-major axis in metres and flattening.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Ellipsoid {
    /// Semi-major axis, metres.
    pub a: f64,
    /// First eccentricity squared.
    pub e2: f64,
}

impl Ellipsoid {
    /// GRS80, the ellipsoid of CGCS2000.
    pub const GRS80: Ellipsoid = Ellipsoid::from_flattening(6_378_137.0, 1.0 / 298.257_222_101);

    /// From semi-major axis and flattening.
    pub const fn from_flattening(a: f64, f: f64) -> Ellipsoid {
        Ellipsoid { a, e2: f * (2.0 - f) }
    }

    fn e(&self) -> f64 {
        self.e2.sqrt()
    }
}

/// Lambert conformal conic with two standard parallels (degrees).
#[derive(Clone, Debug)]
pub(crate) struct LambertConic {
    ell: Ellipsoid,
    /// Standard parallels, degrees.
    pub parallels: (f64, f64),
    /// Central meridian, degrees.
    pub lon0: f64,
    n: f64,
    af: f64,
    rho0: f64,
}

impl LambertConic {
    /// The conic with standard parallels `lat1`, `lat2`, origin `lat0`, central meridian `lon0`.
    pub fn new(ell: Ellipsoid, lat1: f64, lat2: f64, lat0: f64, lon0: f64) -> LambertConic {
        let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
        let (m1, m2) = (lcc_m(&ell, p1), lcc_m(&ell, p2));
        let (t1, t2) = (lcc_t(&ell, p1), lcc_t(&ell, p2));
        let n = if (lat1 - lat2).abs() < 1e-9 { p1.sin() } else { (m1.ln() - m2.ln()) / (t1.ln() - t2.ln()) };
        let af = ell.a * m1 / (n * t1.powf(n));
        let rho0 = af * lcc_t(&ell, lat0.to_radians()).powf(n);
        LambertConic { ell, parallels: (lat1, lat2), lon0, n, af, rho0 }
    }

    /// Fitted to a latitude range and a central meridian: standard parallels
    /// at 1/6 and 5/6 of the range, rounded to 0.5° so the legend reads well.
    pub fn fitted(lat_min: f64, lat_max: f64, lon0: f64) -> LambertConic {
        let span = (lat_max - lat_min).max(0.5);
        let round = |v: f64| (v * 2.0).round() / 2.0;
        let mut lat1 = round(lat_min + span / 6.0);
        let mut lat2 = round(lat_max - span / 6.0);
        if lat2 <= lat1 {
            lat1 = round((lat_min + lat_max) / 2.0) - 0.5;
            lat2 = lat1 + 1.0;
        }
        LambertConic::new(Ellipsoid::GRS80, lat1, lat2, round((lat_min + lat_max) / 2.0), round(lon0))
    }

    /// Projected metres (easting, northing) of lon/lat degrees.
    pub fn forward(&self, lon: f64, lat: f64) -> (f64, f64) {
        let rho = self.af * lcc_t(&self.ell, lat.to_radians()).powf(self.n);
        let theta = self.n * (lon - self.lon0).to_radians();
        (rho * theta.sin(), self.rho0 - rho * theta.cos())
    }

    /// Point scale factor at a latitude (the same in every direction).
    pub fn scale_factor(&self, lat: f64) -> f64 {
        let p = lat.to_radians();
        let rho = self.af * lcc_t(&self.ell, p).powf(self.n);
        rho * self.n / (self.ell.a * lcc_m(&self.ell, p))
    }
}

fn lcc_m(ell: &Ellipsoid, phi: f64) -> f64 {
    phi.cos() / (1.0 - ell.e2 * phi.sin().powi(2)).sqrt()
}

fn lcc_t(ell: &Ellipsoid, phi: f64) -> f64 {
    let e = ell.e();
    let es = e * phi.sin();
    (std::f64::consts::FRAC_PI_4 - phi / 2.0).tan() / ((1.0 - es) / (1.0 + es)).powf(e / 2.0)
}

/// Transverse Mercator (Gauss–Krüger when `k0` = 1), origin on the equator.
#[derive(Clone, Debug)]
pub(crate) struct TransverseMercator {
    ell: Ellipsoid,
    /// Central meridian, degrees.
    pub lon0: f64,
    k0: f64,
}

impl TransverseMercator {
    /// The projection with central meridian `lon0` and scale `k0` on it.
    pub fn new(ell: Ellipsoid, lon0: f64, k0: f64) -> TransverseMercator {
        TransverseMercator { ell, lon0, k0 }
    }

    /// Gauss–Krüger in the CGCS2000 3° zone holding `lon` (central meridians at multiples of 3°).
    pub fn gauss_kruger_3deg(lon: f64) -> TransverseMercator {
        TransverseMercator::new(Ellipsoid::GRS80, (lon / 3.0).round() * 3.0, 1.0)
    }

    /// Snyder's terms at lon/lat: N, T = tan²φ, C = e'²cos²φ, A = Δλ·cos φ,
    /// e'², and sin φ, cos φ (every other trigonometric value the formulas
    /// need follows from these two without another call).
    fn terms(&self, lon: f64, lat: f64) -> Terms {
        let e2 = self.ell.e2;
        let ep2 = e2 / (1.0 - e2);
        let (s, c) = lat.to_radians().sin_cos();
        let n = self.ell.a / (1.0 - e2 * s * s).sqrt();
        let tan = s / c;
        Terms { n, t: tan * tan, c: ep2 * c * c, a: (lon - self.lon0).to_radians() * c, ep2, sin: s, cos: c }
    }

    /// Projected metres (easting from the central meridian, northing from the equator).
    pub fn forward(&self, lon: f64, lat: f64) -> (f64, f64) {
        let Terms { n, t, c, a, ep2, sin, cos } = self.terms(lon, lat);
        let x = self.k0
            * n
            * (a + (1.0 - t + c) * a.powi(3) / 6.0
                + (5.0 - 18.0 * t + t * t + 72.0 * c - 58.0 * ep2) * a.powi(5) / 120.0);
        let y = self.k0
            * (meridian_arc(&self.ell, lat.to_radians(), sin, cos)
                + n * (sin / cos)
                    * (a * a / 2.0
                        + (5.0 - t + 9.0 * c + 4.0 * c * c) * a.powi(4) / 24.0
                        + (61.0 - 58.0 * t + t * t + 600.0 * c - 330.0 * ep2) * a.powi(6) / 720.0));
        (x, y)
    }

    /// Point scale factor at lon/lat.
    pub fn scale_factor(&self, lon: f64, lat: f64) -> f64 {
        let Terms { t, c, a, ep2, .. } = self.terms(lon, lat);
        self.k0
            * (1.0
                + (1.0 + c) * a * a / 2.0
                + (5.0 - 4.0 * t + 42.0 * c + 13.0 * c * c - 28.0 * ep2) * a.powi(4) / 24.0
                + (61.0 - 148.0 * t + 16.0 * t * t) * a.powi(6) / 720.0)
    }
}

/// See [`TransverseMercator::terms`].
struct Terms {
    n: f64,
    t: f64,
    c: f64,
    a: f64,
    ep2: f64,
    sin: f64,
    cos: f64,
}

/// Distance along the meridian from the equator to latitude `phi` (radians,
/// with its sine and cosine), Snyder (3-21); sin 2φ, 4φ and 6φ by the
/// double- and sum-angle rules.
fn meridian_arc(ell: &Ellipsoid, phi: f64, sin: f64, cos: f64) -> f64 {
    let e2 = ell.e2;
    let (e4, e6) = (e2 * e2, e2 * e2 * e2);
    let (s2, c2) = (2.0 * sin * cos, 1.0 - 2.0 * sin * sin);
    let (s4, c4) = (2.0 * s2 * c2, 1.0 - 2.0 * s2 * s2);
    let s6 = s4 * c2 + c4 * s2;
    ell.a
        * ((1.0 - e2 / 4.0 - 3.0 * e4 / 64.0 - 5.0 * e6 / 256.0) * phi
            - (3.0 * e2 / 8.0 + 3.0 * e4 / 32.0 + 45.0 * e6 / 1024.0) * s2
            + (15.0 * e4 / 256.0 + 45.0 * e6 / 1024.0) * s4
            - (35.0 * e6 / 3072.0) * s6)
}

/// The projection of one map.
#[derive(Clone, Debug)]
pub(crate) enum Projection {
    /// Lambert conformal conic (overview).
    Lambert(LambertConic),
    /// Gauss–Krüger (proposal sheets).
    GaussKruger(TransverseMercator),
}

impl Projection {
    /// Projected metres of lon/lat degrees.
    pub fn forward(&self, lon: f64, lat: f64) -> (f64, f64) {
        match self {
            Projection::Lambert(p) => p.forward(lon, lat),
            Projection::GaussKruger(p) => p.forward(lon, lat),
        }
    }

    /// Point scale factor (projected metres per metre on the ground) at lon/lat.
    pub fn scale_factor(&self, lon: f64, lat: f64) -> f64 {
        match self {
            Projection::Lambert(p) => p.scale_factor(lat),
            Projection::GaussKruger(p) => p.scale_factor(lon, lat),
        }
    }

    /// The legend line naming the projection.
    pub fn describe_zh(&self) -> String {
        match self {
            Projection::Lambert(p) => format!(
                "兰勃特等角圆锥投影（CGCS2000 椭球），标准纬线 {}、{}，中央经线 {}",
                deg(p.parallels.0, 'N'),
                deg(p.parallels.1, 'N'),
                deg(p.lon0, 'E')
            ),
            Projection::GaussKruger(p) => {
                format!("高斯-克吕格投影（CGCS2000，3° 带），中央经线 {}", deg(p.lon0, 'E'))
            }
        }
    }
}

/// `40.5°N`, `111°E`.
pub(crate) fn deg(v: f64, hemi: char) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}°{hemi}", v.round())
    } else {
        format!("{v:.1}°{hemi}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geographiclib_rs::{DirectGeodesic, Geodesic, InverseGeodesic};

    /// Clarke 1866, the ellipsoid of Snyder's worked examples.
    const CLARKE_1866: Ellipsoid = Ellipsoid { a: 6_378_206.4, e2: 0.006_768_66 };

    #[test]
    fn lambert_matches_snyders_worked_example() {
        // Snyder p. 296: φ1 = 33°, φ2 = 45°, φ0 = 23°, λ0 = 96°W; 35°N 75°W.
        let p = LambertConic::new(CLARKE_1866, 33.0, 45.0, 23.0, -96.0);
        let (x, y) = p.forward(-75.0, 35.0);
        assert!((x - 1_894_410.9).abs() < 0.1, "x = {x}");
        assert!((y - 1_564_649.5).abs() < 0.1, "y = {y}");
        assert!((p.scale_factor(35.0) - 0.997_017_1).abs() < 1e-7);
    }

    #[test]
    fn transverse_mercator_matches_snyders_worked_example() {
        // Snyder p. 269: λ0 = 75°W, k0 = 0.9996; 40.5°N 73.5°W.
        let p = TransverseMercator::new(CLARKE_1866, -75.0, 0.9996);
        let (x, y) = p.forward(-73.5, 40.5);
        assert!((x - 127_106.5).abs() < 0.1, "x = {x}");
        assert!((y - 4_484_124.4).abs() < 0.1, "y = {y}");
        assert!((p.scale_factor(-73.5, 40.5) - 0.999_798_9).abs() < 1e-7);
    }

    /// Planar length / scale factor must equal the geodesic length (an independent method).
    fn check_scale(points: &[(f64, f64)], forward: impl Fn(f64, f64) -> (f64, f64), k: impl Fn(f64, f64) -> f64) {
        let g = Geodesic::new(6_378_137.0, 1.0 / 298.257_222_101);
        for &(lon, lat) in points {
            for azi in [0.0, 37.0, 90.0, 151.0] {
                let (lat2, lon2) = g.direct(lat, lon, azi, 1000.0);
                let (x1, y1) = forward(lon, lat);
                let (x2, y2) = forward(lon2, lat2);
                let planar = (x2 - x1).hypot(y2 - y1);
                let s: f64 = g.inverse(lat, lon, lat2, lon2);
                let kmid = k((lon + lon2) / 2.0, (lat + lat2) / 2.0);
                assert!((planar / kmid - s).abs() / s < 1e-6, "at {lon},{lat} azimuth {azi}: {planar} / {kmid} vs {s}");
            }
        }
    }

    #[test]
    fn lambert_scale_factor_agrees_with_geodesic_lengths() {
        let p = LambertConic::fitted(37.4, 53.3, 111.6);
        check_scale(&POINTS, |lon, lat| p.forward(lon, lat), |_, lat| p.scale_factor(lat));
    }

    /// Across Inner Mongolia, including 1.4° from a zone's central meridian.
    const POINTS: [(f64, f64); 5] = [(98.0, 38.0), (111.6, 40.8), (117.0, 44.0), (124.5, 52.5), (118.4, 43.0)];

    #[test]
    fn gauss_kruger_scale_factor_agrees_with_geodesic_lengths() {
        for (lon, lat) in POINTS {
            let p = TransverseMercator::gauss_kruger_3deg(lon);
            check_scale(&[(lon, lat)], |lo, la| p.forward(lo, la), |lo, la| p.scale_factor(lo, la));
        }
    }

    #[test]
    fn lambert_is_not_raw_degrees() {
        // At 40°N one degree of longitude is ~0.77 of a degree of latitude on the ground.
        let p = LambertConic::fitted(37.4, 53.3, 111.0);
        let (x0, y0) = p.forward(111.0, 40.0);
        let (x1, _) = p.forward(112.0, 40.0);
        let (_, y1) = p.forward(111.0, 41.0);
        let ratio = (x1 - x0) / (y1 - y0);
        assert!((ratio - 0.767).abs() < 0.01, "{ratio}");
    }

    /// The multiple-angle sines from sin φ and cos φ give Snyder's series as
    /// written with sin 2φ, sin 4φ and sin 6φ, to a micrometre.
    #[test]
    fn meridian_arc_by_the_angle_rules_is_snyders() {
        let ell = Ellipsoid::GRS80;
        let (e2, a) = (ell.e2, ell.a);
        let (e4, e6) = (e2 * e2, e2 * e2 * e2);
        for k in 0..=900 {
            let phi = (f64::from(k) / 10.0).to_radians();
            let snyder = a
                * ((1.0 - e2 / 4.0 - 3.0 * e4 / 64.0 - 5.0 * e6 / 256.0) * phi
                    - (3.0 * e2 / 8.0 + 3.0 * e4 / 32.0 + 45.0 * e6 / 1024.0) * (2.0 * phi).sin()
                    + (15.0 * e4 / 256.0 + 45.0 * e6 / 1024.0) * (4.0 * phi).sin()
                    - (35.0 * e6 / 3072.0) * (6.0 * phi).sin());
            let got = meridian_arc(&ell, phi, phi.sin(), phi.cos());
            assert!((got - snyder).abs() < 1e-6, "{} at {phi}", got - snyder);
        }
        // a quarter meridian of GRS80 is 10,001,965.729 m
        let quarter = meridian_arc(&ell, std::f64::consts::FRAC_PI_2, 1.0, 0.0);
        assert!((quarter - 10_001_965.729).abs() < 0.01, "{quarter}");
    }

    #[test]
    fn gauss_kruger_zone_of_hohhot_is_111e() {
        assert_eq!(TransverseMercator::gauss_kruger_3deg(111.6).lon0, 111.0);
        assert_eq!(TransverseMercator::gauss_kruger_3deg(112.6).lon0, 114.0);
    }
}
