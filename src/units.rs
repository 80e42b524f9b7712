//! Units that must not be mixed up: areas in mu (亩), distances in metres.
//!
//! Geometry stays `f64`; these wrappers only exist where a number leaves the
//! geometry code and becomes a result somebody reads.

use serde::Serialize;
use std::ops::{Add, AddAssign, Sub};

/// Square metres in one mu: 1 mu = 10000/15 m² = 666.666… m².
pub const M2_PER_MU: f64 = 10000.0 / 15.0;

/// An area in mu (亩), measured on the ellipsoid.
#[derive(Clone, Copy, Debug, Default, PartialEq, PartialOrd, Serialize)]
#[serde(transparent)]
pub struct Mu(pub f64);

impl Mu {
    /// Zero mu.
    pub const ZERO: Mu = Mu(0.0);

    /// Converts square metres to mu.
    pub fn from_m2(m2: f64) -> Mu {
        Mu(m2 / M2_PER_MU)
    }

    /// The area in square metres.
    pub fn m2(self) -> f64 {
        self.0 * M2_PER_MU
    }
}

impl Add for Mu {
    type Output = Mu;
    fn add(self, o: Mu) -> Mu {
        Mu(self.0 + o.0)
    }
}

impl Sub for Mu {
    type Output = Mu;
    fn sub(self, o: Mu) -> Mu {
        Mu(self.0 - o.0)
    }
}

impl AddAssign for Mu {
    fn add_assign(&mut self, o: Mu) {
        self.0 += o.0;
    }
}

impl std::iter::Sum for Mu {
    fn sum<I: Iterator<Item = Mu>>(it: I) -> Mu {
        Mu(it.map(|m| m.0).sum())
    }
}

/// A geodesic distance in metres.
#[derive(Clone, Copy, Debug, Default, PartialEq, PartialOrd, Serialize)]
#[serde(transparent)]
pub struct Metres(pub f64);

/// Rounds a value for output so that files stay readable and stable
/// (areas to 1e-6 mu ≈ 0.0007 m², shares to 1e-9, distances to 1 mm).
pub fn round_to(x: f64, decimals: i32) -> f64 {
    let k = 10f64.powi(decimals);
    let r = (x * k).round() / k;
    if r == 0.0 {
        0.0 // no "-0.0" in outputs
    } else {
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_mu_is_two_thirds_of_a_thousand_square_metres() {
        assert!((Mu(1.0).m2() - 666.666_666_666_666_6).abs() < 1e-9);
        assert!((Mu::from_m2(10_000.0).0 - 15.0).abs() < 1e-12);
    }

    #[test]
    fn rounding_drops_negative_zero() {
        assert_eq!(round_to(-0.000_000_1, 6).to_string(), "0");
        assert_eq!(round_to(1.234_567_89, 6), 1.234_568);
    }
}
