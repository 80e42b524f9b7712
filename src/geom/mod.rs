//! Geometry on the ellipsoid: validation, geodesic areas and distances,
//! clipping, and the R-tree wrappers.
//!
//! Coordinates are lon/lat degrees. Intersections are computed on the
//! lon/lat plane (edges straight in lon/lat, as the layers store them); every
//! measure of the result is geodesic.

pub mod area;
pub mod clip;
pub mod distance;
pub mod general;
pub mod index;
pub mod nearest;
pub mod overlay;
#[cfg(test)]
pub(crate) mod testkit;
pub mod validate;
