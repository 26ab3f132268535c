//! The binding layer: the only code that knows JavaScript. It converts types and errors and
//! holds no retry rules; those live in [`crate::engine`].

mod entropy;
mod errors;
#[cfg(feature = "infra")]
mod export;
mod policy;

#[cfg(test)]
mod tests;
