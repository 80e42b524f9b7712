//! Seeded random geometry for tests: the same polygons on every run, so that
//! comparisons against brute force are reproducible (as rstar's tests do).

use geo::{LineString, MultiPolygon, Polygon};

/// A tiny deterministic generator (xorshift64*), so that the brute-force
/// comparisons run on the same polygons every time.
pub(crate) struct Rng(pub u64);
impl Rng {
    pub fn next(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.next()
    }
}

/// A star-shaped polygon (random radius at sorted angles) around a centre,
/// `r` in degrees of latitude.
pub(crate) fn star(rng: &mut Rng, cx: f64, cy: f64, r: f64, n: usize) -> MultiPolygon<f64> {
    let k = 1.0 / cy.to_radians().cos();
    let mut pts: Vec<(f64, f64)> = (0..n)
        .map(|i| {
            let t = (i as f64 + rng.range(0.0, 0.8)) / n as f64 * std::f64::consts::TAU;
            let rr = r * rng.range(0.3, 1.0);
            (cx + rr * k * t.cos(), cy + rr * t.sin())
        })
        .collect();
    pts.push(pts[0]);
    MultiPolygon(vec![Polygon::new(LineString::from(pts), vec![])])
}
